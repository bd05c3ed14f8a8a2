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
