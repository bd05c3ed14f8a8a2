"""Demo data shared by every feature: the demo province's administrative
units and one user per role. Each function is safe to run again: a second
run finds everything in place and changes nothing."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from oscar.core.loading import get_model

from cooperatives.administrative_data import read_units_file
from cooperatives.services import LoadResult, administrative_units_load

from . import roles

DATA_DIR = Path(settings.BASE_DIR) / "cooperatives" / "data"
# The plan period (2021–2025) was run on the three-level map; the two-level
# map took effect on 2025-07-01. Both are loaded so reports can use either.
UNIT_FILES = [
    ("2025-03-01", DATA_DIR / "tuyen_quang_units.json", None),
    ("2025-07-01", DATA_DIR / "tuyen_quang_units_2025_two_level.json", "2025-03-01"),
]

DEMO_PARTNER_CODE = "htx-son-tra"
DEMO_PARTNER_NAME = "Hợp tác xã Sơn Trà"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    email: str
    password: str
    first_name: str
    last_name: str


# Demo passwords are public on purpose: load_demo refuses to run where
# settings.DEMO_DATA_ALLOWED is off (production).
DEMO_ACCOUNTS = [
    DemoAccount(roles.BUYER, "nguoimua", "nguoimua@choque.example", "mua-hang-2025", "Lan", "Nguyễn Thị"),
    DemoAccount(
        roles.COOPERATIVE_STAFF, "htx.sontra", "htx.sontra@choque.example", "che-shan-tuyet", "Hùng", "Lý Văn"
    ),
    DemoAccount(
        roles.TOURISM_OFFICER, "dulich", "dulich@choque.example", "tan-trao-1945", "Mai", "Hoàng Thị"
    ),
    DemoAccount(
        roles.PROVINCE_OFFICER, "sotinh", "sotinh@choque.example", "ke-hoach-215", "Minh", "Trần Đức"
    ),
    DemoAccount(
        roles.PLATFORM_ADMIN, "quantri", "quantri@choque.example", "quan-tri-cho-que", "Admin", "Chợ Quê"
    ),
]


def demo_administrative_units_load(*, on_progress=None) -> dict[str, LoadResult]:
    results = {}
    for edition, path, predecessor_edition in UNIT_FILES:
        records = read_units_file(path, province_code=settings.DEMO_PROVINCE_CODE)
        results[edition] = administrative_units_load(
            records=records,
            edition=edition,
            predecessor_edition=predecessor_edition,
            on_progress=on_progress,
        )
    return results


def demo_unit_count() -> int:
    return sum(
        len(read_units_file(path, province_code=settings.DEMO_PROVINCE_CODE)) for _e, path, _p in UNIT_FILES
    )


@transaction.atomic
def demo_users_ensure() -> list[tuple[DemoAccount, bool]]:
    """One user per role; returns each account with whether it was created."""
    User = get_user_model()
    Partner = get_model("partner", "Partner")
    accounts = []
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        created = user is None
        if created:
            user = User(
                username=account.username,
                email=account.email,
                first_name=account.first_name,
                last_name=account.last_name,
                is_staff=account.role == roles.PLATFORM_ADMIN,
                is_superuser=account.role == roles.PLATFORM_ADMIN,
            )
            user.set_password(account.password)
            user.full_clean()
            user.save()
            user.groups.add(Group.objects.get(name=account.role))
        if account.role == roles.COOPERATIVE_STAFF:
            partner, _ = Partner.objects.get_or_create(
                code=DEMO_PARTNER_CODE, defaults={"name": DEMO_PARTNER_NAME}
            )
            if not partner.users.filter(pk=user.pk).exists():
                partner.users.add(user)
        accounts.append((account, created))
    return accounts
