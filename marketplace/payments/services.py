"""Card payments through Stripe PaymentIntents, in whole đồng.

VND has no minor unit and Stripe treats it as zero-decimal, so the amount
sent is the order total in đồng. Intents use manual capture: the money is
only held until the order's stock is allocated, then captured; if the stock
is gone, the hold is released (or, once captured, refunded) automatically.
Every create call carries an idempotency key derived from the order, so a
retried request never charges twice.
"""

import logging
from contextlib import contextmanager

import stripe
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.money import format_vnd, to_dong

from .models import StripeEvent, StripePayment, StripeRefund
from .signals import payment_authorised

logger = logging.getLogger(__name__)

# Stripe takes at most eight digits for a VND amount.
STRIPE_MAXIMUM_VND = 99_999_999

Status = StripePayment.Status
# How far along a payment is: a status only ever moves forward, so a late
# or repeated webhook ("payment_failed" after "succeeded") changes nothing.
# A failed attempt may be retried (pending again); paid and cancelled are final.
_PROGRESS = {
    Status.PENDING: 0,
    Status.FAILED: 0,
    Status.AUTHORISED: 1,
    Status.SUCCEEDED: 2,
    Status.CANCELED: 2,
}
_INTENT_STATUSES = {
    "requires_payment_method": Status.PENDING,
    "requires_confirmation": Status.PENDING,
    "requires_action": Status.PENDING,
    "processing": Status.PENDING,
    "requires_capture": Status.AUTHORISED,
    "succeeded": Status.SUCCEEDED,
    "canceled": Status.CANCELED,
}
_EVENT_STATUSES = {
    "payment_intent.amount_capturable_updated": Status.AUTHORISED,
    "payment_intent.succeeded": Status.SUCCEEDED,
    "payment_intent.payment_failed": Status.FAILED,
    "payment_intent.canceled": Status.CANCELED,
}


class PaymentUnavailable(Exception):
    """The payment provider cannot be reached (or answers with its own
    error): nothing was asked of it or charged. The message is for the buyer."""


@contextmanager
def _unavailable_when_unreachable():
    try:
        yield
    except (stripe.APIConnectionError, stripe.APIError) as error:
        logger.warning("Stripe unreachable, card payment not started: %s", error)
        raise PaymentUnavailable(
            _(
                "Card payments cannot be taken right now; nothing was charged. "
                "Try again in a few minutes, or choose cash on delivery."
            )
        ) from error


def stripe_client() -> stripe.StripeClient:
    """A client for this site's account; STRIPE_API_BASE points it at a
    Stripe-compatible server (localstripe in the tests)."""
    options = {"max_network_retries": 2}
    if settings.STRIPE_API_BASE:
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, **options)


def stripe_amount(total) -> int:
    """The order total as Stripe takes it: whole đồng, rounded half up,
    within what Stripe accepts for VND. Refused before any call to Stripe."""
    amount = to_dong(total)
    if amount > STRIPE_MAXIMUM_VND:
        raise ValidationError(
            _("Card payments are limited to %(limit)s per order; choose cash on delivery or split the order.")
            % {"limit": format_vnd(STRIPE_MAXIMUM_VND)},
            code="amount_too_large",
        )
    if amount < settings.STRIPE_MINIMUM_AMOUNT_VND:
        raise ValidationError(
            _("Card payments start at %(minimum)s; choose cash on delivery for smaller orders.")
            % {"minimum": format_vnd(settings.STRIPE_MINIMUM_AMOUNT_VND)},
            code="amount_too_small",
        )
    return amount


def _advance(payment: StripePayment, status: str) -> bool:
    """Move the payment to ``status`` if that is forward; returns whether it moved."""
    old = payment.status
    if old == status:
        return False
    if _PROGRESS[status] < _PROGRESS[old] or old in (Status.SUCCEEDED, Status.CANCELED):
        logger.info("Stripe payment %s stays %s (ignored %s)", payment.intent_id, old, status)
        return False
    payment.status = status
    payment.save(update_fields=["status", "updated_at"])
    return True


def stripe_payment_start(*, order_number: str, total, email: str = "") -> tuple[StripePayment, str]:
    """The order's PaymentIntent, made once per order number, and the client
    secret Stripe Elements needs to collect the card. Calling it again (the
    buyer reloads the page) returns the same intent; if the total changed
    while the payment was still open, the intent's amount follows it."""
    amount = stripe_amount(total)
    client = stripe_client()
    # Raises PaymentUnavailable when Stripe cannot be reached, with the
    # payment's row as it was.
    with _unavailable_when_unreachable(), transaction.atomic():
        # The lock makes concurrent starts for one order wait for each other.
        payment = StripePayment.objects.select_for_update().filter(order_number=order_number).first()
        if payment is not None and payment.status == Status.CANCELED and not payment.amount_refunded:
            # Cancelled before any capture: nothing was taken, so the buyer
            # may try again, with a new intent.
            payment.attempt += 1
            intent = client.v1.payment_intents.create(
                params=_intent_params(amount, order_number, email),
                options={"idempotency_key": f"choque-{order_number}-create-{payment.attempt}"},
            )
            payment.intent_id, payment.amount, payment.status = intent.id, amount, Status.PENDING
            payment.save(update_fields=["attempt", "intent_id", "amount", "status", "updated_at"])
            return payment, intent.client_secret
        if payment is not None:
            if payment.status not in (Status.PENDING, Status.FAILED):
                raise ValidationError(_("This order has already been paid for."), code="already_paid")
            if payment.amount != amount:
                intent = client.v1.payment_intents.update(
                    payment.intent_id,
                    params={"amount": amount},
                    options={"idempotency_key": f"choque-{order_number}-amount-{amount}"},
                )
                payment.amount = amount
                payment.save(update_fields=["amount", "updated_at"])
            else:
                intent = client.v1.payment_intents.retrieve(payment.intent_id)
            return payment, intent.client_secret
        intent = client.v1.payment_intents.create(
            params=_intent_params(amount, order_number, email),
            options={"idempotency_key": f"choque-{order_number}-create"},
        )
        payment = StripePayment.objects.create(order_number=order_number, intent_id=intent.id, amount=amount)
    return payment, intent.client_secret


