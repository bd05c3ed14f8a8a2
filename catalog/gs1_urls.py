"""GS1 Digital Link URIs of lots (/01/<gtin>/10/<lot>): language-neutral,
outside i18n_patterns, as printed in GS1 QR codes."""

from django.urls import path

from .views import trace

urlpatterns = [
    path("<str:gtin>/10/<str:code>", trace.GS1DigitalLinkView.as_view(), name="gs1-digital-link"),
    # The same with a trailing slash: some scanners and people add one.
    path("<str:gtin>/10/<str:code>/", trace.GS1DigitalLinkView.as_view()),
]
