"""The OpenAPI 3.0 description of the open data (/api/open-data/openapi.json).

Built from the same lists the rows are built from (reports/open_data.py),
so the enums and the CSV's columns cannot drift from what is served.
"""

from django.utils.translation import gettext as _

from . import open_data
from .periods import KINDS
from .selectors import RATIO_INDICATORS

OPENAPI_VERSION = "3.0.3"
UNIT_LEVELS = ("province", "district", "commune")


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _date(description: str, *, nullable: bool = False) -> dict:
    schema = {"type": "string", "format": "date", "description": description}
    if nullable:
        schema["nullable"] = True
    return schema


def _count(description: str) -> dict:
    return {"type": "integer", "minimum": 0, "description": description}


def _unit_properties() -> dict:
    return {
        "unit_code": {"type": "string", "description": _("The unit's official (GSO) code.")},
        "unit_name": {"type": "string", "description": _("The unit's official name, in Vietnamese.")},
        "unit_level": {"type": "string", "enum": list(UNIT_LEVELS), "description": _("The unit's level.")},
        "period_start": _date(_("First day of the period.")),
        "period_end": _date(_("Last day of the period.")),
    }


def _activity_properties() -> dict:
    return {
        "orders": _count(
            _("Orders placed in the period with a part that was neither cancelled nor refunded.")
        ),
        "buyers": _count(
            _(
                "Different buyers of those orders (a buyer of two units counts in each, "
                "so the units' buyers do not add up to the province's)."
            )
        ),
        "gmv_vnd": _count(
            _(
                "Gross merchandise value in Vietnamese đồng: products only, less refunds, "
                "cancelled parts left out."
            )
        ),
        "average_order_value_vnd": _count(_("Gross merchandise value per order, in đồng, rounded.")),
        "online_orders": _count(_("Orders paid online.")),
        "cash_on_delivery_orders": _count(_("Orders paid in cash on delivery.")),
    }


def schemas() -> dict:
    indicator_row_properties = {
        "indicator": {
            "type": "string",
            "enum": [str(code) for code in RATIO_INDICATORS],
            "description": _("The indicator's code: ")
            + "; ".join(f"{code.value} = {code.label}" for code in RATIO_INDICATORS),
        },
        **_unit_properties(),
        "numerator": _count(_("Units (or linkage models) that meet the indicator.")),
        "denominator": _count(_("Units (or linkage models) counted.")),
        "percent": {
            "type": "number",
            "nullable": True,
            "minimum": 0,
            "maximum": 100,
            "description": _(
                "numerator / denominator × 100, rounded to two decimals; null when nothing is counted."
            ),
        },
        "target_percent": {
            "type": "number",
            "nullable": True,
            "description": _("The share the province's plan asks for; null when it sets none."),
        },
        "target_deadline": _date(_("When the plan asks for the target to be met."), nullable=True),
        "status": {
            "type": "string",
            "enum": list(open_data.STATUSES),
            "description": " ".join(
                f"{status}: {meaning}" for status, meaning in open_data.STATUS_MEANINGS.items()
            ),
        },
    }
    activity_row_properties = {**_unit_properties(), **_activity_properties()}
    return {
        "Unit": {
            "type": "object",
            "required": ["code", "name", "level"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "description": _("The unit's official (GSO) code.")},
                "name": {"type": "string", "description": _("The unit's official name, in Vietnamese.")},
                "level": {"type": "string", "enum": list(UNIT_LEVELS), "description": _("The unit's level.")},
            },
        },
        "Period": {
            "type": "object",
            "required": ["start", "end", "kind", "slug", "as_of"],
            "additionalProperties": False,
            "properties": {
                "start": _date(_("First day, included.")),
                "end": _date(_("Last day, included.")),
                "kind": {
                    "type": "string",
                    "enum": list(KINDS),
                    "description": _("month, quarter, year, or custom (two dates)."),
                },
                "slug": {
                    "type": "string",
                    "description": _(
                        "The period as the period parameter takes it (two dates for a custom one)."
                    ),
                },
                "as_of": _date(
                    _("The day the standings are read on: the period's last day, or today while it runs.")
                ),
            },
        },
        "IndicatorRow": {
            "type": "object",
            "required": list(indicator_row_properties),
            "additionalProperties": False,
            "properties": indicator_row_properties,
        },
        "ActivityRow": {
            "type": "object",
            "description": _("E-commerce activity (indicator ecommerce_activity) of one unit."),
            "required": list(activity_row_properties),
            "additionalProperties": False,
            "properties": activity_row_properties,
        },
        "IndicatorsDocument": {
            "type": "object",
            "required": [
                "schema_version",
                "source",
                "licence",
                "licence_url",
                "generated_at",
                "period",
                "unit",
                "indicators",
                "activity",
            ],
            "additionalProperties": False,
            "properties": {
                "schema_version": {
                    "type": "string",
                    "enum": [open_data.SCHEMA_VERSION],
                    "description": _("Changes when a field changes meaning or goes away."),
                },
                "source": {
                    "type": "string",
                    "format": "uri",
                    "description": _("The page that describes this data and where it comes from."),
                },
                "licence": {"type": "string", "description": _("SPDX identifier of the data's licence.")},
                "licence_url": {"type": "string", "format": "uri", "description": _("The licence's text.")},
                "generated_at": {
                    "type": "string",
                    "format": "date-time",
                    "description": _("When the figures were computed (Vietnam time)."),
                },
                "period": _ref("Period"),
                "unit": _ref("Unit"),
                "indicators": {
                    "type": "array",
                    "items": _ref("IndicatorRow"),
                    "description": _(
                        "The unit's rows first, then those of the units one level down (children=1)."
                    ),
                },
                "activity": {
                    "type": "array",
                    "items": _ref("ActivityRow"),
                    "description": _(
                        "The unit's row first, then those of the units one level down (children=1)."
                    ),
                },
            },
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "additionalProperties": False,
            "properties": {"error": {"type": "string", "description": _("What was wrong with the request.")}},
        },
    }


