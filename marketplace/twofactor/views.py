"""The pages of a second factor: an overview in the account, setting up an
authenticator app, and giving a code after the password. Every signed-in
user may use them (two-factor is optional for most roles); anonymous
visitors are sent to log in."""

import math
from base64 import b32encode

import segno
from axes.helpers import get_cool_off, get_failure_limit
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login

from .forms import TOTPCodeForm
from .selectors import user_confirmed_totp_device, user_must_use_two_factor
from .services import SESSION_HAS_DEVICE, totp_device_confirm, totp_device_pending


def _next_url(request) -> str:
    """Where to go once done: the page the user was stopped at, if it is a
    page of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("twofactor:overview")


class TwoFactorOverviewView(LoginRequiredMixin, TemplateView):
    template_name = "twofactor/overview.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            has_device=user_confirmed_totp_device(user) is not None,
            required=user_must_use_two_factor(user),
            verified=user.is_verified(),
            **kwargs,
        )


class _CodeView(LoginRequiredMixin, FormView):
    form_class = TOTPCodeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "device": self.device}

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_next_url(self.request), **kwargs)


class TwoFactorSetupView(_CodeView):
    template_name = "twofactor/setup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and user_confirmed_totp_device(request.user) is not None:
            # A second device would let anyone holding only the password
            # (this page is open before the code) add their own.
            return redirect(f"{reverse('twofactor:verify')}?{request.GET.urlencode()}")
        if request.user.is_authenticated:
            self.device = totp_device_pending(user=request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        uri = self.device.config_url
        return super().get_context_data(
            qr_svg=segno.make(uri, error="m").svg_inline(
                scale=4, title=_("QR code for your authenticator app")
            ),
            secret=self.device_secret(),
            required=user_must_use_two_factor(self.request.user),
            **kwargs,
        )

    def device_secret(self) -> str:
        """The key as apps ask for it when typed in, in groups of four."""
        key = b32encode(self.device.bin_key).decode().rstrip("=")
        return " ".join(key[i : i + 4] for i in range(0, len(key), 4))

    def form_valid(self, form):
        device = totp_device_confirm(device=self.device)
        otp_login(self.request, device)
        self.request.session[SESSION_HAS_DEVICE] = True
        messages.success(
            self.request, _("Two-step verification is on. Your next logins will ask for a code.")
        )
        return redirect(_next_url(self.request))


class TwoFactorVerifyView(_CodeView):
    template_name = "twofactor/verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.device = user_confirmed_totp_device(request.user)
            if self.device is None:
                return redirect(f"{reverse('twofactor:setup')}?{request.GET.urlencode()}")
            if request.user.is_verified():
                return redirect(_next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        otp_login(self.request, self.device)
        return redirect(_next_url(self.request))


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login while locked out (AXES_LOCKOUT_CALLABLE):
    a page in the visitor's language saying for how long, with 429 Too Many
    Requests, whichever login form was used."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_timedelta": cool_off,
        "cooloff_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(request, "twofactor/lockout.html", context, status=429)
