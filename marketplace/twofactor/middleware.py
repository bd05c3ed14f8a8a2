"""Two checks on every request of a signed-in user, after Django's
authentication and django-otp's OTPMiddleware (which tells whether this
session has passed a code)."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from .selectors import path_is_back_office, user_has_two_factor, user_is_back_office, user_must_use_two_factor
from .services import SESSION_BACK_OFFICE, SESSION_HAS_DEVICE, session_flag, staff_session_expired

# Always reachable half-signed-in: leaving, and the code pages themselves.
_OPEN_URL_NAMES = {"logout", "wagtailadmin_logout"}


class StaffSessionExpiryMiddleware:
    """Back-office sessions end after STAFF_SESSION_IDLE_SECONDS without a
    request and STAFF_SESSION_MAX_SECONDS after login, whatever happens in
    between; buyers keep Django's session length."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and session_flag(
                session=request.session, key=SESSION_BACK_OFFICE, user=user, compute=user_is_back_office
            )
            and staff_session_expired(session=request.session, now=time.time())
        ):
            logout(request)
            messages.info(request, _("Your session has ended. Please log in again."))
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """A user with a confirmed device has not finished logging in until a
    code is given, anywhere on the site. A user the platform requires to
    use one (settings.TWO_FACTOR_REQUIRED) and who has none yet is sent to
    set it up before any back office."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not _is_open(request):
            if session_flag(
                session=request.session, key=SESSION_HAS_DEVICE, user=user, compute=user_has_two_factor
            ):
                return _redirect_keeping_next("twofactor:verify", request)
            if path_is_back_office(request.path_info) and user_must_use_two_factor(user):
                return _redirect_keeping_next("twofactor:setup", request)
        return self.get_response(request)


def _is_open(request) -> bool:
    path = request.path_info
    if path.startswith((settings.STATIC_URL, settings.MEDIA_URL, "/i18n/", "/healthz/")):
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.namespace.split(":")[-1] == "twofactor" or match.url_name in _OPEN_URL_NAMES


def _redirect_keeping_next(url_name, request):
    return redirect(f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}")
