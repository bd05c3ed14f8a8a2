"""Reads of orders for the cooperatives' dashboard and the buyer's pages."""

from django.db.models import DecimalField, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from oscar.core.loading import get_model

from catalog.models import LotAllocation
from marketplace.money import to_dong

FulfilmentGroup = get_model("order", "FulfilmentGroup")
Line = get_model("order", "Line")


def _own_lines_total(field: str, output_field):
    return Coalesce(
        Subquery(
            Line.objects.filter(order_id=OuterRef("order_id"), partner_id=OuterRef("partner_id"))
            .order_by()
            .values("order_id")
            .annotate(total=Sum(field))
            .values("total"),
            output_field=output_field,
        ),
        0,
        output_field=output_field,
    )


def fulfilment_groups_of_partner(*, partner, status: str | None = None) -> QuerySet:
    """The seller's own groups, newest first, each with the number of items
    and the total of its own lines only (never the rest of the order)."""
    groups = (
        FulfilmentGroup.objects.filter(partner=partner)
        .select_related("order")
        .annotate(
            item_count=_own_lines_total("quantity", IntegerField()),
            own_total=_own_lines_total("line_price_incl_tax", DecimalField(max_digits=12, decimal_places=2)),
        )
        .order_by("-created_at", "-pk")
    )
    if status:
        groups = groups.filter(status=status)
    return groups


def fulfilment_group_lines(*, group) -> list:
    """The group's own lines, each with ``lot_codes``: the lots its units
    came from, for the packing slip and any later recall."""
    lines = list(
        Line.objects.filter(order_id=group.order_id, partner_id=group.partner_id)
        .prefetch_related(
            Prefetch(
                "lot_allocations",
                queryset=LotAllocation.objects.select_related("lot").order_by("lot__code"),
            )
        )
        .order_by("pk")
    )
    for line in lines:
        line.lot_codes = [allocation.lot.code for allocation in line.lot_allocations.all()]
    return lines


def fulfilment_group_amount_due(*, group) -> int:
    """What the buyer pays this cooperative for its part, in whole đồng: its
    own lines and its delivery fee. Rounded line by line, as the ledger
    records the sale, so the cash the cooperative collects is its sale."""
    prices = Line.objects.filter(order_id=group.order_id, partner_id=group.partner_id).values_list(
        "line_price_incl_tax", flat=True
    )
    return sum(to_dong(price) for price in prices) + to_dong(group.shipping_charge)


def fulfilment_groups_of_order(*, order) -> list:
    """The order's groups for its buyer, each with its seller's name."""
    groups = list(order.fulfilment_groups.select_related("partner__cooperative").order_by("pk"))
    for group in groups:
        cooperative = getattr(group.partner, "cooperative", None)
        group.seller = cooperative.legal_name if cooperative else group.partner.name
    return groups
