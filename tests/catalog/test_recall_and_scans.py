import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_model
from oscar.test.factories import create_order, create_product, create_stockrecord

from catalog import services
from catalog.models import Lot, LotScanCount
from tests.factories import administrative_tree, approved_cooperative, user_with_role

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def cooperative():
    return approved_cooperative(
        legal_name="Hợp tác xã Sơn Trà",
        commune=administrative_tree()["02254"],
        registration_number="5201-000123",
        phone="0207 3123 456",
        email="htx.sontra@example.vn",
    )


@pytest.fixture
def product(cooperative):
    product = create_product(title="Cam sành Hàm Yên")
    create_stockrecord(product, price=Decimal(35000), num_in_stock=0, partner_name=cooperative.partner.name)
    return product


@pytest.fixture
def lot(product, cooperative):
    return services.lot_create(
        product=product, cooperative=cooperative, produced_on=datetime.date(2026, 11, 1), quantity=20,
        best_before=datetime.date(2027, 1, 15),
    )  # fmt: skip


def place_order(product, quantity, **kwargs):
    basket = Basket.objects.create()
    basket.strategy = Default()
    basket.add_product(product, quantity)
    return create_order(basket=basket, **kwargs)


def test_a_recall_takes_the_lot_off_sale_and_emails_each_buyer_once(
    lot, product, cooperative, django_capture_on_commit_callbacks, mailoutbox
):
    buyer = get_user_model().objects.create_user("lan", "lan@example.vn", "x")
    place_order(product, 2, user=buyer)
    place_order(product, 1, user=buyer)
    place_order(product, 1, guest_email="khach@example.vn")
    honey = create_product(title="Mật ong")
    create_stockrecord(honey, price=Decimal(250000), num_in_stock=5, partner_name=cooperative.partner.name)
    place_order(honey, 1, user=get_user_model().objects.create_user("b", "b@x.vn"))
    officer = user_with_role("Province officer")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.lot_recall(lot=lot, reason="Dư lượng thuốc bảo vệ thực vật vượt ngưỡng", recalled_by=officer)

    lot.refresh_from_db()
    assert (lot.status, lot.recalled_by) == (Lot.Status.RECALLED, officer)
    assert lot.recalled_at is not None
    assert StockRecord.objects.get(product=product).net_stock_level == 0
    assert sorted(m.to[0] for m in mailoutbox) == ["khach@example.vn", "lan@example.vn"]
    assert all(len(m.to) == 1 for m in mailoutbox)
    message = mailoutbox[0]
    assert lot.code in message.subject and "Cam sành Hàm Yên" in message.subject
    assert "Dư lượng thuốc bảo vệ thực vật vượt ngưỡng" in message.body
    assert f"/trace/{lot.code}/" in message.body
    assert "0207 3123 456" in message.body
    # Nothing more can be ordered from it.
    basket = Basket.objects.create()
    basket.strategy = Default()
    assert not basket.strategy.fetch_for_product(product).availability.is_available_to_buy


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_recall_needs_a_reason(lot, reason, mailoutbox):
    with pytest.raises(ValidationError):
        services.lot_recall(lot=lot, reason=reason, recalled_by=None)
    lot.refresh_from_db()
    assert lot.status == Lot.Status.OPEN


def test_a_lot_is_recalled_once(lot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.lot_recall(lot=lot, reason="Mốc", recalled_by=None)
    with pytest.raises(ValidationError):
        services.lot_recall(lot=lot, reason="Lần nữa", recalled_by=None)
    lot.refresh_from_db()
    assert lot.recall_reason == "Mốc"


def test_the_recalled_lot_s_trace_page_warns(client, lot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.lot_recall(lot=lot, reason="Mốc trong hộp", recalled_by=None)
    page = client.get(f"/trace/{lot.code}/").content.decode()
    assert "data-lot-recalled" in page and "Mốc trong hộp" in page


def test_scans_are_counted_per_lot_commune_and_day(client, lot, product, cooperative):
    client.get(f"/trace/{lot.code}/?src=qr")
    client.get(f"/trace/{lot.code}/?src=qr")
    client.get(f"/trace/{lot.code}/")  # opened from a link, not a scan
    client.get("/trace/KHONG-CO/?src=qr")  # unknown code: nothing to count
    scans = LotScanCount.objects.get()
    assert (scans.lot, scans.count, scans.commune) == (lot, 2, cooperative.commune)
    product.gtin = "8930000000019"
    product.save()
    response = client.get(f"/01/{product.gtin}/10/{lot.code}")
    assert response.status_code == 302 and response["Location"] == f"/trace/{lot.code}/"
    assert LotScanCount.objects.get().count == 3
    # No personal data: a count, a lot, a commune and a day are all it holds.
    assert {f.name for f in LotScanCount._meta.concrete_fields} == {"id", "lot", "commune", "day", "count"}


def test_scans_on_a_new_day_start_a_new_count(lot):
    services.lot_scan_record(lot=lot, day=datetime.date(2026, 11, 20))
    services.lot_scan_record(lot=lot, day=datetime.date(2026, 11, 21))
    services.lot_scan_record(lot=lot, day=datetime.date(2026, 11, 21))
    assert list(LotScanCount.objects.order_by("day").values_list("count", flat=True)) == [1, 2]
