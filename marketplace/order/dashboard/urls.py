"""The cooperative's share of orders, next to its other tools under
/shop/dashboard/cooperative/."""

from django.urls import path

from . import views

app_name = "cooperative-orders"

urlpatterns = [
    path("orders/", views.FulfilmentGroupListView.as_view(), name="group-list"),
    path("orders/<int:pk>/", views.FulfilmentGroupDetailView.as_view(), name="group-detail"),
]
