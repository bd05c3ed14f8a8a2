"""Login throttling (django-axes, marketplace/twofactor/throttling.py): five
failed logins in a row lock the account, whichever address they come from,
and lock the address, whichever accounts it tries; the lock ends after the
cool-off. Password rules refuse weak passwords at registration."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from marketplace.twofactor.throttling import client_ip_address

pytestmark = pytest.mark.django_db

SHOP_LOGIN = reverse("customer:login")
CMS_LOGIN = "/cms/login/"
PASSWORD = "mat-khau-dung-2026"


@pytest.fixture
def lan(db):
    user = get_user_model().objects.create_user("lan", "lan@example.vn", PASSWORD)
    user.is_staff = True  # may open Wagtail's login too
    user.save()
    return user


def shop_login(client, email, password, address="203.0.113.7"):
    return client.post(
        SHOP_LOGIN,
        {"login-username": email, "login-password": password, "login-redirect_url": "", "login_submit": "1"},
        REMOTE_ADDR=address,
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def test_five_wrong_passwords_from_anywhere_lock_the_account(client, lan):
    for attempt in range(4):
        response = shop_login(client, "lan@example.vn", "doan-sai", address=f"198.51.100.{attempt + 1}")
        assert response.status_code == 200  # the form again, with its error
    # The fifth failure is answered with the lock itself.
    assert shop_login(client, "lan@example.vn", "doan-sai", address="198.51.100.5").status_code == 429

    response = shop_login(client, "LAN@example.vn", PASSWORD, address="192.0.2.50")

    assert response.status_code == 429
    assert not logged_in(response)
    page = response.content.decode()
    assert "Đăng nhập sai quá nhiều lần" in page and "Vui lòng thử lại sau 15 phút" in page
    assert reverse("password-reset") in page


def test_the_officers_login_by_user_name_counts_for_the_same_account(client, lan):
    for _attempt in range(3):
        shop_login(client, "lan@example.vn", "doan-sai")
    for _attempt in range(2):
        client.post(CMS_LOGIN, {"username": "lan", "password": "doan-sai"}, REMOTE_ADDR="198.51.100.9")

    response = client.post(CMS_LOGIN, {"username": "lan", "password": PASSWORD}, REMOTE_ADDR="192.0.2.51")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_one_address_trying_many_accounts_is_locked(client, lan):
    for index in range(5):
        shop_login(client, f"khach{index}@example.vn", "doan-sai", address="203.0.113.99")

    # The right password of another account, from the same address.
    assert shop_login(client, "lan@example.vn", PASSWORD, address="203.0.113.99").status_code == 429
    # The account itself is not locked: its owner elsewhere still gets in.
    assert logged_in(shop_login(client, "lan@example.vn", PASSWORD, address="192.0.2.52"))


def test_four_mistyped_passwords_do_not_lock_the_owner_out(client, lan):
    for _attempt in range(4):
        shop_login(client, "lan@example.vn", "doan-sai")

    assert logged_in(shop_login(client, "lan@example.vn", PASSWORD))


def test_the_lock_ends_after_the_cool_off(client, lan, settings):
    for _attempt in range(5):
        shop_login(client, "lan@example.vn", "doan-sai")
    assert shop_login(client, "lan@example.vn", PASSWORD).status_code == 429

    # Fifteen minutes later (the attempts' times moved back).
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
        attempt.save()

    assert logged_in(shop_login(client, "lan@example.vn", PASSWORD))


def test_a_forged_forwarded_address_does_not_escape_the_lock(client, lan, settings):
    """Behind the proxy (one trusted hop), the address nginx saw counts; what
    the client wrote to the left of it is ignored."""
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(5):
        client.post(
            SHOP_LOGIN,
            {"login-username": f"k{attempt}@example.vn", "login-password": "x", "login_submit": "1"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{attempt}, 203.0.113.5",
        )

    response = client.post(
        SHOP_LOGIN,
        {"login-username": "lan@example.vn", "login-password": PASSWORD, "login_submit": "1"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5",
    )
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.2.3.4", "10.0.0.2"),  # no proxy: the header is the client's own
        (1, "1.2.3.4, 203.0.113.5", "203.0.113.5"),
        (2, "1.2.3.4, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (1, "", "10.0.0.2"),  # not through the proxy (a health check)
        (1, "<script>, not-an-address", "10.0.0.2"),
    ],
)
def test_the_client_address_is_read_through_the_trusted_proxies_only(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip_address(request) == expected


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("12345678", "password_entirely_numeric"),
        ("password", "password_too_common"),
        ("ngan", "password_too_short"),
        ("lan.nguyen", "password_too_similar"),
    ],
)
def test_registration_refuses_weak_passwords(client, password, reason):
    response = client.post(
        reverse("customer:register"),
        {
            "email": "lan.nguyen@example.vn",
            "password1": password,
            "password2": password,
        },
    )

    assert response.status_code == 200
    assert not get_user_model().objects.filter(email="lan.nguyen@example.vn").exists()
    codes = [error.code for error in response.context["form"].errors.as_data()["password2"]]
    assert reason in codes


def test_registration_with_a_strong_password_logs_the_buyer_in(client):
    password = "Che-Shan-Tuyet-2026"
    response = client.post(
        reverse("customer:register"),
        {
            "email": "hoa@example.vn",
            "password1": password,
            "password2": password,
        },
    )

    assert response.status_code == 302
    assert "_auth_user_id" in client.session
