"""Mounted at the site root, before Oscar's shop: the account pages live
among Oscar's own under /shop/accounts/, and Oscar's bare "delete profile"
(which would delete the user and leave their name and address on every
order) leads to ours instead."""

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.PrivacyPolicyView.as_view(), name="policy"),
    path("shop/accounts/privacy/", views.AccountPrivacyView.as_view(), name="account"),
    path("shop/accounts/privacy/download/", views.PersonalDataDownloadView.as_view(), name="download"),
    path("shop/accounts/privacy/delete/", views.AccountDeleteView.as_view(), name="delete"),
    path(
        "shop/accounts/profile/delete/",
        RedirectView.as_view(pattern_name="privacy:account", permanent=False),
        name="oscar-profile-delete",
    ),
]
