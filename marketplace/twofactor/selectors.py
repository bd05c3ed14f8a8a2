"""Who counts as back-office staff, who must use a second factor, and
which paths are the back offices."""

import re

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from marketplace import roles

# Every role that works behind the scenes: their sessions are shortened.
BACK_OFFICE_GROUPS = (
    roles.COOPERATIVE_STAFF,
    roles.TOURISM_OFFICER,
    roles.PROVINCE_OFFICER,
    roles.PLATFORM_ADMIN,
)
# The roles that can change the whole platform (every cooperative, every
# page, the province's figures): a stolen password alone must not be enough.
TWO_FACTOR_GROUPS = (roles.PROVINCE_OFFICER, roles.PLATFORM_ADMIN)

# The back offices (DESIGN.md, URL map), with or without the /en/ prefix
# i18n_patterns gives to English. /cooperatives/review/ is where province
# officers approve cooperatives and recall lots.
_BACK_OFFICE_PATH = re.compile(
    r"^/(?:cms|django-admin)/"
    r"|^/(?:[a-z]{2}(?:-[a-z]+)?/)?(?:shop/dashboard|reports|cooperatives/review)/"
)


def path_is_back_office(path: str) -> bool:
    return bool(_BACK_OFFICE_PATH.match(path))


def user_is_back_office(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.groups.filter(name__in=BACK_OFFICE_GROUPS).exists() or user.partners.exists()


def user_must_use_two_factor(user) -> bool:
    """Whether the platform requires this user to have a TOTP device
    (settings.TWO_FACTOR_REQUIRED); anyone may set one up anyway."""
    if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name__in=TWO_FACTOR_GROUPS).exists()


def user_has_two_factor(user) -> bool:
    """A confirmed device: from then on the user's logins need a code."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def user_confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()
