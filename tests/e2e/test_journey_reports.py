"""Journey 4: the province officer opens the province's report, drills down
by its links to a district and one of its communes, shows another period,
and takes the commune's figures away: the cooperatives table as XLSX and
the commune's report as PDF. Both files hold the commune, the period chosen
on the page and the same figures the page shows for it.

The commune is Hồng Thái (Na Hang), home of the demo's Hợp tác xã Sơn Trà.
The demo's orders cover the year up to today, so the figures move with the
date the test runs: they are read from the page, never written here.
"""

import re
import subprocess

import openpyxl
from playwright.sync_api import expect

from tests.e2e.demo_site import PROVINCE_OFFICER

DISTRICT = "Huyện Na Hang"
COMMUNE = "Xã Hồng Thái"
COOPERATIVE = "Hợp tác xã Sơn Trà"


def dong(text: str) -> int:
    """The whole đồng of a shown amount: 1400000 for "1.400.000 ₫"."""
    return int(re.sub(r"\D", "", text))


def activity(page) -> tuple[int, int]:
    """The orders and gross merchandise value the page shows for its unit."""
    orders, gmv = page.locator("#activity-orders"), page.locator("#activity-gmv")
    return dong(orders.inner_text()), dong(gmv.inner_text())


def test_a_province_officer_drills_down_to_a_commune_and_takes_its_report_away(visitor, device, tmp_path):
    officer = visitor("province")
    officer.log_in_cms(*PROVINCE_OFFICER)
    page = officer.page

    officer.goto("/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo: Tỉnh Tuyên Quang")
    shown = page.locator(".report-period__current")
    # This year by default; which year that is depends on the day of the run.
    expect(shown).to_contain_text(re.compile(r"Đang xem Năm \d{4} \(01/01/\d{4} – 31/12/\d{4}\)"))
    year = int(re.search(r"Năm (\d{4})", shown.inner_text())[1])
    expect(page.get_by_role("article", name="1. Xã có hợp tác xã")).to_contain_text("Mục tiêu: 70%")
    officer.shot("overview")

    districts = page.get_by_role("table", name="Các đơn vị thuộc Tỉnh Tuyên Quang")
    districts.get_by_role("link", name=DISTRICT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Báo cáo: {DISTRICT}")
    expect(page.get_by_role("navigation", name="Đường dẫn")).to_contain_text("Tỉnh Tuyên Quang")
    officer.shot("district")

    communes = page.get_by_role("table", name=f"Các đơn vị thuộc {DISTRICT}")
    communes.get_by_role("link", name=COMMUNE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Báo cáo: {COMMUNE}")
    expect(shown).to_contain_text(f"Năm {year}")
    this_year = activity(page)
    cooperatives = page.get_by_role("region", name="Các hợp tác xã của xã này")
    expect(cooperatives.get_by_role("row", name=re.compile(COOPERATIVE))).to_have_count(1)
    officer.shot("commune")

    # Since the start of last year instead: a run of days from the picker,
    # up to today when the end is left empty. A period running to today
    # counts the cooperative as approved (the demo approved it today), so
    # it is listed whether or not it sold in last year's part.
    page.get_by_label("Từ ngày").fill(f"{year - 1}-01-01")
    page.get_by_role("button", name="Xem khoảng thời gian này").click()
    page.wait_for_url(re.compile(rf"\?from={year - 1}-01-01&to=$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Báo cáo: {COMMUNE}")
    expect(shown).to_contain_text(re.compile(rf"^Đang xem 01/01/{year - 1} – \d\d/\d\d/{year} "))
    period = re.search(rf"01/01/{year - 1} – \d\d/\d\d/{year}", shown.inner_text())[0]
    expect(page.get_by_label("Từ ngày")).to_have_value(f"{year - 1}-01-01")
    since_last_year = activity(page)
    # Everything of this year, and whatever of the demo's year fell in the
    # last one (little or nothing when the test runs late in December).
    assert since_last_year[0] >= this_year[0] and since_last_year[1] >= this_year[1]
    row = cooperatives.get_by_role("row", name=re.compile(COOPERATIVE))
    cells = row.get_by_role("cell")
    orders, gmv = int(cells.nth(3).inner_text()), dong(cells.nth(4).inner_text())
    # The commune has one cooperative: its figures are the commune's.
    assert (orders, gmv) == since_last_year
    assert orders > 0
    officer.shot("commune-since-last-year")

    # The cooperatives table as XLSX, for the period on screen.
    with page.expect_download() as download_info:
        cooperatives.get_by_role("link", name="Tải bảng này dạng XLSX").click()
    download = download_info.value
    assert re.search(rf"-{year - 1}-01-01-", download.suggested_filename), download.suggested_filename
    # openpyxl goes by the file's extension, which Playwright's copy lacks.
    xlsx_path = tmp_path / download.suggested_filename
    download.save_as(xlsx_path)
    sheet = openpyxl.load_workbook(xlsx_path, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:2] == ("Hợp tác xã", "Xã")
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    son_tra = by_name[COOPERATIVE]
    assert son_tra["Xã"] == COMMUNE
    assert (son_tra["Đơn hàng"], son_tra["Giá trị hàng hóa (đồng)"]) == since_last_year

    # The PDF report, for the same period. The server sends it inline, and
    # Chromium shows it in its PDF viewer rather than downloading it (so
    # expect_download never fires); the tab's response proves it is the PDF,
    # and its bytes are read again through the officer's own session.
    with page.expect_response(re.compile(r"/report\.pdf\?")) as response_info:
        page.get_by_role("link", name="Báo cáo PDF").click()
    response = response_info.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f"{year - 1}-01-01" in response.headers["content-disposition"]
    pdf = officer.context.request.get(response.url)
    assert pdf.ok
    assert pdf.body().startswith(b"%PDF")
    pdf_path = tmp_path / "report.pdf"
    pdf_path.write_bytes(pdf.body())
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert COMMUNE in text
    assert f"Kỳ báo cáo: {period}" in text
    assert f"{since_last_year[1]:,} ₫".replace(",", ".") in text

    assert officer.script_errors == []
    # Chromium's own PDF viewer loads its parts from chrome:// and
    # chrome-extension:// addresses: the browser's, not the site's.
    assert [
        (kind, url)
        for kind, url in officer.outside_requests
        if kind in ("script", "stylesheet", "font")
        and not url.startswith(("chrome://", "chrome-extension://"))
    ] == []
