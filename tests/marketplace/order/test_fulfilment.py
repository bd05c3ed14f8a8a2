"""Fulfilment groups: one per cooperative of an order, moved through their
statuses by services that keep the lots and Oscar's stock in step."""

import pytest
from django.core.exceptions import ValidationError
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.core.loading import get_model

from catalog import services as catalog_services
from catalog.models import Lot, LotAllocation
from marketplace.order import services, tasks

pytestmark = pytest.mark.django_db

FulfilmentGroup = get_model("order", "FulfilmentGroup")
StockRecord = get_model("partner", "StockRecord")
Status = FulfilmentGroup.Status


def for_sale(product):
    record = StockRecord.objects.get(product=product)
    return record.num_in_stock - (record.num_allocated or 0)


def group_of(order, cooperative):
    return order.fulfilment_groups.get(partner=cooperative.partner)


def advance(group, *statuses, by=None, **kwargs):
    for status in statuses:
        extra = (
            {"carrier": "Viettel Post", "tracking_number": "VTP123456789"} if status == Status.SHIPPED else {}
        )
        if status == Status.CANCELLED:
            extra = {"note": "Hết hàng"}
        group = services.fulfilment_group_advance(group=group, to_status=status, by=by, **{**extra, **kwargs})
    return group


def test_an_order_of_two_cooperatives_gets_one_new_group_each(shop, place):
    order = place()
    groups = {group.partner_id: group for group in order.fulfilment_groups.all()}
    assert set(groups) == {shop["a"].partner_id, shop["b"].partner_id}
    assert {group.status for group in groups.values()} == {Status.NEW}
    assert [line.title for line in groups[shop["a"].partner_id].lines] == ["Chè Shan tuyết Sơn Trà"]
    assert [line.title for line in groups[shop["b"].partner_id].lines] == ["Cam sành Phù Lưu"]
    # Each keeps its products' value in whole đồng: 4 × 150.000 ₫ and 2 × 45.000 ₫.
    assert groups[shop["a"].partner_id].merchandise_total == 600_000
    assert groups[shop["b"].partner_id].merchandise_total == 90_000


def test_an_order_that_cannot_be_placed_leaves_no_group(shop, place):
    with pytest.raises(UnableToPlaceOrder, match="out of stock|hết hàng"):
        place([(shop["tea"], 2), (shop["oranges"], 1)]) and place([(shop["tea"], 20)])
    # Only the first order exists, with its two groups.
    assert FulfilmentGroup.objects.count() == 2


def test_a_group_goes_from_new_to_delivered_and_each_step_is_logged(shop, place):
    group = group_of(place(), shop["a"])
    steps = [Status.CONFIRMED, Status.PACKED, Status.SHIPPED, Status.DELIVERED]
    group = advance(group, *steps, by=shop["staff_a"])
    assert group.status == Status.DELIVERED
    assert group.carrier == "Viettel Post" and group.tracking_number == "VTP123456789"
    assert all([group.confirmed_at, group.packed_at, group.shipped_at, group.delivered_at])
    assert group.cancelled_at is None
    events = list(group.events.values_list("from_status", "to_status", "by"))
    assert events == [
        (Status.NEW, Status.CONFIRMED, shop["staff_a"].pk),
        (Status.CONFIRMED, Status.PACKED, shop["staff_a"].pk),
        (Status.PACKED, Status.SHIPPED, shop["staff_a"].pk),
        (Status.SHIPPED, Status.DELIVERED, shop["staff_a"].pk),
    ]


@pytest.mark.parametrize(
    "path, illegal",
    [
        ([], Status.PACKED),
        ([], Status.SHIPPED),
        ([], Status.DELIVERED),
        ([], Status.NEW),
        ([Status.CONFIRMED], Status.DELIVERED),
        ([Status.CONFIRMED, Status.PACKED, Status.SHIPPED], Status.CANCELLED),
        ([Status.CONFIRMED, Status.PACKED, Status.SHIPPED, Status.DELIVERED], Status.CANCELLED),
        ([Status.CANCELLED], Status.CONFIRMED),
        ([Status.CANCELLED], Status.CANCELLED),
        ([], "lost"),
    ],
)
def test_illegal_moves_are_refused_and_change_nothing(shop, place, path, illegal):
    group = advance(group_of(place(), shop["a"]), *path)
    events = group.events.count()
    with pytest.raises(ValidationError) as error:
        services.fulfilment_group_advance(
            group=group, to_status=illegal, by=None, carrier="GHN", tracking_number="1", note="x"
        )
    assert error.value.code == "illegal_transition"
    group.refresh_from_db()
    assert group.status == (path[-1] if path else Status.NEW)
    assert group.events.count() == events


