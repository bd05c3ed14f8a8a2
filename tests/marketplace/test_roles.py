import pytest
from django.contrib.auth.models import Group

from marketplace import roles

pytestmark = pytest.mark.django_db


def test_every_role_of_the_design_is_a_group():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLE_LABELS)


@pytest.mark.parametrize(("role", "permissions"), roles.ROLE_PERMISSIONS.items())
def test_each_role_holds_its_permissions(role, permissions):
    held = {
        (p.content_type.app_label, p.content_type.model, p.codename)
        for p in Group.objects.get(name=role).permissions.select_related("content_type")
    }
    assert held >= set(permissions)


@pytest.mark.parametrize("role", [roles.BUYER, roles.COOPERATIVE_STAFF])
def test_buyers_and_cooperative_staff_hold_no_cms_permission(role):
    permissions = Group.objects.get(name=role).permissions.values_list("content_type__app_label", flat=True)
    assert not any(label.startswith("wagtail") for label in permissions)
