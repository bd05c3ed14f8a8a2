"""Two years of bench orders, as checkout leaves them: lines of one to three
cooperatives, one fulfilment group per cooperative with its products' total
and delivery fee in đồng, the order's payment source; then moved on by the
cooperatives (delivered, a few cancelled or refunded, the last days' still
on their way).

Written with ``rows_write`` (COPY on PostgreSQL) rather than placed through
checkout: a checkout costs some 130 queries, and orders, groups and stock
records carry creation times (``auto_now_add``) that a bulk insert would set
to today, while a report of a past period must find them in it. Every
e-mail the history sent is marked sent, so nothing is e-mailed.
"""

import datetime
import math
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import translation
from oscar.core.loading import get_model

from .base import (
    BATCH_SIZE,
    MAX_LINES_PER_ORDER,
    NUMBER_PREFIX,
    SLUG_PREFIX,
    moment,
    next_id,
    rows_write,
    sequences_reset,
)

# Orders are spread over the last two years.
HISTORY_DAYS = 730
# Older groups are delivered or cancelled; newer ones may still be on their way.
UNDER_WAY_DAYS = 10
CASH_SHARE = 0.55
SIGNED_IN_SHARE = 0.7
CANCEL_SHARE = 0.03
# Of the groups not cancelled: refunded in full, or a third of it.
FULL_REFUND_SHARE, PART_REFUND_SHARE = 0.01, 0.01
# Of the cooperatives with products for sale, the share that ever sells.
SELLING_SHARE = 0.85
PICKUP_SHARE = 0.1
CARRIERS = ("Viettel Post", "VNPost", "GHN")
GRAMS_PER_KG = 1000


def buyers_insert(*, count, now) -> list[int]:
    """Ids of ``count`` buyer accounts without a usable password (nobody
    signs in as one), in the Buyer group, joined before the history starts."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from marketplace import roles

    User = get_user_model()
    joined = now - datetime.timedelta(days=HISTORY_DAYS + 30)
    # One unusable hash for all: make_password(None) draws a random one each call.
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                username=f"{SLUG_PREFIX}buyer-{index}",
                email=f"{SLUG_PREFIX}buyer-{index}@mail.example",
                password=password,
                date_joined=joined,
            )
            for index in range(count)
        ],
        batch_size=BATCH_SIZE,
    )
    group = Group.objects.get(name=roles.BUYER)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=group.pk) for user in users], batch_size=BATCH_SIZE
    )
    return [user.pk for user in users]


def _line_counts(orders: int, lines: int, rng: random.Random) -> list[int]:
    """One to five lines per order, ``lines`` in all."""
    counts = [rng.randint(1, MAX_LINES_PER_ORDER) for _ in range(orders)]
    difference = lines - sum(counts)
    step = 1 if difference > 0 else -1
    while difference:
        index = rng.randrange(orders)
        if 1 <= counts[index] + step <= MAX_LINES_PER_ORDER:
            counts[index] += step
            difference -= step
    return counts


def _delivery_fee(policy, subtotal: int, grams: int) -> int:
    """What ``marketplace.shipping.selectors`` quotes for a cooperative's part."""
    threshold = policy.free_shipping_threshold
    if threshold is not None and subtotal >= threshold:
        return 0
    return policy.flat_fee + policy.fee_per_kg * math.ceil(grams / GRAMS_PER_KG)


