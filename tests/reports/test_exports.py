"""The report's downloads: every table as CSV and XLSX and a unit's report
as a PDF, checked against the known figures of the ``world`` fixture for
2025 (see conftest.py)."""

import csv
import datetime
import io
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from PIL import Image

from cooperatives.models import AdministrativeUnit, LinkageModel
from marketplace import roles
from reports import selectors
from reports.exports import COOPERATIVE_TABLES, TABLES
from reports.pdf import MARGIN, PAGE_HEIGHT, PAGE_WIDTH
from reports.selectors import status_label
from tests.factories import approved_cooperative, cooperative_staff_user, other_province_tree, user_with_role

from .conftest import poppler

YEAR = {"period": "2025"}


@pytest.fixture
def officer_client(client, world):
    client.force_login(user_with_role(roles.PROVINCE_OFFICER))
    return client


def unit_export(unit, table, file_format="csv"):
    return reverse("reports:unit-export", kwargs={"pk": unit.pk, "table": table, "file_format": file_format})


def cooperative_export(cooperative, table, file_format="csv"):
    return reverse(
        "reports:cooperative-export",
        kwargs={"pk": cooperative.pk, "table": table, "file_format": file_format},
    )


def unit_pdf(unit):
    return reverse("reports:unit-pdf", kwargs={"pk": unit.pk})


def _text(cell) -> str:
    """A cell as text, alike in both formats: a spreadsheet stores 20.0 as
    the number 20, so a whole percent reads "20" from either."""
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime):
        return cell.date().isoformat()
    text = str(cell)
    return text.removesuffix(".0") if re.fullmatch(r"\d+\.0", text) else text


def download(client, url, file_format, params=YEAR) -> list[list]:
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    if file_format == "csv":
        assert response["Content-Type"].startswith("text/csv")
        content = response.content.decode("utf-8")
        assert content.startswith("\ufeff")
        return list(csv.reader(io.StringIO(content[1:])))
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == 1
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def row_of(rows, first, *, column=0) -> list[str]:
    """The data row whose ``column`` reads ``first``, as text."""
    found = [[_text(cell) for cell in row] for row in rows[1:] if _text(row[column]) == first]
    assert len(found) == 1, f"{first!r} not once in {rows}"
    return found[0]


FORMATS = pytest.mark.parametrize("file_format", ["csv", "xlsx"])


# --- Each table's figures ---------------------------------------------------------


@FORMATS
def test_the_indicators_table_holds_each_indicator_against_its_target(officer_client, world, file_format):
    rows = download(
        officer_client, unit_export(world.units["province"], "indicators", file_format), file_format
    )
    assert len(rows) == 1 + 6
    communes = row_of(rows, "communes_with_cooperatives")
    assert communes[2:8] == ["2", "10", "20", "70", "2025-12-31", status_label(selectors.BEHIND)]
    assert "215/KH-UBND" in communes[8]
    digital = row_of(rows, "digital_linkage_models")
    assert digital[2:5] == ["1", "2", "50"]
    assert digital[7] == status_label(selectors.MET)
    assert row_of(rows, "districts_with_linkage_models")[2:4] == ["1", "3"]
    assert row_of(rows, "districts_with_pilots")[2:4] == ["1", "3"]


@FORMATS
def test_the_units_table_holds_the_districts_figures(officer_client, world, file_format):
    rows = download(officer_client, unit_export(world.units["province"], "units", file_format), file_format)
    assert len(rows[0]) == 18
    na_hang = row_of(rows, "072")
    assert na_hang[1] == "Huyện Na Hang"
    # communes, with cooperatives, selling online, cooperatives, online
    assert na_hang[3:8] == ["5", "2", "1", "3", "2"]
    # orders, buyers, GMV, average order value, % online, % cash
    assert na_hang[12:18] == ["3", "3", "350000", "116667", "66.7", "33.3"]
    ham_yen = row_of(rows, "074")
    assert ham_yen[12:15] == ["1", "1", "50000"]
    lam_binh = row_of(rows, "071")
    assert lam_binh[3] == "0" and lam_binh[12] == "0"
    # No order, so no share: an empty cell rather than a made-up 0 %.
    assert lam_binh[16:18] == ["", ""]


