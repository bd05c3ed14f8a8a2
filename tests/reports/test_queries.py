"""A report costs the same number of SQL queries whatever the size of the
data: the indicators are aggregated in SQL, never fetched order by order
or cooperative by cooperative (the issue's performance rule; the times
at the province's size are in bench/README.md).

Each report is counted twice: in the ``world`` of conftest.py, and in the
same world with more of everything (more cooperatives in more communes,
one in a new commune of the district that had none, with products, lots,
orders over several months, linkage models and pilots). Both counts must
be the exact number below, so a query per cooperative, order or unit that
creeps in fails here. The larger world's figures are checked too, so the
counts are known to cover the extra data rather than miss it.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from catalog import services as catalog_services
from cms.models import DestinationEngagement, DestinationIndexPage, DistrictSectionPage
from cooperatives.models import AdministrativeUnit, LinkageModel, PilotProgramme, RawMaterialArea
from reports import selectors
from reports.models import Indicator
from reports.periods import Period
from tests.factories import approved_cooperative
from tests.factories.cms import add_page, destination, home_pages

from .conftest import (
    APPROVED_ON,
    EDITION,
    approved_since,
    cancel,
    listed_product,
    local,
    place_order,
    refund,
)

Category = get_model("catalogue", "Category")
Lot = get_model("catalogue", "Lot")

YEAR_2025 = Period.year(2025)

# Measured, the same on SQLite and on PostgreSQL. The province's 22: the
# unit tree (one query per level below it, then the units): 4; the
# cooperatives, their listings and each one's activity: 3; the linkage
# models, their members, the members' sales, their areas and their lots: 5;
# the pilots: 1; destinations (while none is published): 3; the targets: 1;
# activity per district, per pilot commune and for the province: 3; the
# trend and its snapshots: 2.
PROVINCE_QUERIES = 22
# One level less in the tree.
DISTRICT_QUERIES = 21
# One level less again, and no units below it whose activity to sum.
COMMUNE_QUERIES = 19
# A unit without communes has no cooperatives: only the tree, destinations,
# targets and snapshots are read.
EMPTY_UNIT_QUERIES = 7
# A published destination adds one query for its districts, whatever their number.
PROVINCE_QUERIES_WITH_DESTINATIONS = PROVINCE_QUERIES + 1
# The status then, listings, activity, trend, top products, linkage models.
COOPERATIVE_QUERIES = 6


@dataclass
class More:
    """What the larger world adds, as the 2025 reports should count it."""

    cooperatives: list
    commune: AdministrativeUnit  # the new commune in Lâm Bình
    orders_2025: int  # orders placed in 2025 that still stand
    tea_orders_2025: int  # tea's, the world's two included


def _area(cooperative, commune):
    return RawMaterialArea.objects.create(
        cooperative=cooperative, name=f"Vùng {cooperative.legal_name}", commune=commune,
        area_hectares="8.5", main_crop="chè",
    )  # fmt: skip


def _linkage_model(cooperative, category, commune, *, signed_on):
    model = LinkageModel.objects.create(
        enterprise_name=f"Công ty thu mua {cooperative.pk}", product_description="Chè búp",
        product_category=category, signed_on=signed_on, declared_digital_tools=["farm_diary"],
    )  # fmt: skip
    model.cooperatives.add(cooperative)
    model.raw_material_areas.add(_area(cooperative, commune))
    return model


def add_more(world) -> More:
    """Six more cooperatives, each with two listed products, a lot, three
    orders in different months of 2025, a linkage model tied to a
    raw-material area and a pilot in its commune; orders with two of them
    at once, one of them partly cancelled, one refunded in full, one in
    2024; and more products, orders and a linkage model for ``tea``."""
    units = world.units
    tea_category = Category.objects.get(name="Chè")
    honey_category = Category.objects.get(name="Mật ong")
    new_commune = AdministrativeUnit.objects.create(
        edition=EDITION, code="02101", name="Xã Lâm Bình 1", short_name="Lâm Bình 1", unit_type="Xã",
        level="commune", parent=units["lam_binh"],
    )  # fmt: skip
    communes = [units["N1"], units["N3"], units["N4"], units["H4"], units["H5"], new_commune]
    lan, minh = world.buyers["lan"], world.buyers["minh"]

    cooperatives, products = [], []
    standing = 0
    for index, commune in enumerate(communes):
        cooperative = approved_since(
            approved_cooperative(legal_name=f"HTX Thêm {index}", commune=commune), APPROVED_ON
        )
        category = tea_category if index % 2 == 0 else honey_category
        first = listed_product(cooperative, f"Chè thêm {index}", "60000", category=category)
        second = listed_product(cooperative, f"Mật thêm {index}", "90000", category=category)
        catalog_services.lot_create(
            product=first, cooperative=cooperative, produced_on=datetime.date(2025, 1, 5), quantity=300,
            code=f"MORE-{index}",
        )  # fmt: skip
        # Lots recorded in 2025, so the 2025 reports see them.
        Lot.objects.filter(code=f"MORE-{index}").update(created_at=local(2025, 1, 5, 8))
        for month, payment, buyer in ((2, "cod", lan), (6, "stripe", minh), (10, "cod", None)):
            place_order(
                [(first, 1), (second, 2)],
                placed_at=local(2025, month, 3 + index, 10),
                payment=payment,
                user=buyer,
                guest_email=None if buyer else f"khach{index}@example.vn",
            )
            standing += 1
        _linkage_model(cooperative, category, commune, signed_on=datetime.date(2024, 5, 1))
        PilotProgramme.objects.create(
            commune=commune, kind=PilotProgramme.Kind.ECOMMERCE_COMMUNE, started_on=datetime.date(2024, 10, 1)
        )
        cooperatives.append(cooperative)
        products.append(first)

    # Two cooperatives in one basket; in the second, one of them cancels its part.
    place_order([(products[0], 1), (products[3], 1)], placed_at=local(2025, 3, 20, 10), user=lan)
    partly = place_order([(products[1], 1), (products[4], 1)], placed_at=local(2025, 9, 9, 10), user=minh)
    cancel(partly, cooperatives[1])
    standing += 2
    refunded = place_order([(products[2], 1)], placed_at=local(2025, 11, 11, 10), payment="stripe", user=minh)
    refund(refunded, cooperatives[2], 60000)
    place_order([(products[5], 1)], placed_at=local(2024, 11, 11, 10), user=lan)

    tea = world.cooperatives["tea"]
    green_tea = listed_product(tea, "Chè xanh", "70000", category=tea_category)
    place_order([(green_tea, 3)], placed_at=local(2025, 4, 4, 10), user=minh)
    place_order([(green_tea, 1), (world.products["tea"], 1)], placed_at=local(2025, 12, 1, 10), user=lan)
    standing += 2
    _linkage_model(tea, tea_category, units["N1"], signed_on=datetime.date(2025, 2, 1))
    return More(cooperatives=cooperatives, commune=new_commune, orders_2025=standing, tea_orders_2025=4)


@pytest.fixture(params=["world", "world with more"])
def scene(request, world) -> tuple:
    """The world, or the world with more; and what was added (None)."""
    return world, add_more(world) if request.param == "world with more" else None


def unit_report_counted(unit_name, world, django_assert_num_queries, queries, period=YEAR_2025):
    # The unit as the pages fetch it, with its parents: not part of the report.
    unit = selectors.report_unit(pk=world.units[unit_name].pk)
    with django_assert_num_queries(queries):
        report = selectors.unit_report(unit=unit, period=period)
        shown(report)
    return report


def shown(report) -> list:
    """What a report page shows of every row, read so that a field the
    selectors do not fetch (a query per row) is counted too."""
    seen = []
    for result in report.indicators:
        seen += [str(counted.item) for counted in result.behind] + [str(result.target)]
    for row in report.rows:
        seen += [row.unit.name, row.activity.gmv, row.communes_with_cooperatives_percent]
    for row in report.cooperatives + report.top_cooperatives:
        seen += [row.cooperative.legal_name, row.cooperative.slug, row.commune and row.commune.name]
    for row in report.linkage_models:
        model = row.linkage_model
        seen += [str(model), model.signed_on, model.expires_on, model.product_category]
        seen += [district.name for district in row.districts]
    for row in report.pilots:
        seen += [row.commune.name, row.district and row.district.name, row.pilot.get_kind_display()]
    seen += [point.orders for point in report.trend] + [ancestor.name for ancestor in report.ancestors]
    return seen


def test_the_province_report_costs_the_same_queries_in_a_larger_world(scene, django_assert_num_queries):
    world, more = scene
    report = unit_report_counted("province", world, django_assert_num_queries, PROVINCE_QUERIES)

    communes = report.indicator(Indicator.COMMUNES_WITH_COOPERATIVES)
    approved_by_district = {row.unit.short_name: row.cooperatives for row in report.rows}
    if more is None:
        assert (report.activity.orders, report.activity.buyers) == (3, 3)
        assert (communes.numerator, communes.denominator) == (2, 10)
        assert len(report.cooperatives) == 4  # tea, honey, the town's, and orange (sold before suspension)
        assert (len(report.linkage_models), len(report.pilots)) == (2, 1)
        assert approved_by_district == {"Hàm Yên": 0, "Lâm Bình": 0, "Na Hang": 3}
    else:
        # The extra orders, cooperatives, communes, models and pilots are all counted.
        assert report.activity.orders == 3 + more.orders_2025 == 25
        # N1 and N2 had one; N3, N4, H4, H5 and the new commune join them.
        assert (communes.numerator, communes.denominator) == (7, 11)
        assert len(report.cooperatives) == 4 + 6
        assert (len(report.linkage_models), len(report.pilots)) == (2 + 7, 1 + 6)
        assert approved_by_district == {"Hàm Yên": 2, "Lâm Bình": 1, "Na Hang": 6}


def test_a_district_report_costs_the_same_queries_in_a_larger_world(scene, django_assert_num_queries):
    world, more = scene
    report = unit_report_counted("na_hang", world, django_assert_num_queries, DISTRICT_QUERIES)

    assert [unit.pk for unit in report.ancestors] == [world.units["province"].pk]
    assert len(report.rows) == 6  # five xã and the town
    if more is None:
        assert (report.activity.orders, len(report.pilots)) == (3, 1)  # O1, O2, O4
    else:
        # Nine of the cooperatives in N1, N3 and N4, tea's two more, and the basket N1
        # shared with H4; the one N3 shared with H5 is H5's alone once N3 cancelled.
        assert (report.activity.orders, len(report.pilots)) == (3 + 9 + 2 + 1, 1 + 3)


def test_a_commune_report_costs_the_same_queries_in_a_larger_world(scene, django_assert_num_queries):
    world, more = scene
    report = unit_report_counted("N1", world, django_assert_num_queries, COMMUNE_QUERIES)

    assert report.rows == []
    legal_names = {row.cooperative.legal_name for row in report.cooperatives}
    if more is None:
        assert legal_names == {"HTX Chè Na Hang"}
    else:
        assert legal_names == {"HTX Chè Na Hang", "HTX Thêm 0"}
        # Tea's two and two more, the new cooperative's three, and the basket it shared with H4.
        assert report.activity.orders == 2 + 2 + 3 + 1


def test_the_report_of_a_new_commune_in_a_district_that_had_none(scene, django_assert_num_queries):
    """Lâm Bình had no commune: in the larger world it has one, with a
    cooperative; its report costs what any district's does."""
    world, more = scene
    report = unit_report_counted(
        "lam_binh",
        world,
        django_assert_num_queries,
        DISTRICT_QUERIES if more else EMPTY_UNIT_QUERIES,
    )
    assert report.activity.orders == (3 if more else 0)
    communes = report.indicator(Indicator.COMMUNES_WITH_COOPERATIVES)
    assert [counted.item for counted in communes.behind] == ([more.commune] if more else [])


