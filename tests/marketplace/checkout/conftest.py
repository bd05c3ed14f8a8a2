"""Two cooperatives' products and a buyer's way through checkout with the
test client: basket, e-mail, address, delivery, payment, place order."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model
from oscar.test.factories import create_product, create_stockrecord

from catalog import services as catalog_services
from marketplace import roles
from marketplace.checkout.models import CardCheckout
from marketplace.payments import services as payment_services
from marketplace.payments.models import StripePayment
from tests.factories import administrative_tree, approved_cooperative, user_with_role

Country = get_model("address", "Country")


@pytest.fixture
def shop(db):
    units = administrative_tree()
    tea_coop = approved_cooperative(
        legal_name="Hợp tác xã Chè Sơn Trà", commune=units["02254"], email="sontra@htx.example"
    )
    orange_coop = approved_cooperative(
        legal_name="Hợp tác xã Cam Phù Lưu", commune=units["02395"], email="phuluu@htx.example"
    )
    tea = create_product(title="Chè Shan tuyết", net_weight_grams=500)
    create_stockrecord(tea, price=Decimal("150000"), num_in_stock=0, partner_name=tea_coop.partner.name)
    # The last five packets, in one harvest lot.
    lot = catalog_services.lot_create(
        product=tea, cooperative=tea_coop, produced_on=datetime.date(2026, 10, 1), quantity=5,
        best_before=datetime.date(2027, 10, 1), code="SONTRA-261001",
    )  # fmt: skip
    oranges = create_product(title="Cam sành", net_weight_grams=2500)
    create_stockrecord(
        oranges, price=Decimal("45000"), num_in_stock=50, partner_name=orange_coop.partner.name
    )
    Country.objects.update_or_create(
        iso_3166_1_a2="VN",
        defaults={"printable_name": "Việt Nam", "name": "Việt Nam", "is_shipping_country": True},
    )
    return {
        "units": units, "tea_coop": tea_coop, "orange_coop": orange_coop, "tea": tea, "oranges": oranges,
        "lot": lot, "buyer": user_with_role(roles.BUYER, email="lan.buyer@example.vn"),
    }  # fmt: skip


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode().replace("\u00a0", " "))


def shipping_address_data(units) -> dict:
    return {
        "first_name": "Lan", "last_name": "Nguyễn", "line1": "Thôn Hồng Ba", "province": units["province"].pk,
        "district": units["072"].pk, "commune": units["02254"].pk, "phone_number": "0912345678",
    }  # fmt: skip


def checkout_to_payment(client, shop, items, *, guest_email="lan@example.com"):
    """Basket, e-mail (a guest) or nothing (signed in), address, delivery."""
    for product, quantity in items:
        response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
        assert response.status_code == 302
    if guest_email:
        response = client.post(reverse("checkout:index"), {"username": guest_email, "options": "anonymous"})
        assert response.status_code == 302, text(response)
    response = client.post(reverse("checkout:shipping-address"), shipping_address_data(shop["units"]))
    assert response.status_code == 302, text(response)
    response = client.post(reverse("checkout:shipping-method"), {"method_code": "cooperative-delivery"})
    assert response.status_code == 302, text(response)


def choose_payment(client, code):
    response = client.post(reverse("checkout:payment-details"), {"payment_method": code})
    assert response.status_code == 302, text(response)
    return response


def place_order(client):
    return client.post(reverse("checkout:preview"), {"action": "place_order"})


@pytest.fixture
def card_checkout(client, shop, stripe_settings):
    """A guest who chose to pay by card and clicked "Place order": the card
    page is next, the PaymentIntent holds the total, nothing is placed yet."""
    checkout_to_payment(client, shop, [(shop["tea"], 2), (shop["oranges"], 2)])
    choose_payment(client, "stripe")
    response = place_order(client)
    checkout = CardCheckout.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "checkout:card-payment", kwargs={"order_number": checkout.order_number}
    )
    return checkout


def intent_of(order_number):
    payment = StripePayment.objects.get(order_number=order_number)
    return payment, payment_services.stripe_client().v1.payment_intents.retrieve(payment.intent_id)


def url(name, checkout):
    return reverse(f"checkout:{name}", kwargs={"order_number": checkout.order_number})
