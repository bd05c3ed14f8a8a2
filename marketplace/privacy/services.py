"""Erasing a buyer's account.

The user row itself is deleted (not deactivated and stripped): nothing is
left that could be reactivated, and Django's cascades remove with it
everything that only made sense for the account — the address book, wish
lists, stock alerts, baskets, saved cards, e-mail and notification history
and browsing records.

Orders stay: the Law on Accounting has accounting documents kept for ten
years, and the cooperatives' ledgers, payouts and the province's reports
are built on them. What is kept is what accounting and those reports read —
totals, lines, each cooperative's part and its status, payments, ledger
entries and, of the address, only the commune, district and province — and
every field that names or reaches the buyer is blanked.
"""

import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from oscar.core.loading import get_model

from . import selectors

logger = logging.getLogger(__name__)

BillingAddress = get_model("order", "BillingAddress")
CardCheckout = get_model("checkout", "CardCheckout")
Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
ProductReview = get_model("reviews", "ProductReview")
ShippingAddress = get_model("order", "ShippingAddress")
VoucherApplication = get_model("voucher", "VoucherApplication")
Vote = get_model("reviews", "Vote")

# Shown where a name or street used to be, so a cooperative reading an old
# order sees it was removed rather than never given.
REMOVED = "—"

# Of an address, what is personal; the commune (line3), district (line4)
# and province (state) and the country stay for the reports and for tax.
_ADDRESS_BLANKED = {
    "title": "",
    "first_name": "",
    "last_name": REMOVED,
    "line1": REMOVED,
    "line2": "",
    "postcode": "",
}
_SHIPPING_ONLY_BLANKED = {"phone_number": "", "notes": ""}


@dataclass(frozen=True)
class Erasure:
    orders_anonymised: int


def _address_anonymise(address) -> None:
    fields = dict(_ADDRESS_BLANKED)
    if isinstance(address, ShippingAddress):
        fields.update(_SHIPPING_ONLY_BLANKED)
    for name, value in fields.items():
        setattr(address, name, value)
    # An address code can be a reference into someone else's address system.
    address.code = None
    # save() recomputes the search text from the fields left.
    address.save(update_fields=[*fields, "code", "search_text"])


def _orders_anonymise(*, user) -> int:
    orders = list(Order.objects.filter(user=user).select_related("shipping_address", "billing_address"))
    for order in orders:
        for address in (order.shipping_address, order.billing_address):
            if address is not None:
                _address_anonymise(address)
    # An empty guest e-mail, not a made-up one: every sender of order and
    # recall e-mails already skips an order with no address to write to.
    Order.objects.filter(pk__in=[order.pk for order in orders]).update(user=None, guest_email="")
    return len(orders)


def _card_checkouts_forget(*, user) -> None:
    """A finished card checkout was only the way to an order (which keeps its
    payment records); an abandoned one left an address no order holds."""
    checkouts = CardCheckout.objects.filter(user=user)
    address_ids = set(checkouts.exclude(shipping_address=None).values_list("shipping_address_id", flat=True))
    checkouts.delete()
    in_orders = set(
        Order.objects.filter(shipping_address_id__in=address_ids).values_list(
            "shipping_address_id", flat=True
        )
    )
    ShippingAddress.objects.filter(pk__in=address_ids - in_orders).delete()


def _reviews_delete(*, user) -> None:
    """Reviews go with the account (Oscar cascades them too): they are the
    buyer's own words, often with their name or village in them, and no law
    asks for them to be kept. Keeping them authorless would also leave them
    unmoderatable, as Oscar demands a name and e-mail of an authorless one."""
    voted_reviews = set(Vote.objects.filter(user=user).values_list("review_id", flat=True))
    Vote.objects.filter(user=user).delete()
    for review in ProductReview.objects.filter(pk__in=voted_reviews):
        review.update_totals()
    reviewed_products = set(ProductReview.objects.filter(user=user).values_list("product_id", flat=True))
    ProductReview.objects.filter(user=user).delete()
    for product in Product.objects.filter(pk__in=reviewed_products):
        product.update_rating()


def _vouchers_unlink(*, user) -> None:
    # Which order used which voucher is part of the order's discount record.
    VoucherApplication.objects.filter(user=user).update(user=None)


def _account_delete(*, user) -> None:
    get_user_model().objects.filter(pk=user.pk).delete()


def account_erase(*, user) -> Erasure:
    """Delete ``user``'s account and anonymise their orders, all or nothing.
    Raises ValidationError (nothing changed) when the account may not be
    erased now (selectors.account_erasure_blockers)."""
    with transaction.atomic():
        # Locked, so a checkout or a second click cannot slip in between
        # the checks and the erasure.
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        blockers = selectors.account_erasure_blockers(user=user)
        if blockers:
            raise ValidationError(blockers, code="erasure_blocked")
        # Each step is a function of its own so that a test can make any
        # one of them fail and see that nothing was changed.
        orders = _orders_anonymise(user=user)
        _card_checkouts_forget(user=user)
        _reviews_delete(user=user)
        _vouchers_unlink(user=user)
        _account_delete(user=user)
    # The id only: the point is that nothing else about them is kept.
    logger.info("Account %s erased; %s orders kept, anonymised", user.pk, orders)
    return Erasure(orders_anonymised=orders)
