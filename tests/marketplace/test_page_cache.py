"""The page cache for anonymous visitors (marketplace/page_cache.py): what it
serves, that it never hands one visitor's cookies, tokens, basket or name to
another, and that a change shows at once."""

import json
import re
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from cms.models import DestinationEngagement, DestinationIndexPage, DistrictSectionPage
from marketplace import page_cache
from tests.catalog.test_storefront import make_lot, make_product
from tests.factories import administrative_tree, approved_cooperative, user_with_role
from tests.factories.cms import add_page, destination, home_pages

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")
CATALOGUE = "/shop/catalogue/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def units():
    return administrative_tree()


@pytest.fixture
def tea(units):
    son_tra = approved_cooperative(legal_name="Hợp tác xã Sơn Trà", commune=units["02254"])
    product = make_product("Chè Shan tuyết", son_tra, commune=units["02254"], price=150000)
    make_lot(product, son_tra)
    return product


def page_of(product):
    return reverse("catalogue:detail", kwargs={"product_slug": product.slug, "pk": product.pk})


def cache_state(response):
    return response.get("X-Page-Cache")


def sql_run(queries) -> list[str]:
    # The test's own transaction makes each request's atomic block a
    # savepoint; outside tests it costs nothing until a query runs.
    return [query["sql"] for query in queries if "SAVEPOINT" not in query["sql"]]


def test_an_anonymous_visitor_gets_the_stored_page_without_a_query(tea):
    first = Client().get(CATALOGUE)
    assert cache_state(first) == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(CATALOGUE)
    assert sql_run(queries) == []
    assert cache_state(second) == "hit"
    assert second.status_code == 200
    assert "Chè Shan tuyết" in second.content.decode()
    assert second.content == first.content


def test_a_stored_product_page_costs_no_query(tea):
    first = Client().get(page_of(tea))
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(page_of(tea))
    assert (cache_state(first), cache_state(second)) == ("miss", "hit")
    # Not even the request's transaction: the cached views open it only to render.
    assert len(queries) == 0
    assert TOKEN.sub("", second.content.decode()) == TOKEN.sub("", first.content.decode())


def test_a_stored_page_carries_no_other_visitors_cookie_or_token(tea):
    first_visitor, second_visitor = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first = first_visitor.get(page_of(tea))
    second = second_visitor.get(page_of(tea))
    assert (cache_state(first), cache_state(second)) == ("miss", "hit")

    first_token = TOKEN.search(first.content.decode()).group(1)
    second_token = TOKEN.search(second.content.decode()).group(1)
    assert first_token != second_token
    assert first_token not in second.content.decode()
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    # The second visitor's own token works with its own cookie: the form on
    # the stored page adds to the basket.
    added = second_visitor.post(
        reverse("basket:add", kwargs={"pk": tea.pk}), {"quantity": 1, "csrfmiddlewaretoken": second_token}
    )
    assert added.status_code == 302
    # The first visitor's token is refused with the second's cookie.
    stolen = second_visitor.post(
        reverse("basket:add", kwargs={"pk": tea.pk}), {"quantity": 1, "csrfmiddlewaretoken": first_token}
    )
    assert stolen.status_code == 403


def test_a_visitor_with_a_basket_is_never_served_nor_stored(tea):
    buyer = Client()
    buyer.post(reverse("basket:add", kwargs={"pk": tea.pk}), {"quantity": 2})
    assert buyer.cookies.get("oscar_open_basket")

    with_basket = buyer.get(page_of(tea))
    assert cache_state(with_basket) is None
    # Nothing the buyer's page held was stored for the next visitor.
    assert cache_state(Client().get(page_of(tea))) == "miss"
    basket = buyer.get(reverse("basket:summary"))
    assert "Chè Shan tuyết" in basket.content.decode()


