"""The catalogue part of load_demo: products, images, stock, lots and trace
logs, built on the demo cooperatives.

The demo is built once for the module (it takes a few seconds) inside a
transaction that is rolled back when the module ends; each test runs in a
savepoint of its own inside it, so tests cannot see each other's changes and
nothing leaks to other modules."""

import dataclasses
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.test import override_settings
from django.utils import timezone
from oscar.core.loading import get_model
from PIL import Image

from catalog import demo
from catalog.models import Lot, Product, TraceEvent
from catalog.services import trace_chain_verify
from catalog.validators import validate_gtin
from cooperatives import demo as cooperatives_demo
from marketplace.demo import demo_administrative_units_load, demo_users_ensure
from marketplace.order import demo as orders_demo

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")
ProductImage = get_model("catalogue", "ProductImage")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")

# Title: (registration number of the selling cooperative, origin commune, OCOP stars).
NAMED = {
    "Cam sành Hàm Yên": ("DEMO-08-074-002", "02410", 0),
    "Bưởi Soi Hà": ("DEMO-08-075-003", "02449", 0),
    "Chè Shan tuyết Hồng Thái 1 tôm 1 lá": ("DEMO-08-072-001", "02254", 4),
    "Mật ong Hương rừng": ("DEMO-08-070-001", "02503", 4),
    "Bánh gai Chiêm Hóa": ("DEMO-08-073-001", "02287", 4),
}


def test_it_needs_the_demo_cooperatives(monkeypatch):
    orphan = dataclasses.replace(demo.DEMO_PRODUCTS[0], code="demo-orphan", cooperative="DEMO-00-000-000")
    monkeypatch.setattr(demo, "DEMO_PRODUCTS", (orphan,))
    with pytest.raises(ValueError, match="load the demo cooperatives first"):
        demo.demo_products_ensure()
    assert not Product.objects.filter(code="demo-orphan").exists()


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def demo_products(django_db_setup, django_db_blocker, media_root):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media_root)), transaction.atomic():
        demo_administrative_units_load()
        demo_users_ensure()
        cooperatives_demo.demo_cooperatives_ensure()
        steps = []
        results = demo.demo_products_ensure(on_progress=steps.append)
        assert sum(steps) == demo.demo_products_count()
        yield results
        transaction.set_rollback(True)


@pytest.fixture
def products(demo_products, settings, media_root):
    settings.MEDIA_ROOT = str(media_root)
    return {product.title: product for product, _created in demo_products}


def database_snapshot():
    """Every row the demo products write, ids and timestamps included."""
    return {
        "products": list(Product.objects.order_by("pk").values()),
        "attributes": list(ProductAttributeValue.objects.order_by("pk").values()),
        "images": list(ProductImage.objects.order_by("pk").values()),
        "stock": list(StockRecord.objects.order_by("pk").values()),
        "lots": list(Lot.objects.order_by("pk").values()),
        "events": list(TraceEvent.objects.order_by("pk").values()),
    }


def test_the_named_products_are_sold_by_the_cooperative_of_their_district(products, demo_products):
    assert all(created for _product, created in demo_products)
    assert len(products) == demo.demo_products_count()
    for title, (registration_number, commune_code, stars) in NAMED.items():
        product = products[title]
        stockrecord = product.stockrecords.get()
        assert stockrecord.partner.cooperative.registration_number == registration_number
        assert product.origin_commune.code == commune_code
        assert product.raw_material_area.cooperative.registration_number == registration_number
        assert product.ocop_rating == stars
        assert stockrecord.price_currency == "VND"
        assert stockrecord.price == int(stockrecord.price) > 0


def test_ocop_ratings_come_with_their_certificate(products):
    honey = products["Mật ong Hương rừng"]
    assert honey.ocop_certificate_number == "321/QĐ-UBND"
    assert honey.ocop_year == 2024
    assert honey.ocop_valid_until == datetime.date(2027, 8, 5)
    # Its 4 stars in the reference file are a company's, not the cooperative's.
    oranges = products["Cam sành Hàm Yên"]
    assert (oranges.ocop_certificate_number, oranges.ocop_year, oranges.ocop_valid_until) == ("", None, None)
    for product in products.values():
        assert bool(product.ocop_rating) == bool(product.ocop_certificate_number)


def test_every_product_is_complete_and_valid(products):
    classes = {product.product_class.slug for product in products.values()}
    assert classes == {"fruit", "tea", "honey", "rice-grain", "processed-food"}
    for product in products.values():
        product.full_clean()
        assert product.is_public
        assert product.sales_unit and product.net_weight_grams and product.storage_instructions
        assert product.shelf_life_days
        assert "demo" in product.description.lower()
    gtins = [product.gtin for product in products.values() if product.gtin]
    assert len(gtins) >= 3
    assert len(set(gtins)) == len(gtins)
    for gtin in gtins:
        assert gtin.startswith("893") and len(gtin) == 13
        validate_gtin(gtin)
    assert products["Bưởi Soi Hà"].gtin == ""


