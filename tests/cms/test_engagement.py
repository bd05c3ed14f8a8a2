import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from cms.models import DestinationEngagement, DestinationIndexPage, DistrictSectionPage
from cms.selectors import destination_promotion_by_district
from cms.services import ENGAGEMENT_WINDOW, destination_engagement_record
from tests.factories import administrative_tree
from tests.factories.cms import add_page, destination, home_pages

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126 Mobile Safari/537.36"
VIEW = DestinationEngagement.Channel.VIEW
FACEBOOK = DestinationEngagement.Channel.FACEBOOK
ZALO = DestinationEngagement.Channel.ZALO
# The start of some window of ENGAGEMENT_WINDOW (in 2027).
WINDOW_START = datetime.datetime.fromtimestamp(ENGAGEMENT_WINDOW.total_seconds() * 1_000_000, tz=datetime.UTC)


def visit(address="203.0.113.7", agent=PHONE):
    return RequestFactory().get("/", REMOTE_ADDR=address, HTTP_USER_AGENT=agent)


def record(page, request, *, channel=VIEW, now=None):
    return destination_engagement_record(destination=page, channel=channel, request=request, now=now)


@pytest.fixture
def places(db):
    """Two destinations of one language: counting needs no more (and is
    faster to build than the two-language site)."""
    units = administrative_tree()
    index = add_page(home_pages()[0], DestinationIndexPage(title="Điểm đến", slug="diem-den"))
    section = add_page(
        index, DistrictSectionPage(title="Huyện Na Hang", slug="na-hang", district=units["072"])
    )
    return [
        add_page(section, destination(section, title=title, slug=slug, lat="22.44", lon="105.39"))
        for title, slug in [("Làng Khâu Tràng", "khau-trang"), ("Thác Pác Ban", "thac-pac-ban")]
    ]


def test_a_page_view_is_counted_once_per_visitor_per_window(client, places):
    khau_trang, pac_ban = places
    for _ in range(3):
        assert client.get(khau_trang.url, HTTP_USER_AGENT=PHONE).status_code == 200
    assert client.get(pac_ban.url, HTTP_USER_AGENT=PHONE).status_code == 200
    # Wagtail's preview is the editor's, not a visitor's.
    khau_trang.make_preview_request(original_request=visit())

    counted = DestinationEngagement.objects.filter(channel=VIEW).values_list("destination_id", flat=True)
    assert sorted(counted) == sorted([khau_trang.pk, pac_ban.pk])


def test_the_visitor_is_stored_hashed_never_as_an_address(places):
    page = places[0]
    assert record(page, visit("198.51.100.23"))
    engagement = DestinationEngagement.objects.get()
    assert "198.51.100.23" not in engagement.visitor
    assert len(engagement.visitor) == 64


def test_a_repeat_within_the_window_is_not_counted_even_across_a_window_boundary(places):
    page = places[0]
    # Two minutes before a window boundary, then two minutes after it.
    start = WINDOW_START - datetime.timedelta(minutes=2)
    assert record(page, visit(), now=start)
    assert not record(page, visit(), now=start + datetime.timedelta(minutes=4))
    assert not record(page, visit(), now=start + ENGAGEMENT_WINDOW - datetime.timedelta(seconds=1))
    assert DestinationEngagement.objects.count() == 1


def test_the_same_visitor_counts_again_after_the_window(places, monkeypatch):
    page = places[0]
    start = timezone.now()
    assert record(page, visit())
    monkeypatch.setattr(timezone, "now", lambda: start + ENGAGEMENT_WINDOW + datetime.timedelta(minutes=1))
    assert record(page, visit())
    assert DestinationEngagement.objects.count() == 2


def test_a_repeat_just_after_midnight_is_not_counted_although_the_daily_salt_changed(places):
    page = places[0]
    midnight = datetime.datetime(2025, 6, 2, tzinfo=datetime.UTC)
    assert record(page, visit(), now=midnight - datetime.timedelta(minutes=5))
    assert not record(page, visit(), now=midnight + datetime.timedelta(minutes=5))


