"""Stripe's API cannot be reached (STRIPE_API_BASE on a port where nothing
listens): a buyer paying by card is told so at once, nothing is charged and
no order is placed, the basket stays theirs, and cash on delivery still
works for the same basket."""

import time

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from oscar.core.loading import get_model

from marketplace.checkout.models import CardCheckout
from marketplace.payments.models import StripePayment

from .conftest import (
    CONNECT_TIMEOUT_SECONDS,
    assert_pages_answer,
    checkout_to_payment,
    choose_payment,
    place_order,
    text,
)

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")


def unavailable_message() -> str:
    with translation.override("vi"):
        return gettext(
            "Card payments cannot be taken right now; nothing was charged. "
            "Try again in a few minutes, or choose cash on delivery."
        )


@pytest.fixture
def stripe_down(settings, closed_port):
    settings.STRIPE_SECRET_KEY = "sk_test_choque"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_choque"
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{closed_port}"
    return settings


def test_with_stripe_unreachable_a_card_payment_says_so_and_cash_on_delivery_still_works(
    client, shop, stripe_down, django_capture_on_commit_callbacks, mailoutbox
):
    assert_pages_answer(client, shop)
    checkout_to_payment(client, shop, [(shop["oranges"], 2)], guest_email="lan@example.com")
    choose_payment(client, "stripe")

    started = time.monotonic()
    response = place_order(client)
    # Stripe's client tries three times, each refused at once.
    assert time.monotonic() - started < 5 * CONNECT_TIMEOUT_SECONDS
    assert response.status_code == 200
    page = text(response)
    assert unavailable_message() in page
    # Not Oscar's "A problem occurred while processing payment…", which
    # tells the buyer neither what happened nor what to do.
    assert "Đã xảy ra sự cố" not in page and "problem occurred" not in page
    # Nothing half-made: no order, no payment, nothing waiting to be placed,
    # and the basket is open for another way to pay.
    assert not Order.objects.exists()
    assert not StripePayment.objects.exists()
    assert not CardCheckout.objects.filter(state=CardCheckout.State.WAITING).exists()
    assert Basket.objects.get().status == Basket.OPEN

    choose_payment(client, "cod")
    with django_capture_on_commit_callbacks(execute=True):
        response = place_order(client)
    assert response.status_code == 302, text(response)
    assert response["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.payment_method_code == "cod"
    assert order.lines.get().quantity == 2
    assert not StripePayment.objects.exists()
    assert any(mail.to == ["lan@example.com"] and order.number in mail.body for mail in mailoutbox)
