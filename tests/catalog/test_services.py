import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_model
from oscar.test.factories import create_order, create_product, create_stockrecord

from catalog import services
from catalog.models import Lot, LotAllocation, TraceEvent
from catalog.validators import validate_gtin
from tests.factories import administrative_tree, approved_cooperative

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def cooperative():
    return approved_cooperative(
        legal_name="Hợp tác xã Sơn Trà",
        commune=administrative_tree()["02254"],
        registration_number="5201-000123",
    )


@pytest.fixture
def product(cooperative):
    product = create_product(title="Chè Shan tuyết Hồng Thái")
    create_stockrecord(product, price=Decimal(150000), num_in_stock=0, partner_name=cooperative.partner.name)
    return product


def stock(product, cooperative):
    return StockRecord.objects.get(product=product, partner=cooperative.partner).num_in_stock


def lot(product, cooperative, quantity, best_before, **kwargs):
    return services.lot_create(
        product=product, cooperative=cooperative, produced_on=datetime.date(2026, 3, 1), quantity=quantity,
        best_before=best_before, **kwargs,
    )  # fmt: skip


def test_stock_is_the_sum_of_the_open_lots(product, cooperative):
    first = lot(product, cooperative, 10, datetime.date(2027, 3, 1))
    lot(product, cooperative, 5, datetime.date(2027, 6, 1))
    assert stock(product, cooperative) == 15
    Lot.objects.filter(pk=first.pk).update(status=Lot.Status.RECALLED)
    assert services.stock_record_sync(product=product, partner=cooperative.partner) == 5
    assert stock(product, cooperative) == 5


def test_lot_codes_are_readable_and_unique(product, cooperative):
    first = lot(product, cooperative, 1, None)
    second = lot(product, cooperative, 1, None)
    assert (first.code, second.code) == ("000123-260301-01", "000123-260301-02")
    with pytest.raises(ValidationError) as error:
        lot(product, cooperative, 1, None, code=first.code.lower())
    assert "code" in error.value.message_dict


def test_a_lot_of_another_cooperative_s_product_is_refused(product, cooperative):
    other = approved_cooperative(legal_name="HTX Khác", commune=cooperative.commune)
    with pytest.raises(ValidationError):
        lot(product, other, 3, None)
    assert not Lot.objects.exists()


@pytest.mark.parametrize(
    ("quantity", "best_before"),
    [(0, None), (-1, None), (5, datetime.date(2026, 2, 1))],
    ids=["zero", "negative", "best-before before production"],
)
def test_bad_lots_are_refused(product, cooperative, quantity, best_before):
    with pytest.raises((ValidationError, ValueError)):
        lot(product, cooperative, quantity, best_before)
    assert not Lot.objects.exists()


def place_order(product, quantity):
    basket = Basket.objects.create()
    basket.strategy = Default()
    basket.add_product(product, quantity)
    # Oscar's factory goes through order.utils.OrderCreator: our fork.
    return create_order(basket=basket)


def test_order_lines_take_the_first_expiring_lots_and_record_them(product, cooperative):
    later = lot(product, cooperative, 10, datetime.date(2027, 6, 1))
    sooner = lot(product, cooperative, 4, datetime.date(2027, 3, 1))
    line = place_order(product, 6).lines.get()
    allocations = line.lot_allocations.order_by("lot__best_before")
    assert [(a.lot, a.quantity) for a in allocations] == [(sooner, 4), (later, 2)]
    sooner.refresh_from_db()
    later.refresh_from_db()
    assert (sooner.quantity_available, sooner.status) == (0, Lot.Status.CLOSED)
    assert later.quantity_available == 8
    # Oscar keeps the 6 units allocated until they ship: for sale are 8.
    record = StockRecord.objects.get(product=product, partner=cooperative.partner)
    assert (record.num_in_stock, record.num_allocated, record.net_stock_level) == (14, 6, 8)
    assert Default().fetch_for_product(product).availability.num_available == 8


def test_allocation_never_takes_more_than_the_lots_hold(product, cooperative):
    lot(product, cooperative, 3, datetime.date(2027, 3, 1))
    line = place_order(product, 1).lines.get()
    with pytest.raises(ValidationError):
        services.lots_allocate(line=line, quantity=4)
    assert LotAllocation.objects.get().quantity == 1
    assert StockRecord.objects.get(product=product, partner=cooperative.partner).net_stock_level == 2


def test_an_order_the_lots_cannot_cover_is_not_placed(product, cooperative):
    only = lot(product, cooperative, 3, datetime.date(2027, 3, 1))
    # The stock record is made to claim more than the lots hold, as a stale
    # basket might: placing the order must fail as a whole.
    StockRecord.objects.filter(product=product).update(num_in_stock=10)
    Order = get_model("order", "Order")
    with pytest.raises(UnableToPlaceOrder, match="out of stock|hết hàng"):
        place_order(product, 5)
    assert not Order.objects.exists()
    assert not LotAllocation.objects.exists()
    only.refresh_from_db()
    assert only.quantity_available == 3


def test_a_product_without_lots_still_sells_from_its_stock_record(cooperative):
    handmade = create_product(title="Khăn thổ cẩm")
    create_stockrecord(handmade, price=Decimal(90000), num_in_stock=4, partner_name=cooperative.partner.name)
    assert place_order(handmade, 2).lines.get().lot_allocations.count() == 0


