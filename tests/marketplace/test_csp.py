"""The Content-Security-Policy (django-csp, marketplace/csp.py): on the
storefront a script runs only from a file of the site or Stripe.js, so a
script slipped into a page (a cooperative's text, a review, a search term)
does not run. Each representative page carries a policy whose script-src
has neither 'unsafe-inline' nor 'unsafe-eval', and its HTML needs neither:
no inline <script> (JSON data blocks are not run and are allowed), no
on… event handler attribute, no javascript: address. The back office alone
is allowed inline scripts (Wagtail's admin, Oscar's dashboard need them).
The browser tests (tests/e2e) fail on any violation a page reports."""

import re

from bs4 import BeautifulSoup
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from marketplace import roles
from marketplace.checkout.models import CardCheckout
from tests.factories import user_with_role
from tests.factories.cms import tourism_site
from tests.marketplace.checkout import conftest as checkout_fixtures
from tests.marketplace.checkout.conftest import checkout_to_payment, choose_payment, place_order, text

# Two cooperatives' products, a lot and a buyer (the checkout tests' fixture).
shop = checkout_fixtures.shop

# <script> types a browser does not run: data for the page's own scripts
# (json_script) and structured data for search engines (JSON-LD).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
EVENT_HANDLER = re.compile(r"^on[a-z]+$")


def directives(response) -> dict[str, list[str]]:
    policy = response.get("Content-Security-Policy", "")
    assert policy, f"{response.request['PATH_INFO']}: no Content-Security-Policy header"
    parsed = {}
    for directive in policy.split(";"):
        name, *sources = directive.split()
        parsed[name] = sources
    return parsed


def inline_script_problems(html: str) -> list[str]:
    """What in ``html`` a policy without 'unsafe-inline' would refuse to run."""
    problems = []
    for element in BeautifulSoup(html, "html.parser").find_all(True):
        if element.name == "script" and not element.get("src"):
            kind = (element.get("type") or "").split(";")[0].strip().lower()
            if kind not in DATA_SCRIPT_TYPES:
                problems.append(f"inline script: {str(element)[:120]}")
        for name, value in element.attrs.items():
            if EVENT_HANDLER.match(name.lower()):
                problems.append(f"event handler {name} on <{element.name}>")
            values = value if isinstance(value, list) else [value]
            if any(re.sub(r"\s", "", v).lower().startswith("javascript:") for v in values):
                problems.append(f"javascript: address in {name} of <{element.name}>")
    return problems


def storefront_problems(client, paths) -> dict[str, list[str]]:
    """For each path: what breaks the storefront's policy, in the header or
    in the page (empty when the page is as it must be)."""
    found = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, f"{path} -> {response.status_code}"
        scripts = directives(response)["script-src"]
        problems = [f"script-src allows {s}" for s in scripts if s in ("'unsafe-inline'", "'unsafe-eval'")]
        problems += inline_script_problems(response.content.decode())
        if problems:
            found[path] = problems
    return found


def test_the_page_check_finds_every_kind_of_inline_script():
    html = """<html><body>
      <script>alert(1)</script>
      <script type="text/javascript">alert(2)</script>
      <script type="application/ld+json">{"@type": "Place"}</script>
      <script type="application/json" id="areas">[]</script>
      <script src="/static/js/oscar-init.js"></script>
      <button onclick="history.go(-1)">Back</button>
      <img src="x.png" onError="alert(3)">
      <a href=" JavaScript:alert(4)">link</a>
    </body></html>"""

    problems = inline_script_problems(html)

    assert len(problems) == 5, problems
    assert sum(p.startswith("inline script") for p in problems) == 2
    assert sum(p.startswith("event handler") for p in problems) == 2
    assert sum(p.startswith("javascript:") for p in problems) == 1


def test_public_pages_run_no_inline_script(client, shop):
    site = tourism_site(shop["units"])
    destination, destination_en = site.destinations["Làng Khâu Tràng"]
    paths = [
        "/",
        "/en/",
        destination.url,
        destination_en.url,
        site.map.url,
        site.map_en.url,
        site.event.url,
        reverse("catalogue:index"),
        shop["oranges"].get_absolute_url(),
        shop["tea"].get_absolute_url(),
        reverse("trace:lot", kwargs={"code": shop["lot"].code}),
        reverse("site-search") + "?q=ch%C3%A8",
        reverse("cooperatives:directory"),
        reverse("cooperatives:detail", kwargs={"slug": shop["tea_coop"].slug}),
        reverse("customer:login"),
        reverse("customer:register"),
        reverse("basket:summary"),
    ]
    with translation.override("en"):
        paths += [reverse("catalogue:index"), reverse("basket:summary")]

    assert storefront_problems(client, paths) == {}


