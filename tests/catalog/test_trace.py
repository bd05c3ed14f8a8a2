import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from oscar.test.factories import create_product, create_product_image, create_stockrecord
from PIL import Image

from catalog import selectors, services
from catalog.models import Lot, Product, TraceEvent
from cooperatives.models import Certification, RawMaterialArea
from tests.factories import administrative_tree, approved_cooperative

pytestmark = pytest.mark.django_db

GTIN_13 = "8934567890120"
NOT_FOUND = "catalog/trace/not_found.html"


def today():
    return timezone.localdate()


def days(number):
    return datetime.timedelta(days=number)


@pytest.fixture
def units():
    return administrative_tree()


@pytest.fixture
def cooperative(units):
    return approved_cooperative(
        legal_name="Hợp tác xã Sơn Trà",
        commune=units["02254"],
        registration_number="5201-000123",
        address="Thôn Hồng Ba",
    )


@pytest.fixture
def area(cooperative, units):
    area = RawMaterialArea.objects.create(
        cooperative=cooperative,
        name="Vùng chè Hồng Ba",
        commune=units["02254"],
        area_hectares=Decimal("12.50"),
        latitude=Decimal("22.43"),
        longitude=Decimal("105.30"),
        main_crop="Chè Shan tuyết",
    )
    certify(area, "VG-2025-01", today() - days(100), today() + days(200))
    certify(area, "VG-2020-99", today() - days(900), today() - days(1))
    return area


def certify(area, number, valid_from, valid_until, scheme="vietgap"):
    return Certification.objects.create(
        raw_material_area=area, scheme=scheme, certificate_number=number, issuer="Sở Nông nghiệp",
        valid_from=valid_from, valid_until=valid_until,
    )  # fmt: skip


@pytest.fixture
def product(cooperative):
    product = create_product(title="Chè Shan tuyết Hồng Thái")
    create_stockrecord(product, price=Decimal(150000), num_in_stock=0, partner_name=cooperative.partner.name)
    Product.objects.filter(pk=product.pk).update(
        gtin=GTIN_13, ocop_rating=4, ocop_certificate_number="OCOP-TQ-17", ocop_year=2024,
        storage_instructions="Nơi khô ráo", shelf_life_days=365, net_weight_grams=500,
        applied_standards="TCVN 3218:2012",
    )  # fmt: skip
    product.refresh_from_db()
    return product


def append(lot, kind, when, note="", **fields):
    return services.trace_event_append(
        lot=lot, kind=kind, occurred_at=when, place="Thôn Hồng Ba", actor="Tổ sản xuất số 1", note=note,
        **fields,
    )  # fmt: skip


@pytest.fixture
def lot(product, cooperative, area):
    the_lot = services.lot_create(
        product=product, cooperative=cooperative, produced_on=today() - days(10), quantity=120, unit="kg",
        best_before=today() + days(355), raw_material_area=area,
    )  # fmt: skip
    start = timezone.now() - days(90)
    append(the_lot, "planting", start, "Trồng cây giống")
    append(the_lot, "care", start + days(30), "Bón phân", input_product="Phân hữu cơ vi sinh",
           pre_harvest_interval_days=21)  # fmt: skip
    append(the_lot, "harvest", start + days(80), "Hái một tôm hai lá")
    append(the_lot, "processing", start + days(81), "Sao chè")
    append(the_lot, "packing", start + days(82), "Đóng hộp 500 g")
    return the_lot


def html(response):
    return response.content.decode()


