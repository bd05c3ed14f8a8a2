"""The demo tourism site of Tuyên Quang, in Vietnamese and English: the
destination index with one section per district of edition 2025-03-01,
the real destinations of cooperatives/data/tuyen_quang_ocop_and_destinations.json
(plus one for Yên Sơn, see below), a few events and news items, and the
event, news and map pages.

Names, communes, districts and sources come from the data file; the page
texts are written for the demo from the facts in its notes, and entries the
file marks "uncertain" say so on their page and are never featured. The
file has no destination of its own in Yên Sơn, but its notes list Yên Sơn
communes inside the Tân Trào special national relic area: the Yên Sơn
destination is the Kim Quan part of that area, citing Tân Trào's source.

Latitudes and longitudes are not in the data file: they are approximate
positions of each commune or place, placed by hand for the demo, good
enough for a map of the province and "nearby" lists, not for navigation.
Pictures are drawn here (no download, no third-party photo); event dates
are set relative to the day the demo is loaded.

Safe to run again: pages are found by their slug under their parent and
their English translation by Wagtail's translation key, and whatever
already exists is left as it is.
"""

import datetime
import io
import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from PIL import Image as PillowImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site
from wagtail.utils.file import hash_filelike

from cooperatives.models import AdministrativeUnit

from . import services
from .models import (
    DestinationIndexPage,
    DestinationKind,
    DestinationPage,
    DistrictSectionPage,
    EventIndexPage,
    EventPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    TourismMapPage,
)

EDITION = "2025-03-01"
DATA_FILE = Path(settings.BASE_DIR) / "cooperatives" / "data" / "tuyen_quang_ocop_and_destinations.json"
FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
PICTURE_SIZE = (1600, 900)
JPEG_QUALITY = 80


class Both(NamedTuple):
    """A text in Vietnamese and in English."""

    vi: str
    en: str


UNCERTAIN = Both("Thông tin cần xác minh", "Facts to be verified")
DEMO_NOTE = Both(
    "Trang demo: nội dung được viết lại từ nguồn công khai (xem liên kết nguồn); ảnh là hình vẽ minh hoạ "
    "và vị trí trên bản đồ là gần đúng.",
    "Demo page: written from public sources (see the source link); the picture is a drawn illustration "
    "and the map position is approximate.",
)
ASK_MANAGEMENT = Both("Liên hệ ban quản lý", "Ask the management board")
ASK_HOMESTAYS = Both("Liên hệ các hộ làm homestay", "Ask the homestay households")
ALL_YEAR = Both("Quanh năm", "All year round")
RAINY_SEASON = Both(
    "Mùa mưa (khoảng tháng 5 đến tháng 9), khi thác nhiều nước nhất",
    "The rainy season (about May to September), when the falls carry the most water",
)


@dataclass(frozen=True)
class DemoSection:
    """A district's section page: what its officers will edit."""

    district_code: str
    slug: str
    title: Both
    intro: Both


@dataclass(frozen=True)
class DemoDestination:
    """A destination page: its place and source come from the data file,
    the texts, position and picture from here."""

    # The entry's "name" in the data file, or "" for the Yên Sơn destination,
    # whose place is given here and whose source is that of ``source_of``.
    data_name: str
    slug: str
    short_name: str  # written on its picture
    kind: str
    scene: str  # what its picture shows, see destination_picture()
    latitude: str
    longitude: str
    title: Both
    intro: Both
    paragraphs: tuple[Both, ...]
    caption: Both
    best_season: Both | None = None
    how_to_get_there: Both | None = None
    opening_hours: Both | None = None
    prices: Both | None = None
    featured: bool = False
    # What is to be verified, for entries the data file marks uncertain.
    verify: Both | None = None
    district_code: str = ""
    commune_code: str = ""
    source_of: str = ""


@dataclass(frozen=True)
class DemoEvent:
    """An event under a district section, dated from the day of loading so
    the demo always has coming events and a past one."""

    district_code: str
    slug: str
    destination: str  # its slug
    starts_in_days: int  # from the day the demo is loaded; negative for a past event
    days: int
    title: Both
    place: Both
    intro: Both
    paragraphs: tuple[Both, ...]


@dataclass(frozen=True)
class DemoNews:
    """A news item under a district section about one of its destinations."""

    district_code: str
    slug: str
    destination: str  # its slug: the news item shows its picture and cites its source
    days_ago: int
    title: Both
    intro: Both
    paragraphs: tuple[Both, ...]


@dataclass
class DemoPagesResult:
    """How many pages (counting each language) the demo created, and how
    many it found already there."""

    created: int = 0
    existing: int = 0


INDEX_PAGES = (
    # (model, slug vi, slug en, title, intro)
    (
        DestinationIndexPage,
        "diem-den",
        "destinations",
        Both("Điểm đến", "Destinations"),
        Both(
            "Làng du lịch cộng đồng, homestay, di tích và cảnh quan của bảy huyện, thành phố tỉnh "
            "Tuyên Quang.",
            "Community-tourism villages, homestays, relic sites and landscapes of Tuyên Quang's seven "
            "districts and city.",
        ),
    ),
    (
        EventIndexPage,
        "su-kien",
        "events",
        Both("Sự kiện", "Events"),
        Both(
            "Lễ hội và hoạt động ở các điểm đến du lịch nông thôn.",
            "Festivals and activities at the rural destinations.",
        ),
    ),
    (
        NewsIndexPage,
        "tin-tuc",
        "news",
        Both("Tin tức", "News"),
        Both("Tin du lịch nông thôn từ các huyện.", "Rural-tourism news from the districts."),
    ),
    (
        TourismMapPage,
        "ban-do",
        "map",
        Both("Bản đồ du lịch", "Tourism map"),
        Both(
            "Điểm đến, hợp tác xã và vùng nguyên liệu của tỉnh trên một bản đồ.",
            "The province's destinations, cooperatives and raw-material areas on one map.",
        ),
    ),
)

