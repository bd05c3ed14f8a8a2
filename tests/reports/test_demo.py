"""The demo's reports: every indicator of Tuyên Quang from the demo data,
and the exports a province officer downloads open."""

import io
import re
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from openpyxl import load_workbook

from marketplace.order import demo as orders_demo
from reports.models import Indicator, IndicatorSnapshot
from reports.selectors import RATIO_INDICATORS, province_unit

from .conftest import poppler

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(monkeypatch):
    # A short year of orders keeps it quick; the full one is tested in
    # tests/marketplace/order/test_demo.py.
    monkeypatch.setattr(orders_demo, "ORDER_COUNT", 40)
    call_command("load_demo", verbosity=0)


@pytest.fixture
def officer(client):
    client.force_login(get_user_model().objects.get(username="sotinh"))
    return client


def test_the_demo_shows_every_indicator_of_tuyen_quang_with_its_numbers(demo, officer):
    response = officer.get("/reports/")

    assert response.status_code == 200
    report = response.context["report"]
    assert report.unit.name == "Tỉnh Tuyên Quang"
    results = {result.code: result for result in report.indicators}
    assert set(results) == set(RATIO_INDICATORS)
    # 121 communes (xã) in force today, seven districts.
    assert results[Indicator.COMMUNES_WITH_COOPERATIVES].denominator == 121
    assert results[Indicator.DISTRICTS_WITH_LINKAGE_MODELS].denominator == 7
    # Demo data behind each: cooperatives in every district, linkage
    # models, two pilots, destinations visited and shared.
    for code in RATIO_INDICATORS:
        assert results[code].numerator > 0, code
    assert results[Indicator.DISTRICTS_WITH_PILOTS].numerator == 2
    content = response.content.decode()
    for code in RATIO_INDICATORS:
        result = results[code]
        assert f"{result.numerator}/{result.denominator}" in content
    assert report.activity.orders > 0 and report.activity.gmv > 0
    assert [row.unit.level for row in report.rows] == ["district"] * 7


def test_the_demo_stores_a_snapshot_of_each_closed_month(demo):
    province = province_unit()
    months = IndicatorSnapshot.objects.filter(unit=province, indicator=Indicator.ECOMMERCE_ACTIVITY)
    assert months.count() >= 11
    assert sum(snapshot.figures["orders"] for snapshot in months) > 0


def test_the_demo_s_xlsx_and_pdf_open(demo, officer, tmp_path):
    province = province_unit()
    response = officer.get(f"/reports/units/{province.pk}/export/units.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Huyện Na Hang" in names and len(names) == 7

    response = officer.get(f"/reports/units/{province.pk}/report.pdf")
    assert response.status_code == 200
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    subprocess.run(
        [poppler("pdftoppm"), "-r", "30", "-png", str(path), str(tmp_path / "page")], check=True, timeout=120
    )
    assert sorted(tmp_path.glob("page*.png"))
    text = subprocess.run(
        [poppler("pdftotext"), str(path), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode()
    assert "Tỉnh Tuyên Quang" in text
    assert re.search(r"\d+/121", text)
