"""Who is asked for a one-time code, and where."""

import pytest
from django.urls import reverse

from marketplace import roles

from .conftest import REQUIRED_ROLES, ROLES, confirmed_device

pytestmark = pytest.mark.django_db

BACK_OFFICES = [
    "/cms/",
    "/django-admin/",
    "/reports/",
    "/shop/dashboard/",
    "/en/shop/dashboard/",
    "/cooperatives/review/",
    "/cooperatives/review/lots/",
]


def asked_for(response) -> str | None:
    """Which two-step page a response sends to, if any."""
    location = response.get("Location", "")
    for step in ("setup", "verify"):
        if f"/accounts/2fa/{step}/" in location:
            return step
    return None


@pytest.mark.parametrize("url", BACK_OFFICES)
@pytest.mark.parametrize("role", ROLES)
def test_only_admins_and_province_officers_must_set_up_a_device(
    client, role_users, two_factor_required, role, url
):
    client.force_login(role_users[role])
    response = client.get(url)
    if role in REQUIRED_ROLES:
        assert asked_for(response) == "setup"
        assert response["Location"].endswith("?next=" + url.replace("/", "%2F"))
        if url.startswith("/en/"):
            assert response["Location"].startswith("/en/accounts/2fa/")
    else:
        assert asked_for(response) is None


@pytest.mark.parametrize("url", BACK_OFFICES)
def test_anonymous_visitors_are_sent_to_log_in_not_to_a_code(client, two_factor_required, url):
    response = client.get(url)
    assert asked_for(response) is None
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("role", sorted(REQUIRED_ROLES))
def test_required_roles_still_shop_without_a_device(client, role_users, two_factor_required, role):
    client.force_login(role_users[role])
    assert client.get(reverse("catalogue:index")).status_code == 200


@pytest.mark.parametrize("role", sorted(REQUIRED_ROLES))
def test_without_the_requirement_no_one_is_asked(client, role_users, settings, role):
    settings.TWO_FACTOR_REQUIRED = False
    client.force_login(role_users[role])
    response = client.get("/cms/")
    assert asked_for(response) is None
    assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_anyone_with_a_device_gives_a_code_before_using_the_site(client, role_users, settings, role):
    # Opting in means the password alone no longer opens the account, on
    # any page, even where the platform does not require it.
    settings.TWO_FACTOR_REQUIRED = False
    confirmed_device(role_users[role])
    client.force_login(role_users[role])
    for url in ["/shop/accounts/", "/cms/", reverse("catalogue:index")]:
        response = client.get(url)
        assert asked_for(response) == "verify", url


@pytest.mark.parametrize("role", sorted(REQUIRED_ROLES))
def test_a_half_logged_in_officer_can_still_log_out(client, role_users, two_factor_required, role):
    client.force_login(role_users[role])
    response = client.post(reverse("customer:logout"))
    assert asked_for(response) is None
    assert "_auth_user_id" not in client.session


def test_a_verified_session_opens_the_back_office(client, role_users, two_factor_required):
    from django_otp import DEVICE_ID_SESSION_KEY

    admin = role_users[roles.PLATFORM_ADMIN]
    device = confirmed_device(admin)
    client.force_login(admin)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    for url in ["/cms/", "/django-admin/", "/shop/dashboard/", "/reports/"]:
        assert client.get(url).status_code == 200, url
