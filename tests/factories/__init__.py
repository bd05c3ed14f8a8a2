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


def administrative_tree(edition="2025-03-01"):
    """A province with two districts of two communes each, built by hand so a
    test knows every unit."""
    from cooperatives.models import AdministrativeUnit

    province = AdministrativeUnit.objects.create(
        edition=edition, code="08", name="Tỉnh Tuyên Quang", short_name="Tuyên Quang", unit_type="Tỉnh",
        level="province",
    )  # fmt: skip
    units = {"province": province}
    for district_code, district_name, communes in [
        ("072", "Na Hang", [("02254", "Hồng Thái"), ("02239", "Thượng Nông")]),
        ("074", "Hàm Yên", [("02395", "Phù Lưu"), ("02404", "Yên Thuận")]),
    ]:
        district = AdministrativeUnit.objects.create(
            edition=edition, code=district_code, name=f"Huyện {district_name}", short_name=district_name,
            unit_type="Huyện", level="district", parent=province,
        )  # fmt: skip
        units[district_code] = district
        for code, name in communes:
            units[code] = AdministrativeUnit.objects.create(
                edition=edition, code=code, name=f"Xã {name}", short_name=name, unit_type="Xã",
                level="commune", parent=district,
            )  # fmt: skip
    return units


def other_province_tree(edition="2025-03-01"):
    """A second province, Hà Giang, with one district of one commune: an
    address of another province, or a hostile pairing of units."""
    from cooperatives.models import AdministrativeUnit

    province = AdministrativeUnit.objects.create(
        edition=edition, code="02", name="Tỉnh Hà Giang", short_name="Hà Giang", unit_type="Tỉnh",
        level="province",
    )  # fmt: skip
    district = AdministrativeUnit.objects.create(
        edition=edition, code="029", name="Huyện Bắc Mê", short_name="Bắc Mê", unit_type="Huyện",
        level="district", parent=province,
    )  # fmt: skip
    commune = AdministrativeUnit.objects.create(
        edition=edition, code="00880", name="Xã Yên Phong", short_name="Yên Phong", unit_type="Xã",
        level="commune", parent=district,
    )  # fmt: skip
    return {"province": province, "district": district, "commune": commune}


def shipping_address_form_data(commune, /, **fields):
    """What a buyer posts to ``checkout:shipping-address`` for an address in
    ``commune`` (a unit of ``administrative_tree()``); ``fields`` override."""
    district = commune.parent
    return {
        "last_name": "Nguyễn Thị", "first_name": "Lan", "phone_number": "0912 345 678",
        "province": district.parent_id, "district": district.pk, "commune": commune.pk,
        "line1": "Thôn Hồng Ba", **fields,
    }  # fmt: skip


_registration_numbers = iter(range(1, 10**6))


def approved_cooperative(*, legal_name, commune, staff=None, **fields):
    """An approved cooperative with its shop partner; ``staff`` (a new user
    if none) is its staff."""
    from cooperatives import services
    from cooperatives.models import Cooperative

    staff = staff or UserFactory()
    number = next(_registration_numbers)
    cooperative = Cooperative.objects.create(
        legal_name=legal_name,
        slug=services._unique_slug(legal_name),
        registration_number=fields.pop("registration_number", f"TEST-{number:06d}"),
        commune=commune,
        address=fields.pop("address", "Thôn 1"),
        phone=fields.pop("phone", "0912345678"),
        email=fields.pop("email", f"htx-{number}@htx.example"),
        representative=fields.pop("representative", "Nguyễn Văn A"),
        applicant=staff,
        **fields,
    )
    return services.cooperative_approve(cooperative=cooperative, approved_by=None)
