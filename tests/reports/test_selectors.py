"""The province's indicators against figures worked out by hand.

Every expected value below comes from the definitions in the docstring of
reports/selectors.py applied to the world of conftest.py, not from running
the code: the comment next to each says how it was counted.
"""

import datetime
from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from cms.models import DestinationEngagement, DestinationIndexPage, DistrictSectionPage
from cooperatives.models import AdministrativeUnit, LinkageModel, PilotProgramme, RawMaterialArea
from reports import selectors
from reports.models import Indicator, IndicatorSnapshot, Target
from reports.periods import Period
from reports.selectors import BEHIND, MET, NO_TARGET, NOT_APPLICABLE, ON_TRACK, target_status
from tests.factories import approved_cooperative, other_province_tree
from tests.factories.cms import add_page, destination, home_pages

from .conftest import EDITION, approved_since, cancel, listed_product, local, place_order

Lot = get_model("catalogue", "Lot")
Category = get_model("catalogue", "Category")

YEAR_2025 = Period.year(2025)
YEAR_2024 = Period.year(2024)
Q1_2025 = Period.quarter(2025, 1)

COMMUNES = Indicator.COMMUNES_WITH_COOPERATIVES
ONLINE = Indicator.COMMUNES_SELLING_ONLINE
LINKAGE = Indicator.DISTRICTS_WITH_LINKAGE_MODELS
DIGITAL = Indicator.DIGITAL_LINKAGE_MODELS
PROMOTED = Indicator.DISTRICTS_PROMOTED_ONLINE
PILOTS = Indicator.DISTRICTS_WITH_PILOTS


def report(world, period=YEAR_2025, unit="province", **kwargs):
    return selectors.unit_report(unit=world.units[unit], period=period, **kwargs)


def ratio(result) -> tuple[int, int]:
    return result.numerator, result.denominator


def counted(result) -> set:
    return {c.item.pk for c in result.behind if c.counted}


def not_counted(result) -> set:
    return {c.item.pk for c in result.behind if not c.counted}


def pks(world, *names) -> set:
    return {world.units[name].pk for name in names}


def activity_figures(activity) -> tuple:
    return (
        activity.orders,
        activity.buyers,
        activity.gmv,
        activity.online_orders,
        activity.cod_orders,
        activity.average_order_value,
    )


def row_of(unit_report, unit):
    return next(row for row in unit_report.rows if row.unit.pk == unit.pk)


def tea_lot_recorded_on(at):
    """The fixture records the tea lot (produced 2025-01-10) at the moment
    the test runs; date its record back to the harvest, as it happened."""
    Lot.objects.filter(code="TEA-250110").update(created_at=at)


# --- The province, year 2025: the six ratios ---------------------------------------


def test_communes_with_an_approved_cooperative(world):
    result = report(world).indicator(COMMUNES)
    # Ten xã (the town is not counted); tea in N1 and honey in N2 are
    # approved on 31/12/2025; orange (H1) was suspended in June, "applied"
    # (H2) never approved, and the town's cooperative is in no counted commune.
    assert ratio(result) == (2, 10)
    assert counted(result) == pks(world, "N1", "N2")
    assert not_counted(result) == pks(world, "N3", "N4", "N5", "H1", "H2", "H3", "H4", "H5")
    assert result.percent == 20
    assert str(result.title)


def test_communes_with_a_cooperative_selling_online(world):
    result = report(world).indicator(ONLINE)
    # tea (N1) sold in O1 and O2; orange (H1) sold in O2 before its
    # suspension (O5 was refunded in full); honey sold nothing; the town
    # sold but is not a counted commune.
    assert ratio(result) == (2, 10)
    assert counted(result) == pks(world, "N1", "H1")
    assert world.units["town"].pk not in counted(result) | not_counted(result)


def test_districts_with_a_linkage_model_in_force(world):
    result = report(world).indicator(LINKAGE)
    # tea_model and honey_model (both Na Hang) are in force; the orange
    # model of Hàm Yên expired on 31/12/2024, before 2025 started.
    assert ratio(result) == (1, 3)
    assert counted(result) == pks(world, "na_hang")
    assert not_counted(result) == pks(world, "ham_yen", "lam_binh")


def test_linkage_models_tied_to_an_area_that_apply_digital_technology(world):
    result = report(world).indicator(DIGITAL)
    models = world.linkage_models
    # Two models in force with an area; tea's cooperative sold online in
    # 2025, honey's neither sold nor has a lot, whatever it declares.
    assert ratio(result) == (1, 2)
    assert counted(result) == {models["tea_model"].pk}
    assert not_counted(result) == {models["honey_model"].pk}
    # What the partners declare is counted apart.
    assert result.extra["declared"] == 1
    assert result.extra["declared_tools"] == {"farm_diary": 1}


def test_districts_promoting_destinations_online_without_any_destination(world):
    result = report(world).indicator(PROMOTED)
    assert ratio(result) == (0, 3)
    assert not_counted(result) == pks(world, "na_hang", "ham_yen", "lam_binh")


def test_districts_with_a_running_pilot(world):
    result = report(world).indicator(PILOTS)
    # N1's pilot runs; H3's was stopped.
    assert ratio(result) == (1, 3)
    assert counted(result) == pks(world, "na_hang")
    assert result.extra["pilots"] == 1


# --- Activity ---------------------------------------------------------------------------


def test_ecommerce_activity_of_the_province_in_2025(world):
    activity = report(world).activity
    # O1 (cash, Lan, 200,000), O2 (card, a guest, 150,000) and O4 (card,
    # Minh, 80,000 - 30,000); O3 cancelled, O5 refunded in full, O6 in 2024.
    assert activity_figures(activity) == (3, 3, 400_000, 2, 1, 133_333)
    assert activity.online_percent == pytest.approx(200 / 3)
    assert activity.cod_percent == pytest.approx(100 / 3)
    assert activity.as_dict()["average_order_value"] == 133_333