def template_names(response):
    return [template.name for template in response.templates]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_trace_page_shows_the_lot_s_origin(client, lot, prefix):
    response = client.get(f"{prefix}/trace/{lot.code}/")
    assert response.status_code == 200
    page = html(response)
    for text in [
        "Chè Shan tuyết Hồng Thái",
        "Hợp tác xã Sơn Trà",
        "Thôn Hồng Ba",
        "Xã Hồng Thái",
        "Huyện Na Hang",
        "Vùng chè Hồng Ba",
        lot.code,
        GTIN_13,
        "OCOP-TQ-17",
        "Phân hữu cơ vi sinh",
        lot.cooperative.get_absolute_url(),
        'data-chain="verified"',
        "cooperative-map.js",
    ]:
        assert text in page, text
    assert 'data-certification="VG-2025-01"' in page
    assert "VG-2020-99" not in page
    kinds = re.findall(r'data-event-kind="(\w+)"', page)
    assert kinds == ["planting", "care", "harvest", "processing", "packing"]
    assert "data-lot-recalled" not in page


def test_the_english_page_says_the_chain_is_verified(client, lot):
    page = html(client.get(f"/en/trace/{lot.code}/"))
    assert "Verified: 5 events, unchanged since they were recorded." in page


def test_event_times_are_shown_in_vietnam_time(client, lot):
    event = lot.events.get(kind="harvest")
    local = timezone.localtime(event.occurred_at, datetime.timezone(datetime.timedelta(hours=7)))
    assert local.strftime("%d/%m/%Y %H:%M") in html(client.get(f"/trace/{lot.code}/"))


def test_an_expired_ocop_rating_is_not_shown(client, lot, product):
    assert "data-ocop-rating" in html(client.get(f"/trace/{lot.code}/"))
    Product.objects.filter(pk=product.pk).update(ocop_valid_until=today() - days(1))
    assert "data-ocop-rating" not in html(client.get(f"/trace/{lot.code}/"))


def test_the_code_is_normalised(client, lot):
    response = client.get(f"/trace/{lot.code.lower()}/")
    assert response.status_code == 200
    assert selectors.lot_trace(code=f"  {lot.code.lower()} ") == lot


def test_a_row_altered_in_the_database_shows_the_broken_chain(client, lot):
    TraceEvent.objects.filter(lot=lot, sequence=2).update(note="x")
    response = client.get(f"/en/trace/{lot.code}/")
    page = html(response)
    assert response.status_code == 200
    assert 'data-chain="broken"' in page
    assert 'data-broken-at="2"' in page
    assert "event no. 2" in page
    assert 'data-chain="verified"' not in page


def test_a_recalled_lot_is_announced_first(client, lot):
    Lot.objects.filter(pk=lot.pk).update(status=Lot.Status.RECALLED, recall_reason="Dư lượng thuốc vượt mức")
    page = html(client.get(f"/trace/{lot.code}/"))
    assert "data-lot-recalled" in page
    assert "Dư lượng thuốc vượt mức" in page
    assert page.index("data-lot-recalled") < page.index("<h1>")


def test_an_unknown_code_gets_the_friendly_not_found_page(client, lot):
    response = client.get("/trace/KHONG-CO-01/")
    assert response.status_code == 404
    assert NOT_FOUND in template_names(response)
    assert "KHONG-CO-01" in html(response)


@pytest.mark.parametrize(
    "code",
    ["../etc", "%3Cscript%3E", "<script>", "A" * 41, "%00", "abc%20def", "%E2%80%94"],
    ids=["dot-dot", "quoted-markup", "markup", "41-chars", "nul", "space", "dash-lookalike"],
)
def test_malformed_codes_are_not_found_not_errors(client, lot, code):
    response = client.get(f"/trace/{code}/")
    assert response.status_code == 404
    assert NOT_FOUND in template_names(response)
    assert "<script>" not in html(response).split("<main", 1)[1]


def test_epcis_of_an_unknown_code_is_a_json_404(client, lot):
    response = client.get("/trace/KHONG-CO-01/epcis.json")
    assert response.status_code == 404
    assert response.json() == {"error": "not found"}