def test_the_basket_and_every_checkout_step_run_no_inline_script(client, shop, stripe_settings):
    client.post(reverse("basket:add", kwargs={"pk": shop["oranges"].pk}), {"quantity": 2})
    # The gateway's choice between signing in and buying as a guest.
    assert storefront_problems(client, [reverse("basket:summary"), reverse("checkout:index")]) == {}
    basket = client.get(reverse("basket:summary")).content.decode()
    # The basket's quantity and remove links are started from the static file.
    assert re.search(r'<script src="[^"]*/js/oscar-init\.js" data-oscar-init="[^"]*\bbasket\b', basket)

    steps = []
    checkout_to_payment(client, shop, [(shop["tea"], 1)])
    # The delivery step has one method to offer, so it moves straight on.
    steps += [reverse("checkout:shipping-address"), reverse("checkout:payment-details")]
    choose_payment(client, "stripe")
    steps.append(reverse("checkout:preview"))
    assert storefront_problems(client, steps) == {}

    place_order(client)
    checkout = CardCheckout.objects.get()
    card_page = reverse("checkout:card-payment", kwargs={"order_number": checkout.order_number})
    assert storefront_problems(client, [card_page]) == {}
    page = client.get(card_page)
    policy = directives(page)
    # Stripe.js, its card field's frame and its calls to Stripe are allowed.
    assert "https://js.stripe.com" in policy["script-src"]
    assert "https://js.stripe.com" in policy["frame-src"]
    assert "https://api.stripe.com" in policy["connect-src"]
    assert re.search(r'<script src="[^"]*/js/card-payment\.js"></script>', page.content.decode())


def test_the_order_confirmation_runs_no_inline_script(shop):
    buyer = Client()
    checkout_to_payment(buyer, shop, [(shop["oranges"], 1)])
    choose_payment(buyer, "cod")
    response = place_order(buyer)
    assert response.status_code == 302, text(response)

    assert storefront_problems(buyer, [response["Location"]]) == {}
    assert 'data-behaviours="print"' in buyer.get(response["Location"]).content.decode()


def test_a_buyer_s_account_pages_run_no_inline_script(client, shop):
    client.force_login(shop["buyer"])
    names = [
        "profile-view", "profile-update", "change-password", "address-list", "address-create",
        "order-list", "wishlists-list", "wishlists-create", "notifications-inbox", "email-list",
    ]  # fmt: skip

    assert storefront_problems(client, [reverse(f"customer:{name}") for name in names]) == {}


def test_the_province_reports_run_no_inline_script(client, shop):
    client.force_login(user_with_role(roles.PROVINCE_OFFICER))
    paths = [
        reverse("reports:overview"),
        reverse("reports:unit", kwargs={"pk": shop["units"]["072"].pk}),
        reverse("reports:cooperative", kwargs={"pk": shop["tea_coop"].pk}),
    ]

    assert storefront_problems(client, paths) == {}


def test_only_the_back_office_may_run_inline_scripts(client, db):
    admin = user_with_role(roles.PLATFORM_ADMIN)
    client.force_login(admin)

    for path in ["/cms/", "/shop/dashboard/", "/en/shop/dashboard/"]:
        response = client.get(path)
        assert response.status_code == 200, f"{path} -> {response.status_code}"
        assert "'unsafe-inline'" in directives(response)["script-src"], path
    # Nothing of the back office comes from another site (Gravatar, Wagtail's news).
    cms_home = client.get("/cms/")
    assert "gravatar.com" not in cms_home.content.decode()
    assert "releases.wagtail.io" not in cms_home["Content-Security-Policy"]
    # Oscar's dashboard still starts its pages (menus, tables) with its script.
    assert "oscar.dashboard.init(" in client.get("/shop/dashboard/").content.decode()

    for path in ["/", "/shop/catalogue/", "/django-admin/", "/shop/accounts/"]:
        response = client.get(path)
        assert "'unsafe-inline'" not in directives(response)["script-src"], path
        assert "'unsafe-eval'" not in directives(response)["script-src"], path


def test_a_page_served_from_the_page_cache_carries_the_policy(settings, shop):
    settings.PAGE_CACHE_SECONDS = 600
    # The process's cache may hold this page from an earlier test.
    cache.clear()
    visitor = Client()
    first = visitor.get(reverse("catalogue:index"))
    again = visitor.get(reverse("catalogue:index"))

    assert (first["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "hit")
    assert directives(again) == directives(first)
    assert "'unsafe-inline'" not in directives(again)["script-src"]