DEMO_SECTIONS: tuple[DemoSection, ...] = (
    DemoSection(
        "070",
        "thanh-pho-tuyen-quang",
        Both("Thành phố Tuyên Quang", "Tuyên Quang city"),
        Both(
            "Trung tâm của tỉnh bên sông Lô: suối khoáng Mỹ Lâm và các làng văn hoá ven thành phố.",
            "The provincial capital on the Lô river: the Mỹ Lâm hot springs and cultural villages on the "
            "city's edge.",
        ),
    ),
    DemoSection(
        "071",
        "lam-binh",
        Both("Huyện Lâm Bình", "Lâm Bình district"),
        Both(
            "Huyện vùng cao phía bắc tỉnh, bên lòng hồ thủy điện Tuyên Quang: làng người Tày làm homestay "
            "như Nà Tông, Nặm Đíp, và thác Khuổi Nhi.",
            "The northern highland district by the Tuyên Quang reservoir: Tày villages with homestays such "
            "as Nà Tông and Nặm Đíp, and the Khuổi Nhi waterfall.",
        ),
    ),
    DemoSection(
        "072",
        "na-hang",
        Both("Huyện Na Hang", "Na Hang district"),
        Both(
            "Hồ Na Hang – Lâm Bình, rừng đặc dụng Tát Kẻ – Bản Bung, thác Pác Ban và các làng homestay "
            "của người Dao, người Tày.",
            "The Na Hang – Lâm Bình lake, the Tát Kẻ – Bản Bung special-use forest, the Pác Ban waterfall "
            "and the homestay villages of the Dao and Tày.",
        ),
    ),
    DemoSection(
        "073",
        "chiem-hoa",
        Both("Huyện Chiêm Hóa", "Chiêm Hóa district"),
        Both(
            "Huyện giữa tỉnh bên sông Gâm, có thác Bản Ba ở xã Trung Hà.",
            "A district in the middle of the province on the Gâm river, with the Bản Ba waterfall in Trung "
            "Hà commune.",
        ),
    ),
    DemoSection(
        "074",
        "ham-yen",
        Both("Huyện Hàm Yên", "Hàm Yên district"),
        Both(
            "Huyện phía tây của tỉnh, có quần thể hang Động Tiên ở xã Yên Phú.",
            "The province's western district, with the Động Tiên caves in Yên Phú commune.",
        ),
    ),
    DemoSection(
        "075",
        "yen-son",
        Both("Huyện Yên Sơn", "Yên Sơn district"),
        Both(
            "Huyện bao quanh thành phố Tuyên Quang; nhiều xã của huyện nằm trong khu di tích quốc gia đặc "
            "biệt Tân Trào.",
            "The district around Tuyên Quang city; several of its communes lie within the Tân Trào special "
            "national relic area.",
        ),
    ),
    DemoSection(
        "076",
        "son-duong",
        Both("Huyện Sơn Dương", "Sơn Dương district"),
        Both(
            "Huyện phía nam của tỉnh, nơi có khu di tích quốc gia đặc biệt Tân Trào và làng văn hoá du lịch "
            "Tân Lập.",
            "The province's southern district, home of the Tân Trào special national relic site and the "
            "Tân Lập cultural tourism village.",
        ),
    ),
)

TAN_TRAO = "Khu di tích quốc gia đặc biệt Tân Trào (Đình Hồng Thái, Lán Nà Nưa, hồ Nà Nưa)"
Kind = DestinationKind

