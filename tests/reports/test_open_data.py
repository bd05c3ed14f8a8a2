"""The open data (/api/open-data/): the figures of the ``world`` province
as anyone can read them, without a person, an order or a cooperative in
them, and true to the OpenAPI document that describes them."""

import csv
import datetime
import io

import pytest
from django.test import Client

from marketplace import roles
from reports.open_data import CSV_COLUMNS
from tests.factories import cooperative_staff_user, other_province_tree, user_with_role

INDICATORS = "/api/open-data/indicators"
INDICATORS_CSV = "/api/open-data/indicators.csv"
OPENAPI = "/api/open-data/openapi.json"
DOCS = "/api/open-data/"

RATIO_CODES = [
    "communes_with_cooperatives",
    "communes_selling_online",
    "districts_with_linkage_models",
    "digital_linkage_models",
    "districts_promoted_online",
    "districts_with_pilots",
]


def fetch(client, url=INDICATORS, **params):
    response = client.get(url, {"period": "2025", **params})
    assert response.status_code == 200, response.content[:500]
    return response


def indicators_of(document, unit_code) -> dict:
    return {row["indicator"]: row for row in document["indicators"] if row["unit_code"] == unit_code}


def activity_of(document, unit_code) -> dict:
    (row,) = [row for row in document["activity"] if row["unit_code"] == unit_code]
    return row


def ratios(rows: dict) -> dict:
    return {code: (row["numerator"], row["denominator"]) for code, row in rows.items()}


