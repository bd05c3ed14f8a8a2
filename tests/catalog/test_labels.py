import datetime
import io
import re
import shutil
import subprocess
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from oscar.test.factories import create_product, create_stockrecord
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from catalog import labels, services
from catalog.validators import validate_gtin
from tests.factories import administrative_tree, approved_cooperative

pytestmark = pytest.mark.django_db

BASE_URL = "https://choque.example"
PDFTOPPM = shutil.which("pdftoppm")
PDFTOTEXT = shutil.which("pdftotext")
# Labels must write Vietnamese: a missing font is a failure, not a skip.
NO_FONT = "no TrueType font with Vietnamese letters: install Debian's fonts-dejavu-core"
needs_pdftoppm = pytest.mark.skipif(not PDFTOPPM, reason="pdftoppm missing (Debian package poppler-utils)")
needs_pdftotext = pytest.mark.skipif(not PDFTOTEXT, reason="pdftotext missing (Debian package poppler-utils)")


@pytest.fixture
def cooperative():
    return approved_cooperative(
        legal_name="Hợp tác xã Sơn Trà",
        commune=administrative_tree()["02254"],
        registration_number="5201-000123",
    )


def make_lot(
    cooperative, *, title="Chè Shan tuyết Hồng Thái", gtin="", best_before=datetime.date(2027, 3, 1)
):
    product = create_product(title=title)
    if gtin:
        validate_gtin(gtin)
        product.gtin = gtin
        product.save(update_fields=["gtin"])
    create_stockrecord(product, price=Decimal(150000), num_in_stock=0, partner_name=cooperative.partner.name)
    return services.lot_create(
        product=product, cooperative=cooperative, produced_on=datetime.date(2026, 3, 1), quantity=10,
        best_before=best_before,
    )  # fmt: skip


@pytest.fixture
def lot(cooperative):
    return make_lot(cooperative)


@pytest.fixture
def helvetica_only(monkeypatch):
    """Labels made where no TrueType font with Vietnamese letters is found."""
    monkeypatch.setattr(labels, "FONT_CANDIDATES", ((Path("/nonexistent/font.ttf"), None),))
    labels.label_fonts.cache_clear()
    yield
    labels.label_fonts.cache_clear()


def decode_qr(image: Image.Image) -> list[str]:
    import zxingcpp

    return [
        result.text
        for result in zxingcpp.read_barcodes(image)
        if result.format == zxingcpp.BarcodeFormat.QRCode
    ]


