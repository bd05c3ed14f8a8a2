"""The pages people use most pass axe-core's WCAG 2.1 A/AA and best-practice
checks at phone and desktop size: no critical or serious violation (every
form field labelled, images with alt text, enough colour contrast, valid
lists and ARIA) on the home page, the shop, a product, a trace page, a
destination and the map, the basket and the checkout as a guest up to the
payment step, and the province's reports; in Vietnamese and, for the home
page and the shop, in English.

axe-core comes from the npm registry at the version package-lock.json pins
(`make test-e2e` runs `npm ci`); it is injected into each page as it is
shown in the browser, after its scripts have run.
"""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.demo_site import BASE_DIR, PROVINCE_OFFICER

AXE_PATH = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = {"critical", "serious"}
# Markup the project does not write and cannot reasonably change, left out
# of the checks with the reason. Empty: Leaflet's map controls (zoom buttons,
# attribution) pass as they are.
EXCLUDED_SELECTORS: list[str] = []
PRODUCT_URL = re.compile(r"/shop/catalogue/[^/]+_\d+/$")


@pytest.fixture(scope="module")
def axe_source():
    if not AXE_PATH.exists():
        pytest.fail(f"axe-core is not installed ({AXE_PATH} is missing): run `make test-e2e` (npm ci)")
    return AXE_PATH.read_text(encoding="utf-8")


def audit(visitor, axe_source, name):
    """Runs axe on the page the visitor is on; returns the text of each
    critical or serious violation (empty when there is none) and saves a
    screenshot of the page."""
    page = visitor.page
    page.wait_for_load_state("load")
    visitor.shot(name)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated by the browser's devtools protocol, as the test's own
        # code: a <script> tag would be refused by the site's
        # Content-Security-Policy (no inline scripts).
        page.evaluate(axe_source)
    results = page.evaluate(
        """([tags, exclude]) => axe.run(
            {exclude: exclude.map(selector => [selector])},
            {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']},
        )""",
        [AXE_TAGS, EXCLUDED_SELECTORS],
    )
    # The checks the issue names did run: a page where axe found nothing to
    # check would pass for the wrong reason.
    checked = {rule["id"] for rule in results["passes"] + results["violations"]}
    assert "color-contrast" in checked, f"{name}: axe did not check colour contrast"
    if page.locator("input:not([type=hidden]), select, textarea").count():
        assert "label" in checked, f"{name}: axe did not check the form fields' labels"
    # (Decorative images, alt="", such as map tiles, and those with a role of
    # their own, such as map markers, are checked by other rules.)
    if page.locator("img:not([role]):not([alt=''])").count():
        assert "image-alt" in checked, f"{name}: axe did not check the images' alt text"

    failures = []
    for violation in results["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            # Moderate and minor ones are shown (pytest -s), not failed on.
            print(f"\n{name}: [{violation['impact']}] {violation['id']} x{len(violation['nodes'])}")  # noqa: T201
            continue
        lines = [
            f"{name} ({page.url}): [{violation['impact']}] {violation['id']}: {violation['help']}"
            f" ({violation['helpUrl']})"
        ]
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:300]}")
            summary = node.get("failureSummary", "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:400]}")
        failures.append("\n".join(lines))
    return failures


def assert_clean(visitor, failures):
    assert failures == [], "accessibility violations:\n" + "\n\n".join(failures)
    assert visitor.script_errors == []
    assert [r for r in visitor.outside_requests if r[0] in ("script", "stylesheet", "font")] == []


# --- The pages, walked as their people reach them ----------------------------
# Each walk calls check(name) on every page it shows; test_page_weight.py
# walks the same pages to measure them on a phone.