def test_the_cooperative_report_costs_the_same_queries_in_a_larger_world(scene, django_assert_num_queries):
    world, more = scene
    tea = world.cooperatives["tea"]
    with django_assert_num_queries(COOPERATIVE_QUERIES):
        report = selectors.cooperative_report(cooperative=tea, period=YEAR_2025)
        [(product.title, product.gmv) for product in report.products]
        [str(model) for model in report.linkage_models]
        [point.gmv for point in report.trend]

    assert report.approved is True
    if more is None:
        # O1 and O2 (O3 was cancelled).
        assert (report.activity.orders, report.listed_products, len(report.linkage_models)) == (2, 1, 1)
    else:
        assert report.activity.orders == more.tea_orders_2025 == 2 + 2
        assert (report.listed_products, len(report.linkage_models), len(report.products)) == (2, 2, 2)


def test_top_products_cost_one_query_for_any_number_of_cooperatives(scene, django_assert_num_queries):
    world, more = scene
    partners = [c.partner_id for c in world.cooperatives.values() if c.partner_id]
    partners += [c.partner_id for c in (more.cooperatives if more else [])]
    with django_assert_num_queries(1):
        products = selectors.top_products(partner_ids=partners, period=YEAR_2025)
    # Tea, oranges and rice; with more, as many as a top list holds (16 sold).
    assert len(products) == (3 if more is None else selectors.TOP)


