"""The mixed scenario of the load benchmark: visitors of Chợ Quê browsing,
searching, opening trace and destination pages, and a few buying.

Run by ``bench/load.py`` (locust headless against the production processes
on 127.0.0.1), which passes in the environment:

- ``LOAD_BENCH_TARGETS``: a JSON file of what there is to visit in the bench
  database (catalogue page count and filter values, product, lot and
  destination addresses, products to buy, shipping addresses);
- ``LOAD_BENCH_RECORDS``: where to write, when locust quits, every request
  (name, time, success, page-cache header, address) and every checkout
  (guest e-mail, outcome, order number), for the driver's statistics and
  its checks against the database;
- ``LOAD_BENCH_WAIT``: the pause between two actions of a visitor, "MIN,MAX"
  seconds.

What a visitor does next is drawn with these weights (locust ``@task``):
70% browsing (35 catalogue list pages, 35 product pages), 15% search (10 a
search page after two suggestions as it is typed, 5 suggestions only), 5%
trace pages, 5% destination pages, 5% a whole guest checkout paying cash on
delivery. Weights are per action, not per request: a checkout is a dozen
requests.
"""

import itertools
import json
import os
import random
import re
import uuid
from urllib.parse import urlencode, urlsplit

# The driver's names of the checkout's pages, so that its statistics and
# the server's access log agree (locust puts this folder on the path).
from load import CHECKOUT_FORMS, CHECKOUT_PAGES
from locust import FastHttpUser, between, events, task

with open(os.environ["LOAD_BENCH_TARGETS"], encoding="utf-8") as targets_file:
    TARGETS = json.load(targets_file)
RECORDS_PATH = os.environ["LOAD_BENCH_RECORDS"]
WAIT_MIN, WAIT_MAX = (float(value) for value in os.environ.get("LOAD_BENCH_WAIT", "1,3").split(","))

# Searches people type, with and without their tones (the search folds them).
SEARCHES = (
    "cam sanh", "Cam sành", "cam sành hàm yên", "chè", "che shan tuyet", "Chè Shan tuyết", "mat ong",
    "mật ong bạc hà", "miến dong", "mien dong", "gao nep", "bưởi", "thit trau gac bep", "măng khô",
    "homestay", "Tân Trào", "lang nghe tho cam", "hợp tác xã", "na hang",
)  # fmt: skip
FORM_FIELD = r'name="{}"[^>]*?value="([^"]*)"'
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PRODUCT_LINK = re.compile(r'href="(/shop/catalogue/[^"/]+_\d+/)"')
METHOD_CODE = re.compile(FORM_FIELD.format("method_code"))
# The thank-you page links a guest to the status page of the order.
ORDER_NUMBER = re.compile(r"/order-status/([0-9][0-9-]*)/")

_records: list[list] = []
_checkouts: list[dict] = []
_guest_numbers = itertools.count(1)


@events.request.add_listener
def _record(request_type, name, response_time, response, exception, start_time, url, **_kwargs):
    cache = ""
    headers = getattr(response, "headers", None)
    if headers is not None:
        cache = headers.get("X-Page-Cache") or ""
    status = getattr(response, "status_code", 0) or 0
    error = "" if exception is None else f"{type(exception).__name__}: {exception}"[:300]
    path = urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
    _records.append([name, request_type, round(response_time, 2), status, error, cache, start_time, path])


@events.quitting.add_listener
def _write(environment, **_kwargs):
    with open(RECORDS_PATH, "w", encoding="utf-8") as output:
        json.dump({"requests": _records, "checkouts": _checkouts}, output)


def zipf_page(pages: int, rng: random.Random) -> int:
    """A list page number, page k about 1/k as likely as page 1: most
    visitors stay on the first pages, a few go deep."""
    weights = [1 / k for k in range(1, pages + 1)]
    return rng.choices(range(1, pages + 1), weights=weights)[0]


