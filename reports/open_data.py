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
from django.utils.translation import gettext_lazy as _

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
STATUS_MEANINGS = {
    selectors.MET: _("The target is reached."),
    selectors.ON_TRACK: _(
        "Not reached yet, but progress keeps pace with an even path from the plan's start to its deadline."
    ),
    selectors.BEHIND: _("Progress is behind that path, or the deadline passed without the target reached."),
    selectors.NO_TARGET: _("The plan sets no target for this indicator."),
    selectors.NOT_APPLICABLE: _("Nothing to count in this unit (the denominator is 0)."),
}
STATUSES = tuple(STATUS_MEANINGS)
PERCENT_DECIMALS = 2

# What each indicator counts, for people reading the data (the exact rules
# are in reports/selectors.py).
DEFINITIONS = {
    Indicator.COMMUNES_WITH_COOPERATIVES: _(
        "Communes (xã) with at least one cooperative approved on the period's last day, out of all the "
        "communes then in force. Wards and towns are not counted."
    ),
    Indicator.COMMUNES_SELLING_ONLINE: _(
        "Communes with at least one cooperative that lists a product in the shop and had at least one "
        "order in the period that was not cancelled or refunded in full, out of all the communes."
    ),
    Indicator.DISTRICTS_WITH_LINKAGE_MODELS: _(
        "Districts with at least one production–consumption linkage model in force during the period, "
        "out of all the districts. In a district's own row: 1/1 if it has one, 0/1 if not."
    ),
    Indicator.DIGITAL_LINKAGE_MODELS: _(
        "Linkage models tied to a raw-material area that apply digital technology (their cooperatives "
        "list the product with traceable lots, or sold online in the period), out of all such models."
    ),
    Indicator.DISTRICTS_PROMOTED_ONLINE: _(
        "Districts with a published destination page that was viewed or shared online in the period "
        "(indicator 6.5 of the plan), out of all the districts."
    ),
    Indicator.DISTRICTS_WITH_PILOTS: _(
        "Districts with at least one pilot commune running in the period, out of all the districts "
        "(the plan asks for one in every district)."
    ),
    Indicator.ECOMMERCE_ACTIVITY: _(
        "Orders, buyers, gross merchandise value (products only, less refunds, cancelled parts left "
        "out), average order value and how the orders were paid, for the cooperatives located in the unit."
    ),
}


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
        _indicator_row(
            result.code, unit, place, result.numerator, result.denominator, result.target, result.status
        )
        for result in report.indicators
    ]
    activity = [_activity_row(unit, place, report.activity)]
    if children:
        targets = {result.code: result.target for result in report.indicators}
        for row in report.rows:
            for code, numerator, denominator in _row_ratios(row):
                target = targets.get(code)
                status, _expected = selectors.target_status(
                    _percent(numerator, denominator), target, report.as_of
                )
                indicators.append(
                    _indicator_row(code, row.unit, place, numerator, denominator, target, status)
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


def _percent(numerator: int, denominator: int) -> float | None:
    return 100 * numerator / denominator if denominator else None


def _indicator_row(code, unit, place, numerator, denominator, target, status: str) -> dict:
    percent = _percent(numerator, denominator)
    return {
        "indicator": str(code),
        **_unit_fields(unit),
        **place,
        "numerator": numerator,
        "denominator": denominator,
        "percent": None if percent is None else round(percent, PERCENT_DECIMALS),
        "target_percent": None if target is None else float(target.threshold_percent),
        "target_deadline": None if target is None else target.deadline.isoformat(),
        "status": status,
    }


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
    """The header, then one row per unit and indicator, unit by unit; a
    unit's activity is its ``ecommerce_activity`` row, with the orders as
    the numerator."""
    yield list(CSV_COLUMNS)
    blank_activity = dict.fromkeys(ACTIVITY_FIELDS)
    for activity in data.activity:
        for row in data.indicators:
            if row["unit_code"] == activity["unit_code"]:
                yield [_cell({**row, **blank_activity}[column]) for column in CSV_COLUMNS]
        flat = {
            **activity,
            "indicator": Indicator.ECOMMERCE_ACTIVITY.value,
            "numerator": activity["orders"],
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
