from decimal import Decimal

import pytest
from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_model
from oscar.test.factories import create_product, create_stockrecord

from marketplace.shipping.models import CooperativeShippingPolicy
from tests.factories import administrative_tree, approved_cooperative

Basket = get_model("basket", "Basket")


@pytest.fixture
def cooperatives(db):
    units = administrative_tree()
    return (
        approved_cooperative(legal_name="Hợp tác xã Chè Sơn Trà", commune=units["02254"]),
        approved_cooperative(legal_name="Hợp tác xã Cam Phù Lưu", commune=units["02395"]),
    )


def product_of(cooperative, *, title, price, grams=None, stock=100):
    product = create_product(title=title, net_weight_grams=grams)
    create_stockrecord(
        product, price=Decimal(price), num_in_stock=stock, partner_name=cooperative.partner.name
    )
    return product


def basket_with(*items):
    """A basket holding ``(product, quantity)`` pairs."""
    basket = Basket.objects.create()
    basket.strategy = Default()
    for product, quantity in items:
        basket.add_product(product, quantity)
    return basket


def set_policy(cooperative, **fields):
    policy, _ = CooperativeShippingPolicy.objects.update_or_create(cooperative=cooperative, defaults=fields)
    return policy
