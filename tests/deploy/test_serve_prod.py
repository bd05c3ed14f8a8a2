"""`make serve-prod`'s launcher (deploy/serve-prod) starts the production
processes for real: gunicorn with the production settings, a Celery worker
and Celery beat, on PostgreSQL and Redis; static files hashed and
compressed by WhiteNoise; pages cached in Redis for anonymous visitors and
renewed when a change commits in another process.

It needs what production needs: PostgreSQL (DATABASE_URL) and Redis
(CELERY_BROKER_URL), as in the first pass of .ci/run; without them it is
skipped with that reason printed.
"""

import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from oscar.core.loading import get_model

from tests.catalog.test_storefront import make_product
from tests.factories import administrative_tree, approved_cooperative
from tests.marketplace.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
# Redis databases of this test alone, so its worker takes no other test's tasks.
BROKER_DB, CACHE_DB = 7, 8
START_TIMEOUT = 120
StockRecord = get_model("partner", "StockRecord")

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL") or not ON_POSTGRESQL,
        reason="the production processes need PostgreSQL (DATABASE_URL) and Redis (CELERY_BROKER_URL)",
    ),
]


def redis_url(database: int) -> str:
    base = os.environ["CELERY_BROKER_URL"].rsplit("/", 1)[0]
    return f"{base}/{database}"


def fetch(url: str, **headers):
    """Status, headers (an email.message.Message: get_all for repeated
    ones) and body of a GET with no cookies, as a new visitor's."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def node(django_db_setup, tmp_path_factory):
    """deploy/serve-prod on a free port, against the test database (already
    migrated: its migrate step finds nothing to do); the last test stops it,
    or the end of the module does."""
    import redis

    for database in (BROKER_DB, CACHE_DB):
        redis.Redis.from_url(redis_url(database)).flushdb()
    folder = tmp_path_factory.mktemp("node")
    port = free_port()
    database = connection.settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "CELERY_BROKER_URL": redis_url(BROKER_DB),
        "CACHE_URL": redis_url(CACHE_DB),
        "BIND": f"127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WEB_CONCURRENCY": "2",
        "STATIC_ROOT": str(folder / "static"),
        # gzip only: Brotli would make collecting a minute longer.
        "STATIC_BROTLI": "0",
        "MEDIA_ROOT": str(folder / "media"),
        "CELERY_BEAT_SCHEDULE_FILE": str(folder / "beat-schedule"),
        "SECRET_KEY": "a-test-secret-for-the-production-processes-" + "x7Qp2" * 4,
    }
    log = folder / "serve-prod.log"
    process = subprocess.Popen(
        ["deploy/serve-prod"],
        cwd=ROOT,
        env=environment,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail("deploy/serve-prod stopped:\n" + log.read_text()[-4000:])
            try:
                if fetch(base + "/healthz/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"deploy/serve-prod did not answer within {START_TIMEOUT} s")
        yield {"url": base, "process": process, "environment": environment, "log": log}
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def test_a_page_cached_in_redis_is_renewed_by_a_change_made_elsewhere(
    node, transactional_db, settings_override_cache
):
    # A transactional test starts with empty tables: the roles a
    # cooperative's staff are given come back first.
    import importlib

    from django.apps import apps

    importlib.import_module("marketplace.migrations.0001_roles").create_roles(apps, None)
    units = administrative_tree()
    cooperative = approved_cooperative(legal_name="Hợp tác xã Sơn Trà", commune=units["02254"])
    tea = make_product("Chè Shan tuyết", cooperative, commune=units["02254"], price=150000)
    page = f"{node['url']}{tea.get_absolute_url()}"

    first = fetch(page)
    second = fetch(page)
    assert (first[1].get("X-Page-Cache"), second[1].get("X-Page-Cache")) == ("miss", "hit")
    assert "150.000" in second[2].decode()
    # Each visitor gets its own CSRF cookie, the hit's never the miss's.
    first_csrf, second_csrf = (
        next(cookie for cookie in response[1].get_all("Set-Cookie") if cookie.startswith("csrftoken="))
        for response in (first, second)
    )
    assert first_csrf.split(";")[0] != second_csrf.split(";")[0]

    # A change committed by another process (here: this test) reaches the
    # web workers through the shared cache.
    record = StockRecord.objects.get(product=tea)
    record.price = Decimal(175000)
    record.save()
    renewed = fetch(page)
    assert renewed[1].get("X-Page-Cache") == "miss"
    assert "175.000" in renewed[2].decode()


@pytest.fixture
def settings_override_cache(settings, node):
    """This process writes to the cache the web workers read."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url(CACHE_DB)}
    }
    settings.PAGE_CACHE_SECONDS = 600
    return settings


def test_serve_prod_starts_web_worker_and_beat_and_stops_them_together(node):
    url, process = node["url"], node["process"]

    # Static files under hashed names, compressed, cached for a year.
    status, _headers, body = fetch(url + "/shop/catalogue/")
    assert status == 200
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body.decode()).group(1)
    status, headers, _body = fetch(url + stylesheet, **{"Accept-Encoding": "br, gzip"})
    assert status == 200
    assert headers.get("Content-Encoding") == "gzip"
    assert "immutable" in headers["Cache-Control"]

    # The worker takes tasks from the broker.
    checked = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "check_worker"],
        cwd=ROOT,
        env=node["environment"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr

    process.send_signal(signal.SIGTERM)
    process.wait(timeout=40)
    log = node["log"].read_text()
    for name in ("web", "worker", "beat"):
        assert f"{name}.1 started" in log
        assert f"{name}.1 stopped" in log
    assert "beat: Starting" in log
    assert "Booting worker" in log
