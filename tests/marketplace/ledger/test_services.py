from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from marketplace.ledger import selectors, services
from marketplace.ledger.models import LedgerAccount, LedgerEntry

pytestmark = pytest.mark.django_db

Kind = LedgerEntry.Kind


def amounts(partner, order):
    return {
        entry.kind: entry.amount
        for entry in LedgerEntry.objects.filter(account__partner=partner, order=order)
    }


def test_each_cooperative_earns_its_sale_less_commission_and_fee(
    settings, cooperatives, two_cooperative_order
):
    settings.PLATFORM_COMMISSION_RATE = Decimal("0.05")
    son_tra, phu_luu = cooperatives
    LedgerAccount.objects.create(partner=phu_luu.partner, commission_rate=Decimal("0.03"))

    services.ledger_record_order(
        order=two_cooperative_order,
        shipping_by_partner={son_tra.partner: 30000, phu_luu.partner: 0},
        payment_fee=8_701,
    )

    # Sơn Trà: 300.000 + 30.000 shipping; Phù Lưu: 135.000. The fee is split
    # by sales and adds up exactly.
    tea = amounts(son_tra.partner, two_cooperative_order)
    oranges = amounts(phu_luu.partner, two_cooperative_order)
    assert tea[Kind.SALE] == 330_000 and tea[Kind.COMMISSION] == -16_500
    assert oranges[Kind.SALE] == 135_000 and oranges[Kind.COMMISSION] == -4_050
    assert tea[Kind.PAYMENT_FEE] + oranges[Kind.PAYMENT_FEE] == -8_701
    assert tea[Kind.PAYMENT_FEE] == -6175
    account = LedgerAccount.objects.get(partner=son_tra.partner)
    assert selectors.account_totals(account=account)["payable"] == 330_000 - 16_500 - 6175


def test_recording_an_order_twice_changes_nothing(cooperatives, two_cooperative_order):
    services.ledger_record_order(order=two_cooperative_order)
    count = LedgerEntry.objects.count()
    services.ledger_record_order(order=two_cooperative_order)
    assert LedgerEntry.objects.count() == count == 4


def test_a_refund_reverses_the_sale_and_returns_the_commission(settings, cooperatives, two_cooperative_order):
    settings.PLATFORM_COMMISSION_RATE = Decimal("0.05")
    son_tra, _ = cooperatives
    services.ledger_record_order(order=two_cooperative_order)
    services.ledger_record_refund(order=two_cooperative_order, partner=son_tra.partner, amount=150_000)
    tea = amounts(son_tra.partner, two_cooperative_order)
    assert (tea[Kind.REFUND], tea[Kind.COMMISSION_REVERSAL]) == (-150_000, 7_500)
    totals = selectors.account_totals(account=LedgerAccount.objects.get(partner=son_tra.partner))
    assert totals["payable"] == 300_000 - 15_000 - 150_000 + 7_500
    for too_much in (150_001, 0, -1, 1.5):
        with pytest.raises(ValidationError):
            services.ledger_record_refund(
                order=two_cooperative_order, partner=son_tra.partner, amount=too_much
            )


def test_a_settlement_pays_out_the_open_balance_once(cooperatives, two_cooperative_order):
    son_tra, _ = cooperatives
    services.ledger_record_order(order=two_cooperative_order)
    account = LedgerAccount.objects.get(partner=son_tra.partner)
    with pytest.raises(ValidationError):
        services.settlement_create(account=account, reference="  ")
    settlement = services.settlement_create(account=account, reference="VCB 20261123 0001")
    assert settlement.amount == 285_000
    totals = selectors.account_totals(account=account)
    assert (totals["payable"], totals["settled"]) == (0, 285_000)
    with pytest.raises(ValidationError):
        services.settlement_create(account=account, reference="VCB 20261123 0002")


def test_all_statements_come_in_one_query(cooperatives, two_cooperative_order, django_assert_num_queries):
    services.ledger_record_order(order=two_cooperative_order)
    with django_assert_num_queries(1):
        rows = {a.partner.name: (a.gross, a.commission, a.payable) for a in selectors.statements()}
    assert rows == {
        "Hợp tác xã Sơn Trà": (300_000, -15_000, 285_000),
        "Hợp tác xã Cam Phù Lưu": (135_000, -6_750, 128_250),
    }