def test_attributes_are_filled_in(products):
    oranges = products["Cam sành Hàm Yên"]
    assert oranges.attr.variety == "Cam sành"
    assert oranges.attr.size_grade.code == "fruit_size_grade_1"
    assert oranges.attr.sugar_content_brix == 11.5
    assert products["Mật ong Hương rừng"].attr.moisture_percent == 19.5
    assert products["Bánh gai Chiêm Hóa"].attr.preservatives is False


def test_each_product_has_two_lots_with_verified_logs_in_the_past(products):
    now = timezone.now()
    for product in products.values():
        lots = list(product.lots.order_by("produced_on"))
        assert len(lots) == 2, product.title
        for lot in lots:
            assert lot.status == Lot.Status.OPEN
            assert lot.best_before > timezone.localdate(), lot.code
            assert lot.raw_material_area == product.raw_material_area
            verification = trace_chain_verify(lot=lot)
            assert verification.verified and verification.event_count >= 5, lot.code
            events = list(lot.events.order_by("sequence"))
            times = [event.occurred_at for event in events]
            assert times == sorted(times) and times[-1] <= now
            kinds = [event.kind for event in events]
            assert kinds[0] == TraceEvent.Kind.PLANTING and kinds[-1] == TraceEvent.Kind.INSPECTION
            assert {"care", "harvest"} <= set(kinds)
            harvest = next(event for event in events if event.kind == TraceEvent.Kind.HARVEST)
            for care in (event for event in events if event.kind == TraceEvent.Kind.CARE):
                assert care.input_product
                if care.pre_harvest_interval_days is not None:
                    waited = harvest.occurred_at - care.occurred_at
                    assert waited >= datetime.timedelta(days=care.pre_harvest_interval_days), lot.code
    assert TraceEvent.objects.filter(pre_harvest_interval_days__isnull=False).exists()


def test_stock_is_what_the_open_lots_hold(products):
    for product in products.values():
        open_lots = product.lots.filter(status=Lot.Status.OPEN).aggregate(total=Sum("quantity_available"))
        assert product.stockrecords.get().num_in_stock == open_lots["total"] > 0


def test_the_trace_page_of_a_demo_lot_shows_the_product(products, client):
    path = demo.demo_trace_path()
    assert path == "/trace/DEMO-CSHY-01/"
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cam sành Hàm Yên" in page
    assert "Hợp tác xã Cam sành Sơn Nữ" in page
    assert 'data-chain="verified"' in page


def test_a_digital_link_of_a_demo_product_leads_to_its_lot(products, client):
    honey = products["Mật ong Hương rừng"]
    lot = honey.lots.order_by("code").first()
    response = client.get(f"/01/{honey.gtin.zfill(14)}/10/{lot.code}")
    assert response.status_code == 302
    assert response["Location"] == f"/trace/{lot.code}/"


def test_images_are_real_images(products, media_root):
    for product in products.values():
        image = product.primary_image()
        assert not isinstance(image, dict), product.title  # Oscar's placeholder
        with image.original.open("rb") as handle, Image.open(handle) as picture:
            picture.verify()
            assert picture.format == "PNG"
            assert picture.size == (600, 600)
        assert Path(image.original.path).is_relative_to(media_root)


def test_running_it_twice_creates_nothing(products, demo_products, media_root):
    before = database_snapshot()
    files = sorted(media_root.rglob("*"))
    steps = []
    again = demo.demo_products_ensure(on_progress=steps.append)
    assert database_snapshot() == before
    assert sorted(media_root.rglob("*")) == files
    assert [created for _product, created in again] == [False] * len(again)
    assert [product.pk for product, _created in again] == [product.pk for product, _c in demo_products]
    assert sum(steps) == demo.demo_products_count()


def test_load_demo_reports_the_products_and_a_trace_url(products, settings, monkeypatch):
    # The year of orders it also loads is tested in tests/marketplace/order/test_demo.py.
    monkeypatch.setattr(orders_demo, "ORDER_COUNT", 20)
    out = io.StringIO()
    call_command("load_demo", verbosity=0, stdout=out)
    output = out.getvalue()
    count = demo.demo_products_count()
    assert f"products: 0 created, {count} already there" in output
    assert f"Trace page of a demo lot: {settings.SITE_URL}/trace/DEMO-CSHY-01/" in output
