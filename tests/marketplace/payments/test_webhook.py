import time

import pytest

from marketplace.payments import services
from marketplace.payments.models import StripeEvent, StripePayment
from tests.marketplace.conftest import WEBHOOK_SECRET

from .stripe_buyer import WEBHOOK_URL as URL
from .stripe_buyer import event, signed
from .stripe_buyer import webhook_post as post

pytestmark = pytest.mark.django_db

Status = StripePayment.Status


@pytest.fixture
def payment(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return StripePayment.objects.create(order_number="100001", intent_id="pi_choque_1", amount=250000)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "t=1,v1=abc",
        "garbage",
        "WRONG_SECRET",
        "STALE",
    ],
    ids=["unsigned", "empty", "bad-signature", "garbage", "wrong-secret", "stale"],
)
def test_unsigned_wrongly_signed_or_stale_events_change_nothing(client, payment, header):
    payload = event("evt_1", "payment_intent.succeeded", payment.intent_id)
    if header == "WRONG_SECRET":
        header = signed(payload, secret="whsec_someone_else")
    elif header == "STALE":
        header = signed(payload, timestamp=int(time.time()) - 3600)
    assert post(client, payload, header).status_code == 400
    payment.refresh_from_db()
    assert payment.status == Status.PENDING
    assert not StripeEvent.objects.exists()


def test_a_tampered_body_is_refused(client, payment):
    payload = event("evt_1", "payment_intent.payment_failed", payment.intent_id)
    header = signed(payload)
    tampered = payload.replace("payment_failed", "succeeded")
    assert post(client, tampered, header).status_code == 400


def test_only_post_is_accepted(client, payment):
    assert client.get(URL).status_code == 405


def test_a_duplicate_event_is_applied_once(client, payment):
    payload = event(
        "evt_1", "payment_intent.amount_capturable_updated", payment.intent_id, "requires_capture"
    )
    for _ in range(2):
        assert post(client, payload, signed(payload)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Status.AUTHORISED
    assert StripeEvent.objects.filter(event_id="evt_1").count() == 1


def test_events_out_of_order_never_move_a_payment_back(client, payment):
    for number, kind in enumerate(
        [
            "payment_intent.succeeded",
            "payment_intent.amount_capturable_updated",
            "payment_intent.payment_failed",
            "payment_intent.canceled",
        ]
    ):
        payload = event(f"evt_{number}", kind, payment.intent_id)
        assert post(client, payload, signed(payload)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Status.SUCCEEDED


def test_a_failed_attempt_can_be_retried(client, payment):
    for number, kind in enumerate(
        ["payment_intent.payment_failed", "payment_intent.amount_capturable_updated"]
    ):
        payload = event(f"evt_{number}", kind, payment.intent_id)
        post(client, payload, signed(payload))
    payment.refresh_from_db()
    assert payment.status == Status.AUTHORISED


def test_events_of_other_integrations_are_acknowledged_and_ignored(client, payment):
    payload = event("evt_9", "payment_intent.succeeded", "pi_not_ours")
    assert post(client, payload, signed(payload)).status_code == 200
    payload = event("evt_10", "customer.created", "cus_1")
    assert post(client, payload, signed(payload)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Status.PENDING


def test_the_webhook_and_the_buyer_s_return_agree(stripe_settings, client):
    """payment_intent.succeeded may arrive before the buyer's redirect
    returns; either order ends with one paid payment."""
    from .test_services import buyer_pays

    payment, _ = services.stripe_payment_start(order_number="100010", total=250000)
    buyer_pays(payment)
    payload = event(
        "evt_w1", "payment_intent.amount_capturable_updated", payment.intent_id, "requires_capture"
    )
    post(client, payload, signed(payload))
    payment = services.stripe_payment_refresh(payment=payment)  # the buyer comes back
    payment = services.stripe_payment_capture(payment=payment)
    payload = event("evt_w2", "payment_intent.succeeded", payment.intent_id)
    post(client, payload, signed(payload))
    post(client, payload, signed(payload))
    payment.refresh_from_db()
    assert payment.status == Status.SUCCEEDED
    assert StripePayment.objects.count() == 1
