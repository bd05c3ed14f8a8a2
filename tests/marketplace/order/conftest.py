"""A two-cooperative marketplace and a way to place orders in it, through
Oscar's test factory, which goes through our OrderCreator."""

import datetime
import itertools
from decimal import Decimal

import pytest
from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_model
from oscar.test.factories import (
    ShippingAddressFactory,
    create_order,
    create_product,
    create_stockrecord,
)

from catalog import services as catalog_services
from marketplace import roles
from tests.factories import administrative_tree, approved_cooperative, user_with_role

Basket = get_model("basket", "Basket")
Country = get_model("address", "Country")

_numbers = itertools.count(200001)


@pytest.fixture
def shop(db):
    units = administrative_tree()
    a = approved_cooperative(
        legal_name="Hợp tác xã Sơn Trà", commune=units["02254"], email="sontra@htx.example"
    )
    b = approved_cooperative(
        legal_name="Hợp tác xã Cam Phù Lưu", commune=units["02395"], email="phuluu@htx.example"
    )
    tea = create_product(title="Chè Shan tuyết Sơn Trà")
    create_stockrecord(tea, price=Decimal("150000"), num_in_stock=0, partner_name=a.partner.name)
    # The first-expiring lot holds 3: an order of 4 empties (closes) it and
    # takes 1 from the second.
    lot_1 = catalog_services.lot_create(
        product=tea, cooperative=a, produced_on=datetime.date(2026, 9, 1), quantity=3,
        best_before=datetime.date(2027, 3, 1), code="SONTRA-260901",
    )  # fmt: skip
    lot_2 = catalog_services.lot_create(
        product=tea, cooperative=a, produced_on=datetime.date(2026, 10, 1), quantity=10,
        best_before=datetime.date(2027, 4, 1), code="SONTRA-261001",
    )  # fmt: skip
    # Sold from its stock record alone: a product recorded before lots were.
    oranges = create_product(title="Cam sành Phù Lưu")
    create_stockrecord(oranges, price=Decimal("45000"), num_in_stock=50, partner_name=b.partner.name)
    Country.objects.get_or_create(
        iso_3166_1_a2="VN", defaults={"printable_name": "Việt Nam", "name": "Việt Nam"}
    )
    return {
        "a": a, "b": b, "staff_a": a.partner.users.get(), "staff_b": b.partner.users.get(),
        "tea": tea, "oranges": oranges, "lot_1": lot_1, "lot_2": lot_2,
        "buyer": user_with_role(roles.BUYER, email="lan.buyer@example.vn"),
    }  # fmt: skip


@pytest.fixture
def place(shop):
    def place(items=None, user=None, **kwargs):
        basket = Basket.objects.create()
        basket.strategy = Default()
        for product, quantity in items or [(shop["tea"], 4), (shop["oranges"], 2)]:
            basket.add_product(product, quantity)
        address = ShippingAddressFactory(
            country=Country.objects.get(iso_3166_1_a2="VN"), first_name="Lan", last_name="Nguyễn",
            line1="Thôn Hồng Ba", line4="Na Hang", phone_number="+84912345678",
        )  # fmt: skip
        if "guest_email" not in kwargs:
            kwargs["user"] = user or shop["buyer"]
        return create_order(basket=basket, shipping_address=address, number=str(next(_numbers)), **kwargs)

    return place
