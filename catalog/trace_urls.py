"""The public trace pages of lots, under i18n_patterns (/trace/, /en/trace/)."""

from django.urls import path

from .views import trace

app_name = "trace"

urlpatterns = [
    path("<str:code>/epcis.json", trace.LotEpcisView.as_view(), name="epcis"),
    path("<str:code>/export.csv", trace.LotExportView.as_view(), name="export"),
    # <path:> rather than <str:>: a code with a slash in it ("../etc") must
    # reach the view and get its friendly 404, not Wagtail's catch-all.
    path("<path:code>/", trace.LotTraceView.as_view(), name="lot"),
]