def test_top_products_and_cooperatives_of_the_province(world):
    unit_report = report(world)
    assert [row.cooperative.pk for row in unit_report.top_cooperatives] == [
        world.cooperatives["tea"].pk,  # 300,000
        world.cooperatives["orange"].pk,  # 50,000, "HTX Cam" before "HTX Gạo"
        world.cooperatives["town"].pk,  # 50,000
    ]
    partners = [c.partner_id for c in world.cooperatives.values() if c.partner_id]
    products = selectors.top_products(partner_ids=partners, period=YEAR_2025)
    # Lines of the parts that stand: the rice line keeps its 80,000 (a
    # partial refund is not split over lines), O5's orange line is out.
    assert [(p.title, p.quantity, p.gmv, p.orders) for p in products] == [
        ("Chè Shan tuyết", 3, 300_000, 2),
        ("Gạo nếp", 1, 80_000, 1),
        ("Cam sành", 1, 50_000, 1),
    ]


def test_the_province_s_cooperatives_are_those_approved_or_selling(world):
    rows = {row.cooperative.pk: row for row in report(world).cooperatives}
    coops = world.cooperatives
    # "applied" is neither approved nor selling.
    assert set(rows) == {coops[name].pk for name in ("tea", "honey", "orange", "town")}
    orange = rows[coops["orange"].pk]
    assert (orange.approved, orange.listed, orange.selling_online) == (False, True, True)
    assert orange.commune.pk == world.units["H1"].pk
    honey = rows[coops["honey"].pk]
    assert (honey.approved, honey.listed, honey.selling_online) == (True, True, False)
    # The list leaves buyers out (0); a cooperative's own report counts them.
    assert activity_figures(rows[coops["tea"].pk].activity) == (2, 0, 300_000, 1, 1, 150_000)
    assert activity_figures(rows[coops["town"].pk].activity) == (1, 0, 50_000, 1, 0, 50_000)


# --- Targets of Plan 215 ---------------------------------------------------------------


def test_the_province_s_indicators_against_the_plan_215_targets(world):
    unit_report = report(world)
    # Read on 31/12/2025, the deadline itself: below the threshold is behind.
    expected = {
        COMMUNES: (Decimal(70), BEHIND, 70),  # 20% < 70%
        ONLINE: (None, NO_TARGET, None),  # the plan sets none
        LINKAGE: (Decimal(70), BEHIND, 70),  # 33% < 70%
        DIGITAL: (Decimal(50), MET, 50),  # 50% >= 50%
        PROMOTED: (Decimal(25), BEHIND, 25),  # 0% < 25%
        PILOTS: (Decimal(100), BEHIND, 100),  # 33% < 100%
    }
    for code, (threshold, status, expected_percent) in expected.items():
        result = unit_report.indicator(code)
        assert (result.target and result.target.threshold_percent) == threshold, code
        assert result.status == status, code
        assert result.expected_percent == expected_percent, code
        if result.target:
            assert result.target.starts_on == datetime.date(2021, 1, 1)
            assert result.target.deadline == datetime.date(2025, 12, 31)
    assert unit_report.as_of == datetime.date(2025, 12, 31)


def test_a_province_officer_s_edit_of_a_threshold_changes_the_status(world):
    target = Target.objects.get(indicator=COMMUNES)
    target.threshold_percent = Decimal(20)
    target.save()
    result = report(world).indicator(COMMUNES)
    assert (result.status, result.expected_percent) == (MET, 20)

    target.threshold_percent = Decimal("20.01")
    target.save()
    assert report(world).indicator(COMMUNES).status == BEHIND


def test_the_target_running_on_the_day_read_is_used(world):
    # A later plan with a later deadline: 2025 is read against Plan 215,
    # mid-2026 against the new plan (3 of 10 communes then: a cooperative
    # approved in H4 in 2026 joins tea and honey).
    Target.objects.create(
        indicator=COMMUNES, threshold_percent=Decimal(90), starts_on=datetime.date(2026, 1, 1),
        deadline=datetime.date(2030, 12, 31), source_document="Kế hoạch 2026–2030",
    )  # fmt: skip
    approved_since(
        approved_cooperative(legal_name="HTX Rau Hàm Yên", commune=world.units["H4"]), local(2026, 2, 1, 9)
    )
    assert report(world).indicator(COMMUNES).target.threshold_percent == 70
    mid_2026 = report(world, Period.year(2026), today=datetime.date(2026, 7, 2)).indicator(COMMUNES)
    assert mid_2026.target.threshold_percent == 90
    assert ratio(mid_2026) == (3, 10)
    # 182 of 1825 days of the new plan gone: 90% x 182 / 1825 = 8.98% expected, 30% is on track.
    assert mid_2026.expected_percent == pytest.approx(90 * 182 / 1825)
    assert mid_2026.status == ON_TRACK


def _target(threshold="70"):
    return Target(
        indicator=COMMUNES,
        threshold_percent=Decimal(threshold),
        starts_on=datetime.date(2021, 1, 1),
        deadline=datetime.date(2025, 12, 31),
    )


