"""What Stripe does outside this site, for the tests: the buyer's browser
confirming a card (Stripe Elements) and Stripe signing its webhook events."""

import hashlib
import hmac
import json
import time

from marketplace.payments import services
from tests.marketplace.conftest import WEBHOOK_SECRET

WEBHOOK_URL = "/payments/stripe/webhook/"
VISA = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}


def buyer_pays(payment):
    """What Stripe Elements does in the buyer's browser: attach a card and
    confirm the intent (here server-side, against localstripe)."""
    client = services.stripe_client()
    card = client.v1.payment_methods.create(params={"type": "card", "card": VISA})
    # localstripe does not take payment_method on confirm; set it first.
    client.v1.payment_intents.update(payment.intent_id, params={"payment_method": card.id})
    return client.v1.payment_intents.confirm(payment.intent_id)


def signed(payload: str, *, secret=WEBHOOK_SECRET, timestamp=None) -> str:
    """A Stripe-Signature header built the way Stripe builds it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def event(event_id, kind, intent_id, status="succeeded"):
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": kind,
            "created": int(time.time()),
            "data": {"object": {"id": intent_id, "object": "payment_intent", "status": status}},
        }
    )


def webhook_post(client, payload, header):
    extra = {"HTTP_STRIPE_SIGNATURE": header} if header is not None else {}
    return client.post(WEBHOOK_URL, payload, content_type="application/json", **extra)
