from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwoFactorConfig(AppConfig):
    """Sign-in protection: login throttling (django-axes), one-time codes
    (django-otp TOTP) for the roles that run the platform, and shorter
    sessions for back-office users. No models of its own: the devices are
    django-otp's, the login attempts django-axes'."""

    name = "marketplace.twofactor"
    label = "twofactor"
    verbose_name = _("Sign-in protection")

    def ready(self):
        import time

        from django.contrib.auth.signals import user_logged_in

        from .services import session_start

        # Logging in again on a session that is still open keeps its data
        # (Django only cycles the key), so the clocks start again here.
        user_logged_in.connect(
            lambda sender, request, user, **kwargs: session_start(
                session=request.session, user=user, now=time.time()
            ),
            weak=False,
            dispatch_uid="twofactor_session_start",
        )