@pytest.fixture
def traced_lot(product, cooperative):
    the_lot = lot(product, cooperative, 10, datetime.date(2027, 3, 1))
    start = timezone.now() - datetime.timedelta(days=90)
    for days, kind, note in [
        (0, "planting", "Trồng"),
        (30, "care", "Bón phân hữu cơ"),
        (80, "harvest", "Hái"),
    ]:
        services.trace_event_append(
            lot=the_lot, kind=kind, occurred_at=start + datetime.timedelta(days=days), place="Thôn Hồng Ba",
            actor="Tổ sản xuất số 1", note=note,
        )  # fmt: skip
    return the_lot


def test_an_untouched_chain_verifies(traced_lot):
    result = services.trace_chain_verify(lot=traced_lot)
    assert (result.verified, result.event_count, result.broken_at) == (True, 3, None)
    events = list(traced_lot.events.order_by("sequence"))
    assert events[0].previous_hash == ""
    assert events[1].previous_hash == events[0].hash


def test_a_row_altered_directly_in_the_database_breaks_the_chain(traced_lot):
    TraceEvent.objects.filter(lot=traced_lot, sequence=2).update(note="Không phun thuốc")
    assert services.trace_chain_verify(lot=traced_lot) == services.ChainVerification(False, 2, 2)


def test_a_row_removed_directly_in_the_database_breaks_the_chain(traced_lot):
    TraceEvent.objects.filter(lot=traced_lot, sequence=2)._raw_delete(TraceEvent.objects.db)
    result = services.trace_chain_verify(lot=traced_lot)
    assert (result.verified, result.broken_at) == (False, 2)


def test_a_change_with_a_recomputed_hash_still_breaks_the_next_link(traced_lot):
    middle = traced_lot.events.get(sequence=2)
    middle.actor = "Người khác"
    TraceEvent.objects.filter(pk=middle.pk).update(actor=middle.actor, hash=middle.compute_hash())
    # The event checks out on its own, but the next one was chained to the
    # hash it had before.
    assert services.trace_chain_verify(lot=traced_lot).broken_at == 3


def test_events_cannot_be_changed_or_deleted_through_the_application(traced_lot):
    event = traced_lot.events.first()
    event.note = "sửa"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert services.trace_chain_verify(lot=traced_lot).verified


def test_events_in_the_future_or_before_planting_are_refused(traced_lot):
    planting = traced_lot.events.get(kind="planting").occurred_at
    with pytest.raises(ValidationError):
        services.trace_event_append(
            lot=traced_lot,
            kind="care",
            occurred_at=timezone.now() + datetime.timedelta(days=1),
            place="x",
            actor="y",
        )
    with pytest.raises(ValidationError):
        services.trace_event_append(
            lot=traced_lot,
            kind="care",
            occurred_at=planting - datetime.timedelta(days=1),
            place="x",
            actor="y",
        )
    assert traced_lot.events.count() == 3


@pytest.mark.parametrize("gtin", ["8934567890120", "89345672", "00012345678905", ""])
def test_valid_gtins_pass(gtin):
    validate_gtin(gtin)


@pytest.mark.parametrize("gtin", ["8934567890128", "1234567", "abcdefghijklm", "８９３４５６７８９０１２０"])
def test_invalid_gtins_are_refused(gtin):
    with pytest.raises(ValidationError):
        validate_gtin(gtin)


def test_ocop_ratings_are_reminded_60_and_14_days_before_expiry(product, cooperative, mailoutbox):
    today = datetime.date(2026, 1, 1)
    product.ocop_rating = 4
    product.ocop_certificate_number = "QĐ 321/QĐ-UBND"
    product.ocop_year = 2024
    product.ocop_valid_until = today + datetime.timedelta(days=60)
    product.save()
    assert services.ocop_rating_send_expiry_reminders(today=today) == 1
    assert mailoutbox[0].to == [cooperative.email]
    assert "Chè Shan tuyết Hồng Thái" in mailoutbox[0].subject
    assert services.ocop_rating_send_expiry_reminders(today=today + datetime.timedelta(days=10)) == 0
    assert services.ocop_rating_send_expiry_reminders(today=today + datetime.timedelta(days=46)) == 1
    assert services.ocop_rating_send_expiry_reminders(today=today + datetime.timedelta(days=47)) == 0
    # A renewed rating is a new period: reminded again before it ends.
    product.ocop_valid_until = today + datetime.timedelta(days=400)
    product.save()
    assert services.ocop_rating_send_expiry_reminders(today=today + datetime.timedelta(days=350)) == 1
    assert len(mailoutbox) == 3


def test_unrated_and_expired_products_get_no_ocop_reminder(product, mailoutbox):
    today = datetime.date(2026, 1, 1)
    product.ocop_valid_until = today + datetime.timedelta(days=10)  # not rated
    product.save()
    assert services.ocop_rating_send_expiry_reminders(today=today) == 0
    product.ocop_rating, product.ocop_certificate_number, product.ocop_year = 3, "X", 2022
    product.ocop_valid_until = today - datetime.timedelta(days=1)
    product.save()
    assert services.ocop_rating_send_expiry_reminders(today=today) == 0
    assert mailoutbox == []


def test_an_event_given_in_vietnam_time_still_verifies(traced_lot):
    vietnam = datetime.timezone(datetime.timedelta(hours=7))
    an_hour_ago = timezone.now().astimezone(vietnam) - datetime.timedelta(hours=1)
    services.trace_event_append(
        lot=traced_lot, kind="inspection", occurred_at=an_hour_ago,
        place="Thôn Hồng Ba", actor="Cán bộ khuyến nông",
    )  # fmt: skip
    assert services.trace_chain_verify(lot=traced_lot).verified
