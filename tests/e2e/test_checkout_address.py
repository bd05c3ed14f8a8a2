"""The shipping address page on a 360-px phone, with and without JavaScript:
the province → district → commune chooser of marketplace.checkout.forms and
static/js/address-chooser.js."""

from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model
from oscar.test.factories import create_product, create_stockrecord

from marketplace.shipping.models import CooperativeShippingPolicy
from tests.factories import administrative_tree, approved_cooperative, other_province_tree

# serialized_rollback restores what migrations created (roles, Việt Nam as
# the shipping country) once the live server's test has flushed the database.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SMALL_PHONE = {"width": 360, "height": 740}


@pytest.fixture
def tea():
    Country = get_model("address", "Country")
    Country.objects.filter(iso_3166_1_a2="VN").update(is_shipping_country=True)
    units = administrative_tree()
    cooperative = approved_cooperative(legal_name="Hợp tác xã Chè Sơn Trà", commune=units["02254"])
    # Two ways to receive it, so the shipping method page is shown, not skipped.
    CooperativeShippingPolicy.objects.update_or_create(
        cooperative=cooperative, defaults={"allows_pickup": True}
    )
    product = create_product(title="Chè Shan tuyết", net_weight_grams=500)
    create_stockrecord(
        product, price=Decimal("150000"), num_in_stock=20, partner_name=cooperative.partner.name
    )
    return product


def small_phone(browser, *, javascript):
    context = browser.new_context(
        viewport=SMALL_PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.route(
        "**/*", lambda route: route.abort() if "127.0.0.1" not in route.request.url else route.continue_()
    )
    return context, page


def to_the_address_page(page, live_server, product):
    page.goto(live_server.url + product.get_absolute_url(), wait_until="load")
    with page.expect_navigation():
        page.click("#add_to_basket_form [type=submit]")
    page.goto(live_server.url + reverse("checkout:index"), wait_until="load")
    page.fill("#id_username", "lan@example.com")
    with page.expect_navigation(url="**" + reverse("checkout:shipping-address")):
        page.click("form.card [type=submit]")


def fill_the_person(page):
    page.fill("#id_last_name", "Nguyễn Thị")
    page.fill("#id_first_name", "Lan")
    page.fill("#id_phone_number", "0912 345 678")
    page.fill("#id_line1", "Thôn Hồng Ba")


def commune_labels(page):
    return page.eval_on_selector_all(
        "#id_commune option", "options => options.map(o => o.textContent.trim())"
    )


def test_with_javascript_the_district_narrows_the_communes(browser, live_server, tea):
    context, page = small_phone(browser, javascript=True)
    try:
        to_the_address_page(page, live_server, tea)
        width = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        assert width <= SMALL_PHONE["width"]
        # Controls large enough to tap, one under another.
        box = page.locator("#id_commune").bounding_box()
        assert box["height"] >= 44 and box["width"] >= SMALL_PHONE["width"] * 0.7

        assert {"Xã Hồng Thái", "Xã Phù Lưu"} <= set(commune_labels(page))
        page.select_option("#id_district", label="Huyện Hàm Yên")
        assert commune_labels(page)[1:] == ["Xã Phù Lưu", "Xã Yên Thuận"]
        page.select_option("#id_commune", label="Xã Yên Thuận")
        fill_the_person(page)
        page.click("#new_shipping_address .btn-primary")

        page.wait_for_url("**" + reverse("checkout:shipping-method"))
    finally:
        context.close()


def test_a_commune_chosen_first_sets_its_district(browser, live_server, tea):
    context, page = small_phone(browser, javascript=True)
    try:
        to_the_address_page(page, live_server, tea)
        page.select_option("#id_commune", label="Xã Hồng Thái")
        assert page.eval_on_selector("#id_district", "s => s.options[s.selectedIndex].textContent") == (
            "Huyện Na Hang"
        )
        assert commune_labels(page)[1:] == ["Xã Hồng Thái", "Xã Thượng Nông"]
        assert page.input_value("#id_commune") != ""
    finally:
        context.close()


def test_without_javascript_the_grouped_communes_are_enough(browser, live_server, tea):
    context, page = small_phone(browser, javascript=False)
    try:
        to_the_address_page(page, live_server, tea)
        width = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        assert width <= SMALL_PHONE["width"]
        page.select_option("#id_commune", label="Xã Phù Lưu")
        fill_the_person(page)
        page.click("#new_shipping_address .btn-primary")

        page.wait_for_url("**" + reverse("checkout:shipping-method"))
    finally:
        context.close()


def test_with_javascript_another_province_reloads_its_units_keeping_what_was_typed(browser, live_server, tea):
    other_province_tree()
    context, page = small_phone(browser, javascript=True)
    try:
        to_the_address_page(page, live_server, tea)
        assert not page.is_visible("[data-choose-province]")  # the script presses it itself
        page.fill("#id_last_name", "Nguyễn Thị")
        with page.expect_navigation():
            page.select_option("#id_province", label="Tỉnh Hà Giang")

        assert commune_labels(page)[1:] == ["Xã Yên Phong"]
        assert page.input_value("#id_last_name") == "Nguyễn Thị"
        assert page.locator(".is-invalid").count() == 0
    finally:
        context.close()