@FORMATS
def test_the_cooperatives_table(officer_client, world, file_format):
    rows = download(
        officer_client, unit_export(world.units["province"], "cooperatives", file_format), file_format
    )
    tea = row_of(rows, "HTX Chè Na Hang")
    assert tea[1] == "Xã Na Hang 1"
    assert tea[5:7] == ["2", "300000"]
    # Never approved and never sold: not a cooperative of the report.
    assert all(_text(row[0]) != "HTX Mới" for row in rows)


@FORMATS
def test_the_linkage_models_table(officer_client, world, file_format):
    rows = download(
        officer_client, unit_export(world.units["province"], "linkage-models", file_format), file_format
    )
    # The expired model of H1 is not in force in 2025.
    assert sorted(_text(row[0]) for row in rows[1:]) == ["Chè búp tươi", "Mật ong"]
    yes, no = gettext("yes"), gettext("no")
    tea = row_of(rows, "Chè búp tươi")
    assert tea[1:4] == ["Công ty Nông sản", "Huyện Na Hang", yes]
    # Digital, measured: sold online (its lot counts only from the day it
    # was recorded, which the fixture does not back-date).
    assert tea[5:7] == [yes, yes]
    honey = row_of(rows, "Mật ong")
    assert honey[6] == no
    assert honey[7] == str(LinkageModel.DigitalTool.FARM_DIARY.label)


@FORMATS
def test_the_pilots_table(officer_client, world, file_format):
    rows = download(officer_client, unit_export(world.units["province"], "pilots", file_format), file_format)
    # The stopped pilot of H3 is not one that ran.
    assert len(rows) == 2
    pilot = row_of(rows, "Xã Na Hang 1")
    assert pilot[1] == "Huyện Na Hang"
    assert pilot[4] == "2024-09-01"
    assert pilot[8:11] == ["2", "2", "300000"]


@FORMATS
def test_the_trend_table_has_every_month(officer_client, world, file_format):
    rows = download(officer_client, unit_export(world.units["province"], "trend", file_format), file_format)
    assert [_text(row[0]) for row in rows[1:]] == [f"2025-{month:02}" for month in range(1, 13)]
    assert row_of(rows, "2025-03")[1:3] == ["1", "200000"]
    assert row_of(rows, "2025-05")[1:3] == ["1", "150000"]
    assert row_of(rows, "2025-04")[1:3] == ["0", "0"]


@FORMATS
def test_the_products_table(officer_client, world, file_format):
    rows = download(
        officer_client, unit_export(world.units["province"], "products", file_format), file_format
    )
    tea = row_of(rows, "Chè Shan tuyết")
    assert tea[2:5] == ["3", "2", "300000"]
    # Cancelled (O3) and refunded in full (O5) parts are not sales.
    assert row_of(rows, "Cam sành")[2:5] == ["1", "1", "50000"]


@FORMATS
def test_a_districts_tables_hold_its_own_communes(officer_client, world, file_format):
    url = unit_export(world.units["ham_yen"], "products", file_format)
    rows = download(officer_client, url, file_format)
    assert [_text(row[0]) for row in rows[1:]] == ["Cam sành"]
    rows = download(officer_client, unit_export(world.units["ham_yen"], "units", file_format), file_format)
    assert len(rows) == 1 + 5
    assert row_of(rows, "02301")[12:15] == ["1", "1", "50000"]


@FORMATS
def test_a_cooperatives_trend_and_products(officer_client, world, file_format):
    tea = world.cooperatives["tea"]
    rows = download(officer_client, cooperative_export(tea, "trend", file_format), file_format)
    assert row_of(rows, "2025-03")[1:3] == ["1", "200000"]
    assert row_of(rows, "2025-05")[1:3] == ["1", "100000"]
    rows = download(officer_client, cooperative_export(tea, "products", file_format), file_format)
    assert len(rows) == 2
    assert row_of(rows, "Chè Shan tuyết")[2:5] == ["3", "2", "300000"]


