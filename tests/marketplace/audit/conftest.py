"""Fixtures shared with the ledger's and the cooperative tools' tests, so
each change is made here on the same data those tests use."""

import pytest

from marketplace import roles
from tests.factories import user_with_role
from tests.marketplace.ledger.conftest import cooperatives, two_cooperative_order  # noqa: F401
from tests.marketplace.ledger.test_refund_views import paid_order  # noqa: F401


@pytest.fixture
def platform_admin():
    return user_with_role(roles.PLATFORM_ADMIN, first_name="Lan", last_name="Trần", email="lan@tinh.example")


@pytest.fixture
def admin_client(client, platform_admin):
    client.force_login(platform_admin)
    return client
