import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.utils import timezone
from oscar.test.factories import create_product, create_stockrecord
from PIL import Image as PILImage
from wagtail.images.models import Image

from cms.models import DestinationKind, EventPage
from tests.factories import approved_cooperative
from tests.factories.cms import add_page, destination

pytestmark = pytest.mark.django_db

# (attribute of the test site, the text each language's page must show)
PAGE_TYPES = [
    ("home", "Chợ Quê", "Chợ Quê"),
    ("index", "Điểm đến", "Destinations"),
    ("section:072", "Huyện Na Hang", "Na Hang district"),
    ("destination:Làng Khâu Tràng", "Làng Khâu Tràng", "Khâu Tràng village"),
    ("event", "Lễ hội Lồng Tồng", "Lồng Tồng festival"),
    ("news", "Khâu Tràng đón khách", "Khâu Tràng welcomes guests"),
    ("event_index", "Sự kiện", "Events"),
    ("news_index", "Tin tức", "News"),
    ("map", "Bản đồ du lịch", "Tourism map"),
]


def pages_of(site, name):
    if name.startswith("section:"):
        return site.sections[name.split(":", 1)[1]]
    if name.startswith("destination:"):
        return site.destinations[name.split(":", 1)[1]]
    return getattr(site, name), getattr(site, f"{name}_en")


def jpeg(size=(1600, 900)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (30, 110, 70)).save(buffer, "JPEG")
    return ImageFile(buffer, name="ruong-bac-thang.jpg")


@pytest.mark.parametrize("name, vietnamese, english", PAGE_TYPES, ids=[row[0] for row in PAGE_TYPES])
def test_each_page_type_renders_in_both_languages(client, site, name, vietnamese, english):
    page_vi, page_en = pages_of(site, name)
    assert page_en.locale.language_code == "en" and page_en.translation_key == page_vi.translation_key

    response = client.get(page_vi.url)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="vi">' in content
    assert vietnamese in content
    # The switcher leads to the English page itself, not to the English home.
    assert f'href="{page_en.url}" lang="en"' in content

    response = client.get(page_en.url)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert english in content
    assert f'href="{page_vi.url}" lang="vi"' in content


def test_a_destination_without_english_translation_says_so(client, site):
    na_hang = site.sections["072"][0]
    lone = add_page(
        na_hang, destination(na_hang, title="Thôn Nà Khá", slug="na-kha", lat="22.38", lon="105.42")
    )
    content = client.get(lone.url).content.decode()
    assert "chưa được dịch" in content
    # The switcher offers the English home instead.
    assert 'href="/en/" lang="en"' in content


def test_destination_page_shows_its_facts_nearby_destinations_and_the_communes_shop(client, site):
    khau_trang, khau_trang_en = site.destinations["Làng Khâu Tràng"]
    khau_trang.best_season = "Tháng 9, lúa chín trên ruộng bậc thang"
    khau_trang.opening_hours = "Quanh năm"
    khau_trang.contact_phone = "0912 345 678"
    khau_trang.save_revision().publish()
    son_tra = approved_cooperative(legal_name="Hợp tác xã Sơn Trà", commune=site.units["02254"])
    tea = create_product(title="Chè Shan tuyết Hồng Thái", origin_commune=site.units["02254"])
    create_stockrecord(tea, price=Decimal(150000), num_in_stock=5, partner_name=son_tra.partner.name)
    elsewhere = create_product(title="Cam sành Hàm Yên", origin_commune=site.units["02404"])
    create_stockrecord(elsewhere, price=Decimal(90000), num_in_stock=5, partner_name=son_tra.partner.name)

    content = client.get(khau_trang.url).content.decode()
    assert "Tháng 9, lúa chín trên ruộng bậc thang" in content
    assert 'href="tel:0912 345 678"' in content
    assert f'href="{son_tra.get_absolute_url()}"' in content
    assert f'href="{tea.get_absolute_url()}"' in content
    assert "Cam sành Hàm Yên" not in content
    # Nearby, nearest first: Pác Ban (about 10 km) before Động Tiên (about 55 km).
    nearby = content.split('id="nearby"', 1)[1]
    assert nearby.index("Thác Pác Ban") < nearby.index("Hang Động Tiên")
    assert "km" in nearby

    # The English page lists English pages nearby.
    content_en = client.get(khau_trang_en.url).content.decode()
    assert "Pác Ban waterfall" in content_en.split('id="nearby"', 1)[1]


def test_nearby_leaves_out_far_and_unpublished_destinations(site):
    from cms import selectors

    khau_trang = site.destinations["Làng Khâu Tràng"][0]
    pac_ban = site.destinations["Thác Pác Ban"][0]
    pac_ban.unpublish()
    names = [page.title for page in selectors.destinations_nearby(khau_trang, max_km=60)]
    assert names == ["Hang Động Tiên"]
    assert selectors.destinations_nearby(khau_trang, max_km=20) == []


