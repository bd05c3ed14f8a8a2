"""The report's tables as rows for a spreadsheet: a header of column titles
in the active language, then one row per item.

Cells keep their type so the file can be sorted and summed: counts and
money (whole đồng) are ints, percents floats rounded to one decimal, days
dates; yes/no and labels are text. A figure that does not exist (a percent
of nothing) is an empty cell, never a zero.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors
from .periods import Period
from .selectors import CooperativeReport, UnitReport

# Enough for a year of a district's products; the page shows the first ten.
PRODUCTS_LIMIT = 100

Rows = list[list]


def percent(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _month(day: datetime.date) -> str:
    return f"{day:%Y-%m}"


# --- A unit's tables --------------------------------------------------------------


def indicator_rows(report: UnitReport) -> Rows:
    rows = [
        [
            _("Code"),
            _("Indicator"),
            _("Numerator"),
            _("Denominator"),
            _("Percent"),
            _("Target (%)"),
            _("Deadline"),
            _("Status"),
            _("Source document"),
        ]
    ]
    for result in report.indicators:
        target = result.target
        rows.append(
            [
                result.code,
                str(result.title),
                result.numerator,
                result.denominator,
                percent(result.percent),
                float(target.threshold_percent) if target else None,
                target.deadline if target else None,
                selectors.status_label(result.status),
                target.source_document if target else "",
            ]
        )
    return rows


def unit_rows(report: UnitReport) -> Rows:
    rows = [
        [
            _("Unit code"),
            _("Unit"),
            _("Level"),
            _("Communes"),
            _("Communes with cooperatives"),
            _("Communes selling online"),
            _("Cooperatives"),
            _("Cooperatives selling online"),
            _("Linkage models"),
            _("Digital linkage models"),
            _("Promoted online (6.5)"),
            _("Pilots"),
            _("Orders"),
            _("Buyers"),
            _("GMV (đồng)"),
            _("Average order value (đồng)"),
            _("Paid online (%)"),
            _("Cash on delivery (%)"),
        ]
    ]
    for row in report.rows:
        activity = row.activity
        rows.append(
            [
                row.unit.code,
                row.unit.name,
                row.unit.get_level_display(),
                row.communes,
                row.communes_with_cooperatives,
                row.communes_selling_online,
                row.cooperatives,
                row.cooperatives_online,
                row.linkage_models,
                row.digital_linkage_models,
                yes_no(row.promoted_online),
                row.pilots,
                activity.orders,
                activity.buyers,
                activity.gmv,
                activity.average_order_value,
                percent(activity.online_percent),
                percent(activity.cod_percent),
            ]
        )
    return rows


def cooperative_rows(report: UnitReport) -> Rows:
    rows = [
        [
            _("Cooperative"),
            _("Commune"),
            _("Approved"),
            _("Listed in the shop"),
            _("Selling online"),
            _("Orders"),
            _("GMV (đồng)"),
        ]
    ]
    for row in report.cooperatives:
        rows.append(
            [
                row.cooperative.legal_name,
                row.commune.name if row.commune else "",
                yes_no(row.approved),
                yes_no(row.listed),
                yes_no(row.selling_online),
                row.activity.orders,
                row.activity.gmv,
            ]
        )
    return rows


def linkage_model_rows(report: UnitReport) -> Rows:
    rows = [
        [
            _("Linkage model"),
            _("Enterprise"),
            _("Districts"),
            _("Tied to a raw-material area"),
            _("Traceable lots"),
            _("Sold online"),
            _("Digital (measured)"),
            _("Declared digital tools"),
        ]
    ]
    for row in report.linkage_models:
        rows.append(
            [
                row.linkage_model.product_description,
                row.linkage_model.enterprise_name,
                "; ".join(district.name for district in row.districts),
                yes_no(row.raw_material_area),
                yes_no(row.traceable_lots),
                yes_no(row.sold_online),
                yes_no(row.digital),
                "; ".join(selectors.tool_label(tool) for tool in row.declared_tools),
            ]
        )
    return rows


def pilot_rows(report: UnitReport) -> Rows:
    rows = [
        [
            _("Commune"),
            _("District"),
            _("Kind"),
            _("Field"),
            _("Started on"),
            _("Status"),
            _("Cooperatives"),
            _("Cooperatives selling online"),
            _("Orders"),
            _("Buyers"),
            _("GMV (đồng)"),
        ]
    ]
    for row in report.pilots:
        pilot = row.pilot
        rows.append(
            [
                row.commune.name,
                row.district.name if row.district else "",
                pilot.get_kind_display(),
                pilot.get_field_display() if pilot.field else "",
                pilot.started_on,
                pilot.get_status_display(),
                row.cooperatives,
                row.cooperatives_online,
                row.activity.orders,
                row.activity.buyers,
                row.activity.gmv,
            ]
        )
    return rows


def trend_rows(report: UnitReport | CooperativeReport) -> Rows:
    rows = [[_("Month"), _("Orders"), _("GMV (đồng)"), _("Cooperatives selling online"), _("From snapshot")]]
    for point in report.trend:
        rows.append(
            [
                _month(point.month),
                point.orders,
                point.gmv,
                point.cooperatives_online,
                yes_no(point.from_snapshot),
            ]
        )
    return rows


def _product_rows(products: list[selectors.ProductSales]) -> Rows:
    rows = [[_("Product"), _("Cooperative"), _("Quantity"), _("Orders"), _("GMV (đồng)")]]
    for product in products:
        rows.append([product.title, product.cooperative, product.quantity, product.orders, product.gmv])
    return rows


def product_rows(report: UnitReport | CooperativeReport) -> Rows:
    """The best sellers of the unit's cooperatives (or of the one
    cooperative), further down the list than the page shows."""
    if isinstance(report, CooperativeReport):
        partner_ids = [report.cooperative.partner_id] if report.cooperative.partner_id else []
    else:
        partner_ids = selectors.unit_partner_ids(unit=report.unit)
    if not partner_ids:
        return _product_rows([])
    return _product_rows(
        selectors.top_products(partner_ids=partner_ids, period=report.period, limit=PRODUCTS_LIMIT)
    )


Builder = Callable[[UnitReport | CooperativeReport], Rows]


@dataclass(frozen=True)
class Table:
    """One downloadable table: how its rows are built, what its sheet is
    called and the ASCII stem of its file name (Vietnamese without marks,
    as officers name their files)."""

    build: Builder
    title: object  # a lazy translation, read in the request's language
    stem: str


# A unit's tables, by the name in their address.
TABLES: dict[str, Table] = {
    "indicators": Table(indicator_rows, gettext_lazy("Indicators"), "chi-tieu"),
    "units": Table(unit_rows, gettext_lazy("Units"), "don-vi"),
    "cooperatives": Table(cooperative_rows, gettext_lazy("Cooperatives"), "hop-tac-xa"),
    "linkage-models": Table(linkage_model_rows, gettext_lazy("Linkage models"), "mo-hinh-lien-ket"),
    "pilots": Table(pilot_rows, gettext_lazy("Pilots"), "thi-diem"),
    "trend": Table(trend_rows, gettext_lazy("Monthly trend"), "xu-huong"),
    "products": Table(product_rows, gettext_lazy("Top products"), "san-pham"),
}

# A cooperative's tables.
COOPERATIVE_TABLES: dict[str, Table] = {name: TABLES[name] for name in ("trend", "products")}

FILE_FORMATS = ("csv", "xlsx")

_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def file_name(*parts: str, period: Period, file_format: str) -> str:
    """An ASCII file name from fixed parts and the period, e.g.
    ``chi-tieu-08-2025.csv``: nothing a user typed reaches the header."""
    words = [_UNSAFE.sub("-", str(part)).strip("-") for part in (*parts, period.slug)]
    return "-".join(word for word in words if word) + f".{file_format}"
