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
