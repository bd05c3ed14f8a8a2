"""On a 375-px phone: no page of the main journeys scrolls sideways; the shop
and a product page cost under 500 KB on a first visit, product photos aside;
and their scripts, stylesheets and fonts all come from the site itself, so a
phone on a slow rural connection waits on no other server (map tiles, images
from OpenStreetMap, are the one outside request, on the map pages)."""

import urllib.parse

import pytest

from tests.e2e.conftest import PHONE
from tests.e2e.test_accessibility import PRODUCT_URL, walk_guest_checkout, walk_public_pages, walk_reports

# Phone size only: these are the phone's limits.
pytestmark = pytest.mark.parametrize("device", ["phone"])

FIRST_VISIT_LIMIT = 500 * 1024
# A page, its stylesheet and its script weigh more than this: a smaller sum
# means the measure missed them.
PLAUSIBLE_MINIMUM = 10 * 1024

# The elements that stick out past the screen's right edge, deepest first,
# to tell which one makes a page scroll sideways.
WIDE_ELEMENTS_JS = """width => [...document.body.querySelectorAll('*')]
    .filter(el => el.getBoundingClientRect().right > width + 0.5)
    .filter(el => ![...el.children].some(child => child.getBoundingClientRect().right > width + 0.5))
    .slice(0, 5)
    .map(el => el.outerHTML.slice(0, 200))"""


def test_no_page_scrolls_sideways_on_a_phone(visitor, device):
    too_wide = []

    def check(tab, name):
        page = tab.page
        page.wait_for_load_state("load")
        html_width, body_width = page.evaluate(
            "[document.documentElement.scrollWidth, document.body.scrollWidth]"
        )
        if max(html_width, body_width) > PHONE["width"]:
            culprits = page.evaluate(WIDE_ELEMENTS_JS, PHONE["width"])
            too_wide.append(f"{name} ({page.url}): html {html_width} px, body {body_width} px; {culprits}")

    guest = visitor("guest")
    walk_public_pages(guest, lambda name: check(guest, name))
    buyer = visitor("buyer")
    walk_guest_checkout(buyer, device, lambda name: check(buyer, name))
    officer = visitor("province-officer")
    walk_reports(officer, lambda name: check(officer, name))

    assert too_wide == [], "pages wider than the phone's screen:\n" + "\n".join(too_wide)
    for tab in (guest, buyer, officer):
        assert tab.script_errors == []


def first_visit(visitor, role, path):
    """Opens path in a new tab with an empty cache; returns the tab, the
    Performance API's entries for the page and everything it loaded, and
    the requests Playwright saw finish."""
    tab = visitor(role)
    finished = []
    tab.page.on("requestfinished", lambda request: finished.append(request))
    # A request that fails (a missing icon's 404 page) costs bytes for nothing.
    tab.failed = []
    tab.page.on("response", lambda response: response.status >= 400 and tab.failed.append(response.url))
    tab.goto(path)
    tab.page.wait_for_load_state("networkidle")
    entries = tab.page.evaluate(
        """() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
            .map(e => ({
                url: e.name, type: e.initiatorType, transfer: e.transferSize, body: e.encodedBodySize,
            }))"""
    )
    return tab, entries, finished


def first_product_path(shop):
    path = urllib.parse.urlsplit(shop.page.locator(".shop-card h2 a").first.get_attribute("href")).path
    assert PRODUCT_URL.search(path), path
    return path


def is_product_photo(url):
    return urllib.parse.urlsplit(url).path.startswith("/media/")


