"""The demo's year of orders (marketplace/order/demo.py), placed through the
checkout's own parts on the demo products.

The whole demo is built once for the module (the orders take a while)
inside a transaction that is rolled back when the module ends; each test
runs in a savepoint of its own inside it. The orders' e-mail tasks, which a
real run starts when its transaction commits, are run when the demo is
built, with the locmem e-mail backend of the test settings."""

import datetime
from collections import Counter

import phonenumbers
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.db.models import Sum
from django.test import TestCase, override_settings
from django.utils import timezone
from oscar.core.loading import get_model

from catalog import demo as catalog_demo
from catalog.models import Lot, LotAllocation
from catalog.services import trace_chain_verify
from cooperatives import demo as cooperatives_demo
from cooperatives.models import AdministrativeUnit
from marketplace import roles
from marketplace.checkout.forms import address_units
from marketplace.demo import demo_administrative_units_load, demo_users_ensure
from marketplace.ledger.models import LedgerEntry
from marketplace.money import to_dong
from marketplace.order import demo
from marketplace.payments.models import StripePayment, StripeRefund

pytestmark = pytest.mark.django_db

FulfilmentGroup = get_model("order", "FulfilmentGroup")
Order = get_model("order", "Order")
Source = get_model("payment", "Source")
StockRecord = get_model("partner", "StockRecord")
Status = FulfilmentGroup.Status
Kind = LedgerEntry.Kind


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):
    media_root = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media_root)), transaction.atomic():
        demo_administrative_units_load()
        demo_users_ensure()
        cooperatives_demo.demo_cooperatives_ensure()
        catalog_demo.demo_products_ensure()
        on_sale = {lot.code: lot.quantity_available for lot in Lot.objects.all()}
        outbox_before = len(mail.outbox)
        steps = []
        with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
            result = demo.demo_orders_ensure(on_progress=steps.append)
        yield {
            "result": result,
            "steps": steps,
            "on_sale": on_sale,
            "callbacks": len(callbacks),
            "sent": mail.outbox[outbox_before:],
        }
        transaction.set_rollback(True)


@pytest.fixture
def orders(built):
    return list(
        Order.objects.filter(number__startswith=demo.NUMBER_PREFIX)
        .select_related("user", "shipping_address")
        .prefetch_related("lines", "fulfilment_groups__partner__cooperative")
        .order_by("date_placed")
    )


def test_it_places_a_few_hundred_orders_with_both_payment_methods_and_every_status(built, orders):
    assert built["result"].created == len(orders) == demo.demo_orders_count() >= 300
    assert sum(built["steps"]) == demo.demo_orders_count()
    payments = Counter(order.payment_method_code for order in orders)
    assert set(payments) == {"cod", "stripe"}
    assert 0.5 < payments["cod"] / len(orders) < 0.7
    statuses = Counter(group.status for order in orders for group in order.fulfilment_groups.all())
    assert set(statuses) == set(Status.values)
    assert statuses[Status.DELIVERED] > sum(statuses.values()) / 2
    # Some orders span two cooperatives, some are a guest's.
    assert 0.1 < sum(len(order.fulfilment_groups.all()) == 2 for order in orders) / len(orders) < 0.3
    guests = [order for order in orders if order.user is None]
    assert guests and all(order.guest_email for order in guests)


def test_each_group_is_a_cooperative_whose_products_the_order_holds(orders):
    for order in orders:
        line_partners = {line.partner_id for line in order.lines.all()}
        groups = order.fulfilment_groups.all()
        assert {group.partner_id for group in groups} == line_partners, order.number
        for group in groups:
            assert group.partner.cooperative.is_approved
            assert group.shipping_charge > 0
        for line in order.lines.all():
            assert line.stockrecord.partner_id == line.partner_id
            assert line.product.code.startswith("demo-")
        # The total is the lines plus each cooperative's delivery fee.
        lines = sum(to_dong(line.line_price_incl_tax) for line in order.lines.all())
        assert to_dong(order.total_incl_tax) == lines + sum(group.shipping_charge for group in groups)


def test_orders_span_the_year_up_to_today_with_more_before_tet(orders):
    now = timezone.now()
    placed = [order.date_placed for order in orders]
    assert now - datetime.timedelta(days=366) <= placed[0] <= now - datetime.timedelta(days=340)
    assert now - datetime.timedelta(hours=2) <= placed[-1] <= now
    months = {timezone.localdate(moment).strftime("%Y-%m") for moment in placed}
    assert len(months) >= 12
    first = timezone.localdate(placed[0])
    for tet in demo.TET.values():
        if first + datetime.timedelta(days=demo.TET_RUSH_DAYS) <= tet <= timezone.localdate(now):
            rush = sum(0 < (tet - timezone.localdate(moment)).days <= demo.TET_RUSH_DAYS for moment in placed)
            average = len(placed) * demo.TET_RUSH_DAYS / demo.DAYS
            assert rush > 1.5 * average, tet


