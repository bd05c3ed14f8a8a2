"""manage.py load_bench at a tiny scale, on whichever database the suite
runs on (COPY on PostgreSQL, executemany elsewhere).

The demo (with a short year of orders) and the bench rows are loaded once
for the class below, inside a transaction rolled back when the class ends;
each test runs in a savepoint of its own inside it. The tasks a real run
starts when its transaction commits (the destination pages' search
refreshes, the demo orders' e-mails, all marked sent) are run when the data
is loaded. The reports' snapshots are taken for the last closed month only
(the demo's, then the bench's over it): backfilling two years of months is
the reports' own service, tested in tests/reports, and would take most of
this module's time."""

import contextlib
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model
from oscar.test.factories import create_product

import search
from catalog.models import Lot, Product
from cms.models import DestinationPage
from cooperatives.models import AdministrativeUnit, Cooperative
from marketplace import benchdata
from marketplace.order import demo as orders_demo
from marketplace.shipping.models import CooperativeShippingPolicy
from marketplace.shipping.selectors import GRAMS_PER_KG
from reports import selectors as report_selectors
from reports import services as report_services
from reports.models import Indicator, IndicatorSnapshot
from reports.periods import Period
from tests.factories import administrative_tree
from tests.marketplace.checkout.conftest import checkout_to_payment, choose_payment, place_order, text

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

# Two cooperatives, 50 products, 100 lots, 1,000 trace events, one page,
# 1,000 orders with 3,000 lines.
SCALE = 0.005
DEMO_ORDERS = 20


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    media_root = tmp_path_factory.mktemp("bench-media")
    out, err = io.StringIO(), io.StringIO()
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media_root)),
        pytest.MonkeyPatch.context() as patch,
        transaction.atomic(),
    ):
        # A short demo year keeps load_demo quick; its full year is tested in
        # tests/marketplace/order/test_demo.py.
        patch.setattr(orders_demo, "ORDER_COUNT", DEMO_ORDERS)
        patch.setattr(report_services, "snapshot_months", last_closed_month)
        with contextlib.redirect_stderr(err), TestCase.captureOnCommitCallbacks(execute=True):
            call_command("load_bench", scale=SCALE, stdout=out)
        yield {"out": out.getvalue(), "err": err.getvalue()}
        transaction.set_rollback(True)


def last_closed_month(**_bounds) -> list[Period]:
    today = timezone.localdate()
    return [Period.month(today.year, today.month).previous()]


def bench_product() -> Product:
    """A listed bench product with units for sale, as a load test picks one."""
    return (
        Product.objects.filter(code__startswith="bench-", is_public=True, stockrecords__num_in_stock__gte=3)
        .order_by("pk")
        .first()
    )