def transferred(entries, finished, name):
    """The bytes the page and its resources cost, product photos aside,
    after checking the browser's figures against Playwright's."""
    counted = [entry for entry in entries if not is_product_photo(entry["url"])]
    by_url = {entry["url"]: entry for entry in counted}
    for request in finished:
        if is_product_photo(request.url):
            continue
        assert request.url in by_url, f"{name}: {request.url} loaded but not in the Performance API's entries"
        seen, body = by_url[request.url]["body"], request.sizes()["responseBodySize"]
        assert seen == body, f"{name}: {request.url} is {seen} bytes to the browser, {body} to Playwright"
    total = sum(entry["transfer"] or entry["body"] for entry in counted)
    photos = sum(entry["transfer"] or entry["body"] for entry in entries if is_product_photo(entry["url"]))
    print(  # noqa: T201
        f"\n{name}: {total / 1024:.1f} KB on a first visit without product photos ({photos / 1024:.1f} KB)"
        + "".join(f"\n  {entry['transfer'] or entry['body']:>8} {entry['url']}" for entry in counted)
    )
    return total


def test_the_shop_and_a_product_are_light_on_a_first_visit(visitor):
    shop, entries, finished = first_visit(visitor, "guest", "/shop/catalogue/")
    shop.shot("catalogue")
    shop_bytes = transferred(entries, finished, "catalogue")
    product_path = first_product_path(shop)

    # Another tab, so nothing the shop loaded is cached for the product page.
    product, entries, finished = first_visit(visitor, "guest-product", product_path)
    product.shot("product")
    product_bytes = transferred(entries, finished, "product")

    assert PLAUSIBLE_MINIMUM < shop_bytes < FIRST_VISIT_LIMIT
    assert PLAUSIBLE_MINIMUM < product_bytes < FIRST_VISIT_LIMIT
    assert shop.failed == product.failed == []


# Every stylesheet's @font-face sources, resolved against the stylesheet's
# own address (a stylesheet from elsewhere whose rules cannot be read is
# reported as such).
FONT_SOURCES_JS = """() => [...document.styleSheets].flatMap(sheet => {
    let rules;
    try { rules = [...sheet.cssRules]; } catch (error) { return ['unreadable stylesheet ' + sheet.href]; }
    return rules.filter(rule => rule instanceof CSSFontFaceRule).flatMap(rule =>
        [...rule.style.getPropertyValue('src').matchAll(/url\\(["']?([^"')]+)["']?\\)/g)]
            .map(match => new URL(match[1], sheet.href || document.baseURI).href));
})"""


def assert_all_from_the_site(tab, entries, name):
    page = tab.page
    origin = tab.site.url + "/"
    assert [r for r in tab.outside_requests if r[0] in ("script", "stylesheet", "font")] == [], name
    scripts = page.evaluate("[...document.scripts].map(s => s.src).filter(Boolean)")
    stylesheets = page.evaluate(
        "[...document.querySelectorAll('link[rel~=stylesheet]')].map(l => l.href)"
        ".concat([...document.styleSheets].map(s => s.href).filter(Boolean))"
    )
    fonts = page.evaluate(FONT_SOURCES_JS)
    # What the browser fetched for scripts, stylesheets and what they asked for (fonts among it).
    loaded = [
        entry["url"]
        for entry in entries
        if entry["type"] in ("script", "link", "css")
        or urllib.parse.urlsplit(entry["url"]).path.endswith((".woff2", ".woff", ".ttf", ".otf"))
    ]
    assert scripts and stylesheets, f"{name}: no script or stylesheet found, so nothing was checked"
    for kind, urls in [("script", scripts), ("stylesheet", stylesheets), ("font", fonts), ("asked", loaded)]:
        outside = [url for url in urls if not url.startswith(origin)]
        assert outside == [], f"{name}: {kind} from outside the site: {outside}"
    assert tab.script_errors == []


def test_scripts_stylesheets_and_fonts_come_from_the_site(visitor):
    shop, entries, _ = first_visit(visitor, "guest", "/shop/catalogue/")
    assert_all_from_the_site(shop, entries, "catalogue")
    product, entries, _ = first_visit(visitor, "guest-product", first_product_path(shop))
    assert_all_from_the_site(product, entries, "product")
