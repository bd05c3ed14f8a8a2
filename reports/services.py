"""Changes the reports make: monthly snapshots of the indicators, and the
plan's targets as the province edits them."""

import datetime
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from cooperatives.models import AdministrativeUnit
from marketplace.audit import services as audit

from . import selectors
from .models import Indicator, IndicatorSnapshot, Target
from .periods import Period


def _snapshot_rows(report: selectors.UnitReport) -> list[tuple[AdministrativeUnit, str, int, int, dict]]:
    """(unit, indicator, numerator, denominator, figures) of a report's own
    unit, and of the communes among its rows (a commune's figures are read
    from its district's report, not computed again)."""
    rows = [
        (report.unit, result.code, result.numerator, result.denominator, _figures(result))
        for result in report.indicators
    ]
    rows.append((report.unit, Indicator.ECOMMERCE_ACTIVITY, report.activity.orders, 0, _activity(report)))
    for row in report.rows:
        if row.unit.level != AdministrativeUnit.Level.COMMUNE:
            continue
        counted = row.communes  # 1 for a commune the plan counts, else 0
        activity = {**row.activity.as_dict(), "cooperatives_online": row.cooperatives_online}
        rows += [
            (row.unit, Indicator.COMMUNES_WITH_COOPERATIVES, row.communes_with_cooperatives, counted, {}),
            (row.unit, Indicator.COMMUNES_SELLING_ONLINE, row.communes_selling_online, counted, {}),
            (row.unit, Indicator.ECOMMERCE_ACTIVITY, row.activity.orders, 0, activity),
        ]
    return rows


def _figures(result: selectors.IndicatorResult) -> dict:
    figures = {"status": result.status}
    if result.target is not None:
        figures["target_percent"] = float(result.target.threshold_percent)
    figures.update({key: value for key, value in result.extra.items() if isinstance(value, int | dict)})
    return figures


def _activity(report: selectors.UnitReport) -> dict:
    return {
        **report.activity.as_dict(),
        "cooperatives_online": sum(1 for row in report.cooperatives if row.activity.orders),
    }


def snapshots_take(*, period: Period, replace: bool = False) -> int:
    """Store the month's indicators for the province, each district and
    each commune. A month already stored is kept as it was unless
    ``replace``: a snapshot is what the figures were when it was taken.
    Returns the number of snapshots written."""
    province = selectors.province_unit()
    # On a two-level map the province's rows are its communes already.
    reports = [selectors.unit_report(unit=province, period=period)]
    for district in reports[0].rows:
        if district.unit.level == AdministrativeUnit.Level.DISTRICT:
            reports.append(selectors.unit_report(unit=district.unit, period=period))
    existing = set(
        IndicatorSnapshot.objects.filter(period_start=period.start, period_end=period.end).values_list(
            "unit_id", "indicator"
        )
    )
    written = 0
    with transaction.atomic():
        for report in reports:
            for unit, indicator, numerator, denominator, figures in _snapshot_rows(report):
                if (unit.pk, indicator) in existing and not replace:
                    continue
                IndicatorSnapshot.objects.update_or_create(
                    indicator=indicator,
                    unit=unit,
                    period_start=period.start,
                    period_end=period.end,
                    defaults={"numerator": numerator, "denominator": denominator, "figures": figures},
                )
                existing.add((unit.pk, indicator))
                written += 1
    return written


def _today() -> datetime.date:
    return timezone.localdate()


def snapshot_months(
    *, since: datetime.date | None = None, until: datetime.date | None = None
) -> list[Period]:
    """The closed months from ``since`` (the first order's month by default)
    to ``until`` (last month by default)."""
    from oscar.core.loading import get_model

    today = _today()
    last_month = Period.month(today.year, today.month).previous()
    if since is None:
        first = (
            get_model("order", "Order")
            .objects.order_by("date_placed")
            .values_list("date_placed", flat=True)
            .first()
        )
        if first is None:
            return []
        first = timezone.localtime(first).date()
        since = first
    until = min(until or last_month.end, last_month.end)
    if until < since:
        return []
    return Period.custom(since.replace(day=1), until).months()


def snapshots_backfill(
    *, months: list[Period], replace: bool = False, progress: Callable[[int], None] | None = None
) -> int:
    """Snapshots of each month in turn (each in its own transaction, so an
    interrupted backfill keeps what it finished)."""
    written = 0
    for month in months:
        written += snapshots_take(period=month, replace=replace)
        if progress:
            progress(1)
    return written


def snapshot_last_month() -> int:
    """The month that just ended (the beat task's work)."""
    today = _today()
    return snapshots_take(period=Period.month(today.year, today.month).previous())


TARGET_AUDITED_FIELDS = ("indicator", "threshold_percent", "starts_on", "deadline", "source_document", "note")


def target_save(*, target: Target, by) -> Target:
    """Create or change a target of the plan; the audit log keeps who did
    it and each field's old and new value."""
    with transaction.atomic():
        stored = Target.objects.select_for_update().filter(pk=target.pk).first() if target.pk else None
        before = audit.instance_values(stored, TARGET_AUDITED_FIELDS)
        target.full_clean()
        target.save()
        changes = audit.field_changes(before, audit.instance_values(target, TARGET_AUDITED_FIELDS))
        if stored is None or changes:
            audit.record(
                action=audit.Action.TARGET_CREATED if stored is None else audit.Action.TARGET_CHANGED,
                actor=by, subject=target, changes=changes,
            )  # fmt: skip
    return target


def target_delete(*, target: Target, by) -> None:
    """Delete a target; the audit log keeps what it was."""
    with transaction.atomic():
        audit.record(
            action=audit.Action.TARGET_DELETED, actor=by, subject=target,
            changes=audit.field_changes(audit.instance_values(target, TARGET_AUDITED_FIELDS), {}),
        )  # fmt: skip
        target.delete()
