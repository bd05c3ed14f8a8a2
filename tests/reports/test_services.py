import datetime

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from reports import services, tasks
from reports.models import Indicator, IndicatorSnapshot
from reports.periods import Period

from .conftest import local, place_order

MARCH = Period.month(2025, 3)


def snapshot(unit, indicator, month=MARCH):
    return IndicatorSnapshot.objects.get(
        unit=unit, indicator=indicator, period_start=month.start, period_end=month.end
    )


def test_a_month_s_snapshot_keeps_each_unit_s_indicators(world):
    services.snapshots_take(period=MARCH)

    province = world.units["province"]
    communes = snapshot(province, Indicator.COMMUNES_WITH_COOPERATIVES)
    assert (communes.numerator, communes.denominator) == (3, 10)
    activity = snapshot(province, Indicator.ECOMMERCE_ACTIVITY).figures
    assert activity["orders"] == 1
    assert activity["gmv"] == 200000
    assert activity["cooperatives_online"] == 1
    # Districts have their own, and communes theirs, read from their district.
    assert snapshot(world.units["na_hang"], Indicator.ECOMMERCE_ACTIVITY).figures["gmv"] == 200000
    assert snapshot(world.units["ham_yen"], Indicator.COMMUNES_WITH_COOPERATIVES).numerator == 1
    n1 = snapshot(world.units["N1"], Indicator.COMMUNES_WITH_COOPERATIVES)
    assert (n1.numerator, n1.denominator) == (1, 1)
    town = snapshot(world.units["town"], Indicator.COMMUNES_WITH_COOPERATIVES)
    assert town.denominator == 0  # not a commune the plan counts
    assert snapshot(world.units["lam_binh"], Indicator.COMMUNES_WITH_COOPERATIVES).denominator == 0


def test_a_snapshot_is_what_the_figures_were_and_later_orders_do_not_change_it(world):
    services.snapshots_take(period=MARCH)
    place_order([(world.products["tea"], 5)], placed_at=local(2025, 3, 20, 9), user=world.buyers["lan"])

    assert services.snapshots_take(period=MARCH) == 0
    assert snapshot(world.units["province"], Indicator.ECOMMERCE_ACTIVITY).figures["orders"] == 1
    # The trend reads the snapshot for March, not the edited data.
    from reports import selectors

    trend = selectors.unit_report(unit=world.units["province"], period=Period.quarter(2025, 1)).trend
    march = next(point for point in trend if point.month == MARCH.start)
    assert (march.orders, march.from_snapshot) == (1, True)

    # Asked for, it is taken again.
    assert services.snapshots_take(period=MARCH, replace=True) > 0
    assert snapshot(world.units["province"], Indicator.ECOMMERCE_ACTIVITY).figures["orders"] == 2


def test_the_backfill_command_stores_every_closed_month_with_a_progress_bar(world, capsys, monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: datetime.date(2025, 9, 3))

    call_command("reports_snapshots")

    out, err = capsys.readouterr()
    # From the first order's month (December 2024) to August 2025.
    months = set(IndicatorSnapshot.objects.values_list("period_start", flat=True))
    assert min(months) == datetime.date(2024, 12, 1)
    assert max(months) == datetime.date(2025, 8, 1)
    assert len(months) == 9
    assert "Snapshots" in err and "9/9" in err
    assert "2024-12–2025-08" in out


def test_the_backfill_command_takes_a_range_and_refuses_bad_months(world, monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: datetime.date(2025, 9, 3))
    call_command("reports_snapshots", "--from", "2025-03", "--to", "2025-04", verbosity=0)
    assert set(IndicatorSnapshot.objects.values_list("period_start", flat=True)) == {
        datetime.date(2025, 3, 1),
        datetime.date(2025, 4, 1),
    }
    for bad in ["2025-13", "2025", "abc", "2025-Q1", "\x00"]:
        with pytest.raises(CommandError):
            call_command("reports_snapshots", "--from", bad, verbosity=0)


def test_the_monthly_task_takes_the_month_that_just_ended_once(world, monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: datetime.date(2025, 4, 1))

    written = tasks.snapshot_last_month_task.delay().get()

    assert written > 0
    assert set(IndicatorSnapshot.objects.values_list("period_start", flat=True)) == {
        datetime.date(2025, 3, 1)
    }
    assert tasks.snapshot_last_month_task.delay().get() == 0
    schedule = settings.CELERY_BEAT_SCHEDULE["reports-snapshot-last-month"]
    assert schedule["task"] == tasks.snapshot_last_month_task.name