DEMO_DESTINATIONS: tuple[DemoDestination, ...] = (
    DemoDestination(
        data_name=TAN_TRAO,
        slug="khu-di-tich-tan-trao",
        short_name="Tân Trào",
        kind=Kind.HERITAGE,
        scene="relic",
        latitude="21.792000",
        longitude="105.424000",
        title=Both("Khu di tích quốc gia đặc biệt Tân Trào", "Tân Trào special national relic site"),
        intro=Both(
            "Di tích quốc gia đặc biệt gắn với Cách mạng Tháng Tám năm 1945: đình Hồng Thái, lán Nà Nưa và "
            "hồ Nà Nưa ở xã Tân Trào, huyện Sơn Dương.",
            "A special national relic site tied to the August Revolution of 1945: the Hồng Thái communal "
            "house, the Nà Nưa hut and Nà Nưa lake in Tân Trào commune, Sơn Dương district.",
        ),
        paragraphs=(
            Both(
                "Tân Trào được xếp hạng di tích quốc gia đặc biệt theo Quyết định 548/QĐ-TTg ngày 10/5/2012 "
                "của Thủ tướng Chính phủ. Đình Hồng Thái ở thôn Cả, xã Tân Trào.",
                "Tân Trào was listed as a special national relic by the Prime Minister's Decision "
                "548/QĐ-TTg of 10 May 2012. The Hồng Thái communal house stands in Cả hamlet, Tân Trào "
                "commune.",
            ),
            Both(
                "Khu di tích trải trên nhiều xã của huyện Sơn Dương (Tân Trào, Minh Thanh, Trung Yên, Bình "
                "Yên, Lương Thiện) và huyện Yên Sơn (Kim Quan, Trung Sơn, Hùng Lợi, Trung Minh, Đạo Viện, "
                "Công Đa, Phú Thịnh).",
                "The relic area spans communes of Sơn Dương district (Tân Trào, Minh Thanh, Trung Yên, Bình "
                "Yên, Lương Thiện) and of Yên Sơn district (Kim Quan, Trung Sơn, Hùng Lợi, Trung Minh, Đạo "
                "Viện, Công Đa, Phú Thịnh).",
            ),
        ),
        caption=Both("Tân Trào (hình minh hoạ)", "Tân Trào (illustration)"),
        best_season=ALL_YEAR,
        how_to_get_there=Both(
            "Khoảng 15 km từ thị trấn Sơn Dương theo quốc lộ 2C.",
            "About 15 km from Sơn Dương town along national road 2C.",
        ),
        opening_hours=ASK_MANAGEMENT,
        prices=ASK_MANAGEMENT,
        featured=True,
    ),
    DemoDestination(
        data_name="Làng văn hóa du lịch Tân Lập (homestay, du lịch cộng đồng)",
        slug="lang-van-hoa-du-lich-tan-lap",
        short_name="Tân Lập",
        kind=Kind.COMMUNITY_VILLAGE,
        scene="village",
        latitude="21.784000",
        longitude="105.415000",
        title=Both("Làng văn hoá du lịch Tân Lập", "Tân Lập cultural tourism village"),
        intro=Both(
            "Thôn Tân Lập, xã Tân Trào: nghỉ homestay trong nhà sàn của người Tày, gần khu di tích Tân Trào.",
            "Tân Lập hamlet, Tân Trào commune: stay in Tày stilt houses near the Tân Trào relic site.",
        ),
        paragraphs=(
            Both(
                "Các hộ gia đình trong thôn được một tổ chức phi lợi nhuận của Nhật Bản tập huấn làm du lịch "
                "cộng đồng.",
                "Households of the hamlet were trained in community tourism by a Japanese non-profit "
                "organisation.",
            ),
            Both(
                "Ở thôn Tiền Phong gần đó, du khách có thể thử hái chè.",
                "In nearby Tiền Phong hamlet visitors can try picking tea.",
            ),
        ),
        caption=Both("Nhà sàn ở Tân Lập (hình minh hoạ)", "Stilt houses in Tân Lập (illustration)"),
        best_season=ALL_YEAR,
        how_to_get_there=Both(
            "Trong xã Tân Trào, khoảng 15 km từ thị trấn Sơn Dương theo quốc lộ 2C.",
            "In Tân Trào commune, about 15 km from Sơn Dương town along national road 2C.",
        ),
        prices=ASK_HOMESTAYS,
        featured=True,
    ),
    DemoDestination(
        data_name="Hồ sinh thái Na Hang – Lâm Bình (hồ thủy điện Tuyên Quang; núi/đền Pắc Tạ, Cọc Vài Phạ)",
        slug="ho-na-hang-lam-binh",
        short_name="Hồ Na Hang – Lâm Bình",
        kind=Kind.LANDSCAPE,
        scene="lake",
        latitude="22.390000",
        longitude="105.330000",
        title=Both("Hồ sinh thái Na Hang – Lâm Bình", "Na Hang – Lâm Bình lake"),
        intro=Both(
            "Lòng hồ thủy điện Tuyên Quang giữa núi rừng Na Hang và Lâm Bình, với núi và đền Pắc Tạ, Cọc "
            "Vài Phạ.",
            "The Tuyên Quang hydropower reservoir among the mountains of Na Hang and Lâm Bình, with Pắc Tạ "
            "mountain and temple and Cọc Vài Phạ.",
        ),
        paragraphs=(
            Both(
                "Khu du lịch sinh thái rộng khoảng 15.000 ha, trong đó khoảng 8.000 ha mặt nước, trải trên "
                "hai huyện Na Hang và Lâm Bình. Bến thuyền đón khách ở xã Thượng Lâm (Lâm Bình).",
                "The eco-tourism area covers about 15,000 ha, some 8,000 ha of it water, across Na Hang and "
                "Lâm Bình districts. Boats leave from the wharf in Thượng Lâm commune (Lâm Bình).",
            ),
        ),
        caption=Both("Hồ Na Hang – Lâm Bình (hình minh hoạ)", "Na Hang – Lâm Bình lake (illustration)"),
        how_to_get_there=Both(
            "Đi thuyền từ bến ở xã Thượng Lâm, huyện Lâm Bình.",
            "By boat from the wharf in Thượng Lâm commune, Lâm Bình district.",
        ),
        prices=Both("Liên hệ bến thuyền", "Ask at the boat wharf"),
        verify=Both(
            "danh sách các xã trong quy hoạch khu du lịch và danh hiệu của khu bảo tồn chỉ thấy trên nguồn "
            "chưa chính thức.",
            "the list of communes in the tourism area's plan and the reserve's national title come from "
            "unofficial sources only.",
        ),
    ),
    DemoDestination(
        data_name="Thác Pác Ban (Thác Mơ)",
        slug="thac-pac-ban",
        short_name="Thác Pác Ban",
        kind=Kind.LANDSCAPE,
        scene="waterfall",
        latitude="22.370000",
        longitude="105.405000",
        title=Both("Thác Pác Ban (thác Mơ)", "Pác Ban waterfall (Mơ falls)"),
        intro=Both(
            "Thác chín tầng, còn gọi là Tát Tốc, cách thị trấn Na Hang khoảng 4 km, trong khu bảo tồn "
            "thiên nhiên Tát Kẻ – Bản Bung.",
            "A nine-tier waterfall, also called Tát Tốc, about 4 km from Na Hang town inside the Tát Kẻ – "
            "Bản Bung nature reserve.",
        ),
        paragraphs=(),
        caption=Both("Thác Pác Ban (hình minh hoạ)", "Pác Ban waterfall (illustration)"),
        best_season=RAINY_SEASON,
        how_to_get_there=Both("Khoảng 4 km từ thị trấn Na Hang.", "About 4 km from Na Hang town."),
        verify=Both(
            "danh hiệu danh thắng quốc gia của thác chỉ thấy trên trang của một công ty lữ hành.",
            "the falls' national scenic title appears only on a travel company's page.",
        ),
    ),
    DemoDestination(
        data_name="Khu bảo tồn thiên nhiên Tát Kẻ – Bản Bung (rừng đặc dụng Na Hang)",
        slug="khu-bao-ton-tat-ke-ban-bung",
        short_name="Tát Kẻ – Bản Bung",
        kind=Kind.LANDSCAPE,
        scene="forest",
        latitude="22.330000",
        longitude="105.420000",
        title=Both("Khu bảo tồn thiên nhiên Tát Kẻ – Bản Bung", "Tát Kẻ – Bản Bung nature reserve"),
        intro=Both(
            "Rừng đặc dụng Na Hang rộng hơn 22.000 ha, với hơn 2.000 loài thực vật; là nơi sống của loài "
            "voọc mũi hếch.",
            "Na Hang's special-use forest, over 22,000 ha with more than 2,000 plant species; home of the "
            "Tonkin snub-nosed monkey.",
        ),
        paragraphs=(
            Both(
                "Khu bảo tồn trải trên các xã Khau Tinh, Sơn Phú, Côn Lôn và Thanh Tương. Vào rừng đặc dụng "
                "cần theo hướng dẫn của ban quản lý khu bảo tồn.",
                "The reserve spans Khau Tinh, Sơn Phú, Côn Lôn and Thanh Tương communes. Visits to the "
                "special-use forest follow the reserve management board's guidance.",
            ),
        ),
        caption=Both("Rừng Tát Kẻ – Bản Bung (hình minh hoạ)", "Tát Kẻ – Bản Bung forest (illustration)"),
        how_to_get_there=Both("Khoảng 7 km từ thị trấn Na Hang.", "About 7 km from Na Hang town."),
        opening_hours=ASK_MANAGEMENT,
        featured=True,
    ),
    DemoDestination(
        data_name="Làng văn hóa du lịch thôn Nà Tông",
        slug="lang-van-hoa-du-lich-na-tong",
        short_name="Nà Tông",
        kind=Kind.COMMUNITY_VILLAGE,
        scene="village",
        latitude="22.380000",
        longitude="105.260000",
        title=Both("Làng văn hoá du lịch thôn Nà Tông", "Nà Tông cultural tourism village"),
        intro=Both(
            "Làng người Tày ở xã Thượng Lâm, huyện Lâm Bình, đón khách homestay từ năm 2014; nay có 11 hộ "
            "làm homestay.",
            "A Tày village in Thượng Lâm commune, Lâm Bình district, hosting guests since 2014; eleven "
            "households now run homestays.",
        ),
        paragraphs=(
            Both(
                "Nà Tông được nêu là một trong 130 mô hình làng của APEC. Từ làng có thể ra bến thuyền "
                "Thượng Lâm để đi hồ Na Hang – Lâm Bình.",
                "Nà Tông has been cited as one of 130 APEC village models. From the village, the Thượng Lâm "
                "wharf leads onto the Na Hang – Lâm Bình lake.",
            ),
        ),
        caption=Both("Nà Tông (hình minh hoạ)", "Nà Tông (illustration)"),
        prices=ASK_HOMESTAYS,
        featured=True,
    ),
    DemoDestination(
        data_name="Làng văn hóa du lịch thôn Khâu Tràng (Hồng Thái)",
        slug="lang-van-hoa-du-lich-khau-trang",
        short_name="Khâu Tràng",
        kind=Kind.COMMUNITY_VILLAGE,
        scene="terraces",
        latitude="22.445000",
        longitude="105.315000",
        title=Both("Làng văn hoá du lịch thôn Khâu Tràng", "Khâu Tràng cultural tourism village"),
        intro=Both(
            "Làng người Dao Tiền ở xã Hồng Thái, huyện Na Hang, có 9 homestay, giữa ruộng bậc thang ở độ "
            "cao trên 1.000 m.",
            "A Dao Tiền village in Hồng Thái commune, Na Hang district, with nine homestays among terraced "
            "fields over 1,000 m up.",
        ),
        paragraphs=(
            Both(
                "Hồng Thái được ví là “Sa Pa của Tuyên Quang” nhờ ruộng bậc thang và khí hậu vùng cao.",
                "Hồng Thái is called “the Sa Pa of Tuyên Quang” for its terraced fields and highland "
                "climate.",
            ),
        ),
        caption=Both("Ruộng bậc thang Hồng Thái (hình minh hoạ)", "Hồng Thái terraces (illustration)"),
        best_season=Both(
            "Mùa lúa chín trên ruộng bậc thang (khoảng tháng 9–10)",
            "When the rice ripens on the terraces (about September–October)",
        ),
        prices=ASK_HOMESTAYS,
        featured=True,
    ),
    DemoDestination(
        data_name="Làng văn hóa thôn Nặm Đíp (homestay)",
        slug="lang-van-hoa-nam-dip",
        short_name="Nặm Đíp",
        kind=Kind.HOMESTAY,
        scene="village",
        latitude="22.435000",
        longitude="105.215000",
        title=Both("Làng văn hoá thôn Nặm Đíp", "Nặm Đíp cultural village"),
        intro=Both(
            "Thôn Nặm Đíp ở thị trấn Lăng Can, huyện Lâm Bình: một trong các làng văn hoá làm du lịch "
            "cộng đồng của Tuyên Quang, có homestay đón khách.",
            "Nặm Đíp hamlet in Lăng Can town, Lâm Bình district: one of Tuyên Quang's cultural villages "
            "with community tourism, with homestays for guests.",
        ),
        paragraphs=(
            Both(
                "Nghỉ ngay ở trung tâm huyện Lâm Bình, thuận đường đi các điểm khác trong huyện.",
                "A stay in the centre of Lâm Bình district, on the way to its other destinations.",
            ),
        ),
        caption=Both("Nặm Đíp (hình minh hoạ)", "Nặm Đíp (illustration)"),
        prices=ASK_HOMESTAYS,
    ),
    DemoDestination(
        data_name="Làng văn hóa thôn Giếng Tanh",
        slug="lang-van-hoa-gieng-tanh",
        short_name="Giếng Tanh",
        kind=Kind.COMMUNITY_VILLAGE,
        scene="village",
        latitude="21.860000",
        longitude="105.190000",
        title=Both("Làng văn hoá thôn Giếng Tanh", "Giếng Tanh cultural village"),
        intro=Both(
            "Thôn Giếng Tanh, xã Kim Phú: một trong các làng văn hoá làm du lịch cộng đồng của tỉnh.",
            "Giếng Tanh hamlet, Kim Phú commune: one of the province's cultural villages with community "
            "tourism.",
        ),
        paragraphs=(),
        caption=Both("Giếng Tanh (hình minh hoạ)", "Giếng Tanh (illustration)"),
        verify=Both(
            "nguồn ghi xã Kim Phú thuộc huyện Yên Sơn; theo dữ liệu hành chính 2021–2025, Kim Phú thuộc "
            "thành phố Tuyên Quang.",
            "the source places Kim Phú commune in Yên Sơn district; in the 2021–2025 administrative data "
            "Kim Phú belongs to Tuyên Quang city.",
        ),
    ),
    DemoDestination(
        data_name="Khu du lịch Suối khoáng Mỹ Lâm",
        slug="suoi-khoang-my-lam",
        short_name="Suối khoáng Mỹ Lâm",
        kind=Kind.LANDSCAPE,
        scene="spring",
        latitude="21.890000",
        longitude="105.160000",
        title=Both("Khu du lịch suối khoáng Mỹ Lâm", "Mỹ Lâm hot springs"),
        intro=Both(
            "Suối khoáng nóng lưu huỳnh ở phường Mỹ Lâm, cách trung tâm thành phố Tuyên Quang khoảng "
            "12–15 km.",
            "A hot sulphur spring in Mỹ Lâm ward, about 12–15 km from the centre of Tuyên Quang city.",
        ),
        paragraphs=(
            Both(
                "Khu suối khoáng ở tổ 6 phường Mỹ Lâm, trước kia là xóm Nước Nóng. Tài liệu cũ ghi địa chỉ "
                "xã Phú Lâm, huyện Yên Sơn, tên gọi trước khi sắp xếp lại đơn vị hành chính.",
                "The springs are in group 6 of Mỹ Lâm ward, formerly Nước Nóng hamlet. Older documents give "
                "the address as Phú Lâm commune, Yên Sơn district, its name before the administrative "
                "reorganisation.",
            ),
        ),
        caption=Both("Suối khoáng Mỹ Lâm (hình minh hoạ)", "Mỹ Lâm hot springs (illustration)"),
        best_season=ALL_YEAR,
        how_to_get_there=Both(
            "Khoảng 12–15 km từ trung tâm thành phố Tuyên Quang.",
            "About 12–15 km from the centre of Tuyên Quang city.",
        ),
        opening_hours=ASK_MANAGEMENT,
        prices=ASK_MANAGEMENT,
        featured=True,
    ),
    DemoDestination(
        data_name="Thôn Nà Khá, Nà Vai (homestay pilot)",
        slug="thon-na-kha-na-vai",
        short_name="Nà Khá – Nà Vai",
        kind=Kind.COMMUNITY_VILLAGE,
        scene="village",
        latitude="22.400000",
        longitude="105.430000",
        title=Both("Homestay thôn Nà Khá, Nà Vai", "Nà Khá and Nà Vai homestays"),
        intro=Both(
            "Hai thôn của xã Năng Khả được huyện Na Hang chọn xây dựng làng du lịch cộng đồng "
            "(khoảng năm 2015–2016).",
            "Two hamlets of Năng Khả commune that Na Hang district chose for community-tourism villages "
            "(around 2015–2016).",
        ),
        paragraphs=(
            Both(
                "Đây là một trong những nơi Na Hang bắt đầu làm du lịch homestay.",
                "One of the places where Na Hang started homestay tourism.",
            ),
        ),
        caption=Both("Nà Khá, Nà Vai (hình minh hoạ)", "Nà Khá and Nà Vai (illustration)"),
        prices=ASK_HOMESTAYS,
    ),
    DemoDestination(
        data_name="Quần thể hang Động Tiên",
        slug="quan-the-hang-dong-tien",
        short_name="Động Tiên",
        kind=Kind.LANDSCAPE,
        scene="cave",
        latitude="22.005000",
        longitude="105.055000",
        title=Both("Quần thể hang Động Tiên", "Động Tiên caves"),
        intro=Both(
            "Quần thể hang động ở xã Yên Phú, huyện Hàm Yên.",
            "A group of caves in Yên Phú commune, Hàm Yên district.",
        ),
        paragraphs=(),
        caption=Both("Động Tiên (hình minh hoạ)", "Động Tiên (illustration)"),
        verify=Both(
            "danh hiệu danh thắng cấp quốc gia chỉ thấy trên một trang blog.",
            "its national scenic title appears only on a blog page.",
        ),
    ),
    DemoDestination(
        data_name="Thác Bản Ba",
        slug="thac-ban-ba",
        short_name="Thác Bản Ba",
        kind=Kind.LANDSCAPE,
        scene="waterfall",
        latitude="22.240000",
        longitude="105.230000",
        title=Both("Thác Bản Ba", "Bản Ba waterfall"),
        intro=Both(
            "Thác ba tầng ở thôn Bản Ba, xã Trung Hà, huyện Chiêm Hóa.",
            "A three-tier waterfall in Bản Ba hamlet, Trung Hà commune, Chiêm Hóa district.",
        ),
        paragraphs=(),
        caption=Both("Thác Bản Ba (hình minh hoạ)", "Bản Ba waterfall (illustration)"),
        best_season=RAINY_SEASON,
        verify=Both(
            "danh hiệu danh thắng cấp quốc gia chỉ thấy trên một trang blog.",
            "its national scenic title appears only on a blog page.",
        ),
    ),
    DemoDestination(
        data_name="Thác Khuổi Nhi",
        slug="thac-khuoi-nhi",
        short_name="Thác Khuổi Nhi",
        kind=Kind.LANDSCAPE,
        scene="waterfall",
        latitude="22.365000",
        longitude="105.280000",
        title=Both("Thác Khuổi Nhi", "Khuổi Nhi waterfall"),
        intro=Both(
            "Thác nước ở huyện Lâm Bình, nổi tiếng với đàn cá rỉa chân du khách.",
            "A waterfall in Lâm Bình district, known for the fish that nibble visitors' feet.",
        ),
        paragraphs=(),
        caption=Both("Thác Khuổi Nhi (hình minh hoạ)", "Khuổi Nhi waterfall (illustration)"),
        best_season=RAINY_SEASON,
        verify=Both("nguồn không nêu thác thuộc xã nào.", "the source does not say which commune it is in."),
    ),
    DemoDestination(
        data_name="",
        slug="khu-di-tich-tan-trao-kim-quan",
        short_name="ATK Tân Trào – Kim Quan",
        kind=Kind.HERITAGE,
        scene="relic",
        latitude="21.815000",
        longitude="105.375000",
        title=Both("Khu di tích ATK Tân Trào – xã Kim Quan", "ATK Tân Trào relic area – Kim Quan commune"),
        intro=Both(
            "Phần thuộc xã Kim Quan, huyện Yên Sơn, của khu di tích quốc gia đặc biệt Tân Trào.",
            "The Kim Quan commune (Yên Sơn district) part of the Tân Trào special national relic area.",
        ),
        paragraphs=(
            Both(
                "Khu di tích Tân Trào trải trên nhiều xã của hai huyện Sơn Dương và Yên Sơn; ở Yên Sơn có "
                "các xã Kim Quan, Trung Sơn, Hùng Lợi, Trung Minh, Đạo Viện, Công Đa và Phú Thịnh.",
                "The Tân Trào relic area spans communes of both Sơn Dương and Yên Sơn districts; in Yên Sơn "
                "these are Kim Quan, Trung Sơn, Hùng Lợi, Trung Minh, Đạo Viện, Công Đa and Phú Thịnh.",
            ),
            Both(
                "Hỏi ban quản lý khu di tích về các điểm di tích trong xã; có thể đi tiếp đến đình Hồng Thái "
                "và lán Nà Nưa ở xã Tân Trào (Sơn Dương).",
                "Ask the relic site's management board about the sites in the commune; the Hồng Thái "
                "communal house and the Nà Nưa hut in Tân Trào commune (Sơn Dương) are close by.",
            ),
        ),
        caption=Both("Kim Quan (hình minh hoạ)", "Kim Quan (illustration)"),
        best_season=ALL_YEAR,
        opening_hours=ASK_MANAGEMENT,
        district_code="075",
        commune_code="02476",
        source_of=TAN_TRAO,
    ),
)

