from decimal import Decimal

import pytest
from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_model
from oscar.test.factories import create_order, create_product, create_stockrecord

from tests.factories import administrative_tree, approved_cooperative

Basket = get_model("basket", "Basket")


@pytest.fixture
def cooperatives():
    units = administrative_tree()
    return (
        approved_cooperative(legal_name="Hợp tác xã Sơn Trà", commune=units["02254"]),
        approved_cooperative(legal_name="Hợp tác xã Cam Phù Lưu", commune=units["02395"]),
    )


@pytest.fixture
def two_cooperative_order(cooperatives):
    """One order: 2 × 150.000 ₫ of tea from Sơn Trà, 3 × 45.000 ₫ of oranges from Phù Lưu."""
    son_tra, phu_luu = cooperatives
    tea = create_product(title="Chè Shan tuyết")
    create_stockrecord(tea, price=Decimal(150000), num_in_stock=10, partner_name=son_tra.partner.name)
    oranges = create_product(title="Cam sành")
    create_stockrecord(oranges, price=Decimal(45000), num_in_stock=10, partner_name=phu_luu.partner.name)
    basket = Basket.objects.create()
    basket.strategy = Default()
    basket.add_product(tea, 2)
    basket.add_product(oranges, 3)
    return create_order(basket=basket)
