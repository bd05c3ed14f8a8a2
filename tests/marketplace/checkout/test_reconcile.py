"""The beat task that finishes card checkouts nobody came back to."""

import datetime

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.checkout.models import CardCheckout
from marketplace.checkout.tasks import card_checkouts_reconcile_task
from marketplace.payments.models import StripePayment
from tests.marketplace.payments.stripe_buyer import buyer_pays

from .conftest import intent_of

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")


def age(checkout, **delta):
    CardCheckout.objects.filter(pk=checkout.pk).update(
        updated_at=timezone.now() - datetime.timedelta(**delta)
    )


def test_a_paid_card_with_no_return_and_no_webhook_gets_its_order(card_checkout):
    payment, _intent = intent_of(card_checkout.order_number)
    buyer_pays(payment)
    assert card_checkouts_reconcile_task() == {"placed": 0, "released": 0, "abandoned": 0, "failed": 0}
    age(card_checkout, minutes=6)

    assert card_checkouts_reconcile_task()["placed"] == 1

    order = Order.objects.get()
    payment, intent = intent_of(order.number)
    assert payment.status == StripePayment.Status.SUCCEEDED and intent.status == "succeeded"
    assert card_checkouts_reconcile_task()["placed"] == 0  # nothing left to do


def test_an_unpaid_card_page_is_given_up_after_a_day_and_the_basket_returned(card_checkout):
    age(card_checkout, hours=2)
    assert card_checkouts_reconcile_task()["abandoned"] == 0  # still time to pay
    age(card_checkout, hours=25)

    assert card_checkouts_reconcile_task()["abandoned"] == 1

    card_checkout.refresh_from_db()
    assert card_checkout.state == CardCheckout.State.ABANDONED
    payment, intent = intent_of(card_checkout.order_number)
    assert payment.status == StripePayment.Status.CANCELED and intent.status == "canceled"
    assert Basket.objects.get(pk=card_checkout.basket_id).status == Basket.OPEN
    assert not Order.objects.exists()
