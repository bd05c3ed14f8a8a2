"""Production: DEBUG off, secrets and hosts from the environment.

`python manage.py check --deploy` passes with this module; the one warning
silenced below is explained where it is silenced.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEVELOPMENT_SECRET_KEY, SECRET_KEY, env

DEBUG = False

if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "Production needs its own SECRET_KEY (50 or more random characters) in the "
        "environment; the development key is public and is refused."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# Connections kept between requests (checked before reuse): opening one per
# request costs more than many of the pages' queries.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# TLS ends at the load balancer, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Off only for a node on loopback with no TLS in front of it (make
# serve-prod, the load benchmark): browsers never send a Secure cookie back
# over plain HTTP, so sessions and CSRF would fail there.
HTTPS_ONLY = env.bool("HTTPS_ONLY", default=True)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS_ONLY)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365 if HTTPS_ONLY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = HTTPS_ONLY
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = HTTPS_ONLY
LANGUAGE_COOKIE_SECURE = HTTPS_ONLY
LANGUAGE_COOKIE_SAMESITE = "Lax"
OSCAR_BASKET_COOKIE_SECURE = HTTPS_ONLY
OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = HTTPS_ONLY

STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names let browsers cache static files for a year; compressed
    # copies save bandwidth on mobile networks.
    "staticfiles": {"BACKEND": "marketplace.static.CompressedStaticFilesStorage"},
}
STATIC_BROTLI = env.bool("STATIC_BROTLI", default=True)

SILENCED_SYSTEM_CHECKS = [
    # security.W019: X_FRAME_OPTIONS is SAMEORIGIN rather than DENY because
    # Wagtail's page preview shows the page in a frame of the same origin;
    # other sites still cannot frame any page.
    "security.W019",
]

DEMO_DATA_ALLOWED = False

# Platform admins and province officers give a one-time code after their
# password (marketplace/twofactor).
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
# deploy/nginx.conf appends the visitor's address to X-Forwarded-For; one
# more with a TLS balancer in front of it, 0 for gunicorn facing visitors
# directly (marketplace/twofactor/throttling.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