DATE_NOTE = Both(
    "Ngày trên trang này là dữ liệu demo; hỏi ủy ban nhân dân xã để biết lịch chính thức.",
    "The dates on this page are demo data; ask the commune's people's committee for the actual schedule.",
)

DEMO_EVENTS: tuple[DemoEvent, ...] = (
    DemoEvent(
        district_code="071",
        slug="le-hoi-long-tong-lam-binh",
        destination="lang-van-hoa-du-lich-na-tong",
        starts_in_days=20,
        days=2,
        title=Both("Lễ hội Lồng Tồng ở Lâm Bình", "Lồng Tồng festival in Lâm Bình"),
        place=Both("Xã Thượng Lâm, huyện Lâm Bình", "Thượng Lâm commune, Lâm Bình district"),
        intro=Both(
            "Lễ hội xuống đồng của người Tày, mở đầu mùa vụ mới với lời cầu mưa thuận gió hoà, mùa màng "
            "bội thu.",
            "The Tày going-to-the-fields festival that opens the farming year with prayers for good weather "
            "and a rich harvest.",
        ),
        paragraphs=(
            Both(
                "Du khách có thể nghỉ tại các homestay của làng Nà Tông gần đó.",
                "Visitors can stay in the homestays of nearby Nà Tông village.",
            ),
        ),
    ),
    DemoEvent(
        district_code="076",
        slug="ky-niem-tai-tan-trao",
        destination="khu-di-tich-tan-trao",
        starts_in_days=45,
        days=2,
        title=Both("Hoạt động kỷ niệm tại khu di tích Tân Trào", "Commemorations at the Tân Trào relic site"),
        place=Both("Xã Tân Trào, huyện Sơn Dương", "Tân Trào commune, Sơn Dương district"),
        intro=Both(
            "Hoạt động kỷ niệm các sự kiện lịch sử năm 1945 ở Tân Trào: dâng hương, tham quan đình Hồng Thái "
            "và lán Nà Nưa.",
            "Commemorations of Tân Trào's history of 1945: incense offerings and visits to the Hồng Thái "
            "communal house and the Nà Nưa hut.",
        ),
        paragraphs=(),
    ),
    DemoEvent(
        district_code="076",
        slug="hai-che-tien-phong",
        destination="lang-van-hoa-du-lich-tan-lap",
        starts_in_days=-30,
        days=1,
        title=Both("Trải nghiệm hái chè ở thôn Tiền Phong", "Tea picking in Tiền Phong hamlet"),
        place=Both("Thôn Tiền Phong, xã Tân Trào", "Tiền Phong hamlet, Tân Trào commune"),
        intro=Both(
            "Một ngày hái chè cùng người dân thôn Tiền Phong, nghỉ đêm ở homestay làng Tân Lập.",
            "A day picking tea with the people of Tiền Phong, and a night in a Tân Lập homestay.",
        ),
        paragraphs=(),
    ),
)

