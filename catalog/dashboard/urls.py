"""The cooperative's products and lots, next to its other tools under
/shop/dashboard/cooperative/."""

from django.urls import path

from . import views

app_name = "cooperative-catalog"

urlpatterns = [
    path("products/", views.ProductListView.as_view(), name="product-list"),
    path("products/new/", views.ProductFormView.as_view(), name="product-create"),
    path("products/<int:pk>/", views.ProductFormView.as_view(), name="product-update"),
    path("lots/", views.LotListView.as_view(), name="lot-list"),
    path("lots/new/", views.LotCreateView.as_view(), name="lot-create"),
    path("lots/<int:pk>/", views.LotDetailView.as_view(), name="lot-detail"),
    path("lots/<int:pk>/events/new/", views.TraceEventCreateView.as_view(), name="lot-event-create"),
    path("lots/<int:pk>/recall/", views.LotRecallView.as_view(), name="lot-recall"),
    path("lots/<int:pk>/label.pdf", views.LotLabelView.as_view(layout="single"), name="lot-label"),
    path("lots/<int:pk>/labels-a4.pdf", views.LotLabelView.as_view(layout="sheet"), name="lot-label-sheet"),
]
