import json
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from PIL import Image as PillowImage
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from cms import demo
from cms.models import DestinationPage, DistrictSectionPage, EventPage, HomePage, NewsPage
from cooperatives.models import AdministrativeUnit
from marketplace.demo import demo_administrative_units_load

pytestmark = pytest.mark.django_db

DATA_FILE = Path(settings.BASE_DIR) / "cooperatives" / "data" / "tuyen_quang_ocop_and_destinations.json"

# The destinations the demo must show, by the start of their name in the data file.
NAMED = {
    "Tân Trào": "Khu di tích quốc gia đặc biệt Tân Trào",
    "Tân Lập": "Làng văn hóa du lịch Tân Lập",
    "Na Hang – Lâm Bình lake": "Hồ sinh thái Na Hang – Lâm Bình",
    "Nà Tông": "Làng văn hóa du lịch thôn Nà Tông",
    "Khâu Tràng": "Làng văn hóa du lịch thôn Khâu Tràng",
    "Mỹ Lâm": "Khu du lịch Suối khoáng Mỹ Lâm",
}


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-pages-media")


@pytest.fixture(scope="module")
def demo_pages(django_db_setup, django_db_blocker, media_root):
    """The demo site, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media_root)), transaction.atomic():
        demo_administrative_units_load()
        steps = []
        result = demo.demo_pages_ensure(on_progress=steps.append)
        yield result, sum(steps)
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo_pages, settings, media_root):
    settings.MEDIA_ROOT = str(media_root)
    return demo_pages


def test_every_demo_page_is_live_in_vietnamese_and_english(loaded):
    result, steps = loaded
    assert result.created == demo.demo_pages_count() == steps
    assert result.existing == 0

    english = Locale.objects.get(language_code="en")
    home = HomePage.objects.get(locale__language_code="vi")
    pages = home.get_descendants().specific()
    assert len(pages) == demo.demo_pages_count() // 2
    for page in pages:
        assert page.live, page.title
        translation = page.get_translation_or_none(english)
        assert translation is not None and translation.live, page.title
        # Its English fields were written, not copied.
        assert translation.title != page.title, page.title
    assert DestinationPage.objects.filter(locale=english, live=True).count() == len(demo.DEMO_DESTINATIONS)


def test_every_district_has_a_live_destination_in_both_languages(loaded):
    districts = AdministrativeUnit.objects.filter(edition="2025-03-01", level="district")
    assert districts.count() == 7
    for district in districts:
        for language in ("vi", "en"):
            destinations = DestinationPage.objects.live().filter(
                district=district, locale__language_code=language
            )
            assert destinations.exists(), (district.name, language)
            # Each sits in its district's section.
            section = DistrictSectionPage.objects.get(district=district, locale__language_code=language)
            assert all(page.get_parent().pk == section.pk for page in destinations)
    yen_son = DestinationPage.objects.get(locale__language_code="vi", district__code="075")
    assert yen_son.commune.name == "Xã Kim Quan"


def test_the_real_destinations_sit_in_their_communes_of_the_data_file(loaded):
    records = json.loads(DATA_FILE.read_text(encoding="utf-8"))["destinations"]
    for label, name in NAMED.items():
        record = next(record for record in records if record["name"].startswith(name))
        location = record["location"]
        commune = {"commune__code": location["commune_code"]} if location["commune_code"] else {}
        page = DestinationPage.objects.live().get(
            locale__language_code="vi",
            source_url=record["source"],
            district__code=location["district_code"],
            commune__isnull=not commune,
            **commune,
        )
        assert page.commune is None or page.commune.edition == "2025-03-01", label
        english = page.get_translation(Locale.objects.get(language_code="en"))
        assert english.commune_id == page.commune_id and english.district_id == page.district_id
    # The lake spans two districts: it is listed under Na Hang.
    lake = DestinationPage.objects.get(locale__language_code="vi", slug="ho-na-hang-lam-binh")
    assert lake.get_parent().specific.district.code == "072"

    featured = DestinationPage.objects.filter(locale__language_code="vi", featured=True)
    assert 4 <= featured.count() <= 6
    uncertain_sources = {record["source"] for record in records if record["uncertain"]}
    certain_sources = {record["source"] for record in records if not record["uncertain"]}
    # Pages of uncertain entries say so and are never featured.
    for page in DestinationPage.objects.filter(locale__language_code="vi"):
        if page.source_url in uncertain_sources - certain_sources:
            assert not page.featured, page.title
            assert "Thông tin cần xác minh" in page.intro
            english = page.get_translation(Locale.objects.get(language_code="en"))
            assert "Facts to be verified" in english.intro


def test_each_destination_shows_a_drawn_jpeg_in_both_languages(loaded):
    for page in DestinationPage.objects.filter(locale__language_code="vi").select_related("image"):
        assert page.image is not None, page.title
        with page.image.open_file() as file, PillowImage.open(file) as picture:
            assert picture.format == "JPEG"
            assert picture.size == (1600, 900)
        english = page.get_translation(Locale.objects.get(language_code="en"))
        assert english.image_id == page.image_id
        body_images = [block.value["image"].pk for block in english.body if block.block_type == "image"]
        assert body_images == [page.image_id]


def test_events_lead_to_destinations_and_one_is_over(loaded):
    today = timezone.localdate()
    for language in ("vi", "en"):
        events = EventPage.objects.live().filter(locale__language_code=language)
        assert events.count() == len(demo.DEMO_EVENTS)
        assert sum(event.is_past for event in events) == 1
        assert sum(event.start_date > today for event in events) == len(demo.DEMO_EVENTS) - 1
        for event in events:
            assert event.destination.locale_id == event.locale_id
    assert NewsPage.objects.live().filter(locale__language_code="en").count() == 3


def test_running_it_again_creates_nothing(loaded):
    pages, images = Page.objects.count(), get_image_model().objects.count()
    result = demo.demo_pages_ensure()
    assert result.created == 0
    assert result.existing == demo.demo_pages_count()
    assert (Page.objects.count(), get_image_model().objects.count()) == (pages, images)


@pytest.mark.parametrize("path", ["/ban-do/", "/en/map/", "/diem-den/", "/en/destinations/"])
def test_the_map_and_the_destinations_answer_in_both_languages(loaded, client, path):
    assert client.get(path).status_code == 200


def test_every_demo_district_has_its_officers_group(loaded):
    from wagtail.models import GroupPagePermission

    from cms.models import DistrictSectionPage

    for section in DistrictSectionPage.objects.all():
        assert GroupPagePermission.objects.filter(page=section, permission__codename="change_page").exists()
