"""Settings shared by every configuration.

Everything that differs between machines comes from the environment
(django-environ). Without any variable set, the project runs on the embedded
default: a SQLite file, tasks run eagerly in-process and the database search
backend, so the demo needs no service.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F403  (Oscar's defaults, overridden below)

from cooperatives.dashboard.access import cooperative_staff_access
from marketplace.audit.access import audit_access
from marketplace.ledger.access import ledger_access

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file is optional; variables already in the environment win.
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

# The development key is public (it is in the repository); production.py
# refuses to start with it.
DEVELOPMENT_SECRET_KEY = "django-insecure-cho-que-development-key-do-not-use-in-production"
SECRET_KEY = env("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications -----------------------------------------------------------

INSTALLED_APPS = [
    # The project's own apps come first so their templates and translations
    # take precedence over Oscar's and Wagtail's.
    "marketplace.apps.MarketplaceConfig",
    "marketplace.ledger.apps.LedgerConfig",
    "marketplace.audit.apps.AuditConfig",
    "marketplace.payments.apps.PaymentsConfig",
    "marketplace.privacy.apps.PrivacyConfig",
    "cooperatives.apps.CooperativesConfig",
    "cms.apps.CmsConfig",
    "reports.apps.ReportsConfig",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # Full-text and trigram lookups of the database search (PostgreSQL).
    "django.contrib.postgres",
    # Oscar, with the apps the marketplace forks in place of Oscar's own
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "marketplace.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "marketplace.shipping.apps.ShippingConfig",
    "catalog.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "oscar.apps.partner.apps.PartnerConfig",
    "marketplace.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "marketplace.order.apps.OrderConfig",
    "oscar.apps.customer.apps.CustomerConfig",
    "search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "oscar.apps.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "marketplace.dashboard.users.apps.UsersDashboardConfig",
    "marketplace.dashboard.orders.apps.OrdersDashboardConfig",
    "marketplace.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    # Oscar's search app imports haystack; no page of ours uses it.
    "haystack",
    "treebeard",
    "django_tables2",
    # Wagtail
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.sitemaps",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # django-csp: its system checks catch settings of its old format.
    "csp",
    # Sign-in protection: login throttling and one-time codes (marketplace/twofactor).
    "marketplace.twofactor.apps.TwoFactorConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
]

SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header, on every response (marketplace/csp.py).
    "marketplace.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks the sessions that have passed a one-time code (user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages, which say why a session ended.
    "marketplace.twofactor.middleware.StaffSessionExpiryMiddleware",
    "marketplace.twofactor.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://cho-que")}
if "redis" in CACHES["default"]["BACKEND"]:
    # With Redis down or unreachable a page renders uncached
    # (marketplace/page_cache.py): every cache call misses instead of
    # raising (marketplace/cache_backends.py), and gives up within a
    # second, not waiting on the system's connect timeout.
    CACHES["default"]["BACKEND"] = "marketplace.cache_backends.TolerantRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(socket_connect_timeout=1, socket_timeout=1)
# Whole pages kept for anonymous visitors (marketplace/page_cache.py), for
# this many seconds at most. On by default only with a cache every process
# shares: a per-process cache would never hear of another process's changes.
_CACHE_SHARED = any(name in CACHES["default"]["BACKEND"].lower() for name in ("redis", "memcache"))
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600 if _CACHE_SHARED else 0)

MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Django serves MEDIA_ROOT itself only on a single node without a web server
# or object storage in front (make serve-prod); DEBUG serves it anyway.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Papers sent with applications (registration certificates, bank details)
# are kept outside MEDIA_ROOT, which is served to anyone, and are only
# handed out by views that check who asks.
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/private-media-is-never-served/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Accounts ---------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # First: refuses any login while the account or the address is locked
    # out, before a password is even checked.
    "marketplace.twofactor.throttling.LoginThrottleBackend",
    # Buyers and cooperative staff sign in with their e-mail address (Oscar),
    # officers may also use their user name (Wagtail admin).
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "customer:login"
LOGIN_REDIRECT_URL = "/shop/accounts/"

# Login throttling (django-axes), on every login form: the shop's, the
# dashboard's, Wagtail's and Django admin's. Failures are counted per
# account and per address separately, so one account guessed from many
# addresses and many accounts tried from one address are both stopped.
# Five in a row, then fifteen minutes: enough for a mistyped password,
# far too few for guessing. Many phones share one address on Vietnamese
# mobile networks (carrier NAT), so a lock by address is kept short.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "marketplace.twofactor.throttling.login_account_key"
AXES_CLIENT_IP_CALLABLE = "marketplace.twofactor.throttling.client_ip_address"
AXES_LOCKOUT_CALLABLE = "marketplace.twofactor.views.login_locked_out"
# Proxies in front of the web process that append to X-Forwarded-For (see
# marketplace/twofactor/throttling.py): none for runserver; production.py
# counts deploy/'s nginx.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# One-time codes (django-otp, TOTP). Required of platform admins and
# province officers where TWO_FACTOR_REQUIRED is on (production.py); off
# here because the demo's published accounts and the browser tests log
# officers in without a phone. Anyone may turn it on for their account.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=False)
OTP_TOTP_ISSUER = "Chợ Quê"

# Back-office sessions (staff, officers, admins) are shorter than buyers'
# (Django's two weeks): they end after an hour without a request, long
# enough to write a destination page in Wagtail without losing it, and
# eight hours after login (one working day), so a computer left signed in
# at the commune office is not still signed in the next morning.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=60 * 60)
STAFF_SESSION_MAX_SECONDS = env.int("STAFF_SESSION_MAX_SECONDS", default=8 * 60 * 60)

# --- Languages, time, money -------------------------------------------------

LANGUAGE_CODE = "vi"
LANGUAGES = [
    ("vi", _("Vietnamese")),
    ("en", _("English")),
]
# Ours first; then Vietnamese for the Oscar messages its own catalogue
# leaves out or gets wrong (locale-oscar/README.md).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale-oscar"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

# VND has no minor unit. Every amount is shown the Vietnamese way whatever the
# page language (150.000 ₫): the no-break space keeps the symbol on the line
# of its number on narrow phone screens.
OSCAR_DEFAULT_CURRENCY = "VND"
OSCAR_CURRENCY_FORMAT = {"VND": {"format": "#,##0\u00a0¤", "locale": "vi_VN"}}

# --- Oscar ------------------------------------------------------------------

OSCAR_SHOP_NAME = "Chợ Quê"
OSCAR_SHOP_TAGLINE = _("Key local products of the communes")
OSCAR_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Chợ Quê <no-reply@choque.example>")
# Guests may check out (DESIGN.md, Roles).
OSCAR_ALLOW_ANON_CHECKOUT = True
# Vietnamese addresses rarely carry a postcode.
OSCAR_REQUIRED_ADDRESS_FIELDS = ("first_name", "last_name", "line1", "line4", "country")
OSCAR_SLUG_ALLOW_UNICODE = False

HAYSTACK_CONNECTIONS = {
    "default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"},
}

# --- Wagtail ----------------------------------------------------------------

WAGTAIL_SITE_NAME = "Chợ Quê"
# The public address of the site: printed in QR labels and e-mails, which
# outlive any request.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default=SITE_URL)
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "ods", "csv", "txt"]
# Image uploads: the limits of marketplace/uploads.py (a phone photo is a few
# megabytes; 50 megapixels is more than any phone camera, far less than a
# decompression bomb), checked again by content in cms.image_forms.ImageForm.
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 50_000_000
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.image_forms.ImageForm"
# Where a destination's Zalo share link leads; {url} is the page's address
# (quoted). The default is the address Zalo's share plugin opens; a site with
# a Zalo Official Account adds its "&oaid=…" here.
ZALO_SHARE_URL = env(
    "ZALO_SHARE_URL",
    default="https://sp.zalo.me/plugins/share?layout=1&color=blue&customize=false&href={url}",
)
# Wagtail's page preview renders in a same-origin frame.
X_FRAME_OPTIONS = "SAMEORIGIN"

# --- Search -----------------------------------------------------------------

# Without an address, search runs in the database (PostgreSQL full-text
# search, or folded columns on SQLite). With one, Elasticsearch 8 or
# OpenSearch 2/3 answers and the database stands in when it cannot.
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
# "elasticsearch" or "opensearch": OpenSearch needs plain JSON media types.
SEARCH_ENGINE = env("SEARCH_ENGINE", default="elasticsearch")
# Index and alias names start with this, so several sites can share a cluster.
SEARCH_INDEX_PREFIX = env("SEARCH_INDEX_PREFIX", default="choque")
SEARCH_INDEX_REPLICAS = env.int("SEARCH_INDEX_REPLICAS", default=0)
# Seconds a page waits for the engine before searching the database instead.
ELASTICSEARCH_TIMEOUT = env.float("ELASTICSEARCH_TIMEOUT", default=2.0)

# --- Payments ---------------------------------------------------------------

STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
# Lets the tests point the stripe library at a local Stripe-compatible server.
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
# Stripe.js, loaded by the card page; localstripe serves a stand-in at
# <its address>/js.stripe.com/v3/.
STRIPE_JS_URL = env("STRIPE_JS_URL", default="https://js.stripe.com/v3/")
# Stripe's smallest charge is about USD 0.50; in đồng, with some margin for
# the exchange rate.
STRIPE_MINIMUM_AMOUNT_VND = env.int("STRIPE_MINIMUM_AMOUNT_VND", default=15_000)
# Webhook events signed longer ago than this are refused as replays.
STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300
# The platform's commission on each cooperative's sales, unless its ledger
# account sets its own rate.
PLATFORM_COMMISSION_RATE = Decimal(env.str("PLATFORM_COMMISSION_RATE", default="0.05"))
# The payment methods checkout offers, in this order (marketplace.payments).
PAYMENT_PROVIDERS = [
    "marketplace.payments.providers.CashOnDelivery",
    "marketplace.payments.providers.StripeCard",
]

# --- Content-Security-Policy (django-csp) -----------------------------------

# Active everywhere (development, the demo, the browser tests, production),
# so a page that needs more than this fails where it is written.
# Scripts: the site's own files and Stripe.js only; no inline script, event
# handler attribute or javascript: address, and no eval. Oscar's inline
# start-up script is replaced by static/js/oscar-init.js
# (templates/oscar/base_no_inline_script.html). No nonces: whole pages are
# cached for anonymous visitors (marketplace/page_cache.py), and a nonce
# would be served to every visitor of the cached page.
# Styles: inline style attributes and <style> blocks stay allowed (the
# templates and Leaflet set styles inline); an injected style cannot run
# code, which is what this policy is about.
# Stripe's hosts are those Stripe documents for Stripe.js and Elements; its
# origin is STRIPE_JS_URL's, so a local stand-in (localstripe) is allowed too.
_STRIPE_JS_ORIGIN = "/".join(STRIPE_JS_URL.split("/")[:3])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", _STRIPE_JS_ORIGIN, "https://*.js.stripe.com"],
        "style-src": ["'self'", "'unsafe-inline'"],
        # data: for Bootstrap's inline SVG icons; the maps' OpenStreetMap tiles.
        "img-src": ["'self'", "data:", "https://*.tile.openstreetmap.org", "https://*.stripe.com"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", _STRIPE_JS_ORIGIN, "https://api.stripe.com"],
        # Stripe's card field and 3-D Secure; videos embedded in Wagtail pages.
        "frame-src": [
            "'self'",
            _STRIPE_JS_ORIGIN,
            "https://*.js.stripe.com",
            "https://hooks.stripe.com",
            "https://www.youtube.com",
            "https://www.youtube-nocookie.com",
            "https://www.facebook.com",
        ],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        # As X_FRAME_OPTIONS: only Wagtail's preview frames the site's pages.
        "frame-ancestors": ["'self'"],
    },
}
# Added to the policy of the back office only (marketplace/csp.py says why):
# Wagtail's admin and Oscar's dashboard run inline scripts and Wagtail's
# compiles templates with `new Function`; Wagtail previews uploads from
# blob: addresses. Django's admin needs none of it and is not listed.
CONTENT_SECURITY_POLICY_BACK_OFFICE = {
    "PATH_PREFIXES": ["/cms/", "/shop/dashboard/"],
    "DIRECTIVES": {
        "script-src": ["'unsafe-inline'", "'unsafe-eval'"],
        "img-src": ["blob:"],
    },
}
# Wagtail's admin would ask Gravatar for each officer's picture (sending a
# hash of their e-mail address to another company) and releases.wagtail.io
# for news of upgrades: the back office loads nothing from other sites.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# --- Background work --------------------------------------------------------

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
# With no broker configured, tasks run in-process so the demo needs no service.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged only once it has run, so a worker that dies mid-task
# does not lose it; tasks are idempotent, so running one twice is harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request publishes once (marketplace.services.FAIL_FAST) and keeps the
# task in the database if Redis does not answer; an unreachable host must
# fail that one try within seconds too, not hang on the connect.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}

# --- E-mail -----------------------------------------------------------------

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = OSCAR_FROM_EMAIL
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Oscar and Wagtail are chatty at INFO during migrations.
        "oscar": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# --- Project ----------------------------------------------------------------

# Where the administrative units of the demo province come from (see
# cooperatives/data/SOURCES.md).
DEMO_PROVINCE_CODE = "08"
# load_demo creates users with published passwords; production turns it off.
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=True)
# Where buyers write about their personal data (the privacy notice names it).
PRIVACY_CONTACT_EMAIL = env("PRIVACY_CONTACT_EMAIL", default="privacy@choque.example")

# Oscar's templates get their thumbnails from the catalogue's renditions.
OSCAR_THUMBNAILER = "catalog.images.RenditionThumbnailer"

# The cooperative's own tools join Oscar's dashboard menu, for its staff only.
OSCAR_DASHBOARD_NAVIGATION = OSCAR_DASHBOARD_NAVIGATION + [  # noqa: F405
    {
        "label": _("My cooperative"),
        "icon": "fas fa-seedling",
        "access_fn": cooperative_staff_access,
        "children": [
            {
                "label": _("Profile"),
                "url_name": "cooperative-dashboard:profile",
                "access_fn": cooperative_staff_access,
            },
            {
                "label": _("Raw-material areas"),
                "url_name": "cooperative-dashboard:area-list",
                "access_fn": cooperative_staff_access,
            },
            {
                "label": _("Linkage models"),
                "url_name": "cooperative-dashboard:linkage-model-list",
                "access_fn": cooperative_staff_access,
            },
            {
                "label": _("Products"),
                "url_name": "cooperative-catalog:product-list",
                "access_fn": cooperative_staff_access,
            },
            {
                "label": _("Lots and traceability"),
                "url_name": "cooperative-catalog:lot-list",
                "access_fn": cooperative_staff_access,
            },
            {
                "label": _("Statement"),
                "url_name": "cooperative-ledger:statement",
                "access_fn": cooperative_staff_access,
            },
            {
                "label": _("Shipping"),
                "url_name": "cooperative-shipping:policy",
                "access_fn": cooperative_staff_access,
            },
            {
                "label": _("Orders"),
                "url_name": "cooperative-orders:group-list",
                "access_fn": cooperative_staff_access,
            },
        ],
    },
    {
        "label": _("Cooperatives' statements"),
        "icon": "fas fa-file-invoice-dollar",
        "url_name": "ledger:statement-list",
        "access_fn": ledger_access,
    },
    {
        "label": _("Audit log"),
        "icon": "fas fa-history",
        "url_name": "audit:event-list",
        "access_fn": audit_access,
    },
]

# Periodic work, in one place (run by `celery -A marketplace beat`).
# Only `check_worker`'s ping needs a result back; no other task makes the
# web process wait on the result store (which is down with the broker).
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE = {
    # Tasks kept while the broker was unreachable go out again soon after.
    "undelivered-tasks-resend": {
        "task": "marketplace.undelivered_tasks_resend_task",
        "schedule": 300.0,
    },
    # Card payments whose buyer and webhook both went missing: placed,
    # captured or given up, so no money stays held and no basket frozen.
    "card-checkouts-reconcile": {
        "task": "checkout.card_checkouts_reconcile_task",
        "schedule": 300.0,
    },
    # Every morning before office hours, so reminders are read the same day.
    "certification-expiry-reminders": {
        "task": "cooperatives.certification_expiry_reminders_task",
        "schedule": crontab(hour=6, minute=0),
    },
    # Every minute, so a page approved for a set time goes live (or an
    # expired one comes down) within a minute of that time.
    "cms-publish-scheduled-pages": {
        "task": "cms.publish_scheduled_pages_task",
        "schedule": 60.0,
    },
    # At night, when few search: every search document rewritten, so an
    # update lost while Elasticsearch was down is repaired within a day.
    "search-index-reconcile": {
        "task": "search.search_index_reconcile_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # Just after a month ends, its indicators are kept as they stood, so
    # the trends do not change when the data is edited later.
    "reports-snapshot-last-month": {
        "task": "reports.snapshot_last_month_task",
        "schedule": crontab(day_of_month=1, hour=1, minute=15),
    },
}

# --- Reports ------------------------------------------------------------------

# The province the reports are about, in the administrative map they use
# (the three-level map of the plan period; the plan's district indicators
# need districts).
REPORTS_PROVINCE_CODE = env("REPORTS_PROVINCE_CODE", default="08")
REPORTS_EDITION = env("REPORTS_EDITION", default="2025-03-01")
# The commune-level units Plan 215 counts: rural communes (xã), not wards
# or towns. Empty: every commune-level unit.
REPORTS_COMMUNE_TYPES = env.list("REPORTS_COMMUNE_TYPES", default=["Xã"])