def orders_insert(*, count, line_total, buyers, products, rng: random.Random, now, progress) -> None:
    """``count`` orders with ``line_total`` lines over the last two years.
    About 85% of the cooperatives sell, a few of them much more than the
    others; 55% of orders are cash on delivery, seven in ten a signed-in
    buyer's. Lines of groups still waiting keep their units allocated, added
    to each product's ``allocated``."""
    from marketplace.shipping.methods import CooperativeDelivery, CooperativePickup

    Order = get_model("order", "Order")
    Line = get_model("order", "Line")
    FulfilmentGroup = get_model("order", "FulfilmentGroup")
    Source = get_model("payment", "Source")
    SourceType = get_model("payment", "SourceType")
    Status = FulfilmentGroup.Status
    with translation.override("vi"):
        methods = {
            False: (CooperativeDelivery.code, str(CooperativeDelivery.name)),
            True: (CooperativePickup.code, str(CooperativePickup.name)),
        }
        source_types = _source_types(SourceType)

    catalogue: dict[int, list] = {}
    for product in products:
        if product.is_public:
            catalogue.setdefault(product.owner.cooperative.pk, []).append(product)
    cooperatives = {product.owner.cooperative.pk: product.owner for product in products}
    sellers = [cooperatives[pk] for pk in sorted(catalogue) if rng.random() < SELLING_SHARE]
    sellers = sellers or [cooperatives[min(catalogue)]]
    weights = [rng.paretovariate(1.5) for _ in sellers]
    first = now - datetime.timedelta(days=HISTORY_DAYS)
    line_counts = _line_counts(count, line_total, rng)
    order_id, line_id, group_id = next_id(Order), next_id(Line), next_id(FulfilmentGroup)
    source_id = next_id(Source)

    orders, lines, groups, sources = [], [], [], []
    for index, line_count in enumerate(line_counts):
        placed = moment(rng, first, now)
        wanted = min(line_count, rng.choices([1, 2, 3], [75, 20, 5])[0], len(sellers))
        chosen = []
        while len(chosen) < wanted:
            seller = rng.choices(sellers, weights)[0]
            if seller not in chosen:
                chosen.append(seller)
        # Each cooperative of the order gets a line, the others go anywhere
        # among them; a cooperative lists at least five products.
        owners = chosen + [rng.choice(chosen) for _ in range(line_count - wanted)]
        signed_in = rng.random() < SIGNED_IN_SHARE
        user_id = rng.choice(buyers) if signed_in else None
        guest_email = "" if signed_in else f"khach{rng.randrange(4 * count)}@mail.example"
        payment = "cod" if rng.random() < CASH_SHARE else "stripe"
        buyer_key = FulfilmentGroup.buyer_key_of(user_id=user_id, guest_email=guest_email)
        pickup = rng.random() < PICKUP_SHARE and any(seller.policy.allows_pickup for seller in chosen)
        age = (now - placed).days
        shipping, merchandise_total, refunded_all = 0, 0, 0
        for seller in chosen:
            picked = rng.sample(catalogue[seller.cooperative.pk], owners.count(seller))
            roll = rng.random()
            cancelled = roll < CANCEL_SHARE
            status = (
                Status.CANCELLED
                if cancelled
                else Status.DELIVERED
                if age > UNDER_WAY_DAYS
                else rng.choice([Status.NEW, Status.CONFIRMED, Status.PACKED, Status.SHIPPED])
            )
            waiting = status in (Status.NEW, Status.CONFIRMED, Status.PACKED)
            subtotal, grams = 0, 0
            for product in picked:
                quantity = rng.choice((1, 1, 1, 2, 2, 3, 5))
                amount = product.price * quantity
                subtotal += amount
                grams += product.weight_grams * quantity
                if waiting:
                    product.allocated += quantity
                lines.append(
                    {
                        "id": line_id,
                        "order_id": order_id,
                        "partner_id": seller.cooperative.partner_id,
                        "partner_name": seller.cooperative.partner.name,
                        "partner_sku": product.code,
                        "partner_line_reference": "",
                        "partner_line_notes": "",
                        "stockrecord_id": product.record_id,
                        "product_id": product.id,
                        "title": product.title,
                        "upc": None,
                        "quantity": quantity,
                        "line_price_incl_tax": Decimal(amount),
                        "line_price_excl_tax": Decimal(amount),
                        "line_price_before_discounts_incl_tax": Decimal(amount),
                        "line_price_before_discounts_excl_tax": Decimal(amount),
                        "unit_price_incl_tax": Decimal(product.price),
                        "unit_price_excl_tax": Decimal(product.price),
                        "tax_code": None,
                        "status": "",
                        # Oscar's allocation: held while waiting, consumed
                        # once shipped, given back when cancelled.
                        "num_allocated": quantity if waiting else 0,
                        "allocation_cancelled": cancelled,
                    }
                )
                line_id += 1
            in_person = pickup and seller.policy.allows_pickup
            fee = 0 if in_person else _delivery_fee(seller.policy, subtotal, grams)
            shipping += fee
            merchandise_total += subtotal
            refunded = 0
            if not cancelled and roll > 1 - FULL_REFUND_SHARE:
                refunded = subtotal
            elif not cancelled and roll > 1 - FULL_REFUND_SHARE - PART_REFUND_SHARE:
                refunded = subtotal // 3000 * 1000
            refunded_all += refunded
            groups.append(
                _group(
                    group_id, order_id, seller, status, placed, now, rng, shipping=fee, merchandise=subtotal,
                    refunded=refunded, payment=payment, buyer_key=buyer_key, in_person=in_person,
                )
            )  # fmt: skip
            group_id += 1
        number = f"{NUMBER_PREFIX}{index:08d}"
        total = Decimal(merchandise_total + shipping)
        method_code, method_name = methods[pickup]
        orders.append(
            {
                "id": order_id,
                "number": number,
                "site_id": None,
                "basket_id": None,
                "user_id": user_id,
                "billing_address_id": None,
                "currency": "VND",
                "total_incl_tax": total,
                "total_excl_tax": total,
                "shipping_incl_tax": Decimal(shipping),
                "shipping_excl_tax": Decimal(shipping),
                "shipping_tax_code": None,
                "shipping_address_id": None,
                "shipping_method": method_name,
                "shipping_code": method_code,
                "status": "",
                "guest_email": guest_email,
                "date_placed": placed,
                "analytics_tracked": False,
                "payment_method_code": payment,
            }
        )
        # As checkout's payment_source_add leaves it: a card is taken at
        # once (and refunds go back on it), cash is not recorded here.
        card = payment == "stripe"
        sources.append(
            {
                "id": source_id,
                "order_id": order_id,
                "source_type_id": source_types[payment],
                "currency": "VND",
                "amount_allocated": total,
                "amount_debited": total if card else Decimal(0),
                "amount_refunded": Decimal(refunded_all) if card else Decimal(0),
                "reference": f"pi_bench_{number.removeprefix(NUMBER_PREFIX)}" if card else "",
                "label": "",
            }
        )
        order_id += 1
        source_id += 1
        if len(orders) == BATCH_SIZE or index == count - 1:
            rows_write(Order, orders)
            rows_write(Line, lines)
            rows_write(FulfilmentGroup, groups)
            rows_write(Source, sources)
            progress(len(orders) + len(lines))
            orders, lines, groups, sources = [], [], [], []
    sequences_reset(Order, Line, FulfilmentGroup, Source)


