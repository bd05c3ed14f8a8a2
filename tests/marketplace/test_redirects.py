"""Parameters that say where to go next (login, logout, basket, language
switch) only ever lead to this site's own pages: an attacker's link that
passes through the site's login must not land a buyer on a look-alike."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from oscar.test.factories import create_product, create_stockrecord

from marketplace import roles
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-an-toan-2026"
HOSTILE_TARGETS = [
    "//evil.example/",
    "https://evil.example/",
    "http://evil.example/shop/",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "http://testserver@evil.example/",
]


def assert_stays_on_the_site(response):
    assert response.status_code in (301, 302), response.status_code
    location = response["Location"]
    parts = urlsplit(location)
    assert parts.netloc in ("", "testserver"), location
    assert parts.scheme in ("", "http", "https"), location
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert "evil.example" not in location


@pytest.fixture
def buyer():
    user = user_with_role(roles.BUYER, email="lan@example.vn")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_shop_login_refuses_another_site_as_next(client, buyer, target):
    response = client.post(
        reverse("customer:login") + "?next=" + target,
        {"login-username": buyer.email, "login-password": PASSWORD, "login-redirect_url": target,
         "login_submit": "1"},
    )  # fmt: skip

    assert_stays_on_the_site(response)
    assert client.session.get("_auth_user_id") == str(buyer.pk)


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_officer_login_refuses_another_site_as_next(client, target):
    officer = user_with_role(roles.PROVINCE_OFFICER, username="sotinh")
    officer.set_password(PASSWORD)
    officer.save()

    response = client.post(
        reverse("wagtailadmin_login"), {"username": "sotinh", "password": PASSWORD, "next": target}
    )

    assert_stays_on_the_site(response)
    assert client.session.get("_auth_user_id") == str(officer.pk)


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_logout_refuses_another_site_as_next(client, buyer, target):
    client.force_login(buyer)

    response = client.get(reverse("customer:logout"), {"next": target})

    assert_stays_on_the_site(response)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_language_switch_refuses_another_site_as_next(client, target):
    response = client.post(reverse("set_language"), {"language": "en", "next": target})

    assert_stays_on_the_site(response)


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_adding_to_the_basket_does_not_follow_another_site_as_referrer(client, target):
    product = create_product(title="Chè Shan tuyết")
    create_stockrecord(product, price=150000, num_in_stock=5)

    response = client.post(
        reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1}, HTTP_REFERER=target
    )

    assert_stays_on_the_site(response)


def test_a_next_page_of_the_site_is_still_followed(client, buyer):
    # The check must not simply drop every next: the site's own page is kept.
    response = client.post(
        reverse("customer:login"),
        {"login-username": buyer.email, "login-password": PASSWORD, "login-redirect_url": "/shop/basket/",
         "login_submit": "1"},
    )  # fmt: skip

    assert response.status_code == 302 and response["Location"] == "/shop/basket/"