def test_xlsx_keeps_numbers_and_dates_typed_with_a_bold_header(officer_client, world):
    response = officer_client.get(unit_export(world.units["province"], "indicators", "xlsx"), YEAR)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert all(cell.font.b for cell in sheet[1])
    row = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "communes_with_cooperatives")
    assert (row[2].value, row[3].value, row[4].value) == (2, 10, 20.0)
    assert row[6].value.date() == datetime.date(2025, 12, 31)
    assert row[6].number_format == "yyyy-mm-dd"
    # Wide enough for the indicator's title, not as wide as the source document.
    assert sheet.column_dimensions["B"].width >= len(str(row[1].value))
    assert sheet.column_dimensions["I"].width <= 60


def test_file_names_are_ascii_and_name_the_unit_and_period(officer_client, world):
    response = officer_client.get(unit_export(world.units["province"], "indicators", "csv"), YEAR)
    assert response["Content-Disposition"] == 'attachment; filename="chi-tieu-08-2025.csv"'
    response = officer_client.get(unit_export(world.units["na_hang"], "units", "xlsx"), {"period": "2025-Q1"})
    assert response["Content-Disposition"] == 'attachment; filename="don-vi-072-2025-Q1.xlsx"'
    tea = world.cooperatives["tea"]
    response = officer_client.get(
        cooperative_export(tea, "products", "csv"), {"from": "2025-01-01", "to": "2025-03-15"}
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="san-pham-htx-{tea.pk}-2025-01-01-2025-03-15.csv"'
    )
    response = officer_client.get(unit_pdf(world.units["province"]), YEAR)
    assert response["Content-Disposition"] == 'inline; filename="bao-cao-08-2025.pdf"'


# --- Hostile text in the data ------------------------------------------------------


def test_a_name_that_looks_like_a_formula_stays_text(officer_client, world):
    tea = world.cooperatives["tea"]
    tea.legal_name = '=HYPERLINK("http://evil.example","Bấm")'
    tea.save()
    url = unit_export(world.units["province"], "cooperatives", "csv")
    rows = download(officer_client, url, "csv")
    assert '\'=HYPERLINK("http://evil.example","Bấm")' in [row[0] for row in rows]
    url = unit_export(world.units["province"], "cooperatives", "xlsx")
    sheet = load_workbook(io.BytesIO(officer_client.get(url, YEAR).content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2)]
    evil = next(cell for cell in names if "HYPERLINK" in str(cell.value))
    assert evil.data_type == "s" and evil.value.startswith("'=")


def test_control_characters_in_a_name_do_not_break_the_workbook(officer_client, world):
    tea = world.cooperatives["tea"]
    tea.legal_name = "HTX\x07 Chè\x1b Na Hang"
    tea.save()
    rows = download(officer_client, unit_export(world.units["province"], "cooperatives", "xlsx"), "xlsx")
    assert [row[0] for row in rows if "Chè" in str(row[0])] == ["HTX Chè Na Hang"]


# --- The PDF ---------------------------------------------------------------------