class CheckoutFailed(Exception):
    pass


class Visitor(FastHttpUser):
    """One visitor at a time on this slot. The pause stands for reading the
    page; it is much shorter than a person's (10–30 s), so 50 of these make
    the traffic of several hundred people at once on a 2-core machine."""

    wait_time = between(WAIT_MIN, WAIT_MAX)
    # A checkout's slowest step must not be cut short by the client: the
    # server's own limit (gunicorn's 30 s) decides.
    network_timeout = 60.0
    connection_timeout = 10.0

    def on_start(self):
        self.rng = random.Random()
        self.seen_products: list[str] = []

    # --- Browsing -----------------------------------------------------------

    @task(35)
    def catalogue_list(self):
        params = {}
        name = "catalogue list"
        if self.rng.random() < 0.3:
            field, values = self.rng.choice([(f, v) for f, v in TARGETS["filters"].items() if v])
            params[field] = self.rng.choice(values)
            name = "catalogue list, filtered"
            if self.rng.random() < 0.3:
                params["page"] = self.rng.randint(2, 3)
        else:
            page = zipf_page(TARGETS["catalogue_pages"], self.rng)
            if page > 1:
                params["page"] = page
        path = "/shop/catalogue/" + (f"?{urlencode(params)}" if params else "")
        # A filtered page past the last is a 404 the site means: not an error here.
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code == 404 and params.get("page"):
                response.success()
            elif response.status_code == 200:
                self.seen_products = PRODUCT_LINK.findall(response.text or "")

    @task(35)
    def product_page(self):
        # Most come from the list they just saw; the others from search
        # engines, shared links or a label.
        if self.seen_products and self.rng.random() < 0.6:
            path = self.rng.choice(self.seen_products)
        else:
            path = self.rng.choice(TARGETS["products"])
        self.client.get(path, name="product page")

    # --- Search -------------------------------------------------------------

    def _suggest_as_typed(self, words: str, count: int):
        # The search box asks after a pause in typing: a few prefixes of
        # two letters or more, not every keystroke.
        lengths = sorted(self.rng.sample(range(2, len(words) + 1), min(count, len(words) - 1)))
        for length in lengths:
            self.client.get("/search/suggest/?" + urlencode({"q": words[:length]}), name="suggest")

    @task(10)
    def search(self):
        words = self.rng.choice(SEARCHES)
        self._suggest_as_typed(words, 2)
        params = {"q": words}
        chance = self.rng.random()
        if chance < 0.15:
            params["page"] = 2
        elif chance < 0.3:
            params["type"] = self.rng.choice(["product", "destination", "cooperative"])
        self.client.get("/search/?" + urlencode(params), name="search")

    @task(5)
    def suggest(self):
        self._suggest_as_typed(self.rng.choice(SEARCHES), 3)

    # --- Trace and tourism pages -------------------------------------------

    @task(5)
    def trace_page(self):
        code = self.rng.choice(TARGETS["lots"])
        # Most trace pages are opened from the QR code on the packet.
        query = "?src=qr" if self.rng.random() < 0.8 else ""
        self.client.get(f"/trace/{code}/{query}", name="trace page")

    @task(5)
    def destination_page(self):
        self.client.get(self.rng.choice(TARGETS["destinations"]), name="destination page")

    # --- Buying -------------------------------------------------------------

    @task(5)
    def checkout(self):
        """A guest buys one or two units of a product and pays cash on
        delivery, through every page of the checkout. Then the visitor
        leaves: the next action of this slot is a new visitor, without the
        session and basket cookies that keep a buyer's pages out of the page
        cache."""
        email = f"load-{uuid.uuid4().hex[:12]}-{next(_guest_numbers)}@bench.example"
        outcome = {"email": email, "outcome": "failed", "step": "", "order_number": "", "error": ""}
        _checkouts.append(outcome)
        try:
            outcome["order_number"] = self._checkout_as_guest(email, outcome)
            outcome["outcome"] = "placed"
        except CheckoutFailed as failure:
            outcome["error"] = str(failure)[:300]
        finally:
            self.client.cookiejar.clear()
            self.seen_products = []

    def _page(self, path, name, outcome):
        """GET ``path`` as the browser would after a redirect; returns the
        response (200) or the next address (a redirect)."""
        outcome["step"] = name
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code == 200:
                return response, None
            if response.status_code in (301, 302, 303):
                return response, urlsplit(response.headers.get("Location", "")).path
            response.failure(f"{name}: HTTP {response.status_code}")
            raise CheckoutFailed(f"{name}: HTTP {response.status_code}")

    def _form_post(self, path, fields, name, outcome, *, csrf_from):
        outcome["step"] = name
        token = CSRF_TOKEN.search(csrf_from.text or "")
        if token is None:
            raise CheckoutFailed(f"{name}: no CSRF token on the page")
        body = urlencode({"csrfmiddlewaretoken": token.group(1), **fields})
        with self.client.post(
            path, data=body, name=name, catch_response=True, allow_redirects=False,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ) as response:  # fmt: skip
            if response.status_code != 302:
                # The form came back with errors: the scenario sent
                # something the site does not take.
                response.failure(f"{name}: HTTP {response.status_code}, expected a redirect")
                raise CheckoutFailed(f"{name}: HTTP {response.status_code}")
            return urlsplit(response.headers.get("Location", "")).path

    def _checkout_as_guest(self, email, outcome) -> str:
        product = self.rng.choice(TARGETS["checkout_products"])
        address = self.rng.choice(TARGETS["addresses"])
        page, _next = self._page(product["url"], "product page", outcome)
        self._form_post(
            f"/shop/basket/add/{product['pk']}/", {"quantity": self.rng.choice([1, 1, 2])},
            "checkout: basket add", outcome, csrf_from=page,
        )  # fmt: skip
        location = "/shop/checkout/"
        answers = {
            "/shop/checkout/": {"username": email, "options": "anonymous"},
            "/shop/checkout/shipping-address/": {
                "last_name": "Nguyễn Thị", "first_name": "Lan", "phone_number": "0912 345 678",
                "province": address["province"], "commune": address["commune"],
                "line1": "Số 12, thôn Hồng Ba",
            },
            "/shop/checkout/payment-details/": {"payment_method": "cod"},
            "/shop/checkout/preview/": {"action": "place_order"},
        }  # fmt: skip
        # Each page of the checkout in turn, wherever the site sends the
        # buyer next: the delivery page is skipped when a cooperative offers
        # one way only, the payment-method page always forwards.
        for _step in range(15):
            name = CHECKOUT_PAGES.get(location, f"checkout: other ({location})")
            page, forward = self._page(location, name, outcome)
            if forward is not None:
                location = forward
                continue
            if location == "/shop/checkout/thank-you/":
                number = ORDER_NUMBER.search(page.text or "")
                if number is None:
                    raise CheckoutFailed("checkout: thank you: no order number on the page")
                return number.group(1)
            if location == "/shop/basket/":
                # Sent back to the basket: the last units went to someone else.
                outcome["outcome"] = "sold out"
                raise CheckoutFailed(f"sent back to the basket from {outcome['step']}")
            if location == "/shop/checkout/shipping-method/":
                code = METHOD_CODE.search(page.text or "")
                if code is None:
                    raise CheckoutFailed("checkout: delivery: no delivery method offered")
                fields = {"method_code": code.group(1)}
            elif location in answers:
                fields = answers[location]
            else:
                raise CheckoutFailed(f"checkout: unexpected page {location}")
            form_name = CHECKOUT_FORMS.get(location, name)
            location = self._form_post(location, fields, form_name, outcome, csrf_from=page)
        raise CheckoutFailed("checkout: no thank-you page after 15 pages")