def test_target_status_keeps_an_even_pace_from_the_plan_s_start_to_its_deadline():
    target = _target()
    halfway = datetime.date(2023, 7, 2)
    # 912 of the plan's 1825 days: 70% x 912 / 1825 = 34.98% expected.
    status, expected = target_status(35.0, target, halfway)
    assert expected == pytest.approx(34.98, abs=0.01)
    assert status == ON_TRACK
    assert target_status(34.9, target, halfway)[0] == BEHIND
    assert target_status(0.0, target, halfway)[0] == BEHIND
    assert target_status(70.0, target, halfway) == (MET, 70)
    assert target_status(100.0, target, halfway)[0] == MET
    # Before the plan starts nothing is expected yet.
    assert target_status(0.0, target, datetime.date(2020, 6, 1)) == (ON_TRACK, 0)
    # From the deadline on, short of the threshold is behind.
    assert target_status(69.99, target, datetime.date(2025, 12, 31)) == (BEHIND, 70)
    assert target_status(69.99, target, datetime.date(2026, 3, 1)) == (BEHIND, 70)
    assert target_status(70.0, target, datetime.date(2026, 3, 1)) == (MET, 70)


def test_target_status_without_a_figure_or_without_a_target():
    assert target_status(None, _target(), datetime.date(2023, 7, 2)) == (NOT_APPLICABLE, None)
    assert target_status(50.0, None, datetime.date(2023, 7, 2)) == (NO_TARGET, None)
    # A zero threshold is met by nothing at all.
    assert target_status(0.0, _target("0"), datetime.date(2023, 7, 2))[0] == MET


# --- Drill-down: the province's districts -------------------------------------------------


def test_the_district_rows_of_the_province(world):
    unit_report = report(world)
    assert [row.unit.pk for row in unit_report.rows] == [
        world.units[name].pk
        for name in ("ham_yen", "lam_binh", "na_hang")  # by name
    ]
    assert unit_report.row_level == AdministrativeUnit.Level.DISTRICT

    na_hang = row_of(unit_report, world.units["na_hang"])
    # N1..N5 (the town is not counted); tea (N1) and honey (N2) approved;
    # N1 sells online. Cooperatives: tea, honey and the town's approved;
    # tea and the town sold. Both linkage models, one digital; N1's pilot.
    assert (na_hang.communes, na_hang.communes_with_cooperatives, na_hang.communes_selling_online) == (
        5,
        2,
        1,
    )
    assert na_hang.communes_with_cooperatives_percent == 40
    assert (na_hang.cooperatives, na_hang.cooperatives_online) == (3, 2)
    assert (na_hang.linkage_models, na_hang.area_linkage_models, na_hang.digital_linkage_models) == (2, 2, 1)
    assert (na_hang.pilots, na_hang.promoted_online) == (1, False)
    # O1 (tea), O2 (tea's part) and O4 (the town): 200,000 + 100,000 + 50,000.
    assert activity_figures(na_hang.activity) == (3, 3, 350_000, 2, 1, 116_667)
    assert na_hang.status == BEHIND  # 40% < 70% on the deadline

    ham_yen = row_of(unit_report, world.units["ham_yen"])
    # Orange is suspended (no approved cooperative), but sold in O2; the
    # expired model is not in force; H3's pilot stopped.
    assert (ham_yen.communes, ham_yen.communes_with_cooperatives, ham_yen.communes_selling_online) == (
        5,
        0,
        1,
    )
    assert (ham_yen.cooperatives, ham_yen.cooperatives_online) == (0, 1)
    assert (ham_yen.linkage_models, ham_yen.pilots) == (0, 0)
    assert activity_figures(ham_yen.activity) == (1, 1, 50_000, 1, 0, 50_000)
    assert ham_yen.status == BEHIND

    lam_binh = row_of(unit_report, world.units["lam_binh"])
    assert (lam_binh.communes, lam_binh.cooperatives) == (0, 0)
    assert lam_binh.communes_with_cooperatives_percent is None
    assert lam_binh.status == NOT_APPLICABLE
    assert activity_figures(lam_binh.activity) == (0, 0, 0, 0, 0, 0)


# --- Drill-down: a district, a commune, a cooperative -----------------------------------


def test_the_report_of_na_hang_has_its_communes_as_rows(world):
    unit_report = selectors.unit_report(
        unit=selectors.report_unit(pk=world.units["na_hang"].pk), period=YEAR_2025
    )
    assert [unit.pk for unit in unit_report.ancestors] == [world.units["province"].pk]
    # The town first ("Thị trấn" before "Xã"), then N1..N5.
    assert [row.unit.pk for row in unit_report.rows] == [
        world.units[name].pk for name in ("town", "N1", "N2", "N3", "N4", "N5")
    ]
    assert unit_report.row_level == AdministrativeUnit.Level.COMMUNE

    assert ratio(unit_report.indicator(COMMUNES)) == (2, 5)
    assert ratio(unit_report.indicator(ONLINE)) == (1, 5)
    assert ratio(unit_report.indicator(LINKAGE)) == (1, 1)
    assert ratio(unit_report.indicator(DIGITAL)) == (1, 2)
    assert ratio(unit_report.indicator(PROMOTED)) == (0, 1)
    assert ratio(unit_report.indicator(PILOTS)) == (1, 1)
    assert unit_report.indicator(PILOTS).status == MET
    assert activity_figures(unit_report.activity) == (3, 3, 350_000, 2, 1, 116_667)

    town = row_of(unit_report, world.units["town"])
    # Not a commune the plan counts, but its cooperative and sales show.
    assert (town.communes, town.cooperatives, town.cooperatives_online) == (0, 1, 1)
    assert town.status == NOT_APPLICABLE
    assert activity_figures(town.activity) == (1, 1, 50_000, 1, 0, 50_000)

    n1 = row_of(unit_report, world.units["N1"])
    assert (n1.communes, n1.communes_with_cooperatives, n1.communes_selling_online) == (1, 1, 1)
    assert (n1.linkage_models, n1.digital_linkage_models, n1.pilots) == (1, 1, 1)
    assert activity_figures(n1.activity) == (2, 2, 300_000, 1, 1, 150_000)
    assert n1.status == MET

    n2 = row_of(unit_report, world.units["N2"])
    assert (n2.communes_with_cooperatives, n2.communes_selling_online, n2.linkage_models) == (1, 0, 1)
    assert n2.digital_linkage_models == 0
    assert n2.status == MET
    assert row_of(unit_report, world.units["N3"]).status == BEHIND

    assert {row.cooperative.pk for row in unit_report.cooperatives} == {
        world.cooperatives[name].pk for name in ("tea", "honey", "town")
    }