def _intent_params(amount: int, order_number: str, email: str) -> dict:
    params = {
        "amount": amount,
        "currency": "vnd",
        "capture_method": "manual",
        "payment_method_types": ["card"],
        "metadata": {"order_number": order_number},
    }
    # No receipt_email: the buyer's receipt is the site's own order e-mail.
    return params


def stripe_payment_refresh(*, payment: StripePayment) -> StripePayment:
    """Read the intent's state from Stripe (the buyer came back before the
    webhook did) and move the payment forward accordingly."""
    intent = stripe_client().v1.payment_intents.retrieve(payment.intent_id)
    status = _INTENT_STATUSES.get(intent.status)
    with transaction.atomic():
        payment = StripePayment.objects.select_for_update().get(pk=payment.pk)
        if status is not None:
            _advance(payment, status)
    return payment


def stripe_payment_capture(*, payment: StripePayment) -> StripePayment:
    """Take the held money, the whole order total, once the stock is
    allocated. Capturing a paid payment again does nothing."""
    with transaction.atomic():
        payment = StripePayment.objects.select_for_update().get(pk=payment.pk)
        if payment.status == Status.SUCCEEDED:
            return payment
        if payment.status != Status.AUTHORISED:
            raise ValidationError(_("The card payment is not authorised yet."), code="not_authorised")
        stripe_client().v1.payment_intents.capture(
            payment.intent_id,
            params={"amount_to_capture": payment.amount},
            options={"idempotency_key": f"choque-{payment.order_number}-capture"},
        )
        _advance(payment, Status.SUCCEEDED)
    return payment


def stripe_payment_release(*, payment: StripePayment, reason: str) -> StripePayment:
    """Give the buyer's money back when the order cannot be fulfilled (its
    stock went to someone else first): a hold is cancelled, so nothing was
    ever taken; a captured payment is refunded in full."""
    with transaction.atomic():
        payment = StripePayment.objects.select_for_update().get(pk=payment.pk)
        if payment.status in (Status.PENDING, Status.FAILED, Status.AUTHORISED):
            stripe_client().v1.payment_intents.cancel(
                payment.intent_id, options={"idempotency_key": f"choque-{payment.order_number}-cancel"}
            )
            _advance(payment, Status.CANCELED)
            return payment
    if payment.refundable:
        stripe_refund_create(payment=payment, amount=payment.refundable, reason=reason)
    return payment


def stripe_refund_create(
    *, payment: StripePayment, amount: int, partner=None, created_by=None, reason: str = ""
) -> StripeRefund:
    """Refund part or all of a paid order through Stripe (a cooperative's
    part: pass its partner), and record it. Never more than is left."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationError({"amount": _("Enter a refund in whole đồng, more than 0.")})
    with transaction.atomic():
        payment = StripePayment.objects.select_for_update().get(pk=payment.pk)
        if amount > payment.refundable:
            raise ValidationError(
                {
                    "amount": _("At most %(left)s can still be refunded.")
                    % {"left": format_vnd(payment.refundable)}
                }
            )
        number = payment.refunds.count() + 1
        refund = stripe_client().v1.refunds.create(
            params={"payment_intent": payment.intent_id, "amount": amount},
            options={"idempotency_key": f"choque-{payment.order_number}-refund-{number}-{amount}"},
        )
        record = StripeRefund.objects.create(
            payment=payment, refund_id=refund.id, amount=amount, partner=partner, reason=reason,
            created_by=created_by,
        )  # fmt: skip
        payment.amount_refunded += amount
        payment.save(update_fields=["amount_refunded", "updated_at"])
    return record


def stripe_event_handle(*, event) -> bool:
    """Apply one verified webhook event. Each event id is applied once
    (Stripe may deliver it again); events may arrive in any order, and a
    status never moves backwards. Returns False for an event seen before."""
    with transaction.atomic():
        _seen, created = StripeEvent.objects.get_or_create(event_id=event.id, defaults={"type": event.type})
        if not created:
            return False
        status = _EVENT_STATUSES.get(event.type)
        if status is None:
            return True
        intent = event.data.object
        payment = StripePayment.objects.select_for_update().filter(intent_id=intent.id).first()
        if payment is None:
            # Another integration on the same Stripe account.
            logger.info("Stripe event %s for unknown intent %s", event.id, intent.id)
            return True
        _advance(payment, status)
    if payment.status in (Status.AUTHORISED, Status.SUCCEEDED):
        # Outside the transaction: whoever places the order (checkout) sees
        # the event recorded, and a failure there does not undo it.
        payment_authorised.send(sender=StripePayment, order_number=payment.order_number)
    return True
