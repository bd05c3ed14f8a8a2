import pytest

from tests.factories.cms import PUBLIC, tourism_site


@pytest.fixture
def site(db):
    """The tourism site of tests/factories/cms.py, in both languages."""
    return tourism_site()


@pytest.fixture
def public_address(settings):
    """SITE_URL set to a deployment's address, which Wagtail's Site record
    (still localhost) does not know: public links must use SITE_URL."""
    settings.SITE_URL = PUBLIC