def page_count(pdf: bytes, tmp_path) -> int:
    (tmp_path / "label.pdf").write_bytes(pdf)
    subprocess.run(
        [PDFTOPPM, "-r", "20", "-png", str(tmp_path / "label.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    return len(list(tmp_path.glob("page*.png")))


def render(pdf: bytes, tmp_path, dpi=300) -> Image.Image:
    (tmp_path / "label.pdf").write_bytes(pdf)
    subprocess.run(
        [
            PDFTOPPM,
            "-r",
            str(dpi),
            "-png",
            "-singlefile",
            str(tmp_path / "label.pdf"),
            str(tmp_path / "label"),
        ],
        check=True,
        timeout=60,
    )
    return Image.open(tmp_path / "label.png").convert("L")


def text_of(pdf: bytes, tmp_path) -> str:
    (tmp_path / "label.pdf").write_bytes(pdf)
    result = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(tmp_path / "label.pdf"), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return unicodedata.normalize("NFC", result.stdout.decode())


def word_boxes(pdf: bytes, tmp_path) -> list[tuple[str, float, float, float, float]]:
    """Each word pdftotext finds, with its box in points from the top-left corner."""
    (tmp_path / "label.pdf").write_bytes(pdf)
    html = subprocess.run(
        [PDFTOTEXT, "-bbox", "-enc", "UTF-8", str(tmp_path / "label.pdf"), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout.decode()
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(word, *map(float, box)) for *box, word in re.findall(pattern, html)]


# The address in the QR code


def test_the_link_is_a_gs1_digital_link_with_the_gtin_padded_to_14_digits(cooperative):
    lot = make_lot(cooperative, gtin="8934567890120")
    assert labels.lot_link(lot, base_url=BASE_URL) == f"{BASE_URL}/01/08934567890120/10/{lot.code}"
    eight = make_lot(cooperative, gtin="96385074")
    assert labels.lot_link(eight, base_url=BASE_URL) == f"{BASE_URL}/01/00000096385074/10/{eight.code}"


def test_without_a_gtin_the_link_opens_the_trace_page(lot):
    assert labels.lot_link(lot, base_url=BASE_URL) == f"{BASE_URL}/trace/000123-260301-01/?src=qr"


def test_a_trailing_slash_on_the_base_url_is_dropped(cooperative, lot):
    assert labels.lot_link(lot, base_url=f"{BASE_URL}/") == f"{BASE_URL}/trace/{lot.code}/?src=qr"
    with_gtin = make_lot(cooperative, gtin="8934567890120")
    assert labels.lot_link(with_gtin, base_url=f"{BASE_URL}//").startswith(f"{BASE_URL}/01/")


def test_the_qr_code_has_error_correction_m_and_decodes_to_the_link(cooperative):
    # Straight from segno's PNG, so it runs even without poppler-utils.
    lot = make_lot(cooperative, gtin="8934567890120")
    qr = labels.lot_qr(lot, base_url=BASE_URL)
    assert qr.error == "M"
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=8)
    buffer.seek(0)
    assert decode_qr(Image.open(buffer)) == [labels.lot_link(lot, base_url=BASE_URL)]


# The PDF


def test_a_single_label_is_one_70_by_50_mm_page(lot, tmp_path):
    pdf = labels.lot_label_pdf(lot, base_url=BASE_URL)
    assert pdf.startswith(b"%PDF")
    assert re.search(rb"/MediaBox \[\s*0 0 198\.4252 141\.7323\s*\]", pdf)
    if not PDFTOPPM:
        pytest.skip("pdftoppm missing (Debian package poppler-utils): pages not counted")
    assert page_count(pdf, tmp_path) == 1


def test_a_sheet_is_one_a4_page_of_21_labels(lot, tmp_path):
    pdf = labels.lot_label_pdf(lot, base_url=BASE_URL, layout="sheet")
    assert pdf.startswith(b"%PDF")
    assert re.search(rb"/MediaBox \[\s*0 0 595\.2756 841\.8898\s*\]", pdf)
    columns, rows = labels.SHEET_COLUMNS, labels.SHEET_ROWS
    assert columns * rows == 21
    # The grid stays inside the page with a margin all round.
    (left, top), (pitch_x, pitch_y), (width, height) = (
        labels.SHEET_MARGINS,
        labels.SHEET_PITCH,
        labels.SHEET_LABEL,
    )
    assert left + (columns - 1) * pitch_x + width <= A4[0] - 5 * mm
    assert top + (rows - 1) * pitch_y + height <= A4[1] - 5 * mm
    if not PDFTOTEXT:
        pytest.skip("pdftotext missing (Debian package poppler-utils): labels not counted")
    assert text_of(pdf, tmp_path).count(lot.code) == 21
    assert page_count(pdf, tmp_path) == 1


@needs_pdftotext
def test_the_label_shows_the_product_cooperative_lot_and_dates_in_vietnamese(lot, tmp_path):
    assert labels.label_fonts().charset is not None, NO_FONT
    text = " ".join(text_of(labels.lot_label_pdf(lot, base_url=BASE_URL), tmp_path).split())
    for expected in [
        "Chè Shan tuyết Hồng Thái",
        "Hợp tác xã Sơn Trà",
        f"Lô / Lot: {lot.code}",
        "Thu hoạch / Harvest: 01/03/2026",
        "HSD / Best before: 01/03/2027",
    ]:
        assert expected in text


@needs_pdftotext
def test_without_a_best_before_date_none_is_shown(cooperative, tmp_path):
    lot = make_lot(cooperative, best_before=None)
    text = text_of(labels.lot_label_pdf(lot, base_url=BASE_URL), tmp_path)
    assert lot.code in text
    assert "Best before" not in text


@needs_pdftotext
def test_without_a_vietnamese_font_the_text_is_transliterated(lot, tmp_path, helvetica_only):
    assert labels.label_fonts().regular == "Helvetica"
    pdf = labels.lot_label_pdf(lot, base_url=BASE_URL)
    assert b"/BaseFont /Helvetica" in pdf
    text = " ".join(text_of(pdf, tmp_path).split())
    assert "Che Shan tuyet Hong Thai" in text
    assert "Hop tac xa Son Tra" in text
    assert f"Lo / Lot: {lot.code}" in text


def test_transliteration_strips_diacritics_and_d_bar():
    assert labels.transliterate("Đặc sản Đồng Văn – đậu") == "Dac san Dong Van ? dau"
    assert labels.transliterate("Chè Shan tuyết") == "Che Shan tuyet"


def test_the_font_found_can_write_vietnamese():
    fonts = labels.label_fonts()
    assert fonts.charset is not None, NO_FONT
    assert all(ord(letter) in fonts.charset for letter in labels.VIETNAMESE_LETTERS)
    assert fonts.printable("Chè Hồng Thái") == "Chè Hồng Thái"


@pytest.mark.parametrize("layout", ["single", "sheet"])
@needs_pdftoppm
def test_the_printed_qr_code_decodes_to_the_link(cooperative, tmp_path, layout):
    lot = make_lot(cooperative, gtin="8934567890120")
    image = render(labels.lot_label_pdf(lot, base_url=BASE_URL, layout=layout), tmp_path)
    link = labels.lot_link(lot, base_url=BASE_URL)
    assert link == f"{BASE_URL}/01/08934567890120/10/{lot.code}"
    decoded = decode_qr(image)
    if layout == "single":
        assert decoded == [link]
    else:
        assert decoded and set(decoded) == {link}


@pytest.mark.parametrize("helvetica", [False, True], ids=["truetype", "helvetica"])
def test_the_longest_name_stays_inside_the_label(cooperative, tmp_path, request, helvetica):
    if helvetica:
        request.getfixturevalue("helvetica_only")
    # As long as a product title may be (Oscar's 255 characters).
    title = ("Chè Shan tuyết cổ thụ Hồng Thái thượng hạng " * 8)[:254] + "Ư"
    assert len(title) == 255
    lot = make_lot(cooperative, title=title)
    pdf = labels.lot_label_pdf(lot, base_url=BASE_URL)
    assert pdf.startswith(b"%PDF")
    if not PDFTOTEXT:
        pytest.skip("pdftotext missing (Debian package poppler-utils): text boxes not checked")
    width, height = labels.SINGLE_LABEL
    qr_left = width - labels.PADDING - min(height - 2 * labels.PADDING, (width - 3 * labels.PADDING) * 0.42)
    boxes = word_boxes(pdf, tmp_path)
    assert any(word == lot.code for word, *_box in boxes), "the lot code is still on the label"
    for word, x_min, y_min, x_max, y_max in boxes:
        assert x_min >= 0 and x_max <= qr_left + 0.5, word
        assert y_min >= 0 and y_max <= height, word
    if PDFTOPPM:
        assert decode_qr(render(pdf, tmp_path)) == [labels.lot_link(lot, base_url=BASE_URL)]


@pytest.mark.parametrize("layout", ["", "A4", "Single", "roll"])
def test_an_unknown_layout_is_refused(lot, layout):
    with pytest.raises(ValueError, match="layout"):
        labels.lot_label_pdf(lot, base_url=BASE_URL, layout=layout)