def test_the_report_of_commune_n1_has_no_rows_and_lists_tea(world):
    unit_report = selectors.unit_report(unit=selectors.report_unit(pk=world.units["N1"].pk), period=YEAR_2025)
    assert unit_report.rows == []
    assert unit_report.row_level is None
    assert [unit.pk for unit in unit_report.ancestors] == pks_in_order(world, "province", "na_hang")
    assert [row.cooperative.pk for row in unit_report.cooperatives] == [world.cooperatives["tea"].pk]
    assert ratio(unit_report.indicator(COMMUNES)) == (1, 1)
    assert ratio(unit_report.indicator(ONLINE)) == (1, 1)
    assert ratio(unit_report.indicator(DIGITAL)) == (1, 1)
    # A commune has no districts under it.
    assert ratio(unit_report.indicator(LINKAGE)) == (0, 0)
    assert unit_report.indicator(LINKAGE).status == NOT_APPLICABLE
    assert activity_figures(unit_report.activity) == (2, 2, 300_000, 1, 1, 150_000)
    assert [pilot.pilot.pk for pilot in unit_report.pilots] == [world.pilots["n1"].pk]


def pks_in_order(world, *names) -> list:
    return [world.units[name].pk for name in names]


def test_the_report_of_a_district_without_communes(world):
    unit_report = report(world, unit="lam_binh")
    assert unit_report.rows == []
    assert unit_report.cooperatives == []
    for code in (COMMUNES, ONLINE):
        result = unit_report.indicator(code)
        assert ratio(result) == (0, 0)
        assert result.percent is None
        assert result.status == NOT_APPLICABLE
    # The district itself is one district without a model or a pilot.
    assert ratio(unit_report.indicator(LINKAGE)) == (0, 1)
    assert unit_report.indicator(LINKAGE).status == BEHIND
    assert activity_figures(unit_report.activity) == (0, 0, 0, 0, 0, 0)


def test_the_report_of_the_tea_cooperative(world):
    tea = world.cooperatives["tea"]
    cooperative_report = selectors.cooperative_report(cooperative=tea, period=YEAR_2025)
    assert cooperative_report.approved is True
    assert cooperative_report.listed_products == 1
    # O1 and O2's tea part; O3 was cancelled, O6 is in 2024.
    assert activity_figures(cooperative_report.activity) == (2, 2, 300_000, 1, 1, 150_000)
    assert [(p.title, p.quantity, p.gmv, p.orders) for p in cooperative_report.products] == [
        ("Chè Shan tuyết", 3, 300_000, 2)
    ]
    assert cooperative_report.linkage_models == [world.linkage_models["tea_model"]]
    by_month = {point.month.month: (point.orders, point.gmv) for point in cooperative_report.trend}
    assert len(by_month) == 12
    assert by_month[3] == (1, 200_000)
    assert by_month[5] == (1, 100_000)
    assert by_month[7] == (0, 0)


def test_the_report_of_a_cooperative_suspended_mid_year(world):
    orange = world.cooperatives["orange"]
    year = selectors.cooperative_report(cooperative=orange, period=YEAR_2025)
    assert year.approved is False
    # O2's orange part only; O5 was refunded in full.
    assert activity_figures(year.activity) == (1, 1, 50_000, 1, 0, 50_000)
    assert [(p.title, p.gmv) for p in year.products] == [("Cam sành", 50_000)]
    # Its model expired at the end of 2024.
    assert year.linkage_models == []
    may = selectors.cooperative_report(cooperative=orange, period=Period.month(2025, 5))
    assert may.approved is True
    assert selectors.cooperative_report(cooperative=orange, period=YEAR_2024).linkage_models == [
        world.linkage_models["expired_model"]
    ]


# --- Pilots and linkage models --------------------------------------------------------------


def test_the_pilot_commune_has_its_own_figures(world):
    pilots = report(world).pilots
    assert len(pilots) == 1  # H3's stopped pilot is not running
    n1 = pilots[0]
    assert n1.pilot.pk == world.pilots["n1"].pk
    assert (n1.commune.pk, n1.district.pk) == (world.units["N1"].pk, world.units["na_hang"].pk)
    assert (n1.cooperatives, n1.cooperatives_online) == (1, 1)
    # Only N1's tea, not the rest of Na Hang (the town's O4).
    assert activity_figures(n1.activity) == (2, 2, 300_000, 1, 1, 150_000)


def test_a_pilot_planned_or_started_after_the_period_does_not_count(world):
    PilotProgramme.objects.create(
        commune=world.units["H4"],
        kind=PilotProgramme.Kind.SMART_COMMUNE,
        started_on=datetime.date(2026, 1, 5),
    )
    PilotProgramme.objects.create(
        commune=world.units["H5"], kind=PilotProgramme.Kind.ECOMMERCE_COMMUNE,
        started_on=datetime.date(2025, 2, 1), status=PilotProgramme.Status.PLANNED,
    )  # fmt: skip
    assert ratio(report(world).indicator(PILOTS)) == (1, 3)
    PilotProgramme.objects.create(
        commune=world.units["H5"], kind=PilotProgramme.Kind.SMART_COMMUNE,
        started_on=datetime.date(2025, 2, 1), status=PilotProgramme.Status.COMPLETED,
    )  # fmt: skip
    result = report(world).indicator(PILOTS)
    assert ratio(result) == (2, 3)
    assert counted(result) == pks(world, "na_hang", "ham_yen")