@pytest.mark.parametrize(
    "path",
    [
        f"/01/{GTIN_13}/10/{{code}}",
        f"/01/0{GTIN_13}/10/{{code}}",
        f"/01/0{GTIN_13}/10/{{code}}/",
        f"/01/{GTIN_13}/10/{{code}}?17=271231",
        f"/01/{GTIN_13}/10/{{code}}/?17=271231",
    ],
    ids=["gtin-13", "gtin-14", "trailing-slash", "query", "slash-and-query"],
)
def test_a_gs1_digital_link_redirects_to_the_trace_page(client, lot, path):
    response = client.get(path.format(code=lot.code))
    assert response.status_code == 302
    assert response["Location"] == f"/trace/{lot.code}/"


def test_a_product_stored_with_a_14_digit_gtin_is_found_by_its_gtin_13(client, lot, product):
    Product.objects.filter(pk=product.pk).update(gtin=f"0{GTIN_13}")
    response = client.get(f"/01/{GTIN_13}/10/{lot.code}")
    assert (response.status_code, response["Location"]) == (302, f"/trace/{lot.code}/")


@pytest.mark.parametrize(
    "path",
    [
        "/01/8934567890121/10/{code}",  # another product's GTIN
        "/01/893456789012X/10/{code}",
        "/01/123/10/{code}",
        f"/01/{GTIN_13}/10/KHONG-CO-01",
        f"/01/{GTIN_13}/10/%3Cscript%3E",
    ],
    ids=["wrong-gtin", "not-digits", "too-short", "unknown-lot", "markup"],
)
def test_a_gs1_digital_link_that_does_not_match_is_not_found(client, lot, path):
    response = client.get(path.format(code=lot.code))
    assert response.status_code == 404
    assert NOT_FOUND in template_names(response)


def test_a_gs1_link_to_a_product_without_gtin_is_not_found(client, lot, product):
    Product.objects.filter(pk=product.pk).update(gtin="")
    assert client.get(f"/01/{GTIN_13}/10/{lot.code}").status_code == 404


