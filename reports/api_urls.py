from django.urls import path

from .views import open_data

app_name = "open_data"

urlpatterns = [
    path("", open_data.OpenDataDocsView.as_view(), name="docs"),
    path("indicators", open_data.IndicatorsView.as_view(), name="indicators"),
    path("indicators.csv", open_data.IndicatorsView.as_view(file_format="csv"), name="indicators-csv"),
    path("openapi.json", open_data.OpenApiView.as_view(), name="openapi"),
]
