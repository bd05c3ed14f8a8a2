"""Placing orders that are paid by card, and giving money back.

A card order is placed only once its payment is authorised (the money is
held, not taken): placing it allocates the stock under row locks, and only
then is the payment captured. If the stock went to another buyer first, the
hold is released, so nothing is taken. Whichever of the buyer's return and
Stripe's webhook arrives first places the order; the other finds it placed.
"""

import datetime
import logging

import stripe
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.apps.checkout.calculators import OrderTotalCalculator
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.core.loading import get_class, get_model

from marketplace.audit import services as audit
from marketplace.ledger.models import LedgerEntry
from marketplace.ledger.services import ledger_record_order, ledger_record_refund
from marketplace.money import to_dong
from marketplace.payments.models import StripePayment
from marketplace.payments.providers import payment_provider
from marketplace.payments.services import (
    PaymentUnavailable,
    stripe_payment_capture,
    stripe_payment_refresh,
    stripe_payment_release,
)

from .models import CardCheckout

logger = logging.getLogger(__name__)

Basket = get_model("basket", "Basket")
Partner = get_model("partner", "Partner")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
OrderCreator = get_class("order.utils", "OrderCreator")
Repository = get_class("shipping.repository", "Repository")
Selector = get_class("partner.strategy", "Selector")

PaymentStatus = StripePayment.Status
State = CardCheckout.State


def payment_source_add(*, order, provider_code: str, amount, reference: str = "", debited=0):
    """The order's payment as Oscar's dashboard shows it, and the provider
    code that tells cash orders from card orders."""
    provider = payment_provider(provider_code)
    source_type, _created = SourceType.objects.get_or_create(
        code=provider.code, defaults={"name": provider.name}
    )
    order.payment_method_code = provider.code
    order.save(update_fields=["payment_method_code"])
    order.fulfilment_groups.update(payment_method_code=provider.code)
    return Source.objects.create(
        order=order, source_type=source_type, currency=order.currency, amount_allocated=amount,
        amount_debited=debited, reference=reference,
    )  # fmt: skip


def card_checkout_start(
    *, basket, user, guest_email, shipping_address, shipping_method, order_total, order_number, provider_code
):
    """Keep what placing the order will need and open the payment with the
    provider. Returns the checkout and the provider's ``PaymentStart``.
    Called again for the same basket (the buyer came back to try again), it
    reuses the order number and the payment."""
    provider = payment_provider(provider_code)
    total = to_dong(order_total.incl_tax)
    with transaction.atomic():
        if shipping_address is not None and shipping_address.pk is None:
            shipping_address.save()
        checkout, _created = CardCheckout.objects.select_for_update().get_or_create(
            order_number=order_number,
            defaults={
                "basket": basket,
                "user": user if user.is_authenticated else None,
                "guest_email": guest_email or "",
                "shipping_address": shipping_address,
                "shipping_method_code": shipping_method.code,
                "provider": provider.code,
                "total": total,
            },
        )
        if checkout.state == State.PLACED:
            raise ValidationError(_("This order has already been placed."), code="already_placed")
        checkout.basket = basket
        checkout.guest_email = guest_email or ""
        checkout.shipping_address = shipping_address
        checkout.shipping_method_code = shipping_method.code
        checkout.provider, checkout.total = provider.code, total
        checkout.state, checkout.failure_message = State.WAITING, ""
        checkout.save()
    email = user.email if user.is_authenticated else guest_email
    try:
        start = provider.start(order_number=order_number, total=total, email=email or "")
    except PaymentUnavailable:
        # The provider was not reached: with no payment opened before,
        # nothing waits to be placed (the reconciliation would otherwise
        # reopen this basket a day later, even after a cash order from it).
        if not StripePayment.objects.filter(order_number=order_number).exists():
            CardCheckout.objects.filter(pk=checkout.pk, state=State.WAITING).update(state=State.ABANDONED)
        raise
    return checkout, start


