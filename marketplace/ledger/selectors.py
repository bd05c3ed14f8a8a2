"""Reads of the cooperatives' accounts: statements and the platform's export."""

from django.db.models import Q, Sum

from .models import LedgerAccount, LedgerEntry

Kind = LedgerEntry.Kind


def statement_entries(*, account: LedgerAccount):
    """The account's entries, newest first, with their order number."""
    return (
        LedgerEntry.objects.filter(account=account)
        .select_related("order", "settlement")
        .order_by("-created_at", "-pk")
    )


def account_totals(*, account: LedgerAccount) -> dict:
    return _totals(LedgerEntry.objects.filter(account=account))


def _totals(entries) -> dict:
    totals = entries.aggregate(
        gross=Sum("amount", filter=Q(kind=Kind.SALE), default=0),
        commission=Sum("amount", filter=Q(kind__in=[Kind.COMMISSION, Kind.COMMISSION_REVERSAL]), default=0),
        fees=Sum("amount", filter=Q(kind=Kind.PAYMENT_FEE), default=0),
        refunds=Sum("amount", filter=Q(kind=Kind.REFUND), default=0),
        payable=Sum("amount", filter=Q(settlement__isnull=True), default=0),
        settled=Sum("amount", filter=Q(settlement__isnull=False), default=0),
    )
    return totals


def statements():
    """Every account with its totals, in one query (the platform's view and
    export): gross, commission, fees, refunds, net payable and settled."""
    entries = "entries__"
    return (
        LedgerAccount.objects.select_related("partner")
        .annotate(
            gross=Sum(f"{entries}amount", filter=Q(entries__kind=Kind.SALE), default=0),
            commission=Sum(
                f"{entries}amount",
                filter=Q(entries__kind__in=[Kind.COMMISSION, Kind.COMMISSION_REVERSAL]),
                default=0,
            ),
            fees=Sum(f"{entries}amount", filter=Q(entries__kind=Kind.PAYMENT_FEE), default=0),
            refunds=Sum(f"{entries}amount", filter=Q(entries__kind=Kind.REFUND), default=0),
            payable=Sum(f"{entries}amount", filter=Q(entries__settlement__isnull=True), default=0),
            settled=Sum(f"{entries}amount", filter=Q(entries__settlement__isnull=False), default=0),
        )
        .order_by("partner__name")
    )


def order_shares(*, order) -> list[dict]:
    """Each cooperative of the order, with what the ledger holds for it on
    this order: ``sold`` (its sale, lines and delivery fee) and ``refunded``
    (given back so far, as a positive amount). A cooperative with no sale yet
    (a cash order not delivered) is listed with zeros."""
    totals = {
        row["account__partner_id"]: row
        for row in LedgerEntry.objects.filter(order=order)
        .values("account__partner_id")
        .annotate(
            sold=Sum("amount", filter=Q(kind=Kind.SALE), default=0),
            refunded=Sum("amount", filter=Q(kind=Kind.REFUND), default=0),
        )
    }
    shares = []
    for group in order.fulfilment_groups.select_related("partner__cooperative").order_by("pk"):
        cooperative = getattr(group.partner, "cooperative", None)
        row = totals.get(group.partner_id, {})
        shares.append(
            {
                "partner": group.partner,
                "seller": cooperative.legal_name if cooperative else group.partner.name,
                "group": group,
                "sold": row.get("sold", 0),
                "refunded": -row.get("refunded", 0),
            }
        )
    return shares


def order_refund_entries(*, order):
    """The refunds already booked on the order, oldest first."""
    return (
        LedgerEntry.objects.filter(order=order, kind=Kind.REFUND)
        .select_related("account__partner")
        .order_by("created_at", "pk")
    )
