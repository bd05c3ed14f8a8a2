import pytest
from django.core.cache import caches
from django.db import transaction

from tests.factories.cms import PUBLIC, tourism_site, tourism_site_keys, tourism_site_reload


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Wagtail caches renditions and site root paths by primary key, which a
    rolled-back test hands out again: nothing may carry over."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(scope="module")
def _tourism_site_keys(django_db_setup, django_db_blocker):
    """The tourism site, built once per test module (about 30 pages through
    Wagtail's tree and revisions take seconds) inside a transaction rolled
    back at the module's end; each test runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield tourism_site_keys(tourism_site())
        transaction.set_rollback(True)


@pytest.fixture
def site(_tourism_site_keys, db):
    """The tourism site of tests/factories/cms.py, in both languages, as
    fresh instances for each test."""
    return tourism_site_reload(_tourism_site_keys)


@pytest.fixture
def public_address(settings):
    """SITE_URL set to a deployment's address, which Wagtail's Site record
    (still localhost) does not know: public links must use SITE_URL."""
    settings.SITE_URL = PUBLIC
