"""Factories for the tests, built on Oscar's so they follow forked models."""

from django.contrib.auth.models import Group
from oscar.test.factories import PartnerFactory, UserFactory

from marketplace import roles

__all__ = ["PartnerFactory", "UserFactory", "cooperative_staff_user", "user_with_role"]


def user_with_role(role: str, **kwargs):
    """A user in the group of ``role``; platform admins are also superusers."""
    is_admin = role == roles.PLATFORM_ADMIN
    user = UserFactory(is_staff=is_admin, is_superuser=is_admin, **kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


def cooperative_staff_user(partner=None, **kwargs):
    """A cooperative staff user, one of the users of ``partner`` (a new one if none)."""
    user = user_with_role(roles.COOPERATIVE_STAFF, **kwargs)
    (partner or PartnerFactory()).users.add(user)
    return user
