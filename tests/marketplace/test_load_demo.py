import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from oscar.core.loading import get_model

from catalog.models import Lot
from cms import demo as cms_demo
from cooperatives.models import AdministrativeUnit, Cooperative
from marketplace import demo, roles
from marketplace.order import demo as orders_demo

pytestmark = pytest.mark.django_db

Partner = get_model("partner", "Partner")
FulfilmentGroup = get_model("order", "FulfilmentGroup")
Order = get_model("order", "Order")


@pytest.fixture(autouse=True)
def _short_year_of_orders(monkeypatch):
    """load_demo runs six times in this module: a short year of orders
    keeps it quick. The full year is tested in tests/marketplace/order/test_demo.py."""
    monkeypatch.setattr(orders_demo, "ORDER_COUNT", 20)


def database_snapshot():
    """What load_demo writes, down to password hashes and timestamps."""
    units = list(
        AdministrativeUnit.objects.order_by("edition", "code").values(
            "id",
            "edition",
            "code",
            "name",
            "name_en",
            "unit_type",
            "level",
            "parent_id",
            "valid_from",
            "valid_until",
        )
    )
    links = sorted(
        AdministrativeUnit.predecessors.through.objects.values_list(
            "from_administrativeunit_id", "to_administrativeunit_id"
        )
    )
    users = list(
        get_user_model()
        .objects.order_by("username")
        .values(
            "id", "username", "email", "password", "is_staff", "is_superuser", "date_joined", "groups__name"
        )
    )
    partners = list(Partner.objects.order_by("code").values("id", "code", "name", "users__username"))
    cooperatives = list(
        Cooperative.objects.order_by("pk").values(
            "pk", "legal_name", "status", "partner_id", "approved_at", "raw_material_areas__name",
            "raw_material_areas__certifications__certificate_number", "linkage_models__enterprise_name",
        )
    )  # fmt: skip
    orders = list(Order.objects.order_by("pk").values("id", "number", "date_placed", "total_incl_tax"))
    groups = list(FulfilmentGroup.objects.order_by("pk").values())
    lots = list(Lot.objects.order_by("pk").values("id", "code", "quantity", "quantity_available", "status"))
    return units, links, users, partners, cooperatives, orders, groups, lots


def test_load_demo_loads_tuyen_quang_and_prints_each_demo_login_with_its_role(capsys):
    call_command("load_demo", verbosity=1)
    output = capsys.readouterr().out

    three_level = AdministrativeUnit.objects.filter(edition="2025-03-01")
    assert three_level.filter(level="province").get().name == "Tỉnh Tuyên Quang"
    assert three_level.filter(level="district").count() == 7
    # 137 units of 2025-03-01 plus Vân Sơn, kept as historical.
    assert three_level.filter(level="commune").count() == 138
    assert AdministrativeUnit.objects.filter(edition="2025-07-01", level="commune").count() == 124

    for account in demo.DEMO_ACCOUNTS:
        assert account.email in output
        assert f"password: {account.password}" in output

    districts = three_level.filter(level="district")
    for district in districts:
        assert Cooperative.objects.approved().in_unit(district).exists(), district.name

    assert "orders: 20 created over the past year" in output
    assert f"pages: {cms_demo.demo_pages_count()} created, 0 already there" in output
    assert "/ban-do/" in output
    # The demo tourism officer may write for Sơn Dương (076) only.
    officer = get_user_model().objects.get(username="dulich")
    assert [
        name for name in officer.groups.values_list("name", flat=True) if name.startswith("Tourism officers")
    ] == ["Tourism officers: Huyện Sơn Dương (076)"]
    assert Order.objects.filter(number__startswith="DEMO-").count() == 20

    # Each demo user has exactly its role.
    for account in demo.DEMO_ACCOUNTS:
        user = get_user_model().objects.get(username=account.username)
        # Role groups only: the tourism officer is also in its district's
        # officers group (cms.services), which is not a role.
        role_groups = user.groups.filter(name__in=roles.ROLE_LABELS).values_list("name", flat=True)
        assert list(role_groups) == [account.role]
        assert user.is_superuser == (account.role == roles.PLATFORM_ADMIN)
        # Cooperative staff never get is_staff: Oscar would show them every partner.
        assert user.is_staff == (account.role == roles.PLATFORM_ADMIN)
    staff = get_user_model().objects.get(username="htx.sontra")
    assert Partner.objects.get(users=staff).name == "Hợp tác xã Sơn Trà"


def test_running_load_demo_twice_changes_nothing_not_even_a_changed_password(capsys):
    call_command("load_demo", verbosity=0)
    buyer = get_user_model().objects.get(username="nguoimua")
    buyer.set_password("a-new-secret-of-hers")
    buyer.save()
    before = database_snapshot()
    call_command("load_demo", verbosity=0)
    assert database_snapshot() == before
    output = capsys.readouterr().out
    assert "0 created, 0 updated, 146 unchanged" in output
    assert "orders: 0 created, 20 already there" in output
    assert f"pages: 0 created, {cms_demo.demo_pages_count()} already there" in output
    buyer.refresh_from_db()
    assert buyer.check_password("a-new-secret-of-hers")


def test_load_demo_refuses_where_demo_data_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="not allowed"):
        call_command("load_demo", verbosity=0)
    assert not get_user_model().objects.exists()
