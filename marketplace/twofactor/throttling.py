"""What django-axes counts failed logins by: the account and the client's
address (settings "Login throttling" in marketplace/settings/base.py)."""

import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import get_user_model


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for logins that come with a request.

    Oscar's registration view authenticates the account it has just created
    without passing the request; axes' own backend refuses that with an
    error (a 500 on every registration). Such a call is the site checking a
    password it was just given, not a login form an attacker can repeat, so
    it is let through to the next backends unchecked.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip_address(request) -> str | None:
    """The address of the browser, as the proxies this site trusts saw it.

    Behind deploy/nginx.conf, gunicorn's REMOTE_ADDR is the balancer's
    address for every visitor (gunicorn does not rewrite it from
    X-Forwarded-For), so counting by it would lock everyone out together.
    nginx appends the address it saw to X-Forwarded-For; anything to the
    left of the entries our own proxies added was written by the client and
    may be forged. So the address is the TRUSTED_PROXY_COUNT-th entry from
    the right: 0 without a proxy (runserver, a lone gunicorn), 1 behind
    deploy/'s nginx, 2 with a TLS balancer in front of that nginx.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        # Not through our proxies (a health check on the node itself).
        return remote_addr
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


def login_account_key(request, credentials) -> str | None:
    """One key per account whichever name is typed: shop logins use the
    e-mail address (any case), the officers' logins the user name. Without
    this, five guesses by e-mail and five by user name would be two
    separate allowances for the same account."""
    typed = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if typed is None and request is not None:
        typed = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    if not typed:
        return typed
    typed = str(typed).strip()[:255]
    if "@" in typed:
        return typed.lower()
    User = get_user_model()
    email = User.objects.filter(username=typed).values_list("email", flat=True).first()
    return email.lower() if email else typed.lower()
