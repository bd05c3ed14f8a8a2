"""Browser tests: Playwright driving Debian's Chromium against a live server.

They run in a pytest session of their own (`make test-e2e`, part of `make
test`): the live server needs transactional tests, which empty the database
after each test.

`make test` installs Playwright from PyPI; Chromium comes from Debian
(`apt-get install chromium`, done by .ci/run). Playwright's own browser
download is never used. Without Chromium these tests are skipped, and the
reason is printed.
"""

import os
import shutil

import pytest

from tests.marketplace.conftest import localstripe_url  # noqa: F401  (the journeys pay by card)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium): browser tests skipped")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    # Playwright's synchronous API runs an event loop in this thread; Django
    # refuses database access there unless told it is safe, which it is:
    # the test and the browser never touch the database at the same time.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with playwright_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    # Nothing outside the site may load (the machine has no network anyway);
    # map tiles are the one expected outside request and are dropped.
    page.route(
        "**/*", lambda route: route.abort() if "127.0.0.1" not in route.request.url else route.continue_()
    )
    yield page
    context.close()


# --- The journeys: the demo site, a phone and a desktop ---------------------

DESKTOP = {"width": 1366, "height": 768}
DEVICES = {
    "phone": {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": DESKTOP},
}
# Pages load in a few hundred milliseconds here; a step that takes longer
# than this is a failure, not a slow machine.
STEP_TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory, request):
    from tests.e2e import demo_site as site_module

    stripe_url = request.getfixturevalue("localstripe_url")
    site = site_module.build(tmp_path_factory.mktemp("demo-site"), stripe_url)
    process = site_module.serve(site)
    yield site
    site_module.stop(process)


@pytest.fixture(params=list(DEVICES))
def device(request):
    return request.param


class Visitor:
    """One person's browser tab at the test's device size: its own cookies,
    the screenshots of its key screens, the requests it was refused (nothing
    outside the site loads) and the script errors its pages raised."""

    def __init__(self, context, site, shots_dir, role, counter):
        self.context = context
        self.site = site
        self.page = context.new_page()
        self.page.set_default_timeout(STEP_TIMEOUT_MS)
        self.shots_dir = shots_dir
        self.role = role
        self._counter = counter
        self.outside_requests = []
        self.script_errors = []
        self.page.route("**/*", self._only_the_site)
        self.page.on("pageerror", lambda error: self.script_errors.append(f"{self.page.url}: {error}"))
        # What the Content-Security-Policy blocked (marketplace/csp.py) is a
        # script error too: the page needed something its policy forbids.
        self.page.on("console", self._policy_violation)

    def _only_the_site(self, route):
        if route.request.url.startswith(self.site.url):
            route.continue_()
        else:
            self.outside_requests.append((route.request.resource_type, route.request.url))
            route.abort()

    def _policy_violation(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.script_errors.append(f"{self.page.url}: {message.text}")

    def goto(self, path, *, status=200):
        response = self.page.goto(self.site.url + path if path.startswith("/") else path)
        assert response.status == status, f"{path} -> {response.status}"
        return response

    def shot(self, name):
        """Saves the whole page as test-artifacts/e2e/<test>/<device>/NN-<role>-<name>.png."""
        self._counter[0] += 1
        self.shots_dir.mkdir(parents=True, exist_ok=True)
        path = self.shots_dir / f"{self._counter[0]:02d}-{self.role}-{name}.png"
        self.page.screenshot(path=path, full_page=True)

    def log_in_shop(self, login, password):
        self.goto("/shop/accounts/login/")
        self.page.locator("#id_login-username").fill(login)
        self.page.locator("#id_login-password").fill(password)
        self.page.locator("[name=login_submit]").click()
        self.page.wait_for_load_state()
        assert "/accounts/login/" not in self.page.url, "the shop login was refused"

    def log_in_cms(self, username, password):
        self.goto("/cms/login/")
        self.page.locator("#id_username").fill(username)
        self.page.locator("#id_password").fill(password)
        self.page.locator("form [type=submit]").first.click()
        self.page.wait_for_load_state()
        assert "/login/" not in self.page.url, "the CMS login was refused"


@pytest.fixture
def visitor(browser, demo_site, device, request):
    """visitor("buyer") opens a new tab for that person at the device size."""
    from tests.e2e.demo_site import ARTIFACTS

    shots_dir = ARTIFACTS / request.node.originalname / device
    shutil.rmtree(shots_dir, ignore_errors=True)
    contexts = []
    counter = [0]

    def open_tab(role):
        context = browser.new_context(locale="vi-VN", **DEVICES[device])
        contexts.append(context)
        return Visitor(context, demo_site, shots_dir, role, counter)

    yield open_tab
    for context in contexts:
        context.close()
