from django.urls import path

from . import views

app_name = "cooperative-dashboard"

urlpatterns = [
    path("", views.ProfileUpdateView.as_view(), name="profile"),
    path("areas/", views.AreaListView.as_view(), name="area-list"),
    path("areas/new/", views.AreaFormView.as_view(), name="area-create"),
    path("areas/<int:pk>/", views.AreaFormView.as_view(), name="area-update"),
    path("areas/<int:pk>/delete/", views.AreaDeleteView.as_view(), name="area-delete"),
    path(
        "areas/<int:area_pk>/certifications/new/",
        views.CertificationCreateView.as_view(),
        name="certification-create",
    ),
    path(
        "certifications/<int:pk>/delete/",
        views.CertificationDeleteView.as_view(),
        name="certification-delete",
    ),
    path("linkage-models/", views.LinkageModelListView.as_view(), name="linkage-model-list"),
    path("linkage-models/new/", views.LinkageModelFormView.as_view(), name="linkage-model-create"),
    path("linkage-models/<int:pk>/", views.LinkageModelFormView.as_view(), name="linkage-model-update"),
]