# --- Destinations promoted online ---------------------------------------------------------


def _destinations(district, count, *, engaged_at):
    index = DestinationIndexPage.objects.first() or add_page(
        home_pages()[0], DestinationIndexPage(title="Điểm đến", slug="diem-den")
    )
    section = add_page(
        index, DistrictSectionPage(title=district.name, slug=f"khu-{district.code}", district=district)
    )
    for number in range(count):
        page = add_page(
            section,
            destination(
                section, title=f"Bản {district.code} {number}", slug=f"ban-{district.code}-{number}",
                lat="22.4", lon="105.4",
            ),
        )  # fmt: skip
        type(page).objects.filter(pk=page.pk).update(first_published_at=local(2025, 1, 2, 9))
        DestinationEngagement.objects.create(
            destination=page, channel=DestinationEngagement.Channel.ZALO, visitor=f"{number:064d}", window=1,
            occurred_at=engaged_at,
        )  # fmt: skip


@pytest.mark.parametrize("everywhere", [False, True], ids=["one destination", "many in every district"])
def test_destinations_cost_the_same_queries_however_many(world, everywhere, django_assert_num_queries):
    if everywhere:
        for name in ("na_hang", "ham_yen", "lam_binh"):
            _destinations(world.units[name], 3, engaged_at=local(2025, 5, 5, 9))
    else:
        _destinations(world.units["na_hang"], 1, engaged_at=local(2025, 5, 5, 9))

    report = unit_report_counted(
        "province", world, django_assert_num_queries, PROVINCE_QUERIES_WITH_DESTINATIONS
    )

    promoted = report.indicator(Indicator.DISTRICTS_PROMOTED_ONLINE)
    assert (promoted.numerator, promoted.denominator) == ((3, 3) if everywhere else (1, 3))


def test_no_statement_returns_a_row_per_order_group_or_lot(world):
    """Orders, their groups and lots are only ever read as aggregates or
    distinct keys: a statement whose rows are the groups (or lots)
    themselves moves the whole year's orders into Python at the province's
    size. (A model's default ordering added to a DISTINCT does that
    silently: it makes every row distinct.)"""
    add_more(world)
    unit = selectors.report_unit(pk=world.units["province"].pk)
    with CaptureQueriesContext(connection) as captured:
        selectors.unit_report(unit=unit, period=YEAR_2025)
        selectors.cooperative_report(cooperative=world.cooperatives["tea"], period=YEAR_2025)
    for statement in captured.captured_queries:
        sql = statement["sql"]
        selected = sql[: sql.find(" FROM ")]
        for table in ("order_line", "order_order", "order_fulfilmentgroup", "catalogue_lot"):
            assert f'"{table}"."id"' not in selected, sql