def test_linkage_rows_in_2025(world):
    tea_lot_recorded_on(local(2025, 1, 10, 8))
    rows = {row.linkage_model.pk: row for row in report(world).linkage_models}
    models = world.linkage_models
    # The expired model is not in force in 2025.
    assert set(rows) == {models["tea_model"].pk, models["honey_model"].pk}
    tea = rows[models["tea_model"].pk]
    assert [d.pk for d in tea.districts] == [world.units["na_hang"].pk]
    assert (tea.raw_material_area, tea.traceable_lots, tea.sold_online, tea.digital) == (
        True,
        True,
        True,
        True,
    )
    honey = rows[models["honey_model"].pk]
    assert (honey.raw_material_area, honey.traceable_lots, honey.sold_online, honey.digital) == (
        True,
        False,
        False,
        False,
    )
    assert honey.declared_tools == ["farm_diary"]

    # A lot recorded only after the year: tea is digital by its sales alone.
    tea_lot_recorded_on(local(2026, 1, 5, 9))
    tea = next(row for row in report(world).linkage_models if row.linkage_model.pk == models["tea_model"].pk)
    assert (tea.traceable_lots, tea.sold_online, tea.digital) == (False, True, True)


def test_linkage_models_in_2024_include_the_one_that_expired_at_its_end(world):
    unit_report = report(world, YEAR_2024)
    models = world.linkage_models
    rows = {row.linkage_model.pk: row for row in unit_report.linkage_models}
    assert set(rows) == {models[name].pk for name in ("tea_model", "honey_model", "expired_model")}
    # Na Hang (tea, honey) and Hàm Yên (orange's model, in force until 31/12/2024).
    linkage = unit_report.indicator(LINKAGE)
    assert ratio(linkage) == (2, 3)
    assert counted(linkage) == pks(world, "na_hang", "ham_yen")
    expired = rows[models["expired_model"].pk]
    assert [d.pk for d in expired.districts] == [world.units["ham_yen"].pk]
    assert expired.digital is False
    # Tea sold in 2024 (O6, New Year's Eve): digital; its lot came in 2025.
    assert (rows[models["tea_model"].pk].sold_online, rows[models["tea_model"].pk].digital) == (True, True)
    assert rows[models["tea_model"].pk].traceable_lots is False
    assert ratio(unit_report.indicator(DIGITAL)) == (1, 3)


def test_a_lot_makes_a_model_digital_only_in_its_category_and_once_recorded(world):
    honey = world.cooperatives["honey"]
    tea_category = world.products["tea"].categories.get()
    honey_category = world.linkage_models["honey_model"].product_category
    # A tea product of the honey cooperative with a lot: not the model's product.
    green_tea = listed_product(honey, "Chè xanh", "90000", category=tea_category)
    Lot.objects.create(
        product=green_tea, cooperative=honey, produced_on=datetime.date(2025, 3, 1), quantity=10,
        quantity_available=10, unit="kg", code="HONEY-TEA", created_at=local(2025, 3, 1, 9),
    )  # fmt: skip
    assert ratio(report(world).indicator(DIGITAL)) == (1, 2)

    # Honey from a sub-category of the model's, recorded in 2026: not yet in 2025.
    forest_honey = listed_product(
        honey, "Mật ong rừng", "200000", category=honey_category.add_child(name="Rừng")
    )
    Lot.objects.create(
        product=forest_honey, cooperative=honey, produced_on=datetime.date(2025, 12, 20), quantity=10,
        quantity_available=10, unit="kg", code="HONEY-2026", created_at=local(2026, 1, 2, 9),
    )  # fmt: skip
    assert ratio(report(world).indicator(DIGITAL)) == (1, 2)
    # In 2026 tea sells nothing: its lot (and honey's) make both digital.
    tea_lot_recorded_on(local(2025, 1, 10, 8))
    result = report(world, Period.year(2026), today=datetime.date(2026, 3, 1)).indicator(DIGITAL)
    assert ratio(result) == (2, 2)


def test_a_model_of_cooperatives_in_two_districts_is_digital_in_every_report(world):
    # Honey (Na Hang, sold nothing) and orange (Hàm Yên, sold in O2) in one
    # model: its cooperatives sold online in 2025, so it applies digital
    # technology whichever unit's report shows it.
    honey, orange = world.cooperatives["honey"], world.cooperatives["orange"]
    shared = LinkageModel.objects.create(
        enterprise_name="Công ty Đặc sản", product_description="Đặc sản", signed_on=datetime.date(2024, 5, 1)
    )
    shared.cooperatives.add(honey, orange)
    shared.raw_material_areas.add(honey.raw_material_areas.get())

    province = report(world)
    assert ratio(province.indicator(DIGITAL)) == (2, 3)  # tea and the shared model
    assert shared.pk in counted(province.indicator(DIGITAL))
    assert row_of(province, world.units["na_hang"]).digital_linkage_models == 2
    assert row_of(province, world.units["ham_yen"]).digital_linkage_models == 1

    ham_yen = report(world, unit="ham_yen").indicator(DIGITAL)
    assert ratio(ham_yen) == (1, 1)
    # Na Hang's own report agrees with its row in the province's.
    na_hang = report(world, unit="na_hang")
    assert shared.pk in counted(na_hang.indicator(DIGITAL))
    assert ratio(na_hang.indicator(DIGITAL)) == (2, 3)
    assert (
        next(row for row in na_hang.linkage_models if row.linkage_model.pk == shared.pk).sold_online is True
    )