def _source_types(SourceType) -> dict[str, int]:
    """The payment source types of the two providers, by code, named as
    checkout names them."""
    from marketplace.payments.providers import CashOnDelivery, StripeCard

    found = {}
    for provider in (CashOnDelivery, StripeCard):
        source_type, _created = SourceType.objects.get_or_create(
            code=provider.code, defaults={"name": str(provider.name)}
        )
        found[provider.code] = source_type.pk
    return found


def _group(
    group_id, order_id, seller, status, placed, now, rng, *, shipping, merchandise, refunded, payment,
    buyer_key, in_person,
) -> dict:  # fmt: skip
    """One cooperative's part of an order, with the times of the statuses
    it went through and its e-mails marked sent."""
    Status = get_model("order", "FulfilmentGroup").Status
    reached = {
        Status.NEW: [],
        Status.CONFIRMED: ["confirmed"],
        Status.PACKED: ["confirmed", "packed"],
        Status.SHIPPED: ["confirmed", "packed", "shipped"],
        Status.DELIVERED: ["confirmed", "packed", "shipped", "delivered"],
        Status.CANCELLED: ["cancelled"],
    }[status]
    offsets = {"confirmed": 3, "packed": 20, "shipped": 30, "delivered": 96, "cancelled": 5}
    # A group placed in the last hours went through its steps faster.
    at = {step: min(placed + datetime.timedelta(hours=offsets[step]), now) for step in reached}
    shipped = "shipped" in at
    cash = payment == "cod"
    return {
        "id": group_id,
        "order_id": order_id,
        "partner_id": seller.cooperative.partner_id,
        "status": status,
        "carrier": rng.choice(CARRIERS) if shipped else "",
        "tracking_number": f"{NUMBER_PREFIX}{group_id:09d}" if shipped else "",
        "cancel_reason": "Người mua đổi ý" if status == Status.CANCELLED else "",
        "shipping_charge": shipping,
        "merchandise_total": merchandise,
        "refunded_total": refunded,
        "payment_method_code": payment,
        "buyer_key": buyer_key,
        "collect_in_person": in_person,
        "cash_received_at": at.get("delivered") if cash else None,
        "created_at": placed,
        "confirmed_at": at.get("confirmed"),
        "packed_at": at.get("packed"),
        "shipped_at": at.get("shipped"),
        "delivered_at": at.get("delivered"),
        "cancelled_at": at.get("cancelled"),
        "buyer_placed_email_at": placed,
        "seller_new_email_at": placed,
        "buyer_shipped_email_at": at.get("shipped"),
        "buyer_cancelled_email_at": at.get("cancelled"),
    }