DEMO_NEWS: tuple[DemoNews, ...] = (
    DemoNews(
        district_code="071",
        slug="na-tong-11-ho-homestay",
        destination="lang-van-hoa-du-lich-na-tong",
        days_ago=3,
        title=Both("Nà Tông có 11 hộ làm homestay", "Eleven homestay households in Nà Tông"),
        intro=Both(
            "Từ homestay đầu tiên mở năm 2014, làng người Tày Nà Tông nay có 11 hộ đón khách lưu trú.",
            "Since its first homestay opened in 2014, the Tày village of Nà Tông has grown to eleven "
            "households hosting guests.",
        ),
        paragraphs=(
            Both(
                "Nà Tông thuộc xã Thượng Lâm, huyện Lâm Bình, gần bến thuyền ra hồ Na Hang – Lâm Bình.",
                "Nà Tông is in Thượng Lâm commune, Lâm Bình district, near the wharf onto the Na Hang – Lâm "
                "Bình lake.",
            ),
        ),
    ),
    DemoNews(
        district_code="072",
        slug="khau-trang-9-homestay",
        destination="lang-van-hoa-du-lich-khau-trang",
        days_ago=12,
        title=Both(
            "Khâu Tràng: 9 homestay giữa ruộng bậc thang", "Khâu Tràng: nine homestays among the terraces"
        ),
        intro=Both(
            "Làng người Dao Tiền ở xã Hồng Thái, huyện Na Hang, có 9 homestay đón khách.",
            "The Dao Tiền village in Hồng Thái commune, Na Hang district, has nine homestays for guests.",
        ),
        paragraphs=(
            Both(
                "Hồng Thái nằm trên độ cao trên 1.000 m, được ví là “Sa Pa của Tuyên Quang”.",
                "Hồng Thái lies over 1,000 m up and is called “the Sa Pa of Tuyên Quang”.",
            ),
        ),
    ),
    DemoNews(
        district_code="070",
        slug="suoi-khoang-my-lam-gan-thanh-pho",
        destination="suoi-khoang-my-lam",
        days_ago=25,
        title=Both("Suối khoáng Mỹ Lâm, gần trung tâm thành phố", "Mỹ Lâm hot springs, close to the city"),
        intro=Both(
            "Suối khoáng nóng lưu huỳnh ở phường Mỹ Lâm chỉ cách trung tâm thành phố Tuyên Quang khoảng "
            "12–15 km.",
            "The hot sulphur spring of Mỹ Lâm ward is only about 12–15 km from the centre of Tuyên Quang "
            "city.",
        ),
        paragraphs=(),
    ),
)