def test_the_last_days_wait_on_the_cooperatives_and_older_orders_are_done(orders):
    now = timezone.now()
    recent = [order for order in orders if now - order.date_placed < datetime.timedelta(days=2)]
    waiting = [Status.NEW, Status.CONFIRMED, Status.PACKED]
    statuses = [group.status for order in recent for group in order.fulfilment_groups.all()]
    assert sum(status in waiting for status in statuses) > len(statuses) / 2
    old = [order for order in orders if now - order.date_placed > datetime.timedelta(days=10)]
    assert {group.status for order in old for group in order.fulfilment_groups.all()} == {
        Status.DELIVERED,
        Status.CANCELLED,
    }


def test_group_times_follow_the_order_and_each_other(orders):
    now = timezone.now()
    for order in orders:
        for group in order.fulfilment_groups.all():
            assert group.created_at == order.date_placed
            reached = [group.confirmed_at, group.packed_at, group.shipped_at, group.delivered_at]
            reached = [moment for moment in reached if moment]
            assert reached == sorted(reached) and all(order.date_placed < t <= now for t in reached)
            if group.cancelled_at:
                assert order.date_placed < group.cancelled_at <= now and group.cancel_reason
            events = list(group.events.order_by("pk").values_list("to_status", "at"))
            assert [status for status, _at in events] == _path(group)
            for status, at in events:
                assert at == getattr(group, f"{status}_at")
            if group.status in (Status.SHIPPED, Status.DELIVERED):
                assert group.carrier in demo.CARRIERS and group.tracking_number


def _path(group):
    flow = [Status.CONFIRMED, Status.PACKED, Status.SHIPPED, Status.DELIVERED]
    if group.status == Status.CANCELLED:
        return [status for status in flow if getattr(group, f"{status}_at")] + [Status.CANCELLED]
    return flow[: flow.index(group.status) + 1] if group.status != Status.NEW else []


def test_delivered_cash_groups_took_the_cash_and_entered_the_ledger(orders):
    for order in (order for order in orders if order.payment_method_code == "cod"):
        assert Source.objects.get(order=order).source_type.code == "cod"
        for group in order.fulfilment_groups.all():
            entries = LedgerEntry.objects.filter(order=order, account__partner=group.partner)
            if group.status != Status.DELIVERED:
                assert group.cash_received_at is None and not entries.exists()
                continue
            assert group.cash_received_at == group.delivered_at
            sale = entries.get(kind=Kind.SALE)
            lines = sum(to_dong(line.line_price_incl_tax) for line in group.lines)
            assert sale.amount == lines + group.shipping_charge
            assert entries.get(kind=Kind.COMMISSION).amount < 0
            assert {entry.created_at for entry in entries} == {group.cash_received_at}


def test_card_orders_were_paid_in_full_in_dong_and_refunded_per_cancelled_part(orders):
    card_orders = [order for order in orders if order.payment_method_code == "stripe"]
    assert card_orders
    for order in card_orders:
        payment = StripePayment.objects.get(order_number=order.number)
        assert payment.status == StripePayment.Status.SUCCEEDED
        assert payment.amount == to_dong(order.total_incl_tax)
        assert payment.intent_id.startswith("pi_demo_")
        source = Source.objects.get(order=order)
        assert (source.source_type.code, source.reference) == ("stripe", payment.intent_id)
        assert source.amount_debited == payment.amount
        sales = LedgerEntry.objects.filter(order=order, kind=Kind.SALE)
        assert sales.aggregate(total=Sum("amount"))["total"] == payment.amount
        assert {entry.created_at for entry in sales} == {order.date_placed + demo._CAPTURE_DELAY}
        refunded = 0
        for group in order.fulfilment_groups.all():
            if group.status == Status.CANCELLED:
                refund = StripeRefund.objects.get(payment=payment, partner=group.partner)
                assert refund.created_at == group.cancelled_at
                entry = LedgerEntry.objects.get(order=order, account__partner=group.partner, kind=Kind.REFUND)
                assert entry.amount == -refund.amount
                refunded += refund.amount
        assert payment.amount_refunded == refunded == source.amount_refunded
    assert StripeRefund.objects.exists()


def test_no_email_went_out_though_every_task_ran(built, orders):
    assert built["sent"] == []
    # Placed, new for each cooperative, shipped, cancelled: the tasks ran
    # and found each e-mail already marked sent.
    assert built["callbacks"] > 2 * len(orders)
    for order in orders:
        for group in order.fulfilment_groups.all():
            assert group.buyer_placed_email_at and group.seller_new_email_at
            shipped = group.status in (Status.SHIPPED, Status.DELIVERED)
            assert bool(group.buyer_shipped_email_at) == shipped
            assert bool(group.buyer_cancelled_email_at) == (group.status == Status.CANCELLED)


