from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    path("", views.StatementListView.as_view(), name="statement-list"),
    path("export.csv", views.StatementExportView.as_view(file_format="csv"), name="export-csv"),
    path("export.xlsx", views.StatementExportView.as_view(file_format="xlsx"), name="export-xlsx"),
    path("<int:pk>/settle/", views.SettlementCreateView.as_view(), name="settle"),
    path("orders/<str:number>/refund/", views.OrderRefundView.as_view(), name="order-refund"),
]