def test_shipping_needs_a_carrier_and_a_tracking_number(shop, place):
    group = advance(group_of(place(), shop["a"]), Status.CONFIRMED, Status.PACKED)
    record_before = StockRecord.objects.get(product=shop["tea"])
    with pytest.raises(ValidationError) as error:
        services.fulfilment_group_advance(group=group, to_status=Status.SHIPPED, by=None, carrier=" ")
    assert set(error.value.message_dict) == {"carrier", "tracking_number"}
    group.refresh_from_db()
    assert group.status == Status.PACKED
    record = StockRecord.objects.get(product=shop["tea"])
    assert (record.num_in_stock, record.num_allocated) == (
        record_before.num_in_stock,
        record_before.num_allocated,
    )


def test_shipping_takes_the_units_out_of_stock_for_good(shop, place):
    place()
    assert for_sale(shop["oranges"]) == 48
    order = place([(shop["oranges"], 3)])
    record = StockRecord.objects.get(product=shop["oranges"])
    assert (record.num_in_stock, record.num_allocated) == (50, 5)
    advance(group_of(order, shop["b"]), Status.CONFIRMED, Status.PACKED, Status.SHIPPED)
    record.refresh_from_db()
    assert (record.num_in_stock, record.num_allocated) == (47, 2)
    assert for_sale(shop["oranges"]) == 45


def test_cancelling_puts_the_units_back_into_their_lots_and_on_sale(shop, place):
    order = place()
    lot_1, lot_2 = shop["lot_1"], shop["lot_2"]
    lot_1.refresh_from_db()
    assert (lot_1.status, lot_1.quantity_available) == (Lot.Status.CLOSED, 0)
    assert for_sale(shop["tea"]) == 9
    assert for_sale(shop["oranges"]) == 48

    advance(group_of(order, shop["a"]), Status.CONFIRMED, Status.CANCELLED)
    lot_1.refresh_from_db()
    lot_2.refresh_from_db()
    assert (lot_1.status, lot_1.quantity_available) == (Lot.Status.OPEN, 3)
    assert (lot_2.status, lot_2.quantity_available) == (Lot.Status.OPEN, 10)
    assert for_sale(shop["tea"]) == 13
    assert not LotAllocation.objects.filter(line__order=order).exists()
    line = order.lines.get(partner=shop["a"].partner)
    assert line.allocation_cancelled and line.num_allocated == 0
    # The other cooperative's group is untouched.
    assert for_sale(shop["oranges"]) == 48
    assert group_of(order, shop["b"]).status == Status.NEW

    group_b = advance(group_of(order, shop["b"]), Status.CANCELLED)
    assert group_b.cancel_reason == "Hết hàng" and group_b.cancelled_at
    assert for_sale(shop["oranges"]) == 50


def test_a_recalled_lot_takes_its_units_back_but_stays_off_sale(shop, place):
    order = place()
    catalog_services.lot_recall(lot=shop["lot_1"], reason="Dư lượng thuốc bảo vệ thực vật", recalled_by=None)
    advance(group_of(order, shop["a"]), Status.CANCELLED)
    lot_1 = Lot.objects.get(pk=shop["lot_1"].pk)
    assert (lot_1.status, lot_1.quantity_available) == (Lot.Status.RECALLED, 3)
    assert for_sale(shop["tea"]) == 10


def test_cancelling_needs_a_reason(shop, place):
    group = group_of(place(), shop["a"])
    with pytest.raises(ValidationError) as error:
        services.fulfilment_group_advance(group=group, to_status=Status.CANCELLED, by=None, note="  ")
    assert "note" in error.value.message_dict
    group.refresh_from_db()
    assert group.status == Status.NEW


def test_a_cancel_that_fails_half_way_changes_nothing(shop, place, monkeypatch):
    order = place()

    def broken_release(*, lines):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "lot_allocations_release", broken_release)
    group = group_of(order, shop["a"])
    with pytest.raises(RuntimeError):
        services.fulfilment_group_advance(group=group, to_status=Status.CANCELLED, by=None, note="Hết hàng")
    group.refresh_from_db()
    assert group.status == Status.NEW and not group.events.exists()
    line = order.lines.get(partner=shop["a"].partner)
    assert not line.allocation_cancelled and line.num_allocated == 4
    assert for_sale(shop["tea"]) == 9


