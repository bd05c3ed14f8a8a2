from oscar.apps.shipping import repository

from .methods import CooperativeDelivery, CooperativePickup
from .selectors import shipping_quotes_for_basket


class Repository(repository.Repository):
    """Delivery first (the basket page shows the first method as its
    estimate); pickup only when some cooperative of the basket allows it."""

    def get_available_shipping_methods(self, basket, shipping_addr=None, **kwargs):
        methods = [CooperativeDelivery()]
        if shipping_quotes_for_basket(basket=basket).any_pickup:
            methods.append(CooperativePickup())
        return methods
