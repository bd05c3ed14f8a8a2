# Being written (issue 8): the export views.
from django.views.generic import View

UnitTableExportView = CooperativeTableExportView = UnitReportPdfView = View