def test_emails_go_out_once_each(shop, place, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = place()
    assert sorted(message.to[0] for message in mailoutbox) == [
        "lan.buyer@example.vn",
        "phuluu@htx.example",
        "sontra@htx.example",
    ]
    to_buyer = next(message for message in mailoutbox if message.to == ["lan.buyer@example.vn"])
    assert order.number in to_buyer.subject
    assert "Hợp tác xã Sơn Trà" in to_buyer.body and "Hợp tác xã Cam Phù Lưu" in to_buyer.body
    to_a = next(message for message in mailoutbox if message.to == ["sontra@htx.example"])
    # A cooperative hears of its own lines only.
    assert "Chè Shan tuyết" in to_a.body and "Cam sành" not in to_a.body

    # A retried task sends nothing twice.
    tasks.order_placed_email_task.delay(order.pk)
    for group in order.fulfilment_groups.all():
        tasks.fulfilment_group_new_email_task.delay(group.pk)
    assert len(mailoutbox) == 3

    group = advance(group_of(order, shop["a"]), Status.CONFIRMED, Status.PACKED)
    with django_capture_on_commit_callbacks(execute=True):
        advance(group, Status.SHIPPED, carrier="VNPost", tracking_number="EE123456789VN")
    assert len(mailoutbox) == 4
    shipped = mailoutbox[-1]
    assert shipped.to == ["lan.buyer@example.vn"]
    assert "VNPost" in shipped.body and "EE123456789VN" in shipped.body
    tasks.fulfilment_group_shipped_email_task.delay(group.pk)
    with django_capture_on_commit_callbacks(execute=True):
        advance(group_of(order, shop["a"]), Status.DELIVERED)
    assert len(mailoutbox) == 4


def test_the_buyer_hears_once_when_a_cooperative_cancels_its_part(
    shop, place, mailoutbox, django_capture_on_commit_callbacks
):
    order = place()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        group = advance(group_of(order, shop["b"]), Status.CANCELLED, note="Cam bị dập do mưa đá")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["lan.buyer@example.vn"]
    assert order.number in message.subject and "Hợp tác xã Cam Phù Lưu" in message.subject
    assert "Cam bị dập do mưa đá" in message.body and "Cam sành" in message.body
    assert "Chè Shan tuyết" not in message.body
    tasks.fulfilment_group_cancelled_email_task.delay(group.pk)
    assert len(mailoutbox) == 1


def test_with_the_broker_down_the_order_is_placed_and_its_emails_sent_later(
    shop, place, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    from kombu.exceptions import OperationalError

    from marketplace import services as marketplace_services
    from marketplace.models import UndeliveredTask

    publish = marketplace_services._publish

    def unreachable(name, args):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(marketplace_services, "_publish", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        order = place()
    assert order.fulfilment_groups.count() == 2
    assert mailoutbox == []
    # The buyer's e-mail, one per cooperative, and each product's search
    # document (its stock changed).
    assert UndeliveredTask.objects.filter(name__endswith="_email_task").count() == 3
    kept = UndeliveredTask.objects.count()
    assert kept > 3

    monkeypatch.setattr(marketplace_services, "_publish", publish)
    assert marketplace_services.undelivered_tasks_resend() == kept
    assert len(mailoutbox) == 3


def test_order_numbers_are_not_guessable_from_basket_ids(settings, place):
    from oscar.core.loading import get_class

    generator = get_class("order.utils", "OrderNumberGenerator")()
    Basket = get_model("basket", "Basket")
    first, second = Basket.objects.create(), Basket.objects.create()
    numbers = [generator.order_number(first), generator.order_number(second)]
    assert all(len(n) == 12 and n.isdigit() for n in numbers)
    # Oscar's would be 100000 + id: consecutive baskets, consecutive numbers.
    assert numbers[0] != str(100000 + first.id) and abs(int(numbers[1]) - int(numbers[0])) > 1
    # The same basket always gets the same number (a double submit finds it placed).
    assert generator.order_number(first) == numbers[0]
    settings.SECRET_KEY = "another-secret-key-for-another-site-xxxxxxxxxxxxxxxx"
    assert generator.order_number(first) != numbers[0]
    # A number already taken by another basket's order gets a suffix.
    taken = place()
    taken_number = generator.order_number(second)
    type(taken).objects.filter(pk=taken.pk).update(number=taken_number)
    assert generator.order_number(second) == f"{taken_number}-{second.id}"
