"""The province's lot recall, under /cooperatives/review/lots/ next to the
cooperative review it belongs with."""

from django.urls import path

from .views import recall

app_name = "lot-review"

urlpatterns = [
    path("", recall.LotReviewListView.as_view(), name="list"),
    path("<int:pk>/recall/", recall.LotReviewRecallView.as_view(), name="recall"),
]
