"""The URL map of DESIGN.md.

Vietnamese is served without a prefix and English under /en/, for both the
Wagtail site and the Oscar shop.
"""

from django.apps import apps
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve as media_serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap as sitemap_view
from wagtail.documents import urls as wagtaildocs_urls

from cms.sitemaps import TourismSitemap
from cms.views import page_serve
from marketplace.health import liveness

urlpatterns = [
    # For the load balancer: answers without touching the database.
    path("healthz/", liveness, name="healthz"),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("01/", include("catalog.gs1_urls")),
    # One sitemap for every language; each entry names its translations.
    path("sitemap.xml", sitemap_view, {"sitemaps": {"pages": TourismSitemap}}, name="sitemap"),
    # Language-neutral: Stripe posts its webhook here.
    path("payments/", include("marketplace.payments.urls")),
    # Public, language-neutral figures for anyone to reuse.
    path("api/open-data/", include("reports.api_urls")),
]

urlpatterns += i18n_patterns(
    # Listed before the cooperatives' URLs (which end in a "<slug>/"
    # catch-all), so no cooperative page can ever shadow the recall pages.
    path("cooperatives/review/lots/", include("catalog.recall_urls")),
    path("cooperatives/", include("cooperatives.urls")),
    # The cooperative's own tools sit inside Oscar's dashboard.
    path("shop/dashboard/cooperative/", include("cooperatives.dashboard.urls")),
    path("shop/dashboard/cooperative/", include("catalog.dashboard.urls")),
    path("shop/dashboard/cooperative/", include("marketplace.ledger.cooperative_urls")),
    path("shop/dashboard/ledger/", include("marketplace.ledger.urls")),
    # Platform admins only: who changed what (marketplace.audit).
    path("shop/dashboard/audit/", include("marketplace.audit.urls")),
    path("shop/dashboard/cooperative/", include("marketplace.shipping.dashboard.urls")),
    path("shop/dashboard/cooperative/", include("marketplace.order.dashboard.urls")),
    # The privacy notice, and the account's privacy pages among Oscar's.
    path("", include("marketplace.privacy.urls")),
    path("shop/", include(apps.get_app_config("oscar").urls[0])),
    path("trace/", include("catalog.trace_urls")),
    # One search over products, cooperatives and destinations; the shop's
    # own search (/shop/search/) is the same page.
    path("search/", include("search.urls")),
    # The province's indicators (province officers and platform admins).
    path("reports/", include("reports.urls")),
    # Two-step verification: set up, give a code (marketplace/twofactor).
    path("accounts/2fa/", include("marketplace.twofactor.urls")),
    # Share links of destinations: counted, then sent on to the network.
    path("", include("cms.urls")),
    # Wagtail's catch-all comes last, its pages kept for anonymous visitors.
    re_path(wagtail_urls.serve_pattern, page_serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
elif settings.SERVE_MEDIA:
    # One node serving its own uploads (make serve-prod); several nodes
    # share object storage, served from there (README, "Production").
    urlpatterns = [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            media_serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ] + urlpatterns