def test_epcis_document_lists_every_event(client, lot):
    response = client.get(f"/trace/{lot.code}/epcis.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    document = json.loads(response.content)
    assert "https://ref.gs1.org/standards/epcis/epcis-context.jsonld" in document["@context"]
    assert (document["type"], document["schemaVersion"]) == ("EPCISDocument", "2.0")
    events = document["epcisBody"]["eventList"]
    assert len(events) == lot.events.count() == 5
    assert [event["type"] for event in events] == [
        "ObjectEvent", "ObjectEvent", "ObjectEvent", "TransformationEvent", "ObjectEvent",
    ]  # fmt: skip
    processing = events[3]
    assert processing["inputQuantityList"] and processing["outputQuantityList"]
    assert [event.get("action") for event in events] == ["ADD", "OBSERVE", "ADD", None, "OBSERVE"]
    assert events[0]["ilmd"]["cbvmda:lotNumber"] == lot.code
    assert events[0]["ilmd"]["cbvmda:itemExpirationDate"] == lot.best_before.isoformat()
    for event in events:
        assert event["eventTime"].endswith("+07:00")
        assert event["eventTimeZoneOffset"] == "+07:00"
        assert event["bizStep"]
    lot_uri = f"http://testserver/01/0{GTIN_13}/10/{lot.code}"
    assert events[0]["quantityList"] == [{"epcClass": lot_uri, "quantity": 120, "uom": "KGM"}]
    assert events[0]["bizLocation"] == {"id": f"urn:vn:choque:area:{lot.raw_material_area_id}"}


def test_epcis_of_a_product_without_gtin_names_the_lot_by_its_trace_page(client, lot, product):
    Product.objects.filter(pk=product.pk).update(gtin="")
    document = client.get(f"/en/trace/{lot.code}/epcis.json").json()
    first = document["epcisBody"]["eventList"][0]
    assert first["quantityList"][0]["epcClass"] == f"http://testserver/trace/{lot.code}/"


def png(name):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (31, 107, 58)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_the_product_image_and_event_photos_are_shown(client, lot, product):
    create_product_image(product=product, original=png("che.png"))
    append(lot, "inspection", timezone.now() - days(1), "Lấy mẫu", photo=png("mau.png"))
    page = html(client.get(f"/trace/{lot.code}/"))
    assert 'class="trace-product-image"' in page
    assert re.search(r'class="trace-photo" src="/media/trace/[^"]*mau[^"]*\.png"', page)
    assert services.trace_chain_verify(lot=lot).verified


def test_a_lot_without_events_or_area_still_has_its_page(client, product, cooperative):
    bare = services.lot_create(product=product, cooperative=cooperative, produced_on=today(), quantity=3)
    response = client.get(f"/trace/{bare.code}/")
    assert response.status_code == 200
    assert "data-chain" not in html(response)
    assert client.get(f"/trace/{bare.code}/epcis.json").json()["epcisBody"]["eventList"] == []


def test_the_trace_page_takes_few_queries(client, lot, area, django_assert_max_num_queries):
    for number in range(4):
        certify(area, f"HC-{number}", today() - days(10), today() + days(100), "organic")
        certify(area, f"CU-{number}", today() - days(400), today() - days(10))
    start = timezone.now() - days(5)
    for hours in range(5):
        append(lot, "inspection", start + datetime.timedelta(hours=hours), f"Kiểm tra {hours}")
    assert lot.events.count() == 10
    with django_assert_max_num_queries(15):
        response = client.get(f"/trace/{lot.code}/")
    assert response.status_code == 200
    assert html(response).count("data-event-kind=") == 10
    with django_assert_max_num_queries(15):
        assert client.get(f"/trace/{lot.code}/epcis.json").status_code == 200


def test_the_page_shows_the_location_code_of_the_area_s_commune(client, lot):
    assert re.search(r"data-location-code>\s*02254\s*<", html(client.get(f"/trace/{lot.code}/")))


def test_the_record_exports_as_csv_with_the_minimum_traceability_data(client, lot, product):
    create_product_image(product=product, original=png("che.png"))
    response = client.get(f"/trace/{lot.code.lower()}/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert lot.code in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[:6] == [
        "Mã truy xuất", "Sản phẩm", "Ảnh sản phẩm", "Nhà sản xuất", "Địa chỉ nhà sản xuất", "Công đoạn",
    ]  # fmt: skip
    assert len(rows) == 5
    planting = dict(zip(header, rows[0], strict=True))
    assert planting["Mã truy xuất"] == lot.code
    assert planting["Sản phẩm"] == "Chè Shan tuyết Hồng Thái"
    assert planting["Ảnh sản phẩm"].startswith("http://testserver/media/")
    assert planting["Nhà sản xuất"] == "Hợp tác xã Sơn Trà"
    assert planting["Địa chỉ nhà sản xuất"].startswith("Thôn Hồng Ba, ")
    assert planting["Mã địa điểm"] == "02254"
    assert planting["Thời gian"].endswith("+07:00")
    assert planting["Thời hạn bảo quản (ngày)"] == "365"
    # Only the certification in force, and the OCOP rating.
    assert planting["Tiêu chuẩn áp dụng"] == "VietGAP VG-2025-01; TCVN 3218:2012; OCOP 4★ OCOP-TQ-17"
    stages = [row[header.index("Công đoạn")] for row in rows]
    assert stages[:3] == ["Gieo trồng", "Chăm sóc (bón phân, phun thuốc)", "Thu hoạch"]


def test_export_cells_cannot_run_as_spreadsheet_formulas(client, lot):
    append(lot, "inspection", timezone.now() - days(1), '=HYPERLINK("http://evil.example")')
    text = client.get(f"/trace/{lot.code}/export.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_export_of_an_unknown_code_is_not_found(client, lot):
    assert client.get("/trace/KHONG-CO/export.csv").status_code == 404
