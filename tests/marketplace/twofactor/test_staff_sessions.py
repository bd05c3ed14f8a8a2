"""Back-office sessions end sooner than buyers'. Time is moved by writing
the session's clocks back, as if the hours had passed."""

import time

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from marketplace import roles
from marketplace.twofactor.services import SESSION_SEEN, SESSION_STARTED

from .conftest import ROLES

pytestmark = pytest.mark.django_db

BACK_OFFICE_ROLES = [role for role in ROLES if role != roles.BUYER]
HOUR = 60 * 60


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def open_session(client, user):
    client.force_login(user)
    client.get(reverse("catalogue:index"))


def move_clocks_back(client, *, started_ago: int, seen_ago: int):
    session = client.session
    now = time.time()
    session[SESSION_STARTED] = int(now - started_ago)
    session[SESSION_SEEN] = int(now - seen_ago)
    session.save()


@pytest.mark.parametrize("role", BACK_OFFICE_ROLES)
def test_back_office_sessions_end_after_an_idle_hour(client, role_users, role):
    open_session(client, role_users[role])
    assert client.session.get(SESSION_STARTED)
    move_clocks_back(client, started_ago=2 * HOUR, seen_ago=HOUR + 60)
    response = client.get(reverse("customer:summary"), follow=True)
    assert not signed_in(client)
    assert response.redirect_chain[0][0].startswith(reverse("customer:login"))
    assert gettext("Your session has ended. Please log in again.") in [
        str(message) for message in response.context["messages"]
    ]


@pytest.mark.parametrize("role", BACK_OFFICE_ROLES)
def test_back_office_sessions_end_eight_hours_after_login_however_busy(client, role_users, role):
    open_session(client, role_users[role])
    move_clocks_back(client, started_ago=8 * HOUR + 60, seen_ago=30)
    client.get(reverse("catalogue:index"))
    assert not signed_in(client)


@pytest.mark.parametrize("role", BACK_OFFICE_ROLES)
def test_an_active_back_office_session_goes_on(client, role_users, role):
    open_session(client, role_users[role])
    move_clocks_back(client, started_ago=7 * HOUR, seen_ago=50 * 60)
    client.get(reverse("catalogue:index"))
    assert signed_in(client)
    # The visit counts as activity: the idle hour starts again.
    assert time.time() - client.session[SESSION_SEEN] < 5
    assert client.session.get_expiry_age() <= HOUR


def test_buyers_keep_the_default_session(client, role_users):
    buyer = role_users[roles.BUYER]
    open_session(client, buyer)
    assert SESSION_STARTED not in client.session
    move_clocks_back(client, started_ago=3 * 24 * HOUR, seen_ago=2 * 24 * HOUR)
    client.get(reverse("customer:summary"))
    assert signed_in(client)


def test_logging_in_again_restarts_the_clocks(client, role_users):
    from marketplace import demo

    account = next(a for a in demo.DEMO_ACCOUNTS if a.role == roles.TOURISM_OFFICER)
    open_session(client, role_users[roles.TOURISM_OFFICER])
    move_clocks_back(client, started_ago=8 * HOUR - 60, seen_ago=10)
    response = client.post(
        reverse("customer:login"),
        {"login-username": account.email, "login-password": account.password, "login_submit": "1"},
    )
    assert response.status_code == 302
    client.get(reverse("catalogue:index"))
    assert time.time() - client.session[SESSION_STARTED] < 5


def test_an_unreadable_clock_value_starts_the_clocks_again(client, role_users):
    open_session(client, role_users[roles.PLATFORM_ADMIN])
    session = client.session
    session[SESSION_STARTED] = "yesterday"
    session.save()
    client.get(reverse("catalogue:index"))
    assert signed_in(client)
    assert isinstance(client.session[SESSION_STARTED], int)
