"""URLs of the public tourism site that are not Wagtail pages, served in
both languages (inside i18n_patterns)."""

from django.urls import path

from . import views

app_name = "cms"

urlpatterns = [
    # One path for both languages: it is never shown, only followed.
    path("share/<int:page_id>/<slug:network>/", views.destination_share, name="destination-share"),
]
