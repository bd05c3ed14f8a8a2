"""The province's indicators as open data: aggregate figures per unit and
period, in rows anyone may reuse.

Only counts and sums leave here. The report behind them lists
cooperatives, linkage models, pilots and buyers; none of those is named in
a row, so nothing here can point at a person, an order or a cooperative.
The rows' fields are the schema of reports/openapi.py: a field added here
must be added there too (the tests hold every row to that schema).
"""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

from cooperatives.models import AdministrativeUnit

from . import selectors
from .models import Indicator
from .periods import Period

SCHEMA_VERSION = "1.0"
# Data the province publishes for reuse; attribution is all it asks.
LICENCE = "CC-BY-4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

# GSO codes are digits (2 for a province, 3 for a district, 5 for a commune).
UNIT_CODE = re.compile(r"^[0-9]{1,10}$")

ACTIVITY_FIELDS = (
    "orders",
    "buyers",
    "gmv_vnd",
    "average_order_value_vnd",
    "online_orders",
    "cash_on_delivery_orders",
)
CSV_COLUMNS = (
    "indicator",
    "unit_code",
    "unit_name",
    "unit_level",
    "period_start",
    "period_end",
    "numerator",
    "denominator",
    "percent",
    "target_percent",
    "target_deadline",
    "status",
    *ACTIVITY_FIELDS,
)
STATUSES = (
    selectors.MET,
    selectors.ON_TRACK,
    selectors.BEHIND,
    selectors.NO_TARGET,
    selectors.NOT_APPLICABLE,
)
PERCENT_DECIMALS = 2


class UnknownUnit(LookupError):
    """No unit of the province has that code."""


@dataclass
class OpenData:
    unit: AdministrativeUnit
    period: Period
    as_of: datetime.date
    indicators: list[dict]
    activity: list[dict]


def published_unit(code: str | None) -> AdministrativeUnit:
    """The unit the open data is asked for by its GSO code: the province
    without one, else a unit under it in the same map edition. Raises
    ``UnknownUnit`` for a code of no such unit, ``ValueError`` for text that
    is no code at all."""
    province = selectors.province_unit()
    code = (code or "").strip()
    if not code:
        return province
    if not UNIT_CODE.match(code):
        raise ValueError(code)
    try:
        unit = AdministrativeUnit.objects.get(edition=province.edition, code=code)
        return selectors.report_unit(pk=unit.pk)
    except AdministrativeUnit.DoesNotExist:
        raise UnknownUnit(code) from None


def open_data(*, unit: AdministrativeUnit, period: Period, children: bool = False) -> OpenData:
    """The indicator and activity rows of ``unit`` for ``period``, then, with
    ``children``, those of each unit one level down."""
    report = selectors.unit_report(unit=unit, period=period)
    place = {"period_start": period.start.isoformat(), "period_end": period.end.isoformat()}
    indicators = [
        _indicator_row(result.code, unit, place, result.numerator, result.denominator, result.target, None)
        for result in report.indicators
    ]
    for row in indicators:
        row["status"] = next(r.status for r in report.indicators if r.code == row["indicator"])
    activity = [_activity_row(unit, place, report.activity)]
    if children:
        targets = {result.code: result.target for result in report.indicators}
        for row in report.rows:
            for code, numerator, denominator in _row_ratios(row):
                indicators.append(
                    _indicator_row(
                        code, row.unit, place, numerator, denominator, targets.get(code), report.as_of
                    )
                )
            activity.append(_activity_row(row.unit, place, row.activity))
    return OpenData(unit=unit, period=period, as_of=report.as_of, indicators=indicators, activity=activity)


def _row_ratios(row: selectors.UnitRow) -> list[tuple[str, int, int]]:
    """A unit row's own value of each indicator, as the unit's own report
    would count it: a district is one district (it has a linkage model or
    not), a commune row has no district to count."""
    is_district = row.unit.level == AdministrativeUnit.Level.DISTRICT
    districts = 1 if is_district else 0

    def district_has(flag: bool) -> int:
        return 1 if is_district and flag else 0

    return [
        (Indicator.COMMUNES_WITH_COOPERATIVES, row.communes_with_cooperatives, row.communes),
        (Indicator.COMMUNES_SELLING_ONLINE, row.communes_selling_online, row.communes),
        (Indicator.DISTRICTS_WITH_LINKAGE_MODELS, district_has(row.linkage_models > 0), districts),
        (Indicator.DIGITAL_LINKAGE_MODELS, row.digital_linkage_models, row.area_linkage_models),
        (Indicator.DISTRICTS_PROMOTED_ONLINE, district_has(row.promoted_online), districts),
        (Indicator.DISTRICTS_WITH_PILOTS, district_has(row.pilots > 0), districts),
    ]


def _indicator_row(code, unit, place, numerator, denominator, target, as_of) -> dict:
    percent = 100 * numerator / denominator if denominator else None
    row = {
        "indicator": str(code),
        **_unit_fields(unit),
        **place,
        "numerator": numerator,
        "denominator": denominator,
        "percent": None if percent is None else round(percent, PERCENT_DECIMALS),
        "target_percent": None if target is None else float(target.threshold_percent),
        "target_deadline": None if target is None else target.deadline.isoformat(),
        "status": None,
    }
    if as_of is not None:
        row["status"], _expected = selectors.target_status(percent, target, as_of)
    return row


def _activity_row(unit, place, activity: selectors.Activity) -> dict:
    return {
        **_unit_fields(unit),
        **place,
        "orders": activity.orders,
        "buyers": activity.buyers,
        "gmv_vnd": activity.gmv,
        "average_order_value_vnd": activity.average_order_value,
        "online_orders": activity.online_orders,
        "cash_on_delivery_orders": activity.cod_orders,
    }


def _unit_fields(unit: AdministrativeUnit) -> dict:
    return {"unit_code": unit.code, "unit_name": unit.name, "unit_level": unit.level}


def document(data: OpenData, *, source: str) -> dict:
    """The JSON document of ``data`` (schema ``IndicatorsDocument``)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "source": source,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "period": {
            "start": data.period.start.isoformat(),
            "end": data.period.end.isoformat(),
            "kind": data.period.kind,
            "slug": data.period.slug,
            "as_of": data.as_of.isoformat(),
        },
        "unit": {"code": data.unit.code, "name": data.unit.name, "level": data.unit.level},
        "indicators": data.indicators,
        "activity": data.activity,
    }


def csv_rows(data: OpenData):
    """The header, then one row per unit and indicator; a unit's activity is
    its ``ecommerce_activity`` row, with the orders as the numerator."""
    yield list(CSV_COLUMNS)
    blank_activity = dict.fromkeys(ACTIVITY_FIELDS)
    for row in data.indicators:
        yield [_cell(value) for value in ({**row, **blank_activity}[column] for column in CSV_COLUMNS)]
    for row in data.activity:
        flat = {
            **row,
            "indicator": Indicator.ECOMMERCE_ACTIVITY.value,
            "numerator": row["orders"],
            "denominator": None,
            "percent": None,
            "target_percent": None,
            "target_deadline": None,
            "status": selectors.NO_TARGET,
        }
        yield [_cell(flat[column]) for column in CSV_COLUMNS]


def _cell(value):
    # Whole numbers stay numbers; a share keeps its decimals as written.
    return "" if value is None else value