def test_a_signed_in_visitor_is_never_served_nor_stored(tea):
    member = user_with_role("Province officer", email="can.bo@example.vn", first_name="Hoàng")
    anonymous = Client().get(page_of(tea))
    assert "Log in" in anonymous.content.decode() or "Đăng nhập" in anonymous.content.decode()

    signed_in = Client()
    signed_in.force_login(member)
    own = signed_in.get(page_of(tea))
    assert cache_state(own) is None
    account_link = f'href="{reverse("customer:summary")}"'
    assert account_link in own.content.decode()

    cache.clear()
    signed_in.get(page_of(tea))
    after = Client().get(page_of(tea))
    assert cache_state(after) == "miss"
    assert account_link not in after.content.decode()
    assert "can.bo@example.vn" not in after.content.decode()


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_visitor_with_a_session_or_messages_is_rendered_afresh(tea, cookie):
    Client().get(page_of(tea))
    visitor = Client()
    visitor.cookies[cookie] = "something"
    assert cache_state(visitor.get(page_of(tea))) is None


def test_only_reads_are_cached_and_long_addresses_are_not_stored(tea):
    Client().get(CATALOGUE)
    assert cache_state(Client().head(CATALOGUE)) == "hit"
    long_address = CATALOGUE + "?page=1&" + "x=" + "a" * page_cache.MAX_CACHED_PATH
    assert cache_state(Client().get(long_address)) is None
    assert Client().get(long_address).status_code == 200


def test_a_price_change_shows_at_once_in_the_list_and_the_page(tea, django_capture_on_commit_callbacks):
    assert "150.000" in Client().get(CATALOGUE).content.decode()
    assert "150.000" in Client().get(page_of(tea)).content.decode()

    record = StockRecord.objects.get(product=tea)
    record.price = 175000
    with django_capture_on_commit_callbacks(execute=True):
        record.save()

    listing, page = Client().get(CATALOGUE), Client().get(page_of(tea))
    assert (cache_state(listing), cache_state(page)) == ("miss", "miss")
    assert "175.000" in listing.content.decode() and "150.000" not in listing.content.decode()
    assert "175.000" in page.content.decode()


def test_a_stock_movement_renews_the_product_page_but_not_the_list(tea, django_capture_on_commit_callbacks):
    Client().get(CATALOGUE)
    before = Client().get(page_of(tea)).content.decode()
    record = StockRecord.objects.get(product=tea)
    with django_capture_on_commit_callbacks(execute=True):
        record.allocate(4)  # what checkout does, through Oscar

    page = Client().get(page_of(tea))
    assert cache_state(page) == "miss"
    assert page.content.decode() != before
    assert cache_state(Client().get(CATALOGUE)) == "hit"


def test_a_change_not_yet_committed_invalidates_nothing(tea, django_capture_on_commit_callbacks):
    Client().get(page_of(tea))
    tea.title = "Chè Shan tuyết cổ thụ"
    with django_capture_on_commit_callbacks(execute=False) as pending:
        tea.save()
    assert cache_state(Client().get(page_of(tea))) == "hit"
    for callback in pending:
        callback()
    renewed = Client().get(page_of(tea))
    assert cache_state(renewed) == "miss"
    assert "Chè Shan tuyết cổ thụ" in renewed.content.decode()


def test_a_suspended_cooperative_renews_every_shop_page(tea, django_capture_on_commit_callbacks):
    Client().get(CATALOGUE)
    Client().get(page_of(tea))
    cooperative = tea.stockrecords.get().partner.cooperative
    cooperative.legal_name = "Hợp tác xã Sơn Trà Na Hang"
    with django_capture_on_commit_callbacks(execute=True):
        cooperative.save()
    assert cache_state(Client().get(CATALOGUE)) == "miss"
    page = Client().get(page_of(tea))
    assert cache_state(page) == "miss"
    assert "Hợp tác xã Sơn Trà Na Hang" in page.content.decode()


def test_a_product_page_served_from_the_cache_joins_the_visitors_history(tea):
    Client().get(page_of(tea))
    visitor = Client()
    served = visitor.get(page_of(tea))
    assert cache_state(served) == "hit"
    assert json.loads(visitor.cookies["oscar_history"].value) == [tea.pk]


def test_a_rendered_page_still_runs_in_the_requests_transaction(tea):
    with CaptureQueriesContext(connection) as queries:
        assert cache_state(Client().get(CATALOGUE)) == "miss"
    assert any("SAVEPOINT" in query["sql"] for query in queries)