def walk_public_pages(guest, check):
    page = guest.page
    for path, name in [("/", "home"), ("/en/", "home-en"), ("/en/shop/catalogue/", "catalogue-en")]:
        guest.goto(path)
        check(name)

    guest.goto("/shop/catalogue/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check("catalogue")
    page.locator(".shop-card h2 a").first.click()
    page.wait_for_url(PRODUCT_URL)
    expect(page.locator("#add_to_basket_form")).to_be_visible()
    check("product")

    guest.goto("/trace/DEMO-CSHY-01/")
    expect(page.get_by_text("DEMO-CSHY-01").first).to_be_visible()
    check("trace")

    guest.goto("/diem-den/")
    page.locator(".tour-card h3 a").first.click()
    page.wait_for_url(re.compile(r"/diem-den/[^/]+/[^/]+/$"))
    check("destination")

    guest.goto("/ban-do/")
    page.locator(".leaflet-marker-icon").first.wait_for()
    check("map")


def walk_guest_checkout(guest, device, check):
    """A guest puts the first product of the shop in the basket and goes
    through the checkout up to choosing how to pay."""
    page = guest.page
    guest.goto("/shop/catalogue/")
    page.locator(".shop-card h2 a").first.click()
    page.wait_for_url(PRODUCT_URL)
    with page.expect_navigation():
        page.locator("#add_to_basket_form [type=submit]").click()
    # The product page again, with the message saying it is in the basket.
    expect(page.get_by_role("status").first).to_be_visible()
    check("product-added")

    guest.goto("/shop/basket/")
    expect(page.get_by_role("spinbutton").first).to_be_visible()
    check("basket")

    guest.goto("/shop/checkout/")
    check("checkout-who")
    page.locator("#id_username").fill(f"a11y-{device}-{uuid.uuid4().hex[:8]}@example.com")
    with page.expect_navigation(url="**/shop/checkout/shipping-address/"):
        page.locator("form.card [type=submit]").click()
    check("checkout-address")

    page.locator("#id_last_name").fill("Nguyễn Thị")
    page.locator("#id_first_name").fill("Lan")
    page.locator("#id_phone_number").fill("0912 345 678")
    page.locator("#id_line1").fill("Thôn Hồng Ba")
    page.locator("#id_commune").select_option(index=1)
    page.locator("#new_shipping_address .btn-primary").click()
    # The delivery step is skipped when the basket's cooperatives offer one way only.
    page.wait_for_url(re.compile(r"/shop/checkout/(shipping-method|payment-details)/"))
    if "shipping-method" in page.url:
        check("checkout-delivery")
        page.locator("form [type=submit]").first.click()
        page.wait_for_url("**/shop/checkout/payment-details/")
    expect(page.get_by_role("radio").first).to_be_visible()
    check("checkout-payment")


def walk_reports(officer, check):
    page = officer.page
    officer.log_in_cms(*PROVINCE_OFFICER)
    officer.goto("/reports/")
    check("reports")
    # A district's report: the first drill-down link (not an export or the PDF).
    links = page.locator("a[href*='/reports/units/']")
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    unit_hrefs = [href for href in hrefs if re.search(r"/reports/units/\d+/(\?|$)", href)]
    assert unit_hrefs, f"no unit report linked from the overview: {hrefs[:10]}"
    officer.goto(unit_hrefs[0])
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check("reports-unit")


# --- The checks -----------------------------------------------------------------


def test_public_pages_have_no_serious_accessibility_violations(visitor, axe_source):
    guest = visitor("guest")
    failures = []
    walk_public_pages(guest, lambda name: failures.extend(audit(guest, axe_source, name)))
    assert_clean(guest, failures)


def test_guest_checkout_has_no_serious_accessibility_violations(visitor, axe_source, device):
    guest = visitor("guest")
    failures = []
    walk_guest_checkout(guest, device, lambda name: failures.extend(audit(guest, axe_source, name)))
    assert_clean(guest, failures)


def test_reports_have_no_serious_accessibility_violations(visitor, axe_source):
    officer = visitor("province-officer")
    failures = []
    walk_reports(officer, lambda name: failures.extend(audit(officer, axe_source, name)))
    assert_clean(officer, failures)
