"""Printable labels for a lot: its product, cooperative, code and dates, and a
QR code that opens the lot's trace page (a GS1 Digital Link when the product
has a GTIN), as a PDF for a label printer or an A4 sheet of labels."""

import functools
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import reportlab
import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

# TrueType fonts tried in turn; the first one that has every Vietnamese letter
# is used. DejaVu Sans comes from Debian's fonts-dejavu-core; reportlab's own
# folder is searched too, though its Vera fonts have no Vietnamese letters.
# Each entry is (regular, bold); bold may be missing.
FONT_CANDIDATES: tuple[tuple[Path, Path | None], ...] = (
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
    *((path, None) for path in sorted((Path(reportlab.__file__).parent / "fonts").glob("*.ttf"))),
)

# Every letter Vietnamese writes beyond ASCII, in both cases.
VIETNAMESE_LETTERS = "ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
VIETNAMESE_LETTERS += VIETNAMESE_LETTERS.upper()

LAYOUTS = ("single", "sheet")

# "single": one label per page, for a roll label printer.
SINGLE_LABEL = (70 * mm, 50 * mm)
# "sheet": A4 sheets of 3 × 7 labels of 63.5 × 38.1 mm (the common
# 21-per-sheet stock, e.g. Avery L7160), with its margins and gutters.
SHEET_COLUMNS, SHEET_ROWS = 3, 7
SHEET_LABEL = (63.5 * mm, 38.1 * mm)
SHEET_MARGINS = (7.25 * mm, 15.15 * mm)  # left, top
SHEET_PITCH = (66.0 * mm, 38.1 * mm)  # horizontal, vertical

PADDING = 2.5 * mm
QR_BORDER = 4  # modules of quiet zone, as the QR standard asks
LEADING = 1.2  # line height, in font sizes
DESCENT = 0.24  # how far below its baseline a line reaches, in font sizes
MIN_SIZE = 4.5  # points: the smallest text still read on a label


@dataclass(frozen=True)
class LabelFonts:
    regular: str
    bold: str
    # Characters the font can draw; None for Helvetica, which is limited to
    # Latin-1 and gets transliterated text.
    charset: frozenset[int] | None

    def printable(self, text: str) -> str:
        """``text`` as the font can draw it."""
        if self.charset is None:
            return transliterate(text)
        return "".join(
            char if ord(char) in self.charset or char.isspace() else transliterate(char) for char in text
        )