@pytest.fixture
def places(units):
    index = add_page(home_pages()[0], DestinationIndexPage(title="Điểm đến", slug="diem-den"))
    section = add_page(
        index, DistrictSectionPage(title="Huyện Na Hang", slug="na-hang", district=units["072"])
    )
    return index, add_page(
        section, destination(section, title="Làng Khâu Tràng", slug="khau-trang", lat="22.44", lon="105.39")
    )


def test_a_published_page_change_renews_the_tourism_pages(places, django_capture_on_commit_callbacks):
    index, khau_trang = places
    assert "Làng Khâu Tràng" in Client().get(index.url).content.decode()
    assert cache_state(Client().get(index.url)) == "hit"

    khau_trang.title = "Làng văn hoá Khâu Tràng"
    revision = khau_trang.save_revision()
    # A draft is not what visitors see: the stored page stays.
    assert cache_state(Client().get(index.url)) == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        revision.publish()
    renewed = Client().get(index.url)
    assert cache_state(renewed) == "miss"
    assert "Làng văn hoá Khâu Tràng" in renewed.content.decode()


def test_a_destination_view_served_from_the_cache_is_still_recorded(places):
    khau_trang = places[1]
    phone = "Mozilla/5.0 (Linux; Android 14) Chrome/126 Mobile Safari/537.36"
    first = Client().get(khau_trang.url, HTTP_USER_AGENT=phone, REMOTE_ADDR="203.0.113.7")
    second = Client().get(khau_trang.url, HTTP_USER_AGENT=phone, REMOTE_ADDR="203.0.113.8")
    assert (cache_state(first), cache_state(second)) == ("miss", "hit")
    assert DestinationEngagement.objects.filter(destination=khau_trang).count() == 2


def test_pages_still_answer_when_the_cache_is_down(tea):
    with mock.patch.object(page_cache.cache, "get_many", side_effect=ConnectionError("Redis is down")):
        response = Client().get(page_of(tea))
    assert response.status_code == 200
    assert cache_state(response) is None
    assert "Chè Shan tuyết" in response.content.decode()


def test_nothing_is_cached_when_the_page_cache_is_off(tea, settings):
    settings.PAGE_CACHE_SECONDS = 0
    Client().get(page_of(tea))
    assert cache_state(Client().get(page_of(tea))) is None


def test_the_health_check_answers_without_the_database(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz/")
    assert len(queries) == 0
    assert response.status_code == 200
    assert response.content == b"ok"


def test_the_catalogue_filters_are_computed_once_until_the_shop_changes(
    tea, units, django_capture_on_commit_callbacks
):
    member = user_with_role("Province officer", email="can.bo@example.vn")
    signed_in = Client()
    signed_in.force_login(member)
    with CaptureQueriesContext(connection) as first:
        signed_in.get(CATALOGUE)
    with CaptureQueriesContext(connection) as second:
        listing = signed_in.get(CATALOGUE)
    # A signed-in visitor's list is rendered, but its filters are kept.
    # Communes, cooperatives, categories, OCOP levels, certification schemes.
    assert len(sql_run(second)) <= len(sql_run(first)) - 5
    assert "Hợp tác xã Sơn Trà" in listing.content.decode()

    other = approved_cooperative(legal_name="Hợp tác xã Phù Lưu", commune=units["02395"])
    with django_capture_on_commit_callbacks(execute=True):
        make_product("Cam sành", other, commune=units["02395"], price=40000)
    renewed = signed_in.get(CATALOGUE).content.decode()
    assert "Hợp tác xã Phù Lưu" in renewed


def test_a_page_not_stored_still_has_working_forms(tea):
    """A page rendered for the cache but not kept (here: marked private by
    its view) still carries the visitor's own token."""
    visitor = Client(enforce_csrf_checks=True)
    with mock.patch.object(page_cache, "_storable", return_value=False):
        page = visitor.get(page_of(tea))
    assert cache_state(page) is None
    token = TOKEN.search(page.content.decode()).group(1)
    added = visitor.post(
        reverse("basket:add", kwargs={"pk": tea.pk}), {"quantity": 1, "csrfmiddlewaretoken": token}
    )
    assert added.status_code == 302
