"""Checkout paying by card: Stripe PaymentIntents in whole đồng against
localstripe, with the buyer's browser played by the stripe library
(Stripe Elements) and Stripe's webhook by signed payloads."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from catalog.services import lot_recall
from marketplace.checkout.models import CardCheckout
from marketplace.checkout.services import card_checkout_complete
from marketplace.ledger.models import LedgerEntry
from marketplace.payments import services as payment_services
from marketplace.payments.models import StripePayment
from tests.marketplace.payments.stripe_buyer import buyer_pays, event, signed, webhook_post

from .conftest import checkout_to_payment, choose_payment, intent_of, place_order, text, url

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
PaymentStatus = StripePayment.Status


def test_the_card_page_holds_the_total_in_dong_and_places_nothing(client, card_checkout):
    page = client.get(url("card-payment", card_checkout))

    assert page.status_code == 200
    payment, intent = intent_of(card_checkout.order_number)
    assert payment.intent_id in page.context["client_secret"]
    assert "pk_test_choque" in text(page) and "card-element" in text(page)
    # 2 × 150.000 + 2 × 45.000 plus each cooperative's delivery fee, in đồng.
    assert card_checkout.total > 390_000
    assert (intent.amount, intent.currency, intent.capture_method) == (card_checkout.total, "vnd", "manual")
    assert not Order.objects.exists()
    assert Basket.objects.get(pk=card_checkout.basket_id).status == Basket.FROZEN


def test_the_buyer_pays_comes_back_and_finds_one_paid_order(client, card_checkout, shop):
    payment, _intent = intent_of(card_checkout.order_number)
    buyer_pays(payment)

    response = client.get(url("card-return", card_checkout))

    assert response.status_code == 302 and response["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.number == card_checkout.order_number and order.payment_method_code == "stripe"
    payment, intent = intent_of(order.number)
    # Captured after the stock was allocated, the whole order total.
    assert payment.status == PaymentStatus.SUCCEEDED and intent.status == "succeeded"
    assert int(intent.amount) == int(order.total_incl_tax) == payment.amount
    assert order.sources.get().amount_debited == order.total_incl_tax
    shop["lot"].refresh_from_db()
    assert shop["lot"].quantity_available == 3
    # Each cooperative: its sale (lines + delivery) less 5 % commission.
    for group in order.fulfilment_groups.all():
        entries = dict(
            LedgerEntry.objects.filter(order=order, account__partner=group.partner).values_list(
                "kind", "amount"
            )
        )
        lines = sum(int(line.line_price_incl_tax) for line in group.lines)
        assert entries["sale"] == lines + group.shipping_charge
        assert entries["commission"] == -round((lines + group.shipping_charge) * 0.05)
    assert client.get(response["Location"]).status_code == 200
    # Coming back again (reload) changes nothing.
    assert client.get(url("card-return", card_checkout)).status_code in (302, 404)
    assert Order.objects.count() == 1


def test_a_signed_in_buyer_pays_by_card_and_finds_the_order_in_the_account(client, shop, stripe_settings):
    # A signed-in buyer's checkout keeps no guest e-mail: the order used to
    # fail on coming back from Stripe (NULL into Oscar's guest_email).
    client.force_login(shop["buyer"])
    checkout_to_payment(client, shop, [(shop["tea"], 1), (shop["oranges"], 1)], guest_email=None)
    choose_payment(client, "stripe")
    place_order(client)
    checkout = CardCheckout.objects.get()
    payment, _intent = intent_of(checkout.order_number)
    buyer_pays(payment)

    response = client.get(url("card-return", checkout))

    assert response.status_code == 302 and response["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get(number=checkout.order_number)
    assert order.user == shop["buyer"] and order.guest_email == ""
    assert order.fulfilment_groups.count() == 2
    account = client.get(reverse("customer:order", kwargs={"order_number": order.number}))
    assert account.status_code == 200 and order.number in text(account)


def test_the_buyer_closes_the_browser_after_paying_and_the_webhook_places_the_order(
    card_checkout, stripe_settings, django_capture_on_commit_callbacks
):
    payment, _intent = intent_of(card_checkout.order_number)
    buyer_pays(payment)
    payload = event(
        "evt_auth_1", "payment_intent.amount_capturable_updated", payment.intent_id, "requires_capture"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = webhook_post(Client(), payload, signed(payload))

    assert response.status_code == 200
    order = Order.objects.get()
    payment, intent = intent_of(order.number)
    assert payment.status == PaymentStatus.SUCCEEDED and intent.status == "succeeded"
    assert LedgerEntry.objects.filter(order=order, kind="sale").count() == 2
    assert "lan@example.com" in [m.to[0] for m in mail.outbox]


def test_succeeded_arriving_before_the_redirect_then_the_redirect_then_a_late_failure(client, card_checkout):
    payment, _intent = intent_of(card_checkout.order_number)
    buyer_pays(payment)
    webhook = Client()
    succeeded = event("evt_ok_1", "payment_intent.succeeded", payment.intent_id, "succeeded")
    failed = event(
        "evt_fail_1", "payment_intent.payment_failed", payment.intent_id, "requires_payment_method"
    )

    assert webhook_post(webhook, succeeded, signed(succeeded)).status_code == 200
    assert webhook_post(webhook, succeeded, signed(succeeded)).status_code == 200  # delivered twice
    response = client.get(url("card-return", card_checkout))
    assert webhook_post(webhook, failed, signed(failed)).status_code == 200

    assert response["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert LedgerEntry.objects.filter(order=order, kind="sale").count() == 2


def test_a_card_authorised_after_the_stock_went_is_released_and_the_buyer_told(client, card_checkout, shop):
    # Someone else pays cash for four of the five packets of tea while this
    # buyer is typing their card number.
    other = Client()
    checkout_to_payment(other, shop, [(shop["tea"], 4)], guest_email="minh@example.com")
    choose_payment(other, "cod")
    assert place_order(other).status_code == 302
    payment, _intent = intent_of(card_checkout.order_number)
    buyer_pays(payment)

    response = client.get(url("card-return", card_checkout))

    assert response.status_code == 302 and response["Location"] == reverse("basket:summary")
    page = text(client.get(response["Location"]))
    assert "Chè Shan tuyết" in page and ("không bị trừ tiền" in page or "not charged" in page)
    assert Order.objects.count() == 1  # only the cash order
    payment, intent = intent_of(card_checkout.order_number)
    assert payment.status == PaymentStatus.CANCELED and intent.status == "canceled"
    assert Basket.objects.get(pk=card_checkout.basket_id).status == Basket.OPEN
    assert StockRecord.objects.get(product=shop["tea"]).net_stock_level == 1


def test_a_payment_already_captured_for_stock_gone_is_refunded_in_full(card_checkout, shop, stripe_settings):
    payment, _intent = intent_of(card_checkout.order_number)
    buyer_pays(payment)
    payment = payment_services.stripe_payment_refresh(payment=payment)
    payment_services.stripe_payment_capture(payment=payment)  # the money is taken, somehow, early
    lot_recall(lot=shop["lot"], reason="Dư lượng thuốc bảo vệ thực vật vượt ngưỡng", recalled_by=None)

    checkout = card_checkout_complete(order_number=card_checkout.order_number)

    assert checkout.state == CardCheckout.State.OUT_OF_STOCK
    payment.refresh_from_db()
    assert payment.amount_refunded == payment.amount
    assert payment.refunds.get().amount == payment.amount
    assert not Order.objects.exists()


def test_another_buyer_s_card_urls_answer_404_and_change_nothing(client, card_checkout, shop):
    stranger = Client()
    checkout_to_payment(stranger, shop, [(shop["oranges"], 1)], guest_email="k@example.com")
    signed_in = Client()
    signed_in.force_login(shop["buyer"])
    for visitor in (stranger, signed_in, Client()):
        assert visitor.get(url("card-payment", card_checkout)).status_code == 404
        assert visitor.get(url("card-return", card_checkout)).status_code == 404
        assert visitor.post(url("card-cancel", card_checkout)).status_code == 404
    assert (
        client.get(reverse("checkout:card-payment", kwargs={"order_number": "000000000000"})).status_code
        == 404
    )
    card_checkout.refresh_from_db()
    assert card_checkout.state == CardCheckout.State.WAITING
    assert Basket.objects.get(pk=card_checkout.basket_id).status == Basket.FROZEN


def test_the_buyer_cancels_the_card_and_pays_cash_instead(client, card_checkout):
    assert client.get(url("card-cancel", card_checkout)).status_code == 405

    response = client.post(url("card-cancel", card_checkout))

    assert response["Location"] == reverse("checkout:payment-details")
    assert Basket.objects.get(pk=card_checkout.basket_id).status == Basket.OPEN
    choose_payment(client, "cod")
    assert place_order(client).status_code == 302
    order = Order.objects.get()
    assert order.number == card_checkout.order_number and order.payment_method_code == "cod"


def test_a_return_before_paying_sends_the_buyer_back_to_the_card_page(client, card_checkout):
    response = client.get(url("card-return", card_checkout))
    assert response["Location"] == url("card-payment", card_checkout)
    assert not Order.objects.exists()


def test_cards_are_not_offered_for_totals_stripe_cannot_take(client, shop, stripe_settings):
    stripe_settings.STRIPE_MINIMUM_AMOUNT_VND = 10_000_000
    checkout_to_payment(client, shop, [(shop["oranges"], 1)])
    page = client.get(reverse("checkout:payment-details"))
    assert [code for code, _label in page.context["payment_form"].fields["payment_method"].choices] == ["cod"]