NEWS_NOTE = Both("Tin minh hoạ cho bản demo.", "An illustrative news item of the demo.")
SOURCE = Both("Nguồn", "Source")
GENERIC_VERIFY = Both(
    "một số chi tiết chỉ thấy trên nguồn chưa chính thức.", "some details come from unofficial sources only."
)


def demo_pages_count() -> int:
    """How many pages demo_pages_ensure() goes through, counting each
    language: the total of its progress bar."""
    per_language = (
        len(INDEX_PAGES) + len(DEMO_SECTIONS) + len(DEMO_DESTINATIONS) + len(DEMO_EVENTS) + len(DEMO_NEWS)
    )
    return 2 * per_language


def demo_pages_ensure(*, on_progress: Callable[[int], None] | None = None) -> DemoPagesResult:
    """The demo tourism site in Vietnamese and English under the home pages
    of migration cms/0002, each page published with a first revision; the
    pages already there are left as they are. Needs the administrative
    units of edition 2025-03-01 (marketplace.demo.demo_administrative_units_load)."""
    records = _data_records()
    places = {spec.slug: _place(spec, records) for spec in DEMO_DESTINATIONS}
    units = _demo_units(places.values())
    today = timezone.localdate()
    with transaction.atomic():
        tree = _Tree(on_progress)
        images = _Images()
        home = HomePage.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)

        index_pages = {}
        for model, slug, slug_en, title, intro in INDEX_PAGES:
            index_pages[model] = tree.ensure(
                home,
                slug,
                build=partial(model, title=title.vi, intro=intro.vi),
                english=partial(dict, title=title.en, slug=slug_en, intro=intro.en),
            )
        index, _index_en = index_pages[DestinationIndexPage]

        sections = {}
        for spec in DEMO_SECTIONS:
            # A section shows the picture of its first destination.
            first = next(d for d in DEMO_DESTINATIONS if places[d.slug].district_code == spec.district_code)
            sections[spec.district_code] = tree.ensure(
                index,
                spec.slug,
                build=partial(_section_page, spec, units, images, first),
                english=partial(dict, title=spec.title.en, intro=spec.intro.en),
            )

        for section, _section_en in sections.values():
            services.district_section_officers_ensure(section=section)
        _demo_officer_assign(sections)

        destinations = {}
        for spec in DEMO_DESTINATIONS:
            place = places[spec.slug]
            section, _section_en = sections[place.district_code]
            destinations[spec.slug] = tree.ensure(
                section,
                spec.slug,
                build=partial(_destination_page, spec, place, units, images),
                english=partial(_destination_fields, spec, "en", images, place.uncertain),
            )

        for spec in DEMO_EVENTS:
            section, _section_en = sections[spec.district_code]
            destination, destination_en = destinations[spec.destination]
            tree.ensure(
                section,
                spec.slug,
                build=partial(_event_page, spec, destination, today),
                english=partial(_event_fields, spec, "en", destination_en),
            )

        for spec in DEMO_NEWS:
            section, _section_en = sections[spec.district_code]
            destination, _destination_en = destinations[spec.destination]
            tree.ensure(
                section,
                spec.slug,
                build=partial(_news_page, spec, destination, today),
                english=partial(_news_fields, spec, "en", destination),
            )
    return tree.result


# The demo tourism officer writes for Sơn Dương, home of the Tân Trào relic site.
DEMO_OFFICER_DISTRICT = "076"


def _demo_officer_assign(sections) -> None:
    """The demo's tourism officer (marketplace.demo) becomes an officer of
    one district, so logging in to /cms/ shows what officers can do."""
    from django.contrib.auth import get_user_model

    from marketplace import roles
    from marketplace.demo import DEMO_ACCOUNTS

    account = next(a for a in DEMO_ACCOUNTS if a.role == roles.TOURISM_OFFICER)
    user = get_user_model().objects.filter(username=account.username).first()
    if user is not None and DEMO_OFFICER_DISTRICT in sections:
        section, _section_en = sections[DEMO_OFFICER_DISTRICT]
        services.tourism_officer_assign(user=user, district=section.specific.district)


class _Tree:
    """Finds or makes each page and its English translation, counting them."""

    def __init__(self, on_progress):
        self.on_progress = on_progress
        self.english = Locale.objects.get(language_code="en")
        self.result = DemoPagesResult()

    def ensure(self, parent: Page, slug: str, *, build, english) -> tuple[Page, Page]:
        """The page of ``slug`` under ``parent`` and its English translation;
        ``build()`` makes the Vietnamese page and ``english()`` gives the
        fields of the English one, each called only when that page is missing."""
        page = parent.get_children().filter(slug=slug).specific().first()
        if page is None:
            page = build()
            page.slug = slug
            parent.add_child(instance=page)
            page.save_revision().publish()
            page.refresh_from_db()
            self._count(created=True)
        else:
            self._count(created=False)
        translation = page.get_translation_or_none(self.english)
        if translation is None:
            translation = page.copy_for_translation(self.english)
            for name, value in english().items():
                setattr(translation, name, value)
            translation.save_revision().publish()
            translation.refresh_from_db()
            self._count(created=True)
        else:
            self._count(created=False)
        return page, translation.specific

    def _count(self, *, created: bool):
        if created:
            self.result.created += 1
        else:
            self.result.existing += 1
        if self.on_progress:
            self.on_progress(1)


class _Images:
    """Each destination's picture, drawn and stored the first time it is
    asked for; a picture of an earlier run is found by its title. The
    English page shows the same image as the Vietnamese one."""

    def __init__(self):
        self.model = get_image_model()
        self.cache = {}

    def get(self, spec: DemoDestination):
        if spec.slug not in self.cache:
            title = f"{spec.short_name} (ảnh minh hoạ demo)"
            image = self.model.objects.filter(title=title).first()
            if image is None:
                data = destination_picture(
                    label=spec.short_name, kind=spec.kind, scene=spec.scene, seed=spec.slug
                )
                # Saved through the field's storage (default_storage), so it
                # works on object storage too.
                image = self.model(
                    title=title,
                    description=f"Hình vẽ minh hoạ: {spec.short_name}",
                    file=ImageFile(io.BytesIO(data), name=f"demo-{spec.slug}.jpg"),
                    file_size=len(data),
                    file_hash=hash_filelike(io.BytesIO(data)),
                )
                image.save()
            self.cache[spec.slug] = image
        return self.cache[spec.slug]


class Place(NamedTuple):
    """Where a destination is and where its facts come from."""

    district_code: str
    commune_code: str  # "" when it spans several communes or none is known
    source_url: str
    uncertain: bool


def _data_records() -> dict[str, dict]:
    """The data file's destinations by name."""
    with DATA_FILE.open(encoding="utf-8") as file:
        return {record["name"]: record for record in json.load(file)["destinations"]}


def _place(spec: DemoDestination, records) -> Place:
    """A destination's place and source, from the data file, or from the
    spec for the Yên Sơn destination (with the source of ``source_of``)."""
    name = spec.data_name or spec.source_of
    try:
        record = records[name]
    except KeyError:
        raise ValueError(f"{name!r} is not among the destinations of {DATA_FILE.name}.") from None
    if not spec.data_name:
        return Place(spec.district_code, spec.commune_code, record["source"], record["uncertain"])
    location = record["location"]
    return Place(
        location["district_code"], location["commune_code"] or "", record["source"], record["uncertain"]
    )