def parameters() -> list[dict]:
    return [
        {
            "name": "unit",
            "in": "query",
            "required": False,
            "description": _(
                "Official (GSO) code of the province (the default) or of a district or commune in it."
            ),
            "schema": {"type": "string", "pattern": open_data.UNIT_CODE.pattern},
            "example": "072",
        },
        {
            "name": "period",
            "in": "query",
            "required": False,
            "description": _(
                "A year (2025), a quarter (2025-Q1) or a month (2025-03); this year by default. "
                "Ignored when from or to is given."
            ),
            "schema": {"type": "string", "pattern": r"^\d{4}(-Q[1-4]|-\d{2})?$"},
            "example": "2025-Q1",
        },
        {
            "name": "from",
            "in": "query",
            "required": False,
            "description": _("First day of a period of your own (at most five years long)."),
            "schema": {"type": "string", "format": "date"},
        },
        {
            "name": "to",
            "in": "query",
            "required": False,
            "description": _("Last day of a period of your own; today by default."),
            "schema": {"type": "string", "format": "date"},
        },
        {
            "name": "children",
            "in": "query",
            "required": False,
            "description": _("1: add the rows of each unit one level down."),
            "schema": {"type": "string", "enum": ["0", "1"], "default": "0"},
        },
    ]


def _error_responses() -> dict:
    error = {"application/json": {"schema": _ref("Error")}}
    return {
        "400": {
            "description": _("A parameter is not valid (an unknown period, a malformed code)."),
            "content": error,
        },
        "404": {"description": _("No unit of the province has that code."), "content": error},
        "405": {"description": _("Only GET and HEAD are allowed."), "content": error},
    }


def _csv_description() -> str:
    columns = ", ".join(open_data.CSV_COLUMNS)
    return _(
        "The same figures as one CSV table (UTF-8 with a byte order mark), one row per unit and indicator. "
        "Columns: %(columns)s. A unit's e-commerce activity is its row with the indicator "
        "ecommerce_activity: its numerator is the number of orders and the columns from orders to "
        "cash_on_delivery_orders hold its figures; those columns are empty on the other rows, and "
        "empty cells stand for null."
    ) % {"columns": columns}


def openapi_document(*, server_url: str) -> dict:
    """The OpenAPI document, with ``server_url`` (the absolute URL of
    /api/open-data) as its only server."""
    common_headers = {
        "Access-Control-Allow-Origin": {"schema": {"type": "string", "enum": ["*"]}},
        "Cache-Control": {"schema": {"type": "string"}, "description": _("Public, for 15 minutes.")},
    }
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": _("Open data of the province's indicators"),
            "version": open_data.SCHEMA_VERSION,
            "description": _(
                "Aggregate figures of the province's digital transformation plan for agriculture, per "
                "administrative unit and period, computed from the marketplace's own data. No personal "
                "data: only counts and sums, never a person, an order or a single cooperative."
            ),
            "license": {"name": open_data.LICENCE, "url": open_data.LICENCE_URL},
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/indicators": {
                "get": {
                    "operationId": "indicators",
                    "summary": _("Indicators and e-commerce activity of a unit, as JSON"),
                    "parameters": parameters(),
                    "responses": {
                        "200": {
                            "description": _("The unit's indicators and activity."),
                            "headers": common_headers,
                            "content": {"application/json": {"schema": _ref("IndicatorsDocument")}},
                        },
                        **_error_responses(),
                    },
                }
            },
            "/indicators.csv": {
                "get": {
                    "operationId": "indicatorsCsv",
                    "summary": _("Indicators and e-commerce activity of a unit, as CSV"),
                    "description": _csv_description(),
                    "parameters": parameters(),
                    "responses": {
                        "200": {
                            "description": _csv_description(),
                            "headers": common_headers,
                            "content": {"text/csv": {"schema": {"type": "string"}}},
                        },
                        **_error_responses(),
                    },
                }
            },
        },
        "components": {"schemas": schemas()},
    }
