"""Downloads of the reports: each table as CSV or XLSX, and a unit's report
as a PDF for the province's periodic report to higher levels."""

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views import View

from marketplace.exports import csv_response, xlsx_response

from .. import exports, selectors
from ..pdf import unit_report_pdf
from ..periods import InvalidPeriod, Period
from .access import ReportsAccessMixin


def _period_or_error(request) -> Period | HttpResponseBadRequest:
    try:
        return Period.from_query(request.GET)
    except InvalidPeriod as error:
        # Plain text: the message quotes what was typed.
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")


def _download(table: exports.Table, rows, *, filename: str, file_format: str) -> HttpResponse:
    if file_format == "csv":
        return csv_response(rows, filename=filename)
    return xlsx_response(rows, filename=filename, sheet_title=str(table.title))


class _TableExportView(ReportsAccessMixin, View):
    tables: dict[str, exports.Table] = {}

    def get(self, request, pk, table, file_format):
        chosen = self.tables.get(table)
        if chosen is None or file_format not in exports.FILE_FORMATS:
            raise Http404
        subject = self.get_subject(pk)
        period = _period_or_error(request)
        if isinstance(period, HttpResponse):
            return period
        rows = chosen.build(self.get_report(subject, period))
        filename = exports.file_name(
            *self.name_parts(chosen, subject), period=period, file_format=file_format
        )
        return _download(chosen, rows, filename=filename, file_format=file_format)


class UnitTableExportView(_TableExportView):
    """One table of a unit's report: the province or a unit under it (404
    elsewhere), that this user may read (403 otherwise)."""

    tables = exports.TABLES

    def get_subject(self, pk):
        return self.report_unit(pk)

    def get_report(self, unit, period):
        return selectors.unit_report(unit=unit, period=period)

    def name_parts(self, table, unit):
        return table.stem, unit.code


class CooperativeTableExportView(_TableExportView):
    """One table of a cooperative's report, for a cooperative of the province."""

    tables = exports.COOPERATIVE_TABLES

    def get_subject(self, pk):
        return self.report_cooperative(pk)

    def get_report(self, cooperative, period):
        return selectors.cooperative_report(cooperative=cooperative, period=period)

    def name_parts(self, table, cooperative):
        # The id, not the name: names are typed by people.
        return table.stem, "htx", str(cooperative.pk)


class UnitReportPdfView(ReportsAccessMixin, View):
    """A unit's report as an A4 PDF, in the page's language."""

    def get(self, request, pk):
        unit = self.report_unit(pk)
        period = _period_or_error(request)
        if isinstance(period, HttpResponse):
            return period
        report = selectors.unit_report(unit=unit, period=period)
        response = HttpResponse(
            unit_report_pdf(report, produced_at=timezone.localtime()), content_type="application/pdf"
        )
        filename = exports.file_name("bao-cao", unit.code, period=period, file_format="pdf")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response