def _order_place(*, checkout: CardCheckout, payment: StripePayment):
    """Place the checkout's order from what was kept. The total must still be
    what the card was authorised for. Raises UnableToPlaceOrder (the stock
    went first, or the prices changed): nothing of the order is then saved."""
    basket = Basket.objects.get(pk=checkout.basket_id)
    basket.strategy = Selector().strategy(user=checkout.user)
    if basket.is_empty:
        raise UnableToPlaceOrder(_("The basket of this payment is empty."))
    methods = Repository().get_shipping_methods(
        basket=basket, user=checkout.user, shipping_addr=checkout.shipping_address
    )
    method = next((m for m in methods if m.code == checkout.shipping_method_code), None)
    if method is None:
        raise UnableToPlaceOrder(_("The delivery method chosen is no longer offered."))
    charge = method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)
    if to_dong(total.incl_tax) != payment.amount:
        raise UnableToPlaceOrder(_("Prices changed while you were paying; nothing has been charged."))
    order = OrderCreator().place_order(
        basket=basket, total=total, shipping_method=method, shipping_charge=charge, user=checkout.user,
        shipping_address=checkout.shipping_address, order_number=checkout.order_number,
        # Empty for a signed-in buyer, as on Oscar's own orders: the column takes no NULL.
        guest_email=checkout.guest_email,
    )  # fmt: skip
    payment_source_add(
        order=order, provider_code=checkout.provider, amount=total.incl_tax, reference=payment.intent_id
    )
    basket.submit()
    return order


def card_checkout_complete(*, order_number: str, refresh: bool = False) -> CardCheckout | None:
    """Place the order of an authorised card payment, capture the payment
    and record the cooperatives' earnings; or, if the stock is gone, release
    the payment. Safe to call any number of times, from any process: the
    checkout row is locked while the order is placed, and each later step
    does nothing when already done."""
    checkout = CardCheckout.objects.filter(order_number=order_number).first()
    payment = StripePayment.objects.filter(order_number=order_number).first()
    if checkout is None or payment is None:
        return checkout
    if refresh:
        payment = stripe_payment_refresh(payment=payment)
    if payment.status not in (PaymentStatus.AUTHORISED, PaymentStatus.SUCCEEDED):
        return checkout
    with transaction.atomic():
        checkout = CardCheckout.objects.select_for_update().get(pk=checkout.pk)
        if checkout.state in (State.WAITING, State.ABANDONED):
            try:
                with transaction.atomic():
                    checkout.order = _order_place(checkout=checkout, payment=payment)
                checkout.state = State.PLACED
            except UnableToPlaceOrder as error:
                checkout.state, checkout.failure_message = State.OUT_OF_STOCK, str(error)[:500]
                logger.info("Card order %s not placed: %s", order_number, error)
            checkout.save()
    if checkout.state == State.OUT_OF_STOCK:
        # Cancels the hold (nothing taken) or, if Stripe already took the
        # money, refunds it in full.
        stripe_payment_release(payment=payment, reason=checkout.failure_message)
        basket_reopen(checkout=checkout)
    elif checkout.state == State.PLACED:
        payment = stripe_payment_capture(payment=payment)
        order = checkout.order
        Source.objects.filter(order=order, reference=payment.intent_id).update(amount_debited=payment.amount)
        ledger_record_order(order=order, shipping_by_partner=_shipping_by_partner(order))
    return checkout


def basket_reopen(*, checkout: CardCheckout):
    """Give the buyer their basket back to change it."""
    Basket.objects.filter(pk=checkout.basket_id, status=Basket.FROZEN).update(status=Basket.OPEN)


def card_checkout_abandon(*, checkout: CardCheckout) -> CardCheckout:
    """The buyer gave up on the card: the basket is theirs again. A payment
    already authorised is not abandoned but completed (the money is held)."""
    payment = StripePayment.objects.filter(order_number=checkout.order_number).first()
    if payment is not None:
        payment = stripe_payment_refresh(payment=payment)
        if payment.status in (PaymentStatus.AUTHORISED, PaymentStatus.SUCCEEDED):
            return card_checkout_complete(order_number=checkout.order_number)
    with transaction.atomic():
        checkout = CardCheckout.objects.select_for_update().get(pk=checkout.pk)
        if checkout.state == State.WAITING:
            checkout.state = State.ABANDONED
            checkout.save(update_fields=["state", "updated_at"])
    return checkout


def _shipping_by_partner(order) -> dict:
    return {
        group.partner: group.shipping_charge for group in order.fulfilment_groups.select_related("partner")
    }


def cash_order_group_record(*, group):
    """A cash order's cooperative delivered and took the cash: its part
    enters the ledger."""
    ledger_record_order(
        order=group.order,
        shipping_by_partner={group.partner: group.shipping_charge},
        only_partners={group.partner},
    )


def refundable_by_partner(*, order) -> dict:
    """What each cooperative of the order can still give back: its sale in
    the ledger less what it refunded already."""
    rows = (
        LedgerEntry.objects.filter(order=order, kind__in=[LedgerEntry.Kind.SALE, LedgerEntry.Kind.REFUND])
        .values("account__partner_id")
        .annotate(left=Sum("amount"))
    )
    return {row["account__partner_id"]: row["left"] for row in rows}