def _pdf(client, unit, params=YEAR) -> bytes:
    response = client.get(unit_pdf(unit), params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return response.content


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    run = subprocess.run(
        [poppler("pdftotext"), "-layout", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    return run.stdout.decode("utf-8").replace("\u00a0", " ")


def _money_in(amount: str, text: str) -> bool:
    """Whether "400.000 ₫" is in the text; pdftotext keeps or drops the
    no-break space before "₫" depending on the layout."""
    return re.search(re.escape(amount) + r"\s?₫", text) is not None


def _pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(pdf)
    run = subprocess.run([poppler("pdfinfo"), str(path)], capture_output=True, check=True, timeout=60)
    return int(re.search(rb"^Pages:\s+(\d+)", run.stdout, re.MULTILINE)[1])


def test_the_pdf_renders_as_a4_pages(officer_client, world, tmp_path):
    pdf = _pdf(officer_client, world.units["province"])
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    dpi = 50
    subprocess.run(
        [poppler("pdftoppm"), "-r", str(dpi), "-png", str(path), str(tmp_path / "page")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == _pages(pdf, tmp_path) >= 1
    for page in pages:
        with Image.open(page) as image:
            width, height = image.size
            assert abs(width - PAGE_WIDTH * dpi / 72) <= 1 and abs(height - PAGE_HEIGHT * dpi / 72) <= 1
            # Something is drawn on it, not a blank page.
            assert image.convert("L").getextrema()[0] < 100


def test_the_pdf_holds_the_province_and_its_figures(officer_client, world, tmp_path):
    text = _pdf_text(_pdf(officer_client, world.units["province"]), tmp_path)
    assert "Tỉnh Tuyên Quang" in text
    for figure in ["2/10", "1/3", "1/2", "20,0%", "50,0%", "Huyện Na Hang"]:
        assert figure in text, figure
    assert _money_in("400.000", text) and _money_in("133.333", text)
    assert _money_in("350.000", text)  # Na Hang's GMV in the table of districts
    assert "Xã Na Hang 1" in text  # the pilot commune
    assert "215/KH-UBND" in text  # the source of the targets
    assert "01/01/2025" in text and "31/12/2025" in text
    assert str(status_label(selectors.MET)) in text


def test_the_pdf_follows_the_page_language(officer_client, world, tmp_path):
    with translation.override("en"):
        url = unit_pdf(world.units["province"])
    assert url.startswith("/en/")
    response = officer_client.get(url, YEAR)
    text = _pdf_text(response.content, tmp_path)
    assert "E-commerce activity" in text
    assert "20.0%" in text and _money_in("400.000", text)


def test_the_pdf_of_a_quiet_period_and_of_a_commune(officer_client, world, tmp_path):
    text = _pdf_text(_pdf(officer_client, world.units["province"], {"period": "2023"}), tmp_path)
    assert "Tỉnh Tuyên Quang" in text and "0/10" in text and _money_in("0", text)
    text = _pdf_text(_pdf(officer_client, world.units["N1"]), tmp_path)
    assert "Xã Na Hang 1" in text and _money_in("300.000", text)
    # Five years of months on one chart.
    _pdf(officer_client, world.units["province"], {"from": "2021-01-01", "to": "2025-12-31"})


def test_long_tables_run_over_pages_and_stay_inside_them(officer_client, world, tmp_path):
    lam_binh = world.units["lam_binh"]
    long_name = "Xã " + " ".join(["Thượng Lâm Khuôn Hà Bình An Phúc Yên"] * 3)  # within 128 characters
    for index in range(70):
        AdministrativeUnit.objects.create(
            edition=lam_binh.edition, code=f"0250{index:02}", name=f"{long_name} {index}",
            short_name=f"LB {index}", unit_type="Xã", level="commune", parent=lam_binh,
        )  # fmt: skip
    commune = AdministrativeUnit.objects.get(code="025069")
    approved_cooperative(legal_name="HTX " + "Rất Dài " * 24, commune=commune)
    pdf = _pdf(officer_client, lam_binh)
    assert _pages(pdf, tmp_path) >= 2
    text = _pdf_text(pdf, tmp_path)
    assert " 69" in text  # the last commune made it onto a page
    assert re.search(r"\b2\s*/\s*\d|(?:Trang|Page) 2", text)

    path = tmp_path / "bbox.pdf"
    path.write_bytes(pdf)
    run = subprocess.run(
        [poppler("pdftotext"), "-bbox", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    boxes = re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', run.stdout.decode()
    )
    assert boxes
    slack = 2  # points: glyph boxes reach a little past the advance width
    for x_min, y_min, x_max, y_max in ((float(v) for v in box) for box in boxes):
        assert MARGIN - slack <= x_min and x_max <= PAGE_WIDTH - MARGIN + slack
        assert y_min > 0 and y_max <= PAGE_HEIGHT


# --- Hostile requests -----------------------------------------------------------


@pytest.mark.parametrize(
    "table, file_format", [("bogus", "csv"), ("indicators", "pdf"), ("indicators", "CSV"), ("units", "xlsx2")]
)
def test_unknown_tables_and_formats_are_not_found(officer_client, world, table, file_format):
    assert officer_client.get(unit_export(world.units["province"], table, file_format)).status_code == 404
    tea = world.cooperatives["tea"]
    assert officer_client.get(cooperative_export(tea, table, file_format)).status_code == 404


def test_a_cooperative_has_only_its_own_tables(officer_client, world):
    tea = world.cooperatives["tea"]
    for table in set(TABLES) - set(COOPERATIVE_TABLES):
        assert officer_client.get(cooperative_export(tea, table)).status_code == 404


def test_units_and_cooperatives_outside_the_province_are_not_found(officer_client, world):
    elsewhere = other_province_tree()
    stranger = approved_cooperative(legal_name="HTX Bắc Mê", commune=elsewhere["commune"])
    for unit in [*elsewhere.values()]:
        assert officer_client.get(unit_export(unit, "indicators"), YEAR).status_code == 404
        assert officer_client.get(unit_pdf(unit), YEAR).status_code == 404
    assert officer_client.get(cooperative_export(stranger, "trend"), YEAR).status_code == 404
    for pk in [987654, 10**30]:
        url = f"/reports/units/{pk}/export/indicators.csv"
        assert officer_client.get(url).status_code == 404
        assert officer_client.get(f"/reports/units/{pk}/report.pdf").status_code == 404
        assert officer_client.get(f"/reports/cooperatives/{pk}/export/trend.xlsx").status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"period": "\x00"},
        {"period": "2025-13"},
        {"period": "9" * 40},
        {"period": "2025' OR 1=1 --"},
        {"from": "9" * 40},
        {"from": "2025-03-01", "to": "2025-01-01"},
        {"from": "<script>alert(1)</script>"},
    ],
)
def test_a_bad_period_is_refused_with_a_message(officer_client, world, params):
    tea = world.cooperatives["tea"]
    for url in [
        unit_export(world.units["province"], "indicators", "csv"),
        unit_export(world.units["province"], "trend", "xlsx"),
        cooperative_export(tea, "products", "xlsx"),
        unit_pdf(world.units["province"]),
    ]:
        response = officer_client.get(url, params)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/plain")
        assert response.content.strip()


# --- Who may download ------------------------------------------------------------


def every_export_url(world) -> list[str]:
    province, tea = world.units["province"], world.cooperatives["tea"]
    urls = [unit_export(province, table, fmt) for table in TABLES for fmt in ("csv", "xlsx")]
    urls += [cooperative_export(tea, table, fmt) for table in COOPERATIVE_TABLES for fmt in ("csv", "xlsx")]
    return [*urls, unit_pdf(province)]


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    for url in every_export_url(world):
        response = client.get(url, YEAR)
        assert response.status_code == 302 and "login" in response["Location"], url


@pytest.mark.parametrize("role", [roles.BUYER, "cooperative staff", roles.TOURISM_OFFICER])
def test_other_roles_are_refused(client, world, role):
    if role == "cooperative staff":
        # Staff of a cooperative in the report: still not theirs to see.
        user = cooperative_staff_user(partner=world.cooperatives["tea"].partner)
    else:
        user = user_with_role(role)
    client.force_login(user)
    for url in every_export_url(world):
        assert client.get(url, YEAR).status_code == 403, url


@pytest.mark.parametrize("role", [roles.PROVINCE_OFFICER, roles.PLATFORM_ADMIN])
def test_province_officers_and_platform_admins_download_everything(client, world, role):
    client.force_login(user_with_role(role))
    for url in every_export_url(world):
        response = client.get(url, YEAR)
        assert response.status_code == 200, url
        assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_a_district_reader_downloads_only_their_districts_tables(client, world):
    from reports.models import DistrictReportViewer

    reader = user_with_role(roles.BUYER)
    DistrictReportViewer.objects.create(user=reader, district=world.units["na_hang"])
    client.force_login(reader)
    theirs = [
        unit_export(world.units["na_hang"], "units", "xlsx"),
        unit_export(world.units["N1"], "trend", "csv"),
        unit_pdf(world.units["na_hang"]),
        cooperative_export(world.cooperatives["tea"], "products", "csv"),
    ]
    for url in theirs:
        assert client.get(url, YEAR).status_code == 200, url
    others = [
        unit_export(world.units["province"], "indicators", "csv"),
        unit_export(world.units["ham_yen"], "units", "xlsx"),
        unit_pdf(world.units["province"]),
        cooperative_export(world.cooperatives["orange"], "trend", "csv"),
    ]
    for url in others:
        assert client.get(url, YEAR).status_code == 403, url