# --- Boundaries: periods --------------------------------------------------------------------


def test_the_first_quarter_of_2025(world):
    unit_report = report(world, Q1_2025)
    # On 31/03/2025 orange (H1) was still approved: N1, N2, H1.
    communes = unit_report.indicator(COMMUNES)
    assert ratio(communes) == (3, 10)
    assert counted(communes) == pks(world, "N1", "N2", "H1")
    # Only O1 (10/03, cash, 200,000): O5 (01/04, refunded in full) is in
    # the second quarter, and O6 in 2024.
    assert activity_figures(unit_report.activity) == (1, 1, 200_000, 0, 1, 200_000)
    assert ratio(unit_report.indicator(ONLINE)) == (1, 10)
    assert row_of(unit_report, world.units["ham_yen"]).communes_with_cooperatives == 1


def test_an_order_refunded_in_full_counts_nothing(world):
    april = report(world, Period.month(2025, 4))
    # O5 alone, refunded in full.
    assert activity_figures(april.activity) == (0, 0, 0, 0, 0, 0)
    assert ratio(april.indicator(ONLINE)) == (0, 10)
    second_quarter = report(world, Period.quarter(2025, 2))
    # O2 alone: both its parts.
    assert activity_figures(second_quarter.activity) == (1, 1, 150_000, 1, 0, 150_000)


def test_a_month_without_orders(world):
    june = report(world, Period.month(2025, 6))
    activity = june.activity
    assert activity_figures(activity) == (0, 0, 0, 0, 0, 0)
    assert activity.average_order_value == 0
    assert activity.online_percent is None
    assert activity.cod_percent is None
    assert ratio(june.indicator(ONLINE)) == (0, 10)
    assert june.indicator(ONLINE).percent == 0
    # Orange was suspended on 15/06: on 30/06 only tea and honey.
    assert ratio(june.indicator(COMMUNES)) == (2, 10)
    assert june.top_cooperatives == []
    assert [(p.orders, p.gmv, p.cooperatives_online) for p in june.trend] == [(0, 0, 0)]
    assert june.pilots[0].activity.orders == 0


def test_an_order_late_on_new_year_s_eve_counts_in_its_local_year(world):
    # O6: 31/12/2024 23:30 in Tuyên Quang, 16:30 UTC.
    year_2024 = report(world, YEAR_2024)
    assert activity_figures(year_2024.activity) == (1, 1, 100_000, 0, 1, 100_000)
    assert ratio(year_2024.indicator(ONLINE)) == (1, 10)
    assert activity_figures(report(world, Period.month(2024, 12)).activity)[:3] == (1, 1, 100_000)
    assert activity_figures(report(world, Period.month(2025, 1)).activity)[:3] == (0, 0, 0)
    assert report(world).activity.orders == 3
    # And in December's point of the 2024 trend, not January 2025's.
    trend_2024 = {point.month: point.orders for point in year_2024.trend}
    assert trend_2024[datetime.date(2024, 12, 1)] == 1
    assert sum(trend_2024.values()) == 1
    assert (
        report(world, Period.custom(datetime.date(2024, 12, 1), datetime.date(2025, 1, 31))).trend[0].orders
        == 1
    )


def test_an_order_without_a_recorded_payment_method_is_paid_in_cash(world):
    # Orders placed before the method was recorded have none: the shop
    # refunds them as cash (order_refund, the ledger's refund page), so
    # the report counts them as cash too, and the two shares make 100%.
    place_order(
        [(world.products["honey"], 1)], placed_at=local(2025, 10, 2, 9), payment="", user=world.buyers["minh"]
    )
    october = report(world, Period.month(2025, 10)).activity
    assert (october.orders, october.gmv) == (1, 120_000)
    assert (october.online_orders, october.cod_orders) == (0, 1)
    assert october.cod_percent == 100


def test_a_partial_refund_is_taken_off_the_gmv(world):
    august = report(world, Period.month(2025, 8))
    # O4: 80,000 of rice, 30,000 refunded.
    assert activity_figures(august.activity) == (1, 1, 50_000, 1, 0, 50_000)
    assert activity_figures(row_of(august, world.units["na_hang"]).activity)[:3] == (1, 1, 50_000)


def test_a_cancelled_part_is_excluded(world):
    july = report(world, Period.month(2025, 7))
    # O3 alone, cancelled.
    assert activity_figures(july.activity) == (0, 0, 0, 0, 0, 0)
    assert ratio(july.indicator(ONLINE)) == (0, 10)

    # Cancelling the orange part of O2 leaves its tea part.
    cancel(world.orders["O2"], world.cooperatives["orange"])
    may = report(world, Period.month(2025, 5))
    assert activity_figures(may.activity) == (1, 1, 100_000, 1, 0, 100_000)
    assert counted(may.indicator(ONLINE)) == pks(world, "N1")
    assert report(world).activity.gmv == 350_000


def test_a_cooperative_suspended_mid_period_still_sold_in_it(world):
    may = report(world, Period.month(2025, 5))
    # Approved on 31/05 and sold in O2.
    assert counted(may.indicator(COMMUNES)) == pks(world, "N1", "N2", "H1")
    assert counted(may.indicator(ONLINE)) == pks(world, "N1", "H1")
    # The year: suspended on its last day, but it sold in May.
    year = report(world)
    assert world.units["H1"].pk not in counted(year.indicator(COMMUNES))
    assert world.units["H1"].pk in counted(year.indicator(ONLINE))