def order_refund(*, order, partner=None, amount: int | None = None, by=None, reason: str = "") -> int:
    """Give money back through the order's payment provider and record it:
    one cooperative's part (``partner``, ``amount`` or all it has left), or
    with no partner, everything that is left, cooperative by cooperative.
    Returns the đồng refunded."""
    provider = payment_provider(order.payment_method_code or "cod")
    left = refundable_by_partner(order=order)
    if partner is None:
        if amount is not None:
            raise ValidationError(
                {"amount": _("A full refund gives back everything; leave the amount empty.")}
            )
        plan = [(p, a) for p, a in left.items() if a > 0]
    else:
        amount = left.get(partner.pk, 0) if amount is None else amount
        if amount > left.get(partner.pk, 0):
            raise ValidationError(
                {"amount": _("The refund is more than this cooperative sold in the order.")}
            )
        plan = [(partner.pk, amount)]
    if not plan or not sum(a for _p, a in plan):
        raise ValidationError(_("Nothing is left to refund on this order."))
    refunded = 0
    for partner_id, share in plan:
        seller = Partner.objects.get(pk=partner_id)
        with transaction.atomic():
            # Recorded before the money moves: if the log cannot be written,
            # nothing is refunded rather than a refund going unrecorded.
            audit.record(
                action=audit.Action.REFUND_ISSUED, actor=by, subject=order,
                subject_label=f"{order.number} · {seller.name}",
                changes={
                    "refundable": [left.get(partner_id, 0), left.get(partner_id, 0) - share],
                    "refunded": [None, share], "payment_method": [None, provider.code],
                    "reason": [None, reason],
                },
            )  # fmt: skip
            provider.refund(
                order_number=order.number, amount=share, partner=seller, created_by=by, reason=reason
            )
            ledger_record_refund(order=order, partner=seller, amount=share, description=reason[:255])
            Source.objects.filter(order=order).update(amount_refunded=F("amount_refunded") + share)
        refunded += share
    return refunded


def group_refund_on_cancel(*, group, by=None, reason: str = ""):
    """A paid card order's cooperative cancelled its part: give the buyer
    back what that part cost, if any was taken and not yet refunded."""
    left = refundable_by_partner(order=group.order).get(group.partner_id, 0)
    if left <= 0:
        return 0
    try:
        return order_refund(order=group.order, partner=group.partner, amount=left, by=by, reason=reason)
    except stripe.StripeError as error:
        logger.exception("Refund of %s for group %s failed", left, group.pk)
        raise ValidationError(
            _("The card refund could not be made (%(error)s); nothing was cancelled. Try again later.")
            % {"error": error.user_message or error.code or "Stripe"}
        ) from error


# A card page left open this long, unpaid, is given up.
CARD_CHECKOUT_ABANDON_AFTER = datetime.timedelta(hours=24)
# Younger checkouts are left to the buyer's return and the webhook.
CARD_CHECKOUT_RECONCILE_AFTER = datetime.timedelta(minutes=5)


def card_checkouts_reconcile(*, now=None) -> dict:
    """Finish what neither the buyer's return nor the webhook finished:
    an authorised card whose order was never placed (Stripe's webhook
    lost), a placed order whose capture failed, and card pages left unpaid
    for a day (the basket goes back to the buyer). Each checkout is handled
    on its own: one that Stripe refuses does not stop the others."""
    now = now or timezone.now()
    counts = {"placed": 0, "released": 0, "abandoned": 0, "failed": 0}
    waiting = CardCheckout.objects.filter(
        state=State.WAITING, updated_at__lte=now - CARD_CHECKOUT_RECONCILE_AFTER
    ).values_list("order_number", "updated_at")
    uncaptured = CardCheckout.objects.filter(
        state=State.PLACED,
        order_number__in=StripePayment.objects.filter(status=PaymentStatus.AUTHORISED).values("order_number"),
    ).values_list("order_number", "updated_at")
    for order_number, updated_at in [*waiting, *uncaptured]:
        try:
            checkout = card_checkout_complete(order_number=order_number, refresh=True)
            if checkout.state == State.PLACED:
                counts["placed"] += 1
            elif checkout.state == State.OUT_OF_STOCK:
                counts["released"] += 1
            elif updated_at <= now - CARD_CHECKOUT_ABANDON_AFTER:
                payment = StripePayment.objects.filter(order_number=order_number).first()
                if payment is not None:
                    stripe_payment_release(payment=payment, reason="abandoned")
                card_checkout_abandon(checkout=checkout)
                basket_reopen(checkout=checkout)
                counts["abandoned"] += 1
        except stripe.StripeError:
            logger.exception("Card checkout %s could not be reconciled", order_number)
            counts["failed"] += 1
    return counts
