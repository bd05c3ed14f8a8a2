from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from marketplace.payments import services
from marketplace.payments.models import StripePayment

from .stripe_buyer import buyer_pays

pytestmark = pytest.mark.django_db

Status = StripePayment.Status


@pytest.mark.parametrize(
    ("total", "amount"),
    [
        (Decimal("150000"), 150000),
        (Decimal("150000.49"), 150000),
        (Decimal("150000.5"), 150001),
        (99_999_999, 99_999_999),
    ],
)
def test_amounts_are_whole_dong(settings, total, amount):
    assert services.stripe_amount(total) == amount


@pytest.mark.parametrize(("total", "code"), [(100_000_000, "amount_too_large"), (5_000, "amount_too_small")])
def test_amounts_stripe_cannot_take_are_refused_before_calling_it(settings, total, code):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: a call would fail loudly
    with pytest.raises(ValidationError) as error:
        services.stripe_payment_start(order_number="100001", total=total)
    assert error.value.code == code
    assert not StripePayment.objects.exists()


def test_an_order_gets_one_intent_in_vnd_with_manual_capture(stripe_settings):
    payment, secret = services.stripe_payment_start(order_number="100001", total=Decimal("250000"))
    again, secret_again = services.stripe_payment_start(order_number="100001", total=Decimal("250000"))
    assert again.pk == payment.pk and secret_again == secret and secret
    intent = services.stripe_client().v1.payment_intents.retrieve(payment.intent_id)
    assert (intent.amount, intent.currency, intent.capture_method) == (250000, "vnd", "manual")
    assert intent.metadata["order_number"] == "100001"
    assert StripePayment.objects.count() == 1


def test_the_intent_follows_a_changed_total_until_paid(stripe_settings):
    payment, _ = services.stripe_payment_start(order_number="100002", total=250000)
    payment, _ = services.stripe_payment_start(order_number="100002", total=310000)
    assert payment.amount == 310000
    # int(): localstripe echoes an updated amount back as the string it was sent.
    assert int(services.stripe_client().v1.payment_intents.retrieve(payment.intent_id).amount) == 310000


def test_a_paid_order_is_never_paid_twice(stripe_settings):
    payment, _ = services.stripe_payment_start(order_number="100003", total=250000)
    buyer_pays(payment)
    payment = services.stripe_payment_refresh(payment=payment)
    assert payment.status == Status.AUTHORISED
    payment = services.stripe_payment_capture(payment=payment)
    assert payment.status == Status.SUCCEEDED
    intent = services.stripe_client().v1.payment_intents.retrieve(payment.intent_id)
    assert intent.status == "succeeded"
    # Capturing again or starting again changes nothing and charges nothing.
    assert services.stripe_payment_capture(payment=payment).status == Status.SUCCEEDED
    with pytest.raises(ValidationError) as error:
        services.stripe_payment_start(order_number="100003", total=250000)
    assert error.value.code == "already_paid"


def test_nothing_is_captured_before_the_buyer_pays(stripe_settings):
    payment, _ = services.stripe_payment_start(order_number="100004", total=250000)
    with pytest.raises(ValidationError):
        services.stripe_payment_capture(payment=payment)
    payment.refresh_from_db()
    assert payment.status == Status.PENDING


def test_a_hold_is_released_when_the_stock_is_gone(stripe_settings):
    payment, _ = services.stripe_payment_start(order_number="100005", total=250000)
    buyer_pays(payment)
    payment = services.stripe_payment_refresh(payment=payment)
    payment = services.stripe_payment_release(payment=payment, reason="Hết hàng")
    assert payment.status == Status.CANCELED
    assert services.stripe_client().v1.payment_intents.retrieve(payment.intent_id).status == "canceled"
    assert not payment.refunds.exists()


def test_refunds_go_through_stripe_and_never_exceed_the_payment(stripe_settings):
    from tests.factories import administrative_tree, approved_cooperative

    cooperative = approved_cooperative(legal_name="HTX Sơn Trà", commune=administrative_tree()["02254"])
    payment, _ = services.stripe_payment_start(order_number="100006", total=250000)
    buyer_pays(payment)
    payment = services.stripe_payment_capture(payment=services.stripe_payment_refresh(payment=payment))

    partial = services.stripe_refund_create(
        payment=payment, amount=90000, partner=cooperative.partner, reason="Một hộp bị dập"
    )
    refund = services.stripe_client().v1.refunds.retrieve(partial.refund_id)
    assert (refund.amount, refund.payment_intent) == (90000, payment.intent_id)
    for bad in (160001, 0, -5, 1.5, True):
        with pytest.raises(ValidationError):
            services.stripe_refund_create(payment=payment, amount=bad)
    services.stripe_refund_create(payment=payment, amount=160000)
    payment.refresh_from_db()
    assert (payment.amount_refunded, payment.refundable) == (250000, 0)
    assert [r.partner for r in payment.refunds.order_by("pk")] == [cooperative.partner, None]
