"""Files people download and open in a spreadsheet program."""

import csv

from django.http import HttpResponse

# A cell starting with one of these is run as a formula by spreadsheet
# programs (CSV injection); a leading apostrophe keeps it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
