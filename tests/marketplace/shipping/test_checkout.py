"""Oscar's checkout, as a guest, through the test client: each
cooperative's fee is shown and the order total is products plus their sum.

Guest checkout is on in the project's settings (``OSCAR_ALLOW_ANON_CHECKOUT``).
"""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.test.factories import CountryFactory

from cooperatives.models import AdministrativeUnit
from marketplace.money import format_vnd
from tests.factories import shipping_address_form_data

from .conftest import product_of, set_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(cooperatives):
    tea_coop, orange_coop = cooperatives
    set_policy(tea_coop, flat_fee=20_000, fee_per_kg=5_000, free_shipping_threshold=500_000)
    set_policy(
        orange_coop, flat_fee=25_000, fee_per_kg=3_000, allows_pickup=True,
        pickup_instructions="Kho HTX, thôn Phù Lưu, 7–17 giờ",
    )  # fmt: skip
    CountryFactory(iso_3166_1_a2="VN", printable_name="Việt Nam", is_shipping_country=True)
    return {
        "tea": product_of(tea_coop, title="Chè Shan tuyết", price="150000", grams=500),
        "oranges": product_of(orange_coop, title="Cam sành", price="45000", grams=2500),
    }


def text(response):
    # The currency filter keeps "₫" on its number's line with a no-break space.
    return re.sub(r"\s+", " ", response.content.decode().replace("\u00a0", " "))


def vnd(amount):
    return format_vnd(amount).replace("\u00a0", " ")


def guest_checkout_up_to_the_shipping_method(client, items):
    for product, quantity in items:
        response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
        assert response.status_code == 302
    response = client.post(reverse("checkout:index"), {"username": "lan@example.com", "options": "anonymous"})
    assert response.status_code == 302, response.content
    commune = AdministrativeUnit.objects.get(code="02254")  # Xã Hồng Thái, of the cooperatives fixture
    response = client.post(reverse("checkout:shipping-address"), shipping_address_form_data(commune))
    assert response.status_code == 302, text(response)
    return client.get(reverse("checkout:shipping-method"))


def preview_paying_cash(client):
    response = client.post(reverse("checkout:payment-details"), {"payment_method": "cod"})
    assert response.status_code == 302, text(response)
    return client.get(reverse("checkout:preview"))


def test_the_shipping_page_shows_each_cooperative_under_both_methods(client, shop):
    response = guest_checkout_up_to_the_shipping_method(client, [(shop["tea"], 2), (shop["oranges"], 2)])

    assert response.status_code == 200
    page = text(response)
    assert "Hợp tác xã Chè Sơn Trà" in page and "Hợp tác xã Cam Phù Lưu" in page
    # Tea: 20.000 + 1 kg × 5.000; oranges: 25.000 + 5 kg × 3.000.
    assert vnd(25_000) in page and vnd(40_000) in page
    assert vnd(65_000) in page  # delivery by both
    assert vnd(25_000) in page  # pickup of the oranges: tea still delivered
    assert "Kho HTX, thôn Phù Lưu, 7–17 giờ" in page
    assert "cooperative-delivery" in page and "cooperative-pickup" in page


def test_the_preview_totals_products_and_every_delivery_fee(client, shop):
    guest_checkout_up_to_the_shipping_method(client, [(shop["tea"], 2), (shop["oranges"], 2)])
    response = client.post(reverse("checkout:shipping-method"), {"method_code": "cooperative-delivery"})
    assert response.status_code == 302

    response = preview_paying_cash(client)

    assert response.status_code == 200
    assert response.context["shipping_charge"].incl_tax == Decimal("65000")
    products = Decimal(2 * 150_000 + 2 * 45_000)
    assert response.context["order_total"].incl_tax == products + 65_000
    page = text(response)
    assert vnd(300_000) in page and vnd(90_000) in page  # each cooperative's products
    assert vnd(25_000) in page and vnd(40_000) in page
    assert vnd(455_000) in page


def test_pickup_charges_only_the_cooperatives_that_deliver(client, shop):
    guest_checkout_up_to_the_shipping_method(client, [(shop["tea"], 2), (shop["oranges"], 2)])
    client.post(reverse("checkout:shipping-method"), {"method_code": "cooperative-pickup"})

    response = preview_paying_cash(client)

    assert response.context["shipping_charge"].incl_tax == Decimal("25000")
    assert response.context["order_total"].incl_tax == Decimal(390_000 + 25_000)
    page = text(response)
    assert "Collect in person" in page or "Nhận trực tiếp" in page
    assert "Kho HTX, thôn Phù Lưu, 7–17 giờ" in page


def test_a_basket_over_the_threshold_ships_free_from_that_cooperative(client, shop):
    guest_checkout_up_to_the_shipping_method(client, [(shop["tea"], 4)])
    # Only tea: its cooperative allows no pickup, so delivery is chosen for the buyer.
    response = preview_paying_cash(client)

    assert response.status_code == 200
    assert response.context["shipping_method"].code == "cooperative-delivery"
    assert response.context["shipping_charge"].incl_tax == 0
    assert response.context["order_total"].incl_tax == Decimal("600000")


def test_a_pickup_code_is_refused_when_no_cooperative_of_the_basket_allows_it(client, shop):
    guest_checkout_up_to_the_shipping_method(client, [(shop["tea"], 1)])

    response = client.post(reverse("checkout:shipping-method"), {"method_code": "cooperative-pickup"})
    assert response.status_code == 200  # the form again, with Oscar's "not permitted" message

    response = preview_paying_cash(client)
    assert response.context["shipping_method"].code == "cooperative-delivery"
    assert response.context["shipping_charge"].incl_tax == Decimal(20_000 + 5_000)


def test_the_basket_page_shows_the_delivery_estimate_per_cooperative(client, shop):
    client.post(reverse("basket:add", kwargs={"pk": shop["tea"].pk}), {"quantity": 1})
    client.post(reverse("basket:add", kwargs={"pk": shop["oranges"].pk}), {"quantity": 1})

    page = text(client.get(reverse("basket:summary")))

    assert "Hợp tác xã Chè Sơn Trà" in page and "Hợp tác xã Cam Phù Lưu" in page
    # Oranges: 2.5 kg are three started kilograms.
    assert vnd(25_000) in page and vnd(25_000 + 3 * 3_000) in page
