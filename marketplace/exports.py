"""Files people download and open in a spreadsheet program."""

import csv
import datetime
import io
import re

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# A cell starting with one of these is run as a formula by spreadsheet
# programs (CSV injection); a leading apostrophe keeps it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Column widths in characters: wide enough for a short number, never so wide
# that one long name pushes every other column off the screen.
NARROWEST_COLUMN, WIDEST_COLUMN = 8, 60

# Excel refuses a sheet name longer than 31 characters or holding any of these.
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def spreadsheet_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(rows, *, filename: str) -> HttpResponse:
    """Rows as a CSV download, UTF-8 with a BOM so spreadsheet programs show
    Vietnamese correctly. Numbers stay numbers; text cannot run as a formula."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([cell if isinstance(cell, int) else spreadsheet_safe(cell) for cell in row])
    return response


def _xlsx_cell(value):
    """What the sheet stores: numbers and dates as themselves, everything
    else as text that cannot run as a formula and holds no control
    character (the XLSX format has no way to store one)."""
    if value is None or isinstance(value, int | float | datetime.date):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", spreadsheet_safe(value))


def _shown_width(value) -> int:
    if isinstance(value, datetime.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0) if value is not None else 0


def xlsx_response(rows, *, filename: str, sheet_title: str) -> HttpResponse:
    """Rows as an XLSX download of one sheet: the first row is the header,
    in bold and kept in view while scrolling. Numbers stay numbers, dates
    are dates shown as YYYY-MM-DD, text cannot run as a formula."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _SHEET_TITLE_FORBIDDEN.sub(" ", str(sheet_title)).strip()[:31] or "Sheet"
    widths: dict[int, int] = {}
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
        for index, value in enumerate(row, start=1):
            widths[index] = max(widths.get(index, 0), _shown_width(value))
    if sheet.max_row >= 1 and widths:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, float):
                cell.number_format = "0.0"
    for index, width in widths.items():
        # A little room for the bold header and the filter arrow.
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(width + 2, NARROWEST_COLUMN), WIDEST_COLUMN
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