def transliterate(text: str) -> str:
    """Vietnamese without its diacritics (``Chè Hồng Thái`` → ``Che Hong Thai``),
    for a font without Vietnamese letters; what Latin-1 lacks becomes "?"."""
    text = text.replace("đ", "d").replace("Đ", "D").replace("…", "...")
    stripped = "".join(char for char in unicodedata.normalize("NFD", text) if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", stripped).encode("latin-1", "replace").decode("latin-1")


def _has_vietnamese(font: TTFont) -> bool:
    return all(ord(char) in font.face.charToGlyph for char in VIETNAMESE_LETTERS)


@functools.cache
def label_fonts() -> LabelFonts:
    """The fonts the labels are set in: the first of ``FONT_CANDIDATES`` that
    can write Vietnamese, else Helvetica with transliterated text."""
    for regular_path, bold_path in FONT_CANDIDATES:
        try:
            regular = TTFont(f"ChoQue-{regular_path.stem}", str(regular_path))
        except Exception:  # missing, unreadable or not a TrueType font
            continue
        if not _has_vietnamese(regular):
            continue
        pdfmetrics.registerFont(regular)
        bold = regular
        if bold_path is not None:
            try:
                candidate = TTFont(f"ChoQue-{bold_path.stem}", str(bold_path))
            except Exception:
                candidate = None
            if candidate is not None and _has_vietnamese(candidate):
                pdfmetrics.registerFont(candidate)
                bold = candidate
        charset = frozenset(regular.face.charToGlyph) & frozenset(bold.face.charToGlyph)
        return LabelFonts(regular=regular.fontName, bold=bold.fontName, charset=charset)
    return LabelFonts(regular="Helvetica", bold="Helvetica-Bold", charset=None)


def lot_link(lot, *, base_url: str) -> str:
    """The address the lot's QR code opens: a GS1 Digital Link
    (``/01/<GTIN-14>/10/<lot>``) when the product has a GTIN, else the trace page."""
    base_url = base_url.rstrip("/")
    code = quote(lot.code, safe="")
    gtin = lot.product.gtin
    if gtin:
        return f"{base_url}/01/{gtin.zfill(14)}/10/{code}"
    return f"{base_url}/trace/{code}/?src=qr"


def lot_qr(lot, *, base_url: str) -> segno.QRCode:
    """The lot's QR code (error correction M)."""
    return segno.make_qr(lot_link(lot, base_url=base_url), error="m", boost_error=False)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width``, between words where
    it can and inside a word that is wider than a line on its own."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if pdfmetrics.stringWidth(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:
            if line and pdfmetrics.stringWidth(line + char, font, size) > width:
                lines.append(line)
                line = ""
            line += char
    if line:
        lines.append(line)
    return lines


def _ellipsize(line: str, font: str, size: float, width: float, ellipsis: str) -> str:
    while line and pdfmetrics.stringWidth(line + ellipsis, font, size) > width:
        line = line[:-1]
    return line.rstrip() + ellipsis


@dataclass
class _Block:
    text: str
    font: str
    size: float
    max_lines: int
    gap_after: float = 0.0

    @property
    def min_size(self) -> float:
        # Each block shrinks to 70 % of its size at most, so the product name
        # stays the largest text, and never below what can still be read.
        return max(self.size * 0.7, MIN_SIZE)


def _fit(block: _Block, width: float, scale: float, ellipsis: str) -> tuple[list[str], float]:
    """The block's lines and font size: as large as ``block.size × scale``
    allows, smaller while it takes more than its lines, and cut short with an
    ellipsis when it still does at its smallest size."""
    size = max(block.size * scale, block.min_size)
    while True:
        lines = _wrap(block.text, block.font, size, width)
        if len(lines) <= block.max_lines:
            return lines, size
        if size <= block.min_size:
            kept = lines[: block.max_lines]
            kept[-1] = _ellipsize(kept[-1], block.font, size, width, ellipsis)
            return kept, size
        size = max(size - 0.25, block.min_size)


def _draw_label(canvas: Canvas, x: float, y: float, width: float, height: float, lot, qr: segno.QRCode):
    """One label with its lower-left corner at (x, y)."""
    fonts = label_fonts()
    ellipsis = "…" if fonts.charset is not None and ord("…") in fonts.charset else "..."

    # The QR code on the right, as tall as the label allows but leaving the
    # text at least three fifths of the width.
    qr_size = min(height - 2 * PADDING, (width - 3 * PADDING) * 0.42)
    _draw_qr(canvas, qr, x + width - PADDING - qr_size, y + (height - qr_size) / 2, qr_size)

    text_width = width - qr_size - 3 * PADDING
    text_height = height - 2 * PADDING
    base = height / (50 * mm)  # sizes below are for a 50 mm label
    blocks = [
        _Block(fonts.printable(lot.product.get_title()), fonts.bold, 9 * base, 3, gap_after=1.5),
        _Block(fonts.printable(lot.cooperative.legal_name), fonts.regular, 6.5 * base, 2, gap_after=1.5),
        _Block(fonts.printable(f"Lô / Lot: {lot.code}"), fonts.bold, 7 * base, 2, gap_after=1),
        _Block(
            fonts.printable(f"Thu hoạch / Harvest: {lot.produced_on:%d/%m/%Y}"), fonts.regular, 6 * base, 2
        ),
    ]
    if lot.best_before:
        blocks.append(
            _Block(
                fonts.printable(f"HSD / Best before: {lot.best_before:%d/%m/%Y}"), fonts.regular, 6 * base, 2
            )
        )

    # Shrink every block together until the whole text fits the label's height.
    scale = 1.0
    while True:
        fitted = [_fit(block, text_width, scale, ellipsis) for block in blocks]
        total = sum(
            len(lines) * size * LEADING + block.gap_after
            for block, (lines, size) in zip(blocks, fitted, strict=True)
        )
        if total <= text_height or all(
            size <= block.min_size for block, (_lines, size) in zip(blocks, fitted, strict=True)
        ):
            break
        scale *= 0.93

    # The text is centred on the label's height, as the QR code is.
    cursor = y + height - PADDING - max(text_height - total, 0) / 2
    bottom = y + PADDING
    for block, (lines, size) in zip(blocks, fitted, strict=True):
        canvas.setFont(block.font, size)
        for line in lines:
            cursor -= size * LEADING
            if cursor < bottom - 0.01:
                return  # never write past the label's edge
            canvas.drawString(x + PADDING, cursor + size * DESCENT, line)
        cursor -= block.gap_after


def _draw_qr(canvas: Canvas, qr: segno.QRCode, x: float, y: float, size: float):
    """The QR code as vector squares (one rectangle per run of dark modules),
    its quiet zone included in ``size``."""
    matrix = qr.matrix
    module = size / (len(matrix) + 2 * QR_BORDER)
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    top = y + size - QR_BORDER * module
    for row_index, row in enumerate(matrix):
        row_y = top - (row_index + 1) * module
        start = None
        for column, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                canvas.rect(
                    x + (QR_BORDER + start) * module,
                    row_y,
                    (column - start) * module,
                    module,
                    stroke=0,
                    fill=1,
                )
                start = None
    canvas.restoreState()


def lot_label_pdf(lot, *, base_url: str, layout: str = "single") -> bytes:
    """The lot's label as a PDF: ``"single"`` is one 70 × 50 mm label,
    ``"sheet"`` an A4 page of 3 × 7 labels of 63.5 × 38.1 mm."""
    if layout not in LAYOUTS:
        raise ValueError(f"Unknown label layout {layout!r}; choose one of {', '.join(LAYOUTS)}.")
    qr = lot_qr(lot, base_url=base_url)
    buffer = io.BytesIO()
    pagesize = SINGLE_LABEL if layout == "single" else A4
    canvas = Canvas(buffer, pagesize=pagesize, invariant=True, pageCompression=1)
    canvas.setTitle(f"Lot {lot.code}")
    canvas.setAuthor(lot.cooperative.legal_name)
    canvas.setCreator("Chợ Quê")
    if layout == "single":
        _draw_label(canvas, 0, 0, *SINGLE_LABEL, lot, qr)
    else:
        label_width, label_height = SHEET_LABEL
        left, top = SHEET_MARGINS
        pitch_x, pitch_y = SHEET_PITCH
        for row in range(SHEET_ROWS):
            for column in range(SHEET_COLUMNS):
                x = left + column * pitch_x
                y = A4[1] - top - row * pitch_y - label_height
                _draw_label(canvas, x, y, label_width, label_height, lot, qr)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