def test_the_lots_on_sale_keep_their_stock_and_past_harvests_are_sold_out(built):
    for spec in catalog_demo.DEMO_PRODUCTS:
        on_sale = [Lot.objects.get(code=spec.lot_code(number)) for number in (1, 2)]
        assert all(lot.status == Lot.Status.OPEN and lot.quantity_available for lot in on_sale)
        before = sum(built["on_sale"][lot.code] for lot in on_sale)
        assert sum(lot.quantity_available for lot in on_sale) >= (1 - demo.ON_SALE_BUDGET_SHARE) * before
        past = Lot.objects.filter(product__code=spec.code).exclude(pk__in=[lot.pk for lot in on_sale])
        assert past.exists(), spec.code
        for lot in past:
            assert (lot.status, lot.quantity_available) == (Lot.Status.CLOSED, 0), lot.code
            assert lot.best_before < on_sale[0].best_before
            assert lot.created_at.date() < timezone.localdate()
            # What the lot held went to the orders that kept it.
            sold = LotAllocation.objects.filter(lot=lot).aggregate(total=Sum("quantity"))["total"]
            assert sold == lot.quantity, lot.code
        record = StockRecord.objects.get(product__code=spec.code)
        open_total = sum(lot.quantity_available for lot in on_sale)
        assert record.num_in_stock - (record.num_allocated or 0) == open_total > 0


def test_past_lots_have_verified_trace_logs_ended_before_their_sales(built):
    lots = Lot.objects.filter(code__startswith="DEMO-", status=Lot.Status.CLOSED)
    for lot in lots:
        verification = trace_chain_verify(lot=lot)
        assert verification.verified and verification.event_count >= 5, lot.code
        last_event = lot.events.order_by("-occurred_at").first().occurred_at
        first_sale = lot.allocations.order_by("line__order__date_placed").first().line.order.date_placed
        assert last_event < first_sale, lot.code


def test_buyers_are_the_demo_buyer_generated_buyers_and_guests_in_tuyen_quang(orders):
    User = get_user_model()
    buyers = Counter(order.user.username if order.user else None for order in orders)
    assert buyers.most_common(1)[0][0] == "nguoimua"
    generated = User.objects.filter(username__in=[name for name in buyers if name and name != "nguoimua"])
    assert 5 <= generated.count() <= demo.GENERATED_BUYERS
    for user in generated:
        assert list(user.groups.values_list("name", flat=True)) == [roles.BUYER]
        assert not user.has_usable_password()
        assert user.email.endswith("@mail.example")
        assert user.date_joined < min(order.date_placed for order in orders if order.user_id == user.pk)
    communes = set(address_units(AdministrativeUnit.Level.COMMUNE).values_list("name", flat=True))
    for order in orders:
        address = order.shipping_address
        assert address.line1 and address.line3 in communes and address.state == "Tỉnh Tuyên Quang"
        assert address.country.iso_3166_1_a2 == "VN"
        number = phonenumbers.parse(str(address.phone_number))
        assert phonenumbers.is_valid_number(number) and phonenumbers.region_code_for_number(number) == "VN"


def test_the_plan_is_the_same_every_time(built):
    now = timezone.now()
    today = timezone.localdate(now)
    communes = list(
        address_units(AdministrativeUnit.Level.COMMUNE).select_related("parent__parent").order_by("code")
    )
    buyer = demo.BuyerProfile(
        "Lan", "Nguyễn Thị", "lan@mail.example", "+84912000318", "Thôn 1", communes[0].id
    )

    def plan():
        return demo._plan(now=now, stocks=demo._stocks(today), communes=communes, demo_buyer=buyer)

    assert plan() == plan()


def test_running_it_again_creates_nothing(built, orders):
    def snapshot():
        return (
            list(Order.objects.order_by("pk").values_list("pk", "number", "date_placed")),
            list(FulfilmentGroup.objects.order_by("pk").values()),
            list(Lot.objects.order_by("pk").values()),
            list(LedgerEntry.objects.order_by("pk").values()),
            list(StripePayment.objects.order_by("pk").values()),
            list(get_user_model().objects.order_by("pk").values("pk", "username", "date_joined")),
        )

    before = snapshot()
    steps = []
    again = demo.demo_orders_ensure(on_progress=steps.append)
    assert (again.created, again.existing) == (0, len(orders))
    assert sum(steps) == demo.demo_orders_count()
    assert snapshot() == before
