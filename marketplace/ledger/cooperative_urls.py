from django.urls import path

from . import views

app_name = "cooperative-ledger"

urlpatterns = [
    path("statement/", views.CooperativeStatementView.as_view(), name="statement"),
    path("statement.csv", views.CooperativeStatementCsvView.as_view(), name="statement-csv"),
]
