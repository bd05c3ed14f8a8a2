"""What the platform holds on one account, and whether that account may
erase itself.

The export reads every table that keeps something about the user: the
profile, the address book, orders (with their lines, addresses, the parts
each cooperative ships and how they were paid), reviews and votes, wish
lists, stock alerts, e-mails and notifications sent to them, baskets, saved
cards, browsing records and cooperative applications. It costs the same
number of queries however many orders the buyer has
(tests/marketplace/privacy/test_export.py holds it to that).
"""

import datetime

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from cooperatives.models import Cooperative
from marketplace import roles
from marketplace.money import to_dong

Basket = get_model("basket", "Basket")
BasketLine = get_model("basket", "Line")
Bankcard = get_model("payment", "Bankcard")
CardCheckout = get_model("checkout", "CardCheckout")
Email = get_model("communication", "Email")
FulfilmentGroup = get_model("order", "FulfilmentGroup")
Line = get_model("order", "Line")
Notification = get_model("communication", "Notification")
Order = get_model("order", "Order")
ProductAlert = get_model("customer", "ProductAlert")
ProductReview = get_model("reviews", "ProductReview")
Source = get_model("payment", "Source")
StripePayment = get_model("payments", "StripePayment")
UserAddress = get_model("address", "UserAddress")
UserProductView = get_model("analytics", "UserProductView")
UserRecord = get_model("analytics", "UserRecord")
UserSearch = get_model("analytics", "UserSearch")
Vote = get_model("reviews", "Vote")
WishList = get_model("wishlists", "WishList")
WishListLine = get_model("wishlists", "Line")

# A parcel on its way still needs the buyer's name, phone and street.
FINISHED_GROUP_STATUSES = (FulfilmentGroup.Status.DELIVERED, FulfilmentGroup.Status.CANCELLED)

# The version of the file's layout, for whoever reads an export later.
EXPORT_FORMAT = 1


def account_is_back_office(*, user) -> bool:
    """Staff of a cooperative, officers and platform admins: their account
    is tied to what they did for others (orders shipped, pages approved,
    settlements recorded), so only a platform admin closes it."""
    return bool(
        user.is_staff
        or user.is_superuser
        or user.groups.exclude(name=roles.BUYER).exists()
        or user.partners.exists()
        or user.district_report_access.exists()
    )


def account_erasure_blockers(*, user) -> list[str]:
    """Why ``user`` cannot erase their account now (nothing: they can)."""
    reasons = []
    if account_is_back_office(user=user):
        reasons.append(
            _(
                "This account works for a cooperative or the province. "
                "Ask a platform administrator to close it."
            )
        )
    if FulfilmentGroup.objects.filter(order__user=user).exclude(status__in=FINISHED_GROUP_STATUSES).exists():
        reasons.append(
            _(
                "Some of your orders are still being prepared or delivered, and the cooperative "
                "needs your address and phone number to deliver them. You can delete your account "
                "once they are delivered or cancelled."
            )
        )
    if CardCheckout.objects.filter(user=user, state=CardCheckout.State.WAITING).exists():
        reasons.append(_("A card payment of yours is still in progress. Try again in a few minutes."))
    return reasons


# --- The export ------------------------------------------------------------------