def _demo_units(places) -> dict[str, AdministrativeUnit]:
    """The districts and communes the pages need, by code; refuses to go on
    without them rather than build half a site."""
    codes = {section.district_code for section in DEMO_SECTIONS}
    for place in places:
        codes |= {place.district_code, place.commune_code} - {""}
    units = {unit.code: unit for unit in AdministrativeUnit.objects.filter(edition=EDITION, code__in=codes)}
    missing = sorted(codes - units.keys())
    if missing:
        raise ValueError(
            f"The units {', '.join(missing)} of edition {EDITION} are missing: "
            "load the administrative units first."
        )
    return units


def _paragraph(html: str) -> dict:
    """A paragraph block of ``html``, which the caller has escaped."""
    return {"type": "paragraph", "value": f"<p>{html}</p>"}


def _body(paragraphs, language: str) -> list[dict]:
    """StreamField paragraphs in one language, in the raw form Wagtail stores."""
    return [_paragraph(escape(getattr(text, language))) for text in paragraphs]


def _section_page(spec: DemoSection, units, images: _Images, first: DemoDestination) -> DistrictSectionPage:
    """A new Vietnamese section page, with the picture of its first destination."""
    return DistrictSectionPage(
        title=spec.title.vi, district=units[spec.district_code], intro=spec.intro.vi, image=images.get(first)
    )


def _destination_page(spec: DemoDestination, place: Place, units, images: _Images) -> DestinationPage:
    """A new Vietnamese destination page; an uncertain entry is never featured."""
    return DestinationPage(
        kind=spec.kind,
        district=units[place.district_code],
        commune=units[place.commune_code] if place.commune_code else None,
        latitude=Decimal(spec.latitude),
        longitude=Decimal(spec.longitude),
        featured=spec.featured and not place.uncertain,
        source_url=place.source_url,
        **_destination_fields(spec, "vi", images, place.uncertain),
    )


def _destination_fields(spec: DemoDestination, language: str, images: _Images, uncertain: bool) -> dict:
    """The fields of a destination page written in one language."""

    def text(pair):
        return getattr(pair, language) if pair else ""

    image = images.get(spec)
    body = _body(spec.paragraphs, language)
    body.append({"type": "image", "value": {"image": image.pk, "caption": text(spec.caption)}})
    how_to_get_there = f"<p>{escape(text(spec.how_to_get_there))}</p>" if spec.how_to_get_there else ""
    intro = text(spec.intro)
    if uncertain:
        verify = text(spec.verify or GENERIC_VERIFY)
        body.append(_paragraph(f"<strong>{escape(text(UNCERTAIN))}:</strong> {escape(verify)}"))
        intro = f"{intro} ({text(UNCERTAIN)}.)"
    body.append(_paragraph(f"<em>{escape(text(DEMO_NOTE))}</em>"))
    return {
        "title": text(spec.title),
        "intro": intro,
        "image": image,
        "body": body,
        "best_season": text(spec.best_season),
        "how_to_get_there": how_to_get_there,
        "opening_hours": text(spec.opening_hours),
        "prices": text(spec.prices),
    }


def _event_page(spec: DemoEvent, destination: DestinationPage, today: datetime.date) -> EventPage:
    """A new Vietnamese event page, shown with its destination's picture."""
    start = today + datetime.timedelta(days=spec.starts_in_days)
    return EventPage(
        start_date=start,
        end_date=start + datetime.timedelta(days=spec.days - 1) if spec.days > 1 else None,
        image=destination.image,
        **_event_fields(spec, "vi", destination),
    )


def _event_fields(spec: DemoEvent, language: str, destination: DestinationPage) -> dict:
    """An event's fields written in one language, linked to the destination page of that language."""
    return {
        "title": getattr(spec.title, language),
        "place": getattr(spec.place, language),
        "destination": destination,
        "intro": getattr(spec.intro, language),
        "body": _body(spec.paragraphs + (DATE_NOTE,), language),
    }


def _news_page(spec: DemoNews, destination: DestinationPage, today: datetime.date) -> NewsPage:
    """A new Vietnamese news page, shown with its destination's picture."""
    return NewsPage(
        date=today - datetime.timedelta(days=spec.days_ago),
        image=destination.image,
        **_news_fields(spec, "vi", destination),
    )


def _news_fields(spec: DemoNews, language: str, destination: DestinationPage) -> dict:
    """A news item's texts in one language: its paragraphs, the picture of
    the destination it is about, and the source of its facts."""
    source = escape(destination.source_url)
    body = _body(spec.paragraphs, language)
    body.append({"type": "image", "value": {"image": destination.image_id, "caption": ""}})
    body.append(
        _paragraph(
            f"<em>{escape(getattr(NEWS_NOTE, language))}</em> "
            f'{getattr(SOURCE, language)}: <a href="{source}">{source}</a>'
        )
    )
    return {"title": getattr(spec.title, language), "intro": getattr(spec.intro, language), "body": body}


# --- Pictures ---------------------------------------------------------------

# Sky (top, horizon) and ridge colours, far to near, by kind of destination.
PALETTES = {
    Kind.HERITAGE: (
        (236, 170, 110),
        (252, 232, 196),
        [(196, 160, 140), (150, 126, 104), (104, 98, 72), (64, 74, 50)],
    ),
    Kind.COMMUNITY_VILLAGE: (
        (120, 180, 226),
        (224, 240, 248),
        [(160, 196, 184), (112, 166, 128), (74, 136, 84), (46, 100, 58)],
    ),
    Kind.HOMESTAY: (
        (150, 170, 222),
        (236, 232, 246),
        [(170, 180, 200), (120, 150, 140), (80, 124, 96), (52, 92, 66)],
    ),
    Kind.LANDSCAPE: (
        (96, 156, 214),
        (212, 236, 246),
        [(150, 186, 200), (100, 152, 156), (62, 120, 112), (36, 88, 78)],
    ),
}
WOOD, ROOF, WATER, FOAM = (112, 72, 44), (150, 58, 42), (64, 132, 170), (240, 246, 250)


