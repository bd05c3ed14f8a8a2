"""Two cooperatives, each with a product, an area and a lot, and a user of
every role, for the tests of the cooperative's product and lot tools."""

import datetime
from decimal import Decimal

import pytest
from oscar.test.factories import create_product, create_stockrecord

from catalog import services
from cooperatives.models import RawMaterialArea
from marketplace import roles
from tests.factories import administrative_tree, approved_cooperative, user_with_role


@pytest.fixture
def units():
    return administrative_tree()


@pytest.fixture
def cooperative(units):
    return approved_cooperative(
        legal_name="Hợp tác xã Sơn Trà", commune=units["02254"], registration_number="5201-000123"
    )


@pytest.fixture
def other_cooperative(units):
    return approved_cooperative(legal_name="Hợp tác xã Cam Phù Lưu", commune=units["02395"])


@pytest.fixture
def area(cooperative, units):
    return RawMaterialArea.objects.create(
        cooperative=cooperative, name="Đồi chè Hồng Ba", commune=units["02254"],
        area_hectares=Decimal("12.5"), main_crop="Chè Shan tuyết",
    )  # fmt: skip


@pytest.fixture
def other_area(other_cooperative, units):
    return RawMaterialArea.objects.create(
        cooperative=other_cooperative, name="Vườn cam Phù Lưu", commune=units["02395"],
        area_hectares=Decimal("30"), main_crop="Cam sành",
    )  # fmt: skip


@pytest.fixture
def product(cooperative):
    product = create_product(title="Chè Shan tuyết Sơn Trà")
    create_stockrecord(product, price=Decimal(150000), num_in_stock=0, partner_name=cooperative.partner.name)
    return product


@pytest.fixture
def other_product(other_cooperative):
    product = create_product(title="Cam sành Phù Lưu")
    create_stockrecord(
        product, price=Decimal(45000), num_in_stock=0, partner_name=other_cooperative.partner.name
    )
    return product


@pytest.fixture
def lot(product, cooperative, area):
    return services.lot_create(
        product=product, cooperative=cooperative, produced_on=datetime.date(2026, 10, 1), quantity=20,
        best_before=datetime.date(2027, 10, 1), raw_material_area=area, code="SONTRA-261001",
    )  # fmt: skip


@pytest.fixture
def other_lot(other_product, other_cooperative):
    return services.lot_create(
        product=other_product, cooperative=other_cooperative, produced_on=datetime.date(2026, 10, 2),
        quantity=50, code="PHULUU-261002",
    )  # fmt: skip


@pytest.fixture
def staff(cooperative):
    return cooperative.partner.users.get()


@pytest.fixture
def other_staff(other_cooperative):
    return other_cooperative.partner.users.get()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def users(staff, other_staff):
    """A user of each role, by the name the access tables use."""
    return {
        "anonymous": None,
        "buyer": user_with_role(roles.BUYER),
        "staff": staff,
        "other_staff": other_staff,
        "tourism_officer": user_with_role(roles.TOURISM_OFFICER),
        "province_officer": user_with_role(roles.PROVINCE_OFFICER),
    }
