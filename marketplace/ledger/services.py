"""Entries on the cooperatives' accounts, in whole đồng."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from marketplace.audit import services as audit
from marketplace.money import to_dong

from .models import LedgerAccount, LedgerEntry, Settlement

Kind = LedgerEntry.Kind


def ledger_account_for(*, partner) -> LedgerAccount:
    account, _created = LedgerAccount.objects.get_or_create(partner=partner)
    return account


def _split(total: int, weights: dict) -> dict:
    """``total`` shared in proportion to ``weights``, in whole đồng, adding
    up exactly (the rounding remainder goes to the largest share)."""
    if not total or not weights:
        return dict.fromkeys(weights, 0)
    whole = sum(weights.values())
    shares = {key: total * weight // whole for key, weight in weights.items()}
    largest = max(weights, key=weights.get)
    shares[largest] += total - sum(shares.values())
    return shares


def ledger_record_order(
    *, order, shipping_by_partner: dict | None = None, payment_fee: int = 0, only_partners=None
) -> list:
    """Record what each cooperative of a paid (or delivered cash) order
    earns: its lines and its shipping as a sale, less the platform's
    commission on that sale and its share of the payment fee. Recording an
    order twice changes nothing. ``only_partners`` limits it to some
    cooperatives (a cash order is paid to each when it delivers)."""
    shipping_by_partner = shipping_by_partner or {}
    gross = {}
    for line in order.lines.select_related("partner"):
        gross[line.partner] = gross.get(line.partner, 0) + to_dong(line.line_price_incl_tax)
    for partner, shipping in shipping_by_partner.items():
        gross[partner] = gross.get(partner, 0) + to_dong(shipping)
    fees = _split(int(payment_fee), gross)
    entries = []
    with transaction.atomic():
        for partner, sale in gross.items():
            if only_partners is not None and partner not in only_partners:
                continue
            account = ledger_account_for(partner=partner)
            if LedgerEntry.objects.filter(account=account, order=order, kind=Kind.SALE).exists():
                continue
            commission = to_dong(sale * account.effective_commission_rate)
            rows = [(Kind.SALE, sale), (Kind.COMMISSION, -commission)]
            if fees[partner]:
                rows.append((Kind.PAYMENT_FEE, -fees[partner]))
            entries += [
                LedgerEntry.objects.create(account=account, order=order, kind=kind, amount=amount)
                for kind, amount in rows
            ]
    return entries


def ledger_record_refund(*, order, partner, amount: int, description: str = "") -> list:
    """A refund of ``amount`` on a cooperative's part of an order: the sale
    is reversed by that much and the commission on it returned."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationError({"amount": _("Enter a refund in whole đồng, more than 0.")})
    with transaction.atomic():
        account = ledger_account_for(partner=partner)
        sold = (
            LedgerEntry.objects.filter(
                account=account, order=order, kind__in=[Kind.SALE, Kind.REFUND]
            ).aggregate(total=Sum("amount"))["total"]
            or 0
        )
        if amount > sold:
            raise ValidationError(
                {"amount": _("The refund is more than this cooperative sold in the order.")}
            )
        returned = to_dong(amount * account.effective_commission_rate)
        FulfilmentGroup = apps.get_model("order", "FulfilmentGroup")
        FulfilmentGroup.objects.filter(order=order, partner=partner).update(
            refunded_total=F("refunded_total") + amount
        )
        return [
            LedgerEntry.objects.create(
                account=account, order=order, kind=Kind.REFUND, amount=-amount, description=description
            ),
            LedgerEntry.objects.create(
                account=account, order=order, kind=Kind.COMMISSION_REVERSAL, amount=returned
            ),
        ]


def settlement_create(*, account: LedgerAccount, reference: str, created_by=None) -> Settlement:
    """Mark every open entry of the account as paid out under ``reference``
    (the bank transfer's reference)."""
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": _("Give the reference of the bank transfer.")})
    with transaction.atomic():
        account = LedgerAccount.objects.select_for_update().get(pk=account.pk)
        open_entries = LedgerEntry.objects.filter(account=account, settlement__isnull=True)
        total = open_entries.aggregate(total=Sum("amount"))["total"] or 0
        if total <= 0:
            raise ValidationError(_("Nothing is owed to this cooperative."))
        settlement = Settlement.objects.create(
            account=account, reference=reference, amount=total, created_by=created_by
        )
        open_entries.update(settlement=settlement)
        audit.record(
            action=audit.Action.SETTLEMENT_RECORDED, actor=created_by, subject=settlement,
            subject_label=f"{account.partner.name} · {reference}",
            changes={"open_balance": [total, 0], "amount": [None, total], "reference": [None, reference]},
        )  # fmt: skip
    return settlement