def destination_picture(*, label: str, kind: str, scene: str, seed: str) -> bytes:
    """A 1600×900 JPEG standing for a destination's photo: sky and layered
    hills in the kind's colours, a scene (lake, waterfall, stilt houses…)
    and the place's name. Drawn, not downloaded, so the demo needs no
    network and holds no third-party photo; ``seed`` keeps each picture the
    same run after run."""
    width, height = PICTURE_SIZE
    sky_top, horizon, ridges = PALETTES.get(kind, PALETTES[Kind.COMMUNITY_VILLAGE])
    rng = random.Random(seed)
    picture = PillowImage.new("RGB", PICTURE_SIZE)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=_mix(sky_top, horizon, y / (height * 0.7)))
    sun_x, sun_y = rng.randint(200, width - 200), rng.randint(120, 240)
    draw.ellipse((sun_x - 70, sun_y - 70, sun_x + 70, sun_y + 70), fill=_mix(horizon, (255, 255, 255), 0.6))

    layers = ridges[:3] if scene == "lake" else ridges
    lines = []
    for depth, colour in enumerate(layers):
        base = height * (0.42 + 0.11 * depth)
        line = _ridge(rng, base=base, amplitude=110 - 18 * depth, width=width)
        lines.append(line)
        draw.polygon(line + [(width, height), (0, height)], fill=colour)
        if scene == "forest" and depth in (1, 2):
            _trees(draw, rng, line, colour=_mix(colour, (0, 0, 0), 0.25), size=34 + 14 * depth)
        if scene == "terraces" and depth == 2:
            _terraces(draw, line, colour=_mix(colour, (236, 206, 96), 0.35))
    ground = height * 0.8  # above the name's band
    if scene == "waterfall":
        # It falls from the second ridge's highest point near the middle,
        # over the nearer ridges, into a pool.
        top, x = min((y, x) for x, y in lines[1] if width * 0.3 < x < width * 0.7)
        _waterfall(draw, x=x, top=top, bottom=ground, rock=_mix(ridges[-1], (0, 0, 0), 0.3))
    elif scene == "lake":
        _lake(draw, top=int(height * 0.7), width=width, height=height, sky=horizon)
    elif scene in ("village", "terraces"):
        for index in range(3):
            _stilt_house(
                draw,
                x=width * (0.18 + 0.22 * index) + rng.randint(-40, 40),
                ground=ground - rng.randint(0, 40),
                size=90 + rng.randint(0, 30),
            )
    elif scene == "relic":
        _communal_house(draw, x=width * 0.62, ground=ground, size=150)
    elif scene == "spring":
        _spring(draw, rng, x=width * 0.5, y=ground, width=width)
    elif scene == "cave":
        _cave(draw, x=width * 0.55, ground=height * 0.85, colour=ridges[-1])

    picture = _label(picture, label)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def _mix(a, b, t):
    """The colour ``t`` of the way from ``a`` to ``b``."""
    t = min(max(t, 0.0), 1.0)
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _ridge(rng, *, base, amplitude, width, step=20):
    """The points of a hill line across the picture."""
    # Three sine waves of random phase and length make a ridge that is
    # different for each picture but never jagged.
    waves = [(rng.uniform(0.002, 0.006) * k, rng.uniform(0, 2 * math.pi), 1 / k) for k in (1, 2, 3)]
    return [
        (
            x,
            base
            - amplitude * sum(weight * math.sin(frequency * x + phase) for frequency, phase, weight in waves),
        )
        for x in range(0, width + step, step)
    ]


def _trees(draw, rng, line, *, colour, size):
    """Conifers along a ridge (the forest scene)."""
    for x, y in line[1::2]:
        top = y - size * rng.uniform(0.8, 1.2)
        draw.polygon([(x - size / 3, y + 6), (x, top), (x + size / 3, y + 6)], fill=colour)


def _waterfall(draw, *, x, top, bottom, rock):
    """A falls of three tiers over dark ledges, into a pool."""
    tiers = 3
    tier_height = (bottom - top) / tiers
    for tier in range(tiers):
        half = 30 + 14 * tier
        left, y0 = x + (-1) ** tier * 24 - half, top + tier * tier_height
        y1 = y0 + tier_height
        # A dark ledge under each tier, then the white water over it.
        draw.rectangle((left - 40, y1 - 18, left + 2 * half + 40, y1 + 6), fill=rock)
        draw.rectangle((left, y0, left + 2 * half, y1), fill=FOAM)
        for stripe in range(1, 4):
            sx = left + stripe * half / 2
            draw.line([(sx, y0 + 10), (sx, y1 - 10)], fill=_mix(FOAM, WATER, 0.35), width=3)
    draw.ellipse((x - 170, bottom - 26, x + 170, bottom + 26), fill=_mix(WATER, FOAM, 0.45))


def _terraces(draw, line, *, colour):
    """Rice-terrace lines following a ridge."""
    for offset in range(30, 260, 36):
        draw.line([(x, y + offset) for x, y in line], fill=colour, width=6)


def _lake(draw, *, top, width, height, sky):
    """Water across the bottom of the picture, with a few glints."""
    for y in range(top, height):
        draw.line([(0, y), (width, y)], fill=_mix(WATER, sky, 0.35 * (1 - (y - top) / (height - top))))
    for index in range(8):
        y = top + 20 + index * (height - top) // 9
        x = (index * 397) % (width - 300)
        draw.line([(x, y), (x + 180 + 20 * index, y)], fill=_mix(WATER, FOAM, 0.6), width=3)


def _stilt_house(draw, *, x, ground, size):
    """A Tày or Dao stilt house: posts, wooden walls and a hipped roof."""
    floor = ground - size * 0.45
    for post in (x - size * 0.5, x - size * 0.1, x + size * 0.3, x + size * 0.6):
        draw.line([(post, floor), (post, ground)], fill=WOOD, width=6)
    draw.rectangle((x - size * 0.6, floor - size * 0.5, x + size * 0.7, floor), fill=_mix(WOOD, FOAM, 0.25))
    draw.polygon(
        [
            (x - size * 0.85, floor - size * 0.45),
            (x - size * 0.3, floor - size * 1.05),
            (x + size * 0.4, floor - size * 1.05),
            (x + size * 0.95, floor - size * 0.45),
        ],
        fill=WOOD,
    )


def _communal_house(draw, *, x, ground, size):
    """A communal house (đình) with its wide, upswept roof on pillars."""
    floor = ground - size * 0.15
    draw.rectangle((x - size * 1.3, floor, x + size * 1.3, ground), fill=(150, 140, 120))
    for post in range(-4, 5):
        px = x + post * size * 0.26
        draw.line([(px, floor - size * 0.6), (px, floor)], fill=WOOD, width=10)
    draw.polygon(
        [
            (x - size * 1.7, floor - size * 0.5),
            (x - size * 1.9, floor - size * 0.75),
            (x - size * 0.9, floor - size * 1.25),
            (x + size * 0.9, floor - size * 1.25),
            (x + size * 1.9, floor - size * 0.75),
            (x + size * 1.7, floor - size * 0.5),
        ],
        fill=ROOF,
    )


def _spring(draw, rng, *, x, y, width):
    """A hot-spring pool with rising steam."""
    draw.ellipse((x - width * 0.3, y - 60, x + width * 0.3, y + 60), fill=_mix(WATER, FOAM, 0.3))
    for index in range(5):
        sx, phase = x - width * 0.2 + index * width * 0.1, rng.uniform(0, 2 * math.pi)
        points = [(sx + 18 * math.sin(t / 5 + phase), y - 40 - t * 8) for t in range(30)]
        draw.line(points, fill=FOAM, width=5)


def _cave(draw, *, x, ground, colour):
    """A limestone cliff with a cave mouth."""
    cliff = _mix(colour, (120, 120, 110), 0.4)
    draw.polygon(
        [(x - 420, ground), (x - 300, ground - 420), (x + 260, ground - 470), (x + 460, ground)], fill=cliff
    )
    draw.chord((x - 160, ground - 320, x + 160, ground + 320), 180, 360, fill=(30, 30, 34))


def _label(picture, label: str):
    """The place's name on a dark band across the bottom, when a font that
    has Vietnamese letters is installed; otherwise the picture as it is."""
    try:
        font = ImageFont.truetype(str(FONT_PATH), 84)
    except OSError:
        return picture
    width, height = picture.size
    while font.size > 36 and font.getlength(label) > width - 140:
        font = font.font_variant(size=font.size - 6)
    band = PillowImage.new("RGBA", picture.size, (0, 0, 0, 0))
    ImageDraw.Draw(band).rectangle((0, height - 160, width, height), fill=(0, 0, 0, 120))
    picture = PillowImage.alpha_composite(picture.convert("RGBA"), band).convert("RGB")
    ImageDraw.Draw(picture).text((70, height - 80), label, font=font, fill=(255, 255, 255), anchor="lm")
    return picture