def test_other_visitors_and_other_channels_count(places):
    page = places[0]
    assert record(page, visit("203.0.113.7"))
    assert record(page, visit("203.0.113.8"))
    # Same address, another browser (a family sharing a connection).
    assert record(page, visit("203.0.113.7", agent=PHONE.replace("Android 14", "Android 13")))
    assert record(page, visit("203.0.113.7"), channel=FACEBOOK)
    assert record(page, visit("203.0.113.7"), channel=ZALO)
    assert record(places[1], visit("203.0.113.7"))
    assert DestinationEngagement.objects.count() == 6


def test_a_session_is_one_visitor_whatever_its_address(places):
    page = places[0]
    first, second = visit("203.0.113.7"), visit("198.51.100.1")
    for request in (first, second):
        request.session = type("Session", (), {"session_key": "abc123"})()
    assert record(page, first)
    assert not record(page, second)


def test_robots_and_link_previews_are_not_counted(places):
    page = places[0]
    for agent in [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (compatible; coccocbot-web/1.0)",
        "SomeCrawler/3.0",
        "Baiduspider",
    ]:
        assert not record(page, visit(agent=agent)), agent
    assert not DestinationEngagement.objects.exists()


def test_a_lost_race_is_not_counted_twice(places):
    page = places[0]
    # The other request of the same visitor wrote a moment later, after
    # this one had looked: the unique constraint still holds.
    assert record(page, visit(), now=WINDOW_START + datetime.timedelta(seconds=11))
    assert not record(page, visit(), now=WINDOW_START + datetime.timedelta(seconds=10))
    # The request's transaction is still usable.
    assert DestinationEngagement.objects.count() == 1


# --- Promotion per district -------------------------------------------------


def test_promotion_counts_each_district_with_its_translations_once(site, django_assert_max_num_queries):
    khau_trang, khau_trang_en = site.destinations["Làng Khâu Tràng"]
    pac_ban = site.destinations["Thác Pác Ban"][0]
    record(khau_trang, visit("203.0.113.1"))
    record(khau_trang_en, visit("203.0.113.2"))
    record(pac_ban, visit("203.0.113.3"))
    record(khau_trang, visit("203.0.113.1"), channel=FACEBOOK)
    record(khau_trang_en, visit("203.0.113.4"), channel=ZALO)
    record(khau_trang, visit("203.0.113.5"), channel=ZALO)

    with django_assert_max_num_queries(4):  # whatever the number of districts
        rows = {row["code"]: row for row in destination_promotion_by_district()}

    assert set(rows) == {"072", "074"}
    na_hang, ham_yen = rows["072"], rows["074"]
    assert na_hang["name"] == "Huyện Na Hang"
    # Khâu Tràng and Pác Ban, each in two languages.
    assert na_hang["destinations"] == 2
    assert (na_hang["views"], na_hang["facebook_shares"], na_hang["zalo_shares"]) == (3, 1, 2)
    assert na_hang["shares"] == 3
    assert na_hang["promoted_online"]
    assert ham_yen["destinations"] == 1
    assert (ham_yen["views"], ham_yen["shares"]) == (0, 0)
    assert not ham_yen["promoted_online"]
    first_published = min(page.first_published_at for page in (khau_trang, pac_ban))
    assert na_hang["first_published"] == first_published


def test_promotion_counts_only_the_period_and_published_destinations(site):
    khau_trang = site.destinations["Làng Khâu Tràng"][0]
    dong_tien, dong_tien_en = site.destinations["Hang Động Tiên"]
    last_year = timezone.now() - datetime.timedelta(days=365)
    record(khau_trang, visit(), now=last_year)
    record(dong_tien, visit())

    this_month = destination_promotion_by_district(since=timezone.now() - datetime.timedelta(days=30))
    rows = {row["code"]: row for row in this_month}
    assert rows["072"]["views"] == 0
    assert not rows["072"]["promoted_online"]
    assert rows["074"]["promoted_online"]
    assert rows["072"]["published_in_period"] == 2
    # Dates are accepted as bounds too.
    until_yesterday = destination_promotion_by_district(until=timezone.localdate())
    assert {row["code"]: row["views"] for row in until_yesterday} == {"072": 1, "074": 0}
    assert {row["code"]: row["published_in_period"] for row in until_yesterday} == {"072": 0, "074": 0}

    dong_tien.unpublish()
    dong_tien_en.unpublish()
    assert [row["code"] for row in destination_promotion_by_district()] == ["072"]
