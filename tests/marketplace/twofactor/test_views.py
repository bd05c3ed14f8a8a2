"""Setting up an authenticator app and giving its code, with real codes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from marketplace import roles

from .conftest import ROLES, confirmed_device, totp_code

pytestmark = pytest.mark.django_db

SETUP = reverse("twofactor:setup")
VERIFY = reverse("twofactor:verify")
OVERVIEW = reverse("twofactor:overview")


def verified(client) -> bool:
    from django_otp import DEVICE_ID_SESSION_KEY

    return DEVICE_ID_SESSION_KEY in client.session


def error_codes(response) -> list[str]:
    return [error.code for error in response.context["form"].errors.as_data()["code"]]


def test_an_admin_sets_up_a_device_then_gives_codes_at_later_logins(client, role_users, two_factor_required):
    admin = role_users[roles.PLATFORM_ADMIN]
    client.force_login(admin)

    response = client.get("/cms/")
    assert response["Location"] == f"{SETUP}?next=%2Fcms%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    content = page.content.decode()
    assert "<svg" in content
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    # The key typed by hand is the one in the QR code.
    assert page.context["secret"].replace(" ", "") in device.config_url
    # Reloading the page keeps the same key: the app already scanned it.
    client.get(SETUP)
    assert TOTPDevice.objects.get(user=admin).key == device.key

    response = client.post(SETUP, {"code": totp_code(device), "next": "/cms/"})
    assert response.status_code == 302
    assert response["Location"] == "/cms/"
    assert TOTPDevice.objects.get(user=admin).confirmed
    assert client.get("/cms/").status_code == 200

    # The next login: the password is not enough.
    client.logout()
    client.force_login(admin)
    response = client.get("/django-admin/")
    assert response["Location"] == f"{VERIFY}?next=%2Fdjango-admin%2F"
    # The code used to set up is spent; the app's next one works.
    response = client.post(VERIFY, {"code": totp_code(device), "next": "/django-admin/"})
    assert response.status_code == 200
    assert error_codes(response) == ["wrong"]
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    response = client.post(VERIFY, {"code": totp_code(device, steps_ahead=1), "next": "/django-admin/"})
    assert response["Location"] == "/django-admin/"
    assert client.get("/django-admin/").status_code == 200


def test_a_province_officer_verifies_with_a_code_spelled_with_a_space(
    client, role_users, two_factor_required
):
    officer = role_users[roles.PROVINCE_OFFICER]
    device = confirmed_device(officer)
    client.force_login(officer)
    code = totp_code(device)
    response = client.post(VERIFY, {"code": f"{code[:3]} {code[3:]}", "next": "/reports/"})
    assert response["Location"] == "/reports/"
    assert client.get("/reports/").status_code == 200


def test_wrong_codes_are_throttled_even_before_a_right_one(client, role_users):
    officer = role_users[roles.PROVINCE_OFFICER]
    device = confirmed_device(officer)
    client.force_login(officer)
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 200
    assert error_codes(response) == ["wrong"]
    # Straight after a wrong code even the right one is refused: guessing
    # is slowed down to one try per 1, 2, 4, 8… seconds.
    response = client.post(VERIFY, {"code": right})
    assert response.status_code == 200
    assert error_codes(response) == ["throttled"]
    assert not verified(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    # Once the wait is over, the right code is accepted.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
    )
    response = client.post(VERIFY, {"code": right})
    assert response.status_code == 302
    assert verified(client)


HOSTILE_CODES = [
    "<script>alert(1)</script>",
    "1" * 1_000_000,
    "123\x00456",
    "abcdef",
    "12345",
    "1234567",
    # Digits of another script: str.isdigit() says yes, a TOTP code they are not.
    "١٢٣٤٥٦",
    "' OR 1=1 --",
    "",
]


@pytest.mark.parametrize("code", HOSTILE_CODES, ids=lambda c: repr(c[:20]))
@pytest.mark.parametrize("url", [SETUP, VERIFY])
def test_hostile_codes_get_a_form_error_never_a_500(client, role_users, url, code):
    officer = role_users[roles.PROVINCE_OFFICER]
    if url == VERIFY:
        confirmed_device(officer)
    client.force_login(officer)
    response = client.post(url, {"code": code, "next": "/reports/"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not verified(client)
    assert b"<script>alert(1)</script>" not in response.content


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "http://testserver@evil.example/",
    ],
)
def test_after_a_code_only_pages_of_this_site_are_followed(client, role_users, next_url):
    admin = role_users[roles.PLATFORM_ADMIN]
    device = confirmed_device(admin)
    client.force_login(admin)
    response = client.post(f"{VERIFY}?next={next_url}", {"code": totp_code(device), "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == OVERVIEW


def test_a_second_device_cannot_be_added_with_the_password_alone(client, role_users):
    # The setup page is open to a session that has not given a code yet; if
    # it let such a session add a device, a stolen password would be enough.
    admin = role_users[roles.PLATFORM_ADMIN]
    confirmed_device(admin)
    client.force_login(admin)
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    response = client.post(SETUP, {"code": "123456"})
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=admin).count() == 1


def test_verify_without_a_device_leads_to_setup(client, role_users):
    client.force_login(role_users[roles.BUYER])
    response = client.get(f"{VERIFY}?next=/shop/")
    assert response["Location"] == f"{SETUP}?next=%2Fshop%2F"


@pytest.mark.parametrize("url", [OVERVIEW, SETUP, VERIFY])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("customer:login"))
    assert not TOTPDevice.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_every_role_may_turn_two_step_verification_on(client, role_users, role):
    user = role_users[role]
    client.force_login(user)
    assert client.get(OVERVIEW).status_code == 200
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"code": totp_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert verified(client)
    overview = client.get(OVERVIEW)
    assert overview.context["has_device"]


def test_one_users_setup_never_touches_anothers_device(client, role_users):
    officer, buyer = role_users[roles.PROVINCE_OFFICER], role_users[roles.BUYER]
    officer_device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=False)
    client.force_login(buyer)
    client.get(SETUP)
    buyer_device = TOTPDevice.objects.get(user=buyer)
    assert buyer_device.key != officer_device.key
    # The officer's code does not confirm the buyer's device.
    response = client.post(SETUP, {"code": totp_code(officer_device)})
    assert response.status_code == 200
    officer_device.refresh_from_db()
    assert not officer_device.confirmed


def test_the_account_pages_lead_to_two_step_verification(client, role_users):
    client.force_login(role_users[roles.BUYER])

    page = client.get(reverse("customer:profile-view")).content.decode()

    assert f'href="{OVERVIEW}"' in page