def csv_table(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    reader = csv.DictReader(io.StringIO(text[1:]))
    assert tuple(reader.fieldnames) == CSV_COLUMNS
    return list(reader)


def test_province_figures_for_2025_are_the_known_ones(client, world):
    response = fetch(client)
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"] and "max-age=900" in response["Cache-Control"]
    document = response.json()

    assert document["schema_version"] == "1.0"
    assert document["licence"] == "CC-BY-4.0"
    assert document["source"] == "http://testserver/api/open-data/"
    assert document["unit"] == {"code": "08", "name": "Tỉnh Tuyên Quang", "level": "province"}
    assert document["period"] == {
        "start": "2025-01-01", "end": "2025-12-31", "kind": "year", "slug": "2025", "as_of": "2025-12-31",
    }  # fmt: skip
    assert datetime.datetime.fromisoformat(document["generated_at"]).utcoffset() == datetime.timedelta(
        hours=7
    )

    rows = indicators_of(document, "08")
    assert list(rows) == RATIO_CODES
    assert len(document["indicators"]) == 6, "no unit below the province without children=1"
    assert ratios(rows) == {
        "communes_with_cooperatives": (2, 10),
        "communes_selling_online": (2, 10),
        "districts_with_linkage_models": (1, 3),
        "digital_linkage_models": (1, 2),
        "districts_promoted_online": (0, 3),
        "districts_with_pilots": (1, 3),
    }
    assert rows["communes_with_cooperatives"]["percent"] == 20.0
    assert rows["districts_with_linkage_models"]["percent"] == 33.33
    # Plan 215's targets, all due at the end of 2025: read on that day.
    assert rows["communes_with_cooperatives"]["target_percent"] == 70.0
    assert rows["communes_with_cooperatives"]["target_deadline"] == "2025-12-31"
    assert rows["communes_with_cooperatives"]["status"] == "behind"
    assert rows["digital_linkage_models"]["status"] == "met"
    assert rows["communes_selling_online"]["target_percent"] is None
    assert rows["communes_selling_online"]["status"] == "no_target"
    assert all(
        row["period_start"] == "2025-01-01" and row["period_end"] == "2025-12-31" for row in rows.values()
    )

    assert document["activity"] == [
        {
            "unit_code": "08", "unit_name": "Tỉnh Tuyên Quang", "unit_level": "province",
            "period_start": "2025-01-01", "period_end": "2025-12-31",
            "orders": 3, "buyers": 3, "gmv_vnd": 400000, "average_order_value_vnd": 133333,
            "online_orders": 2, "cash_on_delivery_orders": 1,
        }
    ]  # fmt: skip


def test_children_add_the_figures_of_each_district(client, world):
    document = fetch(client, children="1").json()

    assert {row["unit_code"] for row in document["indicators"]} == {"08", "072", "074", "071"}
    assert [row["unit_code"] for row in document["activity"]] == ["08", "074", "071", "072"]  # by name

    na_hang = indicators_of(document, "072")
    assert ratios(na_hang) == {
        "communes_with_cooperatives": (2, 5),
        "communes_selling_online": (1, 5),
        "districts_with_linkage_models": (1, 1),
        "digital_linkage_models": (1, 2),
        "districts_promoted_online": (0, 1),
        "districts_with_pilots": (1, 1),
    }
    assert na_hang["districts_with_linkage_models"]["status"] == "met"
    assert na_hang["communes_with_cooperatives"]["unit_name"] == "Huyện Na Hang"
    assert na_hang["communes_with_cooperatives"]["unit_level"] == "district"
    assert activity_of(document, "072") == {
        "unit_code": "072", "unit_name": "Huyện Na Hang", "unit_level": "district",
        "period_start": "2025-01-01", "period_end": "2025-12-31",
        "orders": 3, "buyers": 3, "gmv_vnd": 350000, "average_order_value_vnd": 116667,
        "online_orders": 2, "cash_on_delivery_orders": 1,
    }  # fmt: skip

    ham_yen = indicators_of(document, "074")
    # Its only model expired in 2024; its pilot was stopped; its cooperative was suspended.
    assert ratios(ham_yen)["districts_with_linkage_models"] == (0, 1)
    assert ratios(ham_yen)["districts_with_pilots"] == (0, 1)
    assert ratios(ham_yen)["communes_with_cooperatives"] == (0, 5)
    assert ratios(ham_yen)["communes_selling_online"] == (1, 5)
    assert ham_yen["digital_linkage_models"]["percent"] is None
    assert ham_yen["digital_linkage_models"]["status"] == "not_applicable"
    assert activity_of(document, "074")["gmv_vnd"] == 50000

    lam_binh = indicators_of(document, "071")
    assert ratios(lam_binh)["communes_with_cooperatives"] == (0, 0)
    assert lam_binh["communes_with_cooperatives"]["percent"] is None
    assert lam_binh["communes_with_cooperatives"]["status"] == "not_applicable"
    assert lam_binh["districts_with_pilots"]["status"] == "behind"
    assert activity_of(document, "071")["orders"] == 0
    assert activity_of(document, "071")["average_order_value_vnd"] == 0


def test_a_district_and_a_commune_by_their_code(client, world):
    district = fetch(client, unit="072", children="1").json()
    assert district["unit"] == {"code": "072", "name": "Huyện Na Hang", "level": "district"}
    assert ratios(indicators_of(district, "072"))["communes_with_cooperatives"] == (2, 5)
    assert activity_of(district, "072")["gmv_vnd"] == 350000
    # One row set per commune of the district, the town included.
    assert {row["unit_code"] for row in district["activity"]} == {
        "072", "02200", "02201", "02202", "02203", "02204", "02205",
    }  # fmt: skip
    n1 = indicators_of(district, "02201")
    assert ratios(n1)["communes_with_cooperatives"] == (1, 1)
    assert ratios(n1)["communes_selling_online"] == (1, 1)
    # A commune has no district of its own to count.
    assert ratios(n1)["districts_with_pilots"] == (0, 0)
    assert n1["districts_with_pilots"]["status"] == "not_applicable"
    town = indicators_of(district, "02200")
    assert ratios(town)["communes_with_cooperatives"] == (0, 0), "a town is not a commune of the plan"
    assert activity_of(district, "02200")["gmv_vnd"] == 50000

    commune = fetch(client, unit="02201").json()
    assert commune["unit"]["level"] == "commune"
    assert ratios(indicators_of(commune, "02201"))["communes_with_cooperatives"] == (1, 1)
    assert activity_of(commune, "02201")["orders"] == 2


def test_other_periods(client, world):
    quarter = fetch(client, period="2025-Q1").json()
    assert quarter["period"]["slug"] == "2025-Q1"
    assert activity_of(quarter, "08")["orders"] == 1
    assert activity_of(quarter, "08")["gmv_vnd"] == 200000

    custom = client.get(INDICATORS, {"from": "2025-05-01", "to": "2025-08-31"}).json()
    assert custom["period"]["kind"] == "custom"
    assert (custom["period"]["start"], custom["period"]["end"]) == ("2025-05-01", "2025-08-31")
    assert activity_of(custom, "08")["orders"] == 2

    quiet = fetch(client, period="2016").json()
    assert activity_of(quiet, "08")["orders"] == 0
    assert activity_of(quiet, "08")["average_order_value_vnd"] == 0
    assert ratios(indicators_of(quiet, "08"))["communes_with_cooperatives"] == (0, 10)

    this_year = client.get(INDICATORS).json()
    assert this_year["period"]["kind"] == "year"
    assert this_year["period"]["start"].endswith("-01-01")


def test_the_csv_holds_the_same_figures(client, world):
    response = fetch(client, INDICATORS_CSV, children="1")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "max-age=900" in response["Cache-Control"]
    assert 'filename="open-data-08-2025.csv"' in response["Content-Disposition"]
    table = csv_table(response)
    by_key = {(row["unit_code"], row["indicator"]): row for row in table}

    province = by_key[("08", "communes_with_cooperatives")]
    assert (province["numerator"], province["denominator"], province["percent"]) == ("2", "10", "20.0")
    assert (province["target_percent"], province["target_deadline"], province["status"]) == (
        "70.0", "2025-12-31", "behind",
    )  # fmt: skip
    assert province["orders"] == province["gmv_vnd"] == ""
    activity = by_key[("08", "ecommerce_activity")]
    assert activity["numerator"] == activity["orders"] == "3"
    assert (activity["denominator"], activity["percent"], activity["target_percent"]) == ("", "", "")
    assert activity["status"] == "no_target"
    assert [activity[column] for column in CSV_COLUMNS[-6:]] == ["3", "3", "400000", "133333", "2", "1"]
    assert by_key[("072", "ecommerce_activity")]["gmv_vnd"] == "350000"
    assert by_key[("071", "communes_with_cooperatives")]["percent"] == ""
    assert by_key[("071", "communes_with_cooperatives")]["status"] == "not_applicable"

    # Every figure of the JSON, cell for cell.
    document = fetch(client, children="1").json()
    assert len(table) == len(document["indicators"]) + len(document["activity"])
    for row in document["indicators"]:
        cells = by_key[(row["unit_code"], row["indicator"])]
        for column, value in row.items():
            assert cells[column] == ("" if value is None else str(value)), (row["unit_code"], column)
    for row in document["activity"]:
        cells = by_key[(row["unit_code"], "ecommerce_activity")]
        for column, value in row.items():
            assert cells[column] == str(value), (row["unit_code"], column)


def test_no_personal_data_leaves(client, world):
    bodies = [
        fetch(client, children="1").content.decode(),
        fetch(client, INDICATORS_CSV, children="1").content.decode(),
        fetch(client, unit="072", children="1").content.decode(),
        fetch(client, INDICATORS_CSV, unit="072", children="1").content.decode(),
        fetch(client, unit="02201").content.decode(),
    ]
    secrets = ["lan@example.vn", "minh@example.vn", "khach@example.vn", "moi@htx.example", "@"]
    secrets += [order.number for order in world.orders.values()]
    secrets += [cooperative.legal_name for cooperative in world.cooperatives.values()]
    secrets += ["HTX", "Lê Văn C", "Nguyễn", "912345678", "Thôn", "TEA-250110"]
    secrets += [product.title for product in world.products.values()]
    secrets += [model.enterprise_name for model in world.linkage_models.values()]
    for body in bodies:
        assert "Na Hang" in body  # the bodies are read as text, Vietnamese included
        for secret in secrets:
            assert secret not in body


# --- The OpenAPI document -----------------------------------------------------------


def schema_errors(value, schema, schemas, path="$") -> list[str]:
    """What in ``value`` breaks ``schema`` (the OpenAPI 3.0 subset the
    document uses: $ref, type, nullable, required, additionalProperties,
    enum, format, minimum, maximum, items)."""
    if "$ref" in schema:
        return schema_errors(value, schemas[schema["$ref"].rsplit("/", 1)[-1]], schemas, path)
    if value is None:
        return [] if schema.get("nullable") else [f"{path}: null"]
    kind = schema.get("type")
    type_ok = {
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        None: True,
    }[kind]
    if not type_ok:
        return [f"{path}: {value!r} is not {kind}"]
    errors = []
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{path}: {value!r} < {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        errors.append(f"{path}: {value!r} > {schema['maximum']}")
    parse = {
        "date": datetime.date.fromisoformat,
        "date-time": datetime.datetime.fromisoformat,
        "uri": lambda text: text.startswith(("http://", "https://")) or 1 / 0,
    }.get(schema.get("format"))
    if parse is not None:
        try:
            parse(value)
        except (ValueError, ZeroDivisionError):
            errors.append(f"{path}: {value!r} is not a {schema['format']}")
    if kind == "object":
        properties = schema.get("properties", {})
        errors += [f"{path}: {name} missing" for name in schema.get("required", []) if name not in value]
        if schema.get("additionalProperties") is False:
            errors += [f"{path}: {name} not in the schema" for name in value if name not in properties]
        for name, item in value.items():
            if name in properties:
                errors += schema_errors(item, properties[name], schemas, f"{path}.{name}")
    if kind == "array":
        for index, item in enumerate(value):
            errors += schema_errors(item, schema["items"], schemas, f"{path}[{index}]")
    return errors


def test_openapi_describes_the_endpoints(client, world):
    response = fetch(client, OPENAPI)
    assert response["Access-Control-Allow-Origin"] == "*"
    spec = response.json()
    assert spec["openapi"] == "3.0.3"
    assert spec["servers"] == [{"url": "http://testserver/api/open-data"}]
    assert set(spec["paths"]) == {"/indicators", "/indicators.csv"}
    for path in spec["paths"].values():
        operation = path["get"]
        assert {p["name"] for p in operation["parameters"]} == {"unit", "period", "from", "to", "children"}
        assert {"200", "400", "404", "405"} <= set(operation["responses"])
        assert operation["responses"]["404"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
    csv_description = spec["paths"]["/indicators.csv"]["get"]["description"]
    assert all(column in csv_description for column in CSV_COLUMNS)
    schemas = spec["components"]["schemas"]
    assert schemas["IndicatorRow"]["properties"]["indicator"]["enum"] == RATIO_CODES
    assert schemas["IndicatorRow"]["properties"]["status"]["enum"] == [
        "met", "on_track", "behind", "no_target", "not_applicable",
    ]  # fmt: skip
    assert "percent" in schemas["IndicatorRow"]["required"]


def test_every_document_follows_the_openapi_schema(client, world):
    spec = fetch(client, OPENAPI).json()
    schemas = spec["components"]["schemas"]
    document_schema = {"$ref": "#/components/schemas/IndicatorsDocument"}
    documents = [
        fetch(client, children="1").json(),
        fetch(client, unit="072", children="1").json(),
        fetch(client, unit="02200").json(),
        fetch(client, period="2016", children="1").json(),
        client.get(INDICATORS, {"from": "2025-02-01", "to": "2025-03-31"}).json(),
    ]
    for document in documents:
        assert schema_errors(document, document_schema, schemas) == []
    error = client.get(INDICATORS, {"unit": "99999"}).json()
    assert schema_errors(error, schemas["Error"], schemas) == []

    # The checker finds what a leak or a missing field would be.
    row = dict(documents[0]["indicators"][0])
    assert schema_errors({**row, "email": "lan@example.vn"}, schemas["IndicatorRow"], schemas)
    assert schema_errors({k: v for k, v in row.items() if k != "status"}, schemas["IndicatorRow"], schemas)
    assert schema_errors({**row, "numerator": "2"}, schemas["IndicatorRow"], schemas)
    assert schema_errors({**row, "status": "fine"}, schemas["IndicatorRow"], schemas)
    assert schema_errors({**row, "period_end": "31/12/2025"}, schemas["IndicatorRow"], schemas)


# --- Who may read it, and what it refuses -------------------------------------------


def _user_of(role):
    if role is None:
        return None
    if role == roles.COOPERATIVE_STAFF:
        return cooperative_staff_user()
    return user_with_role(role)


@pytest.mark.parametrize(
    "role",
    [
        None,
        roles.BUYER,
        roles.COOPERATIVE_STAFF,
        roles.TOURISM_OFFICER,
        roles.PROVINCE_OFFICER,
        roles.PLATFORM_ADMIN,
    ],
)
def test_everyone_reads_the_same_open_data(client, world, role):
    user = _user_of(role)
    if user is not None:
        client.force_login(user)
    anonymous = fetch(Client(), children="1").json()
    document = fetch(client, children="1").json()
    assert {**document, "generated_at": None} == {**anonymous, "generated_at": None}
    assert fetch(client, INDICATORS_CSV).status_code == 200
    assert fetch(client, OPENAPI).status_code == 200
    assert fetch(client, DOCS).status_code == 200


HOSTILE = [
    ({"unit": "\x00"}, 400),
    ({"unit": "0\x008"}, 400),
    ({"unit": "1' OR '1'='1"}, 400),
    ({"unit": "9" * 40}, 400),
    ({"unit": "-1"}, 400),
    ({"unit": "99999"}, 404),
    ({"unit": "02"}, 404),  # another province
    ({"unit": "029"}, 404),  # a district of another province
    ({"unit": "00880"}, 404),  # a commune of another province
    ({"period": "2025-13"}, 400),
    ({"period": "9" * 40}, 400),
    ({"period": "\x00"}, 400),
    ({"period": "2025-Q5"}, 400),
    ({"period": "1900"}, 400),
    ({"period": "2025'; DROP TABLE reports_target; --"}, 400),
    ({"from": "2025-05-01", "to": "2025-01-01"}, 400),
    ({"from": "2015-01-01", "to": "2025-12-31"}, 400),  # longer than five years
    ({"from": "garbage"}, 400),
    ({"to": "2025-02-30"}, 400),
    ({"children": "yes"}, 400),
    ({"children": "\x00"}, 400),
]


@pytest.mark.parametrize("url", [INDICATORS, INDICATORS_CSV])
@pytest.mark.parametrize("params,status", HOSTILE)
def test_bad_requests_get_a_json_error(client, world, url, params, status):
    other_province_tree()
    response = client.get(url, params)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    message = response.json()["error"]
    assert isinstance(message, str) and len(message) > 10


def test_the_error_says_what_is_wrong(client, world):
    english = {"accept-language": "en"}
    assert client.get(INDICATORS, {"period": "2025-13"}, headers=english).json() == {
        "error": "There is no month 13."
    }
    assert "99999" in client.get(INDICATORS, {"unit": "99999"}, headers=english).json()["error"]
    assert "not a unit code" in client.get(INDICATORS, {"unit": "abc"}, headers=english).json()["error"]


def test_without_the_province_loaded_the_data_is_not_found(client, db):
    response = client.get(INDICATORS)
    assert response.status_code == 404
    assert response.json()["error"]
    assert client.get(DOCS).status_code == 200


@pytest.mark.parametrize("url", [INDICATORS, INDICATORS_CSV, OPENAPI])
def test_only_get_and_head_are_answered(world, url):
    client = Client(enforce_csrf_checks=True)
    for method in ("post", "put", "patch", "delete", "options"):
        response = getattr(client, method)(url)
        assert response.status_code == 405, method
        assert response["Allow"] == "GET, HEAD"
        assert response.json()["error"]
    head = client.head(url, {"period": "2025"})
    assert head.status_code == 200
    assert head.content == b""


# --- The page that explains it -----------------------------------------------------


def test_the_docs_page_explains_the_data_in_vietnamese_by_default(client, world):
    response = client.get(DOCS)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert "Chuyển đến nội dung" in page  # the site's own frame, in Vietnamese
    assert 'href="http://testserver/api/open-data/openapi.json"' in page
    assert "http://testserver/api/open-data/indicators?unit=072&amp;period=2025&amp;children=1" in page
    assert "http://testserver/api/open-data/indicators.csv?period=2025&amp;children=1" in page
    for code in [*RATIO_CODES, "ecommerce_activity", "not_applicable", "on_track"]:
        assert f"<code>{code}</code>" in page
    for field in ["gmv_vnd", "average_order_value_vnd", "target_deadline", "schema_version", "as_of"]:
        assert f"<code>{field}</code>" in page
    # The page's header shows who is logged in: no shared cache may keep it.
    assert "public" not in response.get("Cache-Control", "")


def test_the_docs_page_follows_the_visitors_language(client, world):
    english = client.get(DOCS, headers={"accept-language": "en"})
    assert '<html lang="en">' in english.content.decode()
    assert "<h1>Open data: the province" in english.content.decode()

    # The page's own language choice sticks (the URL has no language prefix).
    response = client.post("/i18n/setlang/", {"language": "en", "next": DOCS})
    assert response.status_code == 302 and response["Location"] == DOCS
    assert '<html lang="en">' in client.get(DOCS).content.decode()
    # The data itself does not change with the language.
    assert fetch(client).json()["unit"]["name"] == "Tỉnh Tuyên Quang"
