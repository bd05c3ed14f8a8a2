"""The cooperative's delivery fees, next to its other tools under
/shop/dashboard/cooperative/."""

from django.urls import path

from . import views

app_name = "cooperative-shipping"

urlpatterns = [
    path("shipping/", views.ShippingPolicyUpdateView.as_view(), name="policy"),
]
