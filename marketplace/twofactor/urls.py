from django.urls import path

from . import views

app_name = "twofactor"

urlpatterns = [
    path("", views.TwoFactorOverviewView.as_view(), name="overview"),
    path("setup/", views.TwoFactorSetupView.as_view(), name="setup"),
    path("verify/", views.TwoFactorVerifyView.as_view(), name="verify"),
]