def test_destination_index_filters_by_district_and_kind(client, site):
    url = site.index.url
    content = client.get(url, {"district": "074"}).content.decode()
    assert "Hang Động Tiên" in content and "Làng Khâu Tràng" not in content
    content = client.get(url, {"kind": DestinationKind.LANDSCAPE}).content.decode()
    assert "Thác Pác Ban" in content and "Hang Động Tiên" in content and "Làng Khâu Tràng" not in content
    # Values that name nothing are ignored, never an error.
    response = client.get(url, {"district": "<script>", "kind": "'; drop table", "page": "x"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>" not in content
    assert all(name in content for name in site.destinations)


def test_destination_lists_show_only_published_pages(client, site):
    na_hang = site.sections["072"][0]
    add_page(
        na_hang,
        destination(na_hang, title="Bản nháp Nà Vai", slug="na-vai", lat="22.39", lon="105.43"),
        publish=False,
    )
    for url in (site.index.url, na_hang.url):
        content = client.get(url).content.decode()
        assert "Làng Khâu Tràng" in content
        assert "Bản nháp Nà Vai" not in content


def test_home_page_features_destinations_ocop_products_events_and_news(client, site):
    son_tra = approved_cooperative(legal_name="Hợp tác xã Sơn Trà", commune=site.units["02254"])
    tea = create_product(
        title="Chè Shan tuyết 1 tôm 1 lá", origin_commune=site.units["02254"], ocop_rating=4,
        ocop_certificate_number="OCOP-TQ-4", ocop_year=2024,
    )  # fmt: skip
    create_stockrecord(tea, price=Decimal(250000), num_in_stock=5, partner_name=son_tra.partner.name)
    plain = create_product(title="Măng khô", origin_commune=site.units["02254"])
    create_stockrecord(plain, price=Decimal(80000), num_in_stock=5, partner_name=son_tra.partner.name)

    content = client.get("/").content.decode()
    assert "Làng Khâu Tràng" in content
    assert "Chè Shan tuyết 1 tôm 1 lá" in content and "Măng khô" not in content
    assert "Lễ hội Lồng Tồng" in content
    assert "Khâu Tràng đón khách" in content
    assert f'href="{site.map.url}"' in content

    content = client.get("/en/").content.decode()
    assert "Khâu Tràng village" in content and "Làng Khâu Tràng" not in content
    assert "Lồng Tồng festival" in content
    assert f'href="{site.map_en.url}"' in content


def test_events_are_split_into_coming_and_past(client, site):
    na_hang = site.sections["072"][0]
    past = timezone.localdate() - datetime.timedelta(days=40)
    add_page(
        na_hang,
        EventPage(
            title="Chợ phiên năm ngoái", slug="cho-phien", start_date=past, place="Na Hang", intro="Đã qua"
        ),
    )
    content = client.get(site.event_index.url).content.decode()
    coming, past_part = content.split('id="past"', 1)
    assert "Lễ hội Lồng Tồng" in coming and "Chợ phiên năm ngoái" not in coming
    assert "Chợ phiên năm ngoái" in past_part
    # The home page shows only what is still to come.
    assert "Chợ phiên năm ngoái" not in client.get("/").content.decode()


def test_an_event_cannot_end_before_it_starts(site):
    site.event.end_date = site.event.start_date - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        site.event.full_clean()
    assert "end_date" in error.value.message_dict


def test_a_destinations_commune_must_lie_in_its_district(site):
    khau_trang = site.destinations["Làng Khâu Tràng"][0]
    khau_trang.commune = site.units["02404"]  # Yên Thuận, Hàm Yên
    with pytest.raises(ValidationError) as error:
        khau_trang.full_clean()
    assert "commune" in error.value.message_dict


def test_destination_images_are_served_as_phone_sized_renditions(client, site):
    khau_trang = site.destinations["Làng Khâu Tràng"][0]
    image = Image.objects.create(title="Ruộng bậc thang Khâu Tràng", file=jpeg())
    khau_trang.image = image
    khau_trang.body = [
        ("image", {"image": image, "caption": "Mùa lúa chín"}),
        ("quote", {"text": "Mời khách"}),
    ]
    khau_trang.save_revision().publish()

    content = client.get(khau_trang.url).content.decode()
    assert "<picture" in content and "image/webp" in content
    assert " 360w" in content and " 720w" in content
    assert "Mùa lúa chín" in content and "Mời khách" in content
    # Renditions are scaled down: the phone-sized one is 360 px wide.
    assert image.renditions.filter(width=360).exists()
    # None is wider than the 1200 px of a share card.
    assert not image.renditions.filter(width__gt=1200).exists()
    # The original is never sent to phones.
    assert image.file.url not in content
