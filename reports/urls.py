from django.urls import path

from .views import dashboard, exports

app_name = "reports"

urlpatterns = [
    path("", dashboard.ProvinceOverviewView.as_view(), name="overview"),
    path("units/<int:pk>/", dashboard.UnitReportView.as_view(), name="unit"),
    path("units/<int:pk>/products/", dashboard.UnitProductsView.as_view(), name="unit-products"),
    path("cooperatives/<int:pk>/", dashboard.CooperativeReportView.as_view(), name="cooperative"),
    path("targets/", dashboard.TargetListView.as_view(), name="targets"),
    path("targets/add/", dashboard.TargetCreateView.as_view(), name="target-add"),
    path("targets/<int:pk>/", dashboard.TargetUpdateView.as_view(), name="target-edit"),
    path(
        "units/<int:pk>/export/<slug:table>.<slug:file_format>",
        exports.UnitTableExportView.as_view(),
        name="unit-export",
    ),
    path(
        "cooperatives/<int:pk>/export/<slug:table>.<slug:file_format>",
        exports.CooperativeTableExportView.as_view(),
        name="cooperative-export",
    ),
    path("units/<int:pk>/report.pdf", exports.UnitReportPdfView.as_view(), name="unit-pdf"),
]
