"""The production configuration's headers and cookies, as a browser gets
them on representative pages: HSTS, no MIME sniffing, a referrer policy,
no framing by other sites, a Content-Security-Policy that runs no inline
script, HTTPS redirects, and Secure + HttpOnly session and Secure CSRF and
language cookies. Settings are read at start-up, so the pages are
fetched in a fresh Python process on marketplace.settings.production."""

import json

import pytest

from tests.marketplace.test_settings import production_environment, run

PAGES = ["/", "/en/", "/shop/catalogue/", "/shop/accounts/login/", "/cms/login/", "/trace/KHONG-CO/"]

# Runs in the production process: migrates a throwaway SQLite database,
# then asks for each page as a browser on https://choque.example would.
FETCH = """
import django, json
django.setup()
from django.conf import settings
from django.test.utils import override_settings
# Hashed static names need collectstatic, which a test need not run: the
# pages render with plain static names; every security setting is untouched.
override_settings(STORAGES={**settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.test import Client
get_user_model().objects.create_user("lan", "lan@example.vn", "mat-khau-an-toan-2026")
browser = Client(HTTP_HOST="choque.example", raise_request_exception=False)
def cookies(response):
    return {name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]),
                   "samesite": m["samesite"]} for name, m in response.cookies.items()}
pages = {}
for path in %(pages)r:
    response = browser.get(path, secure=True)
    pages[path] = {"status": response.status_code, "headers": dict(response.headers),
                   "cookies": cookies(response)}
plain = browser.get("/shop/catalogue/", secure=False)
login = browser.post("/shop/accounts/login/", {"login-username": "lan@example.vn",
    "login-password": "mat-khau-an-toan-2026", "login-redirect_url": "", "login_submit": "1"},
    secure=True, HTTP_REFERER="https://choque.example/shop/accounts/login/")
language = browser.post("/i18n/setlang/", {"language": "en", "next": "/en/"}, secure=True,
    HTTP_REFERER="https://choque.example/")
print(json.dumps({"pages": pages, "plain": [plain.status_code, plain.get("Location", "")],
                  "login": [login.status_code, cookies(login)],
                  "language": [language.status_code, cookies(language)]}))
"""


@pytest.fixture(scope="module")
def production_pages(tmp_path_factory):
    database = tmp_path_factory.mktemp("production") / "db.sqlite3"
    completed = run(
        ["-c", FETCH % {"pages": PAGES}],
        "marketplace.settings.production",
        **production_environment(DATABASE_URL=f"sqlite:///{database}", LOG_LEVEL="ERROR"),
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_the_security_headers(production_pages, path):
    page = production_pages["pages"][path]
    headers = {name.lower(): value for name, value in page["headers"].items()}

    assert page["status"] in (200, 404), page["status"]
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["x-frame-options"] in ("DENY", "SAMEORIGIN")
    assert headers["cross-origin-opener-policy"] == "same-origin"
    policy = dict(
        (directive.split() + [""])[:2] for directive in headers["content-security-policy"].split(";")
    )
    script_sources = headers["content-security-policy"].split("script-src")[1].split(";")[0].split()
    assert "'self'" in script_sources
    # Wagtail's admin alone runs inline scripts (marketplace/csp.py).
    if not path.startswith("/cms/"):
        assert "'unsafe-inline'" not in script_sources and "'unsafe-eval'" not in script_sources
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'self'"


def test_plain_http_is_sent_to_https(production_pages):
    status, location = production_pages["plain"]
    assert status == 301 and location == "https://choque.example/shop/catalogue/"


def test_the_csrf_cookie_is_secure(production_pages):
    cookie = production_pages["pages"]["/shop/accounts/login/"]["cookies"]["csrftoken"]
    assert cookie["secure"] and cookie["samesite"] == "Lax"


def test_the_session_cookie_is_secure_and_hidden_from_scripts(production_pages):
    status, cookies = production_pages["login"]
    assert status == 302, status
    session = cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_the_language_cookie_is_secure(production_pages):
    status, cookies = production_pages["language"]
    assert status == 302, status
    assert cookies["django_language"]["secure"] and cookies["django_language"]["samesite"] == "Lax"
