import pytest

from tests.factories.cms import tourism_site


@pytest.fixture
def site(db):
    """The tourism site of tests/factories/cms.py, in both languages."""
    return tourism_site()
