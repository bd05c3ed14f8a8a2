"""What delivery costs, per cooperative of a basket.

Reads only: checkout asks for quotes many times per request (each shipping
method, the totals, the templates), so asking must never write a row. A
cooperative that has not set its policy yet is quoted with the defaults of
an unsaved ``CooperativeShippingPolicy``.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from marketplace.money import to_dong

from .models import CooperativeShippingPolicy

GRAMS_PER_KG = 1000
# The codes of the two shipping methods (methods.py), kept with the sessions
# and orders that name them.
DELIVERY_CODE = "cooperative-delivery"
PICKUP_CODE = "cooperative-pickup"


def shipping_policy_of(*, cooperative) -> CooperativeShippingPolicy:
    """The cooperative's policy, or an unsaved one holding the defaults."""
    try:
        return cooperative.shipping_policy
    except CooperativeShippingPolicy.DoesNotExist:
        return CooperativeShippingPolicy(cooperative=cooperative)


def _whole_dong(amount) -> Decimal:
    # Oscar's price arithmetic is in Decimal; only the rounding is shared.
    return Decimal(to_dong(amount or 0))


def _net_weight_grams(product) -> int:
    # A variant without a weight of its own weighs what its parent says.
    weight = product.net_weight_grams
    if weight is None and product.parent_id:
        weight = product.parent.net_weight_grams
    return weight or 0


@dataclass
class CooperativeShippingQuote:
    """One cooperative's part of a basket and what delivering it costs."""

    partner: object
    cooperative: object | None
    policy: CooperativeShippingPolicy
    subtotal: Decimal = Decimal(0)
    weight_grams: int = 0

    @property
    def name(self) -> str:
        return self.cooperative.legal_name if self.cooperative else self.partner.name

    @property
    def started_kilograms(self) -> int:
        return math.ceil(self.weight_grams / GRAMS_PER_KG)

    @property
    def ships_free(self) -> bool:
        threshold = self.policy.free_shipping_threshold
        return threshold is not None and self.subtotal >= threshold

    @property
    def delivery_fee(self) -> Decimal:
        if self.ships_free:
            return Decimal(0)
        return Decimal(self.policy.flat_fee + self.policy.fee_per_kg * self.started_kilograms)

    @property
    def can_pickup(self) -> bool:
        return self.policy.allows_pickup

    @property
    def pickup_instructions(self) -> str:
        return self.policy.pickup_instructions

    def fee(self, *, pickup: bool) -> Decimal:
        """What the buyer pays this cooperative: nothing when collecting in
        person where the cooperative allows it, the delivery fee otherwise."""
        return Decimal(0) if pickup and self.can_pickup else self.delivery_fee

    def collects_in_person(self, *, pickup: bool) -> bool:
        return pickup and self.can_pickup


@dataclass
class BasketShippingQuote:
    quotes: list[CooperativeShippingQuote] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        """The delivery charge when every cooperative delivers."""
        return self.charge(pickup=False)

    @property
    def any_pickup(self) -> bool:
        return any(quote.can_pickup for quote in self.quotes)

    def charge(self, *, pickup: bool) -> Decimal:
        return sum((quote.fee(pickup=pickup) for quote in self.quotes), Decimal(0))


def shipping_quotes_for_basket(*, basket) -> BasketShippingQuote:
    """One quote per cooperative (strictly: per shop partner) in the basket,
    in the order its products were added."""
    by_partner: dict[int, CooperativeShippingQuote] = {}
    for line in basket.all_lines():
        partner = line.stockrecord.partner if line.stockrecord_id else None
        if partner is None:
            # A line with no stock record cannot be bought; checkout refuses
            # it before shipping matters.
            continue
        quote = by_partner.get(partner.pk)
        if quote is None:
            cooperative = getattr(partner, "cooperative", None)
            policy = (
                shipping_policy_of(cooperative=cooperative)
                if cooperative is not None
                else CooperativeShippingPolicy()
            )
            quote = by_partner[partner.pk] = CooperativeShippingQuote(
                partner=partner, cooperative=cooperative, policy=policy
            )
        quote.subtotal += line.line_price_excl_tax_incl_discounts or 0
        quote.weight_grams += _net_weight_grams(line.product) * line.quantity
    for quote in by_partner.values():
        quote.subtotal = _whole_dong(quote.subtotal)
    return BasketShippingQuote(quotes=list(by_partner.values()))


def shipping_fees_by_partner(*, basket, method_code: str) -> dict[int, tuple[Decimal, bool]]:
    """For splitting an order per cooperative: partner id → (fee, collected
    in person) under the shipping method the buyer chose. Methods other than
    the cooperative ones (e.g. Oscar's "no shipping required") charge nothing."""
    pickup = method_code == PICKUP_CODE
    charged = method_code in (DELIVERY_CODE, PICKUP_CODE)
    return {
        quote.partner.pk: (
            quote.fee(pickup=pickup) if charged else Decimal(0),
            quote.collects_in_person(pickup=pickup),
        )
        for quote in shipping_quotes_for_basket(basket=basket).quotes
    }