def test_a_cooperative_approved_after_the_period_ends_is_not_counted(world):
    # Just before midnight on 31/12/2025 local time: counted in 2025.
    approved_since(
        approved_cooperative(legal_name="HTX Rau H4", commune=world.units["H4"]), local(2025, 12, 31, 23, 30)
    )
    # Half an hour into 2026 local time (still 31/12/2025 in UTC): not.
    approved_since(
        approved_cooperative(legal_name="HTX Rau H5", commune=world.units["H5"]), local(2026, 1, 1, 0, 30)
    )
    result = report(world).indicator(COMMUNES)
    assert counted(result) == pks(world, "N1", "N2", "H4")
    assert ratio(report(world, Period.year(2026), today=datetime.date(2026, 6, 1)).indicator(COMMUNES)) == (
        4,
        10,
    )


def test_a_product_stocked_after_the_period_does_not_make_a_cooperative_online(world):
    # A new cooperative in H4 sold in March a product it only listed in April.
    h4 = approved_since(
        approved_cooperative(legal_name="HTX Rau H4", commune=world.units["H4"]), local(2024, 6, 1, 9)
    )
    greens = listed_product(h4, "Rau cải", "30000", stocked_at=local(2025, 4, 1, 9))
    place_order([(greens, 1)], placed_at=local(2025, 3, 20, 9), user=world.buyers["minh"])
    assert world.units["H4"].pk not in counted(report(world, Q1_2025).indicator(ONLINE))
    # Over the year it was listed before the end, and the March order is in it.
    assert world.units["H4"].pk in counted(report(world).indicator(ONLINE))


# --- Boundaries: the map --------------------------------------------------------------------


def test_a_commune_no_longer_in_force_leaves_the_denominator(world):
    n5 = world.units["N5"]
    n5.valid_until = datetime.date(2025, 6, 30)
    n5.save()
    # Its successor, in force from 01/07/2025.
    n6 = AdministrativeUnit.objects.create(
        edition=EDITION, code="02206", name="Xã Na Hang 6", short_name="Na Hang 6", unit_type="Xã",
        level="commune", parent=world.units["na_hang"], valid_from=datetime.date(2025, 7, 1),
    )  # fmt: skip
    year = report(world).indicator(COMMUNES)
    assert ratio(year) == (2, 10)
    assert n5.pk not in counted(year) | not_counted(year)
    assert n6.pk in not_counted(year)
    first_quarter = report(world, Q1_2025).indicator(COMMUNES)
    assert ratio(first_quarter) == (3, 10)
    assert n5.pk in not_counted(first_quarter)
    assert n6.pk not in not_counted(first_quarter)
    assert row_of(report(world), world.units["na_hang"]).communes == 5


def test_a_commune_that_left_the_map_keeps_its_cooperative_s_sales(world):
    n1 = world.units["N1"]
    n1.valid_until = datetime.date(2025, 6, 30)
    n1.save()
    year = report(world)
    assert ratio(year.indicator(COMMUNES)) == (1, 9)  # honey's N2 of N2..N5, H1..H5
    assert ratio(year.indicator(ONLINE)) == (1, 9)  # orange's H1
    assert year.activity.gmv == 400_000


def test_with_every_commune_type_counted_the_town_counts(world, settings):
    settings.REPORTS_COMMUNE_TYPES = []
    unit_report = report(world)
    # The town's cooperative is approved and sold (O4).
    assert ratio(unit_report.indicator(COMMUNES)) == (3, 11)
    assert counted(unit_report.indicator(COMMUNES)) == pks(world, "N1", "N2", "town")
    assert ratio(unit_report.indicator(ONLINE)) == (3, 11)
    na_hang = row_of(unit_report, world.units["na_hang"])
    assert (na_hang.communes, na_hang.communes_with_cooperatives, na_hang.communes_selling_online) == (
        6,
        3,
        2,
    )


def two_level_map(edition="2025-07-01") -> dict:
    """The map since the 2025 reform: a province and its communes, no districts."""
    province = AdministrativeUnit.objects.create(
        edition=edition, code="08", name="Tỉnh Tuyên Quang", short_name="Tuyên Quang", unit_type="Tỉnh",
        level="province",
    )  # fmt: skip
    units = {"province": province}
    for index in range(1, 5):
        units[f"C{index}"] = AdministrativeUnit.objects.create(
            edition=edition, code=f"0300{index}", name=f"Xã Mới {index}", short_name=f"Mới {index}",
            unit_type="Xã", level="commune", parent=province,
        )  # fmt: skip
    return units


def test_a_map_without_districts(world, settings):
    settings.REPORTS_EDITION = "2025-07-01"
    units = two_level_map()
    mushrooms = approved_since(
        approved_cooperative(legal_name="HTX Nấm", commune=units["C1"]), local(2025, 7, 2, 9)
    )
    product = listed_product(mushrooms, "Nấm hương", "60000", stocked_at=local(2025, 7, 2, 9))
    place_order([(product, 2)], placed_at=local(2025, 9, 1, 9), payment="stripe", user=world.buyers["lan"])
    linkage = LinkageModel.objects.create(
        enterprise_name="Công ty Nấm", product_description="Nấm", signed_on=datetime.date(2025, 7, 5)
    )
    linkage.cooperatives.add(mushrooms)
    linkage.raw_material_areas.add(
        RawMaterialArea.objects.create(
            cooperative=mushrooms,
            name="Vùng nấm",
            commune=units["C1"],
            area_hectares=Decimal(2),
            main_crop="nấm",
        )
    )
    PilotProgramme.objects.create(
        commune=units["C2"], kind=PilotProgramme.Kind.SMART_COMMUNE, started_on=datetime.date(2025, 8, 1)
    )

    province = selectors.province_unit()
    assert province.pk == units["province"].pk
    unit_report = selectors.unit_report(unit=province, period=YEAR_2025)

    for code in (LINKAGE, PROMOTED, PILOTS):
        result = unit_report.indicator(code)
        assert ratio(result) == (0, 0), code
        assert result.percent is None
        assert result.status == NOT_APPLICABLE
    assert ratio(unit_report.indicator(COMMUNES)) == (1, 4)
    assert ratio(unit_report.indicator(ONLINE)) == (1, 4)
    assert ratio(unit_report.indicator(DIGITAL)) == (1, 1)
    assert unit_report.indicator(COMMUNES).status == BEHIND
    # The old map's cooperatives are not this province's.
    assert activity_figures(unit_report.activity) == (1, 1, 120_000, 1, 0, 120_000)
    assert [row.unit.pk for row in unit_report.rows] == [units[f"C{i}"].pk for i in range(1, 5)]
    assert unit_report.row_level == AdministrativeUnit.Level.COMMUNE
    assert [pilot.district for pilot in unit_report.pilots] == [None]
    assert unit_report.linkage_models[0].districts == []


