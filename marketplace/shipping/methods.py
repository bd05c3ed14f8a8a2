"""The two ways a multi-cooperative basket reaches its buyer.

Oscar asks a shipping method for one charge; here that charge is the sum of
each cooperative's fee (see ``selectors.shipping_quotes_for_basket``).
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping.methods import Base
from oscar.core import prices

from .selectors import DELIVERY_CODE, PICKUP_CODE, shipping_quotes_for_basket


class CooperativeDelivery(Base):
    """Giao hàng tận nơi: every cooperative delivers its own part."""

    code = DELIVERY_CODE
    name = _("Home delivery by each cooperative")
    description = _("Each cooperative ships its own products and charges its own delivery fee.")
    collect_in_person = False

    def calculate(self, basket):
        charge = shipping_quotes_for_basket(basket=basket).charge(pickup=self.collect_in_person)
        # No tax is charged on delivery: stating it as zero makes the price
        # "tax known", so totals show one amount instead of a warning.
        return prices.Price(currency=basket.currency, excl_tax=charge, tax=Decimal(0))


class CooperativePickup(CooperativeDelivery):
    """Nhận tại hợp tác xã khi có thể: collect from each cooperative that
    allows it; the others still deliver."""

    code = PICKUP_CODE
    name = _("Collect from the cooperative where possible")
    description = _("Free at cooperatives that allow pickup; the others deliver for their usual fee.")
    collect_in_person = True
