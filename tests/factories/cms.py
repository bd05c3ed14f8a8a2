"""A small tourism site in both languages, built through Wagtail's own tree
and translation calls so tests see what editors would make."""

import datetime
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.utils import timezone
from wagtail.models import Locale

from cms.models import (
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

from . import administrative_tree

# The public address the sharing tests give SITE_URL (fixture public_address).
PUBLIC = "https://choque.example"


def public(page):
    """The address other sites must be given for ``page``."""
    return PUBLIC + page.url


def home_pages():
    return (
        HomePage.objects.get(locale__language_code="vi"),
        HomePage.objects.get(locale__language_code="en"),
    )


def add_page(parent, page, *, publish=True):
    """Add ``page`` under ``parent`` with a first revision, published unless
    told otherwise (then it is a draft)."""
    if not publish:
        page.live = False
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page


def translate(page, *, publish=True, **fields):
    """The English translation of ``page`` (its parent must be translated
    already), with ``fields`` set, published unless told otherwise."""
    english = page.copy_for_translation(Locale.objects.get(language_code="en"))
    for name, value in fields.items():
        setattr(english, name, value)
    revision = english.save_revision()
    if publish:
        revision.publish()
    english.refresh_from_db()
    return english.specific


@dataclass
class TourismSite:
    units: dict
    home: HomePage
    home_en: HomePage
    index: DestinationIndexPage
    index_en: DestinationIndexPage
    sections: dict = field(default_factory=dict)  # district code -> (vi, en)
    destinations: dict = field(default_factory=dict)  # name -> (vi, en)
    event: EventPage | None = None
    event_en: EventPage | None = None
    news: NewsPage | None = None
    news_en: NewsPage | None = None
    map: TourismMapPage | None = None
    map_en: TourismMapPage | None = None
    event_index: EventIndexPage | None = None
    event_index_en: EventIndexPage | None = None
    news_index: NewsIndexPage | None = None
    news_index_en: NewsIndexPage | None = None


def destination(
    section, *, title, slug, commune=None, kind=DestinationKind.COMMUNITY_VILLAGE, lat, lon, **extra
):
    return DestinationPage(
        title=title,
        slug=slug,
        kind=kind,
        district=section.district,
        commune=commune,
        latitude=Decimal(lat),
        longitude=Decimal(lon),
        intro=extra.pop("intro", f"Giới thiệu {title}"),
        **extra,
    )


def tourism_site(units=None) -> TourismSite:
    """Index, map, event and news indexes, and two district sections (Na Hang
    and Hàm Yên of ``administrative_tree()``) with published destinations
    in both languages: Khâu Tràng and Pác Ban in Na Hang (about 12 km apart),
    Động Tiên in Hàm Yên; an event and a news item in Na Hang."""
    units = units or administrative_tree()
    home, home_en = home_pages()
    index = add_page(home, DestinationIndexPage(title="Điểm đến", slug="diem-den", intro="Điểm đến du lịch"))
    index_en = translate(index, title="Destinations", slug="destinations", intro="Rural destinations")
    site = TourismSite(units=units, home=home, home_en=home_en, index=index, index_en=index_en)

    site.map = add_page(home, TourismMapPage(title="Bản đồ du lịch", slug="ban-do"))
    site.map_en = translate(site.map, title="Tourism map", slug="map")
    site.event_index = add_page(home, EventIndexPage(title="Sự kiện", slug="su-kien"))
    site.event_index_en = translate(site.event_index, title="Events", slug="events")
    site.news_index = add_page(home, NewsIndexPage(title="Tin tức", slug="tin-tuc"))
    site.news_index_en = translate(site.news_index, title="News", slug="news")

    for code, slug, name in [("072", "na-hang", "Na Hang"), ("074", "ham-yen", "Hàm Yên")]:
        section = add_page(index, DistrictSectionPage(title=f"Huyện {name}", slug=slug, district=units[code]))
        site.sections[code] = (section, translate(section, title=f"{name} district"))

    na_hang, na_hang_en = site.sections["072"]
    ham_yen, _ham_yen_en = site.sections["074"]
    for section, title, title_en, slug, commune, kind, lat, lon in [
        (na_hang, "Làng Khâu Tràng", "Khâu Tràng village", "khau-trang", units["02254"],
         DestinationKind.COMMUNITY_VILLAGE, "22.4420", "105.3900"),
        (na_hang, "Thác Pác Ban", "Pác Ban waterfall", "thac-pac-ban", None,
         DestinationKind.LANDSCAPE, "22.3510", "105.4010"),
        (ham_yen, "Hang Động Tiên", "Động Tiên cave", "hang-dong-tien", units["02404"],
         DestinationKind.LANDSCAPE, "22.0670", "105.0350"),
    ]:  # fmt: skip
        page = add_page(section, destination(section, title=title, slug=slug, commune=commune, kind=kind,
                                             lat=lat, lon=lon))  # fmt: skip
        site.destinations[title] = (page, translate(page, title=title_en, intro=f"About {title_en}"))

    khau_trang = site.destinations["Làng Khâu Tràng"][0]
    start = timezone.localdate() + datetime.timedelta(days=20)
    site.event = add_page(
        na_hang,
        EventPage(
            title="Lễ hội Lồng Tồng",
            slug="le-hoi-long-tong",
            start_date=start,
            end_date=start + datetime.timedelta(days=1),
            place="Thôn Khâu Tràng",
            destination=khau_trang,
            intro="Lễ xuống đồng của người Tày",
        ),
    )
    site.event_en = translate(
        site.event, title="Lồng Tồng festival", intro="The Tày going-to-the-fields festival",
        destination=site.destinations["Làng Khâu Tràng"][1],
    )  # fmt: skip
    site.news = add_page(
        na_hang, NewsPage(title="Khâu Tràng đón khách", slug="khau-trang-don-khach", intro="Homestay mới mở")
    )
    site.news_en = translate(site.news, title="Khâu Tràng welcomes guests", intro="New homestays open")
    return site


def _keys(value):
    if isinstance(value, tuple):
        return tuple(_keys(item) for item in value)
    return None if value is None else value.pk


def tourism_site_keys(site: TourismSite) -> dict:
    """The primary keys of everything in ``site``, to load it again later."""
    keys = {}
    for field_ in fields(TourismSite):
        value = getattr(site, field_.name)
        keys[field_.name] = (
            {name: _keys(item) for name, item in value.items()} if isinstance(value, dict) else _keys(value)
        )
    return keys


def tourism_site_reload(keys: dict) -> TourismSite:
    """A TourismSite of fresh instances read from the database, so no test
    sees what an earlier one changed in memory."""
    from wagtail.models import Page

    from cooperatives.models import AdministrativeUnit

    units = AdministrativeUnit.objects.in_bulk(list(keys["units"].values()))
    page_ids = set()
    for name, value in keys.items():
        if name == "units":
            continue
        for item in value.values() if isinstance(value, dict) else [value]:
            page_ids.update(item if isinstance(item, tuple) else [item])
    page_ids.discard(None)
    pages = {page.pk: page for page in Page.objects.filter(pk__in=page_ids).specific()}

    def load(value):
        if isinstance(value, tuple):
            return tuple(load(item) for item in value)
        return None if value is None else pages[value]

    values = {}
    for name, value in keys.items():
        if name == "units":
            values[name] = {code: units[pk] for code, pk in value.items()}
        elif isinstance(value, dict):
            values[name] = {key: load(item) for key, item in value.items()}
        else:
            values[name] = load(value)
    return TourismSite(**values)
