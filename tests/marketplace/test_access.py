"""The demo users reach the places their role opens, and no other."""

import pytest
from django.urls import reverse

from marketplace import demo, roles

pytestmark = pytest.mark.django_db

ACCOUNTS = {account.role: account for account in demo.DEMO_ACCOUNTS}


@pytest.fixture
def demo_users():
    demo.demo_users_ensure()


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_each_demo_user_logs_in_to_the_shop_with_email(client, demo_users, role):
    account = ACCOUNTS[role]
    response = client.post(
        reverse("customer:login"),
        {"login-username": account.email, "login-password": account.password, "login_submit": "1"},
    )
    assert response.status_code == 302, response.content[:2000]
    assert client.session.get("_auth_user_id")


def test_a_wrong_password_is_refused_with_a_message(client, demo_users):
    response = client.post(
        reverse("customer:login"),
        {"login-username": ACCOUNTS[roles.BUYER].email, "login-password": "wrong", "login_submit": "1"},
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["login_form"].errors


def log_in(client, role):
    account = ACCOUNTS[role]
    assert client.login(username=account.username, password=account.password)


DASHBOARD = "/shop/dashboard/"
CMS_ADMIN = "/cms/"
DJANGO_ADMIN = "/django-admin/"

# (role, url) -> may the role use that back office?
OPENS = {
    roles.BUYER: set(),
    roles.COOPERATIVE_STAFF: {DASHBOARD},
    roles.TOURISM_OFFICER: {CMS_ADMIN},
    roles.PROVINCE_OFFICER: {CMS_ADMIN},
    roles.PLATFORM_ADMIN: {DASHBOARD, CMS_ADMIN, DJANGO_ADMIN},
}


@pytest.mark.parametrize("url", [DASHBOARD, CMS_ADMIN, DJANGO_ADMIN])
@pytest.mark.parametrize("role", list(OPENS))
def test_back_offices_open_only_to_their_roles(client, demo_users, role, url):
    log_in(client, role)
    response = client.get(url)
    if url in OPENS[role]:
        assert response.status_code == 200
    else:
        # Oscar and Django's admin send others to a login page, Wagtail back
        # to its dashboard's login with a message; none shows the page.
        assert response.status_code in (302, 403)


@pytest.mark.parametrize("url", [DASHBOARD, CMS_ADMIN, DJANGO_ADMIN])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_cooperative_staff_see_their_partner_dashboard(client, demo_users):
    log_in(client, roles.COOPERATIVE_STAFF)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    # Oscar shows a partner's users the catalogue and orders, not the staff menu.
    assert reverse("dashboard:catalogue-product-list").encode() in response.content
    assert reverse("dashboard:partner-list").encode() not in response.content


def test_tourism_officer_reaches_the_wagtail_admin_home(client, demo_users):
    log_in(client, roles.TOURISM_OFFICER)
    response = client.get(CMS_ADMIN)
    assert response.status_code == 200
    assert b"wagtail" in response.content.lower()


def test_tourism_officer_logs_in_through_the_cms_login_form(client, demo_users):
    account = ACCOUNTS[roles.TOURISM_OFFICER]
    response = client.post("/cms/login/", {"username": account.username, "password": account.password})
    assert response.status_code == 302
    assert client.get(CMS_ADMIN).status_code == 200
