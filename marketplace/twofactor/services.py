"""Setting up and checking one-time codes; the clocks of staff sessions."""

import enum

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

# Session keys of the staff session clocks (seconds since the epoch).
SESSION_STARTED = "staff_session_started"
SESSION_SEEN = "staff_session_seen"
# Whether the user works in a back office, and has a confirmed device.
SESSION_BACK_OFFICE = "staff_session_back_office"
SESSION_HAS_DEVICE = "twofactor_has_device"
# The last-seen time is written at most this often: writing it on every
# request would save the session on every page view for a precision no one
# needs (the idle limit is then met within a minute).
SEEN_RESOLUTION_SECONDS = 60


class CodeCheck(enum.Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    # Too many wrong codes lately: django-otp makes the user wait 1, 2, 4…
    # seconds after each one, whatever the code.
    THROTTLED = "throttled"


@transaction.atomic
def totp_device_pending(*, user) -> TOTPDevice:
    """The device being set up: kept between page views so the QR code the
    user scanned stays the one that is checked."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice(user=user, name=str(settings.OTP_TOTP_ISSUER), confirmed=False)
        device.full_clean()
        device.save()
    return device


@transaction.atomic
def totp_code_check(*, device: TOTPDevice, code: str) -> CodeCheck:
    """Checks a code against the device, counting wrong ones for
    django-otp's throttle. The row is locked so two requests cannot both
    use one code."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return CodeCheck.THROTTLED
    return CodeCheck.ACCEPTED if device.verify_token(code) else CodeCheck.WRONG


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice) -> TOTPDevice:
    """The first right code shows the user's app has the secret: from now
    on their logins need a code. Other half-set-up devices go."""
    # Re-read: the code check has just moved the device's counters on.
    device.refresh_from_db()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user_id=device.user_id, confirmed=False).delete()
    return device


def session_flag(*, session, key: str, user, compute) -> bool:
    """A fact about the signed-in user kept in the session (SESSION_BACK_OFFICE,
    SESSION_HAS_DEVICE): worked out once, at login, not on every request.
    A session from before the key existed gets it on its next request."""
    value = session.get(key)
    if not isinstance(value, bool):
        value = session[key] = bool(compute(user))
    return value


def session_start(*, session, user, now: float) -> None:
    """At login (also again on a session still open): the facts the
    middleware reads, and a back-office session's clocks from now."""
    from .selectors import user_has_two_factor, user_is_back_office

    back_office = session[SESSION_BACK_OFFICE] = user_is_back_office(user)
    session[SESSION_HAS_DEVICE] = user_has_two_factor(user)
    session.pop(SESSION_STARTED, None)
    session.pop(SESSION_SEEN, None)
    if back_office:
        session[SESSION_STARTED] = session[SESSION_SEEN] = int(now)
        session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)


def staff_session_expired(*, session, now: float) -> bool:
    """Whether a back-office session is over (too long idle, or open too
    long in all); otherwise records the visit."""
    started = session.get(SESSION_STARTED)
    seen = session.get(SESSION_SEEN)
    if not isinstance(started, (int, float)) or not isinstance(seen, (int, float)):
        session[SESSION_STARTED] = session[SESSION_SEEN] = int(now)
        # The session store forgets the session too, should this
        # middleware ever be left out.
        session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return False
    if now - seen > settings.STAFF_SESSION_IDLE_SECONDS:
        return True
    if now - started > settings.STAFF_SESSION_MAX_SECONDS:
        return True
    if now - seen >= SEEN_RESOLUTION_SECONDS:
        session[SESSION_SEEN] = int(now)
        session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
    return False