@pytest.mark.usefixtures("loaded")
class TestLoadedBenchData:
    def test_every_count_is_the_full_scale_times_the_scale_and_the_summary_says_so(self, loaded):
        counts = benchdata.counts_for(SCALE)
        assert counts == {
            "cooperatives": 2, "products": 50, "lots": 100, "trace_events": 1000, "destinations": 1,
            "buyers": 100, "orders": 1000, "lines": 3000, "linkage_models": 1, "pilots": 1,
        }  # fmt: skip
        assert benchdata.found_counts() == counts
        for label, count in (("products", "50"), ("trace events", "1,000"), ("order lines", "3,000")):
            assert re.search(rf"\n  {label} +{count}\n", loaded["out"]), label
        assert "Done in" in loaded["out"]
        # The demo came first, then each step's progress bar ran to its end.
        assert "Demo data is loaded." in loaded["out"]
        for step in ("Cooperatives", "Products", "Lots and trace events", "Orders and lines", "Search index"):
            assert f"{step}: 100%" in loaded["err"]
        assert "Report snapshots: 100%" in loaded["err"]

    def test_orders_span_two_years_with_their_groups_and_payment_and_every_cooperative_sells(self):
        bench = Order.objects.filter(number__startswith="BENCH-")
        placed = sorted(bench.values_list("date_placed", flat=True))
        now = timezone.now()
        assert (now - placed[0]).days >= 690 and (now - placed[-1]).days <= 10
        for order in bench.prefetch_related("lines", "fulfilment_groups", "sources")[:50]:
            groups = order.fulfilment_groups.all()
            assert {group.partner_id for group in groups} == {line.partner_id for line in order.lines.all()}
            assert sum(group.merchandise_total for group in groups) == sum(
                int(line.line_price_incl_tax) for line in order.lines.all()
            )
            assert order.total_incl_tax == sum(g.merchandise_total + g.shipping_charge for g in groups)
            assert all(group.payment_method_code == order.payment_method_code for group in groups)
            (source,) = order.sources.all()
            assert source.source_type.code == order.payment_method_code
            assert source.amount_allocated == order.total_incl_tax
        # Every bench cooperative can be paid and ships by its own policy.
        for cooperative in Cooperative.objects.filter(registration_number__startswith="BENCH-"):
            assert cooperative.is_approved and cooperative.partner.ledger_account
            assert CooperativeShippingPolicy.objects.filter(cooperative=cooperative).exists()
            assert cooperative.raw_material_areas.exists()
            assert cooperative.status_changes.filter(status=Cooperative.Status.APPROVED).exists()

    def test_a_product_page_links_its_lot_whose_trace_page_verifies(self, client):
        product = bench_product()
        page = client.get(
            reverse("catalogue:detail", kwargs={"product_slug": product.slug, "pk": product.pk})
        )
        assert page.status_code == 200
        lot = Lot.objects.filter(product=product, status=Lot.Status.OPEN).order_by("best_before").first()
        assert f'data-trace-lot="{lot.code}"' in page.content.decode()
        trace = client.get(reverse("trace:lot", kwargs={"code": lot.code}))
        assert trace.status_code == 200 and b'data-chain="verified"' in trace.content
        assert StockRecord.objects.get(product=product).net_stock_level == sum(
            Lot.objects.filter(product=product, status=Lot.Status.OPEN).values_list(
                "quantity_available", flat=True
            )
        )

    def test_the_catalogue_and_a_destination_page_answer(self, client):
        catalogue = client.get(reverse("catalogue:index"))
        assert catalogue.status_code == 200
        # Newest first: the bench products, made after the demo's.
        newest = Product.objects.filter(code__startswith="bench-", is_public=True).order_by("-pk").first()
        assert newest.title in text(catalogue)
        destination = DestinationPage.objects.get(slug__startswith="bench-")
        assert destination.live
        response = client.get(destination.url)
        assert response.status_code == 200 and destination.title in text(response)

    def test_a_guest_buys_a_bench_product_with_cash_on_delivery(
        self, client, django_capture_on_commit_callbacks
    ):
        product = bench_product()
        record = StockRecord.objects.get(product=product)
        cooperative = record.partner.cooperative
        units = {
            unit.code if unit.level != AdministrativeUnit.Level.PROVINCE else "province": unit
            for unit in AdministrativeUnit.objects.filter(
                edition="2025-03-01", code__in=["08", "072", "02254"]
            )
        }
        lots_before = sum(Lot.objects.filter(product=product).values_list("quantity_available", flat=True))

        checkout_to_payment(client, {"units": units}, [(product, 2)], guest_email="khach.bench@example.vn")
        choose_payment(client, "cod")
        with django_capture_on_commit_callbacks(execute=True):
            response = place_order(client)

        assert response.status_code == 302 and response["Location"] == reverse("checkout:thank-you")
        order = Order.objects.get(guest_email="khach.bench@example.vn")
        assert order.payment_method_code == "cod"
        assert [(line.product_id, line.quantity) for line in order.lines.all()] == [(product.pk, 2)]
        (group,) = order.fulfilment_groups.all()
        assert group.partner_id == cooperative.partner_id
        policy = cooperative.shipping_policy
        weight_kg = -(-product.net_weight_grams * 2 // GRAMS_PER_KG)
        free = (
            policy.free_shipping_threshold is not None and 2 * record.price >= policy.free_shipping_threshold
        )
        assert group.shipping_charge == (0 if free else policy.flat_fee + policy.fee_per_kg * weight_kg)
        lots_after = sum(Lot.objects.filter(product=product).values_list("quantity_available", flat=True))
        assert lots_after == lots_before - 2
        assert client.get(response["Location"]).status_code == 200

    def test_search_finds_a_bench_product_by_its_title_without_tones(self):
        from cooperatives.services import unidecode_vietnamese

        product = bench_product()
        found = search.search(unidecode_vietnamese(product.title).lower(), size=100)
        assert product.pk in [hit.id for hit in found.hits if hit.kind == "product"]

    def test_the_reports_count_the_bench_orders_and_their_snapshots_hold_them(self):
        province = report_selectors.province_unit()
        (month,) = last_closed_month()
        live = report_selectors.unit_report(unit=province, period=month)
        selling = [
            row
            for row in live.cooperatives
            if row.cooperative.registration_number.startswith("BENCH-") and row.activity.orders
        ]
        assert selling
        assert live.activity.orders > DEMO_ORDERS
        snapshot = IndicatorSnapshot.objects.get(
            indicator=Indicator.ECOMMERCE_ACTIVITY,
            unit=province,
            period_start=month.start,
            period_end=month.end,
        )
        # Taken after the bench orders, not the demo's snapshot of before.
        assert snapshot.numerator == live.activity.orders

    def test_a_second_run_of_the_same_scale_reuses_the_data(self):
        out = io.StringIO()
        call_command("load_bench", scale=SCALE, verbosity=0, stdout=out)
        assert "already there; reusing it" in out.getvalue()
        assert "Demo data is loaded." not in out.getvalue()
        assert benchdata.found_counts() == benchdata.counts_for(SCALE)

    def test_orders_of_the_load_benchmarks_guests_do_not_stop_a_reuse(self):
        from oscar.test.factories import create_order

        def order(number, guest_email):
            # Oscar's factory makes a product of its own, which is not the point here.
            made = create_order(number=number, guest_email=guest_email)
            Product.objects.filter(pk__in=made.lines.values("product")).delete()

        order("LOAD-1", f"load-1@{benchdata.LOAD_GUEST_DOMAIN}")
        out = io.StringIO()
        call_command("load_bench", scale=SCALE, verbosity=0, stdout=out)
        assert "already there; reusing it" in out.getvalue()
        order("REAL-1", "khach@gmail.com")
        with pytest.raises(CommandError, match="REAL-1"):
            call_command("load_bench", scale=SCALE, verbosity=0, stdout=io.StringIO())

    def test_another_scale_is_refused_and_nothing_changes(self):
        with pytest.raises(CommandError, match="another scale"):
            call_command("load_bench", scale=0.01, verbosity=0, stdout=io.StringIO())
        assert benchdata.found_counts() == benchdata.counts_for(SCALE)

    def test_products_nobody_made_for_the_bench_are_refused_and_kept(self):
        product = create_product(title="Mật ong của một cửa hàng thật")
        with pytest.raises(CommandError, match="Mật ong của một cửa hàng thật"):
            call_command("load_bench", scale=SCALE, verbosity=0, stdout=io.StringIO())
        assert Product.objects.filter(pk=product.pk).exists()
        assert benchdata.found_counts() == benchdata.counts_for(SCALE)


def test_a_run_stopped_half_way_leaves_no_bench_row(monkeypatch):
    """Outside the loaded class: an empty database, with just the map."""

    def stopped(**_kwargs):
        raise RuntimeError("stopped")

    monkeypatch.setattr(benchdata, "_skeleton_check", lambda: None)
    monkeypatch.setattr(benchdata.trace, "lots_insert", stopped)
    with pytest.raises(RuntimeError, match="stopped"):
        benchdata.load(scale=SCALE, skeleton=administrative_tree)
    assert not any(benchdata.found_counts().values())
    assert not get_model("partner", "Partner").objects.exists()
    assert not get_model("catalogue", "Category").objects.exists()