def _when(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _dong(value) -> int | None:
    return None if value is None else to_dong(value)


def _address(address, *, country_names) -> dict | None:
    if address is None:
        return None
    data = {
        "title": address.title,
        "first_name": address.first_name,
        "last_name": address.last_name,
        "line1": address.line1,
        "line2": address.line2,
        "line3": address.line3,
        "line4": address.line4,
        "state": address.state,
        "postcode": address.postcode,
        "country": country_names.get(address.country_id, address.country_id),
    }
    for optional in ("phone_number", "notes"):
        if hasattr(address, optional):
            value = getattr(address, optional)
            data[optional] = str(value) if value else ""
    return data


def _order(order, *, country_names, stripe_payments) -> dict:
    return {
        "number": order.number,
        "placed_at": _when(order.date_placed),
        "status": order.status,
        "currency": order.currency,
        "total": _dong(order.total_incl_tax),
        "shipping": _dong(order.shipping_incl_tax),
        "payment_method": order.payment_method_code or "cod",
        "shipping_address": _address(order.shipping_address, country_names=country_names),
        "billing_address": _address(order.billing_address, country_names=country_names),
        "lines": [
            {
                "product": line.title,
                "upc": line.upc,
                "seller": line.partner_name,
                "quantity": line.quantity,
                "unit_price": _dong(line.unit_price_incl_tax),
                "price": _dong(line.line_price_incl_tax),
            }
            for line in order.lines.all()
        ],
        "deliveries": [
            {
                "seller": group.partner.name,
                "status": group.status,
                "delivery_fee": group.shipping_charge,
                "carrier": group.carrier,
                "tracking_number": group.tracking_number,
                "refunded": group.refunded_total,
                "shipped_at": _when(group.shipped_at),
                "delivered_at": _when(group.delivered_at),
                "cancelled_at": _when(group.cancelled_at),
            }
            for group in order.fulfilment_groups.all()
        ],
        "payments": [
            {
                "method": source.source_type.name,
                "amount_allocated": _dong(source.amount_allocated),
                "amount_debited": _dong(source.amount_debited),
                "amount_refunded": _dong(source.amount_refunded),
                "reference": source.reference,
            }
            for source in order.sources.all()
        ],
        "card_payment": stripe_payments.get(order.number),
        "discounts": [
            {"offer": discount.offer_name, "voucher": discount.voucher_code, "amount": _dong(discount.amount)}
            for discount in order.discounts.all()
        ],
    }


def personal_data_export(*, user) -> dict:
    """Everything the platform keeps on ``user``, as plain JSON-ready data."""
    Country = get_model("address", "Country")
    orders = list(
        Order.objects.filter(user=user)
        .select_related("shipping_address", "billing_address")
        .prefetch_related(
            Prefetch("lines", queryset=Line.objects.order_by("pk")),
            Prefetch(
                "fulfilment_groups",
                queryset=FulfilmentGroup.objects.select_related("partner").order_by("pk"),
            ),
            Prefetch("sources", queryset=Source.objects.select_related("source_type").order_by("pk")),
            "discounts",
        )
        .order_by("-date_placed", "-pk")
    )
    addresses = list(UserAddress.objects.filter(user=user).order_by("pk"))
    country_ids = {address.country_id for address in addresses}
    for order in orders:
        for address in (order.shipping_address, order.billing_address):
            if address is not None:
                country_ids.add(address.country_id)
    country_names = dict(
        Country.objects.filter(pk__in=country_ids).values_list("pk", "printable_name")
    ) if country_ids else {}  # fmt: skip
    stripe_payments = {
        payment.order_number: {
            "status": payment.status,
            "amount": payment.amount,
            "refunded": payment.amount_refunded,
        }
        for payment in StripePayment.objects.filter(order_number__in=[order.number for order in orders])
    } if orders else {}  # fmt: skip
    record = UserRecord.objects.filter(user=user).first()

    return {
        "format": EXPORT_FORMAT,
        "exported_at": _when(timezone.now()),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "roles": sorted(user.groups.values_list("name", flat=True)),
        },
        "address_book": [
            {
                **_address(address, country_names=country_names),
                "default_for_shipping": address.is_default_for_shipping,
                "default_for_billing": address.is_default_for_billing,
                "added_at": _when(address.date_created),
            }
            for address in addresses
        ],
        "orders": [
            _order(order, country_names=country_names, stripe_payments=stripe_payments) for order in orders
        ],
        "reviews": [
            {
                "product": review.product.get_title() if review.product_id else None,
                "score": review.score,
                "title": review.title,
                "body": review.body,
                "status": review.get_status_display(),
                "written_at": _when(review.date_created),
            }
            for review in ProductReview.objects.filter(user=user).select_related("product").order_by("pk")
        ],
        "review_votes": [
            {"review": vote.review.title, "delta": vote.delta, "at": _when(vote.date_created)}
            for vote in Vote.objects.filter(user=user).select_related("review").order_by("pk")
        ],
        "wish_lists": [
            {
                "name": wishlist.name,
                "visibility": wishlist.visibility,
                "created_at": _when(wishlist.date_created),
                "products": [
                    {"product": line.get_title(), "quantity": line.quantity} for line in wishlist.lines.all()
                ],
            }
            for wishlist in WishList.objects.filter(owner=user)
            .prefetch_related(Prefetch("lines", queryset=WishListLine.objects.select_related("product")))
            .order_by("pk")
        ],
        "stock_alerts": [
            {
                "product": alert.product.get_title(),
                "email": alert.email,
                "status": alert.status,
                "created_at": _when(alert.date_created),
            }
            for alert in ProductAlert.objects.filter(user=user).select_related("product").order_by("pk")
        ],
        "emails_sent_to_you": [
            {
                "to": email.email,
                "subject": email.subject,
                "body": email.body_text,
                "sent_at": _when(email.date_sent),
            }
            for email in Email.objects.filter(user=user).order_by("pk")
        ],
        "notifications": [
            {
                "subject": notification.subject,
                "body": notification.body,
                "sent_at": _when(notification.date_sent),
                "read_at": _when(notification.date_read),
            }
            for notification in Notification.objects.filter(recipient=user).order_by("pk")
        ],
        "baskets": [
            {
                "status": basket.status,
                "created_at": _when(basket.date_created),
                "lines": [
                    {
                        "product": line.product.get_title() if line.product_id else None,
                        "quantity": line.quantity,
                        "price": _dong(line.price_incl_tax),
                    }
                    for line in basket.lines.all()
                ],
            }
            for basket in Basket.objects.filter(owner=user)
            .prefetch_related(Prefetch("lines", queryset=BasketLine.objects.select_related("product")))
            .order_by("pk")
        ],
        "saved_cards": [
            {"type": card.card_type, "number": card.number, "expiry": _when(card.expiry_date)}
            for card in Bankcard.objects.filter(user=user).order_by("pk")
        ],
        "activity": {
            "product_views": record.num_product_views if record else 0,
            "basket_additions": record.num_basket_additions if record else 0,
            "orders": record.num_orders if record else 0,
            "total_spent": _dong(record.total_spent) if record else 0,
            "recently_viewed": [
                {"product": view.product.get_title(), "at": _when(view.date_created)}
                for view in UserProductView.objects.filter(user=user)
                .select_related("product")
                .order_by("-date_created")
            ],
            "searches": [
                {"query": search.query, "at": _when(search.date_created)}
                for search in UserSearch.objects.filter(user=user).order_by("-date_created")
            ],
        },
        "cooperative_applications": [
            {
                "cooperative": cooperative.legal_name,
                "status": cooperative.status,
                "applied_at": _when(cooperative.applied_at),
            }
            for cooperative in Cooperative.objects.filter(applicant=user).order_by("pk")
        ],
    }


def export_filename(*, today: datetime.date | None = None) -> str:
    """``du-lieu-ca-nhan-2026-12-02.json``: nothing the user typed reaches the header."""
    today = today or timezone.localdate()
    return f"du-lieu-ca-nhan-{today.isoformat()}.json"
