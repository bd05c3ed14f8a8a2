"""The header's search box on a 360-px phone: static/js/search-suggest.js
lists titles as they are typed, and a suggestion leads to its page."""

import re

import pytest

from search import services
from tests.catalog.test_storefront import make_product
from tests.factories import administrative_tree, approved_cooperative

# serialized_rollback restores what migrations created (roles, home pages)
# once the live server's test has flushed the database.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The narrowest phones still sold in Vietnam.
NARROW_PHONE = {"width": 360, "height": 740}


@pytest.fixture
def narrow_phone(browser):
    context = browser.new_context(
        viewport=NARROW_PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.route(
        "**/*", lambda route: route.abort() if "127.0.0.1" not in route.request.url else route.continue_()
    )
    yield page
    context.close()


@pytest.fixture
def tea():
    units = administrative_tree()
    son_tra = approved_cooperative(legal_name="Hợp tác xã Chè Sơn Trà", commune=units["02254"])
    product = make_product("Chè Shan tuyết Na Hang", son_tra, commune=units["02254"], ocop=4)
    make_product("Chế phẩm trà túi lọc", son_tra, commune=units["02254"])
    make_product("Cam sành Hàm Yên", son_tra, commune=units["02254"])
    # Saving enqueued index updates already (tasks run eagerly on commit);
    # a rebuild makes the index independent of that.
    services.search_index_rebuild()
    return product


def overflow(page) -> int:
    width = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    return width - NARROW_PHONE["width"]


def type_in_the_header_box(page, live_server, text):
    page.goto(f"{live_server.url}/shop/catalogue/")
    box = page.locator("header form[role=search] input[name=q]")
    # The script has made the box a combobox.
    page.wait_for_function("document.querySelector('header [role=combobox]') !== null")
    box.tap()
    box.press_sequentially(text, delay=40)
    option = page.locator("header [role=listbox]").get_by_role("option", name=re.compile(r"^Chè Shan tuyết"))
    option.wait_for(timeout=10_000)
    return box, option


def test_keyboard_chooses_a_suggestion(live_server, narrow_phone, tea):
    box, option = type_in_the_header_box(narrow_phone, live_server, "che sh")

    assert box.get_attribute("aria-expanded") == "true"
    assert narrow_phone.locator("header [role=listbox] [role=option]").count() <= 8
    assert overflow(narrow_phone) <= 0
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
    assert option.get_attribute("aria-selected") == "true"
    box.press("Enter")

    narrow_phone.wait_for_url(f"{live_server.url}{tea.get_absolute_url()}")


def test_tapping_a_suggestion_opens_it_and_the_results_page_fits(live_server, narrow_phone, tea):
    box, option = type_in_the_header_box(narrow_phone, live_server, "che sh")
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    box.press("Backspace")
    option.wait_for(timeout=10_000)

    option.tap()

    narrow_phone.wait_for_url(f"{live_server.url}{tea.get_absolute_url()}")
    # Without choosing a suggestion, the form searches: the results page
    # fits the phone, its facets folded.
    narrow_phone.goto(f"{live_server.url}/search/?q=che")
    assert narrow_phone.locator(".search-hit").count() >= 2
    assert narrow_phone.locator("details.search-facets:not([open])").count() == 1
    assert overflow(narrow_phone) <= 0