# --- Which units a report may be asked for -----------------------------------------------


def test_only_the_province_and_its_units_can_be_reported_on(world):
    assert selectors.province_unit().pk == world.units["province"].pk
    assert selectors.report_unit(pk=world.units["N3"].pk).pk == world.units["N3"].pk
    assert selectors.report_unit(pk=world.units["province"].pk).pk == world.units["province"].pk
    elsewhere = other_province_tree()
    for unit in elsewhere.values():
        with pytest.raises(AdministrativeUnit.DoesNotExist):
            selectors.report_unit(pk=unit.pk)
    later_map = two_level_map()
    for unit in later_map.values():
        with pytest.raises(AdministrativeUnit.DoesNotExist):
            selectors.report_unit(pk=unit.pk)
    for hostile in (10**9, 10**30, -1):
        with pytest.raises(AdministrativeUnit.DoesNotExist):
            selectors.report_unit(pk=hostile)


# --- Destinations promoted online (6.5) ----------------------------------------------------


def destination_in(
    district, *, published_at, engaged_at=None, channel=DestinationEngagement.Channel.FACEBOOK
):
    index = DestinationIndexPage.objects.first() or add_page(
        home_pages()[0], DestinationIndexPage(title="Điểm đến", slug="diem-den")
    )
    section = add_page(
        index, DistrictSectionPage(title=district.name, slug=f"section-{district.code}", district=district)
    )
    page = add_page(
        section,
        destination(
            section, title=f"Bản {district.code}", slug=f"ban-{district.code}", lat="22.4", lon="105.4"
        ),
    )
    type(page).objects.filter(pk=page.pk).update(first_published_at=published_at)
    if engaged_at is not None:
        DestinationEngagement.objects.create(
            destination=page, channel=channel, visitor="a" * 64, window=1, occurred_at=engaged_at
        )
    return page


def test_a_district_whose_destination_was_shared_in_the_period_is_promoted(world):
    destination_in(world.units["na_hang"], published_at=local(2025, 2, 1, 9), engaged_at=local(2025, 4, 1, 9))
    # Hàm Yên's destination was only shared in 2024.
    destination_in(world.units["ham_yen"], published_at=local(2024, 2, 1, 9), engaged_at=local(2024, 4, 1, 9))
    unit_report = report(world)
    result = unit_report.indicator(PROMOTED)
    assert ratio(result) == (1, 3)
    assert counted(result) == pks(world, "na_hang")
    assert result.status == MET  # 33% >= 25%
    assert row_of(unit_report, world.units["na_hang"]).promoted_online is True
    assert row_of(unit_report, world.units["ham_yen"]).promoted_online is False
    assert counted(report(world, YEAR_2024).indicator(PROMOTED)) == pks(world, "ham_yen")
    assert ratio(report(world, Period.month(2025, 5)).indicator(PROMOTED)) == (0, 3)


# --- Trend ----------------------------------------------------------------------------------


def test_the_monthly_trend_is_live_except_where_a_snapshot_was_taken(world):
    province = world.units["province"]
    live = {point.month: point for point in report(world).trend}
    assert list(live) == [datetime.date(2025, month, 1) for month in range(1, 13)]
    assert (live[datetime.date(2025, 3, 1)].orders, live[datetime.date(2025, 3, 1)].gmv) == (1, 200_000)
    # May: O2 with two cooperatives.
    may = live[datetime.date(2025, 5, 1)]
    assert (may.orders, may.gmv, may.cooperatives_online) == (1, 150_000, 2)
    assert (live[datetime.date(2025, 8, 1)].orders, live[datetime.date(2025, 8, 1)].gmv) == (1, 50_000)
    assert not any(point.from_snapshot for point in live.values())

    IndicatorSnapshot.objects.create(
        indicator=Indicator.ECOMMERCE_ACTIVITY, unit=province, period_start=datetime.date(2025, 3, 1),
        period_end=datetime.date(2025, 3, 31), figures={"orders": 9, "gmv": 9, "cooperatives_online": 9},
    )  # fmt: skip
    trend = {point.month: point for point in report(world).trend}
    march = trend[datetime.date(2025, 3, 1)]
    assert (march.orders, march.gmv, march.cooperatives_online, march.from_snapshot) == (9, 9, 9, True)
    assert [month for month, point in trend.items() if point.from_snapshot] == [datetime.date(2025, 3, 1)]
    assert (trend[datetime.date(2025, 5, 1)].orders, trend[datetime.date(2025, 5, 1)].gmv) == (1, 150_000)
    # The snapshot is the province's: Na Hang's March stays live.
    na_hang_march = report(world, unit="na_hang").trend[2]
    assert (na_hang_march.orders, na_hang_march.from_snapshot) == (1, False)
    # The snapshot is the whole month's: a quarter still reads it, not its own days.
    assert report(world, Q1_2025).trend[2].from_snapshot is True
