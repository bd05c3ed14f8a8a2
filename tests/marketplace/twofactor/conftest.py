"""Users of every role and real one-time codes for the two-step tests."""

import time

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from marketplace import demo, roles
from tests.reports.conftest import build_units

ROLES = [
    roles.BUYER,
    roles.COOPERATIVE_STAFF,
    roles.TOURISM_OFFICER,
    roles.PROVINCE_OFFICER,
    roles.PLATFORM_ADMIN,
]
# The roles the platform asks for a code when TWO_FACTOR_REQUIRED is on.
REQUIRED_ROLES = {roles.PROVINCE_OFFICER, roles.PLATFORM_ADMIN}


@pytest.fixture
def role_users(db):
    """The demo's user of each role (marketplace.demo), as the site makes them,
    and the province their reports are about."""
    build_units()
    demo.demo_users_ensure()
    User = get_user_model()
    return {account.role: User.objects.get(username=account.username) for account in demo.DEMO_ACCOUNTS}


@pytest.fixture
def two_factor_required(settings):
    settings.TWO_FACTOR_REQUIRED = True
    return settings


def totp_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app holding the device's key shows now (or
    that many 30-second steps later: a code is accepted one step either
    side, and never twice)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
