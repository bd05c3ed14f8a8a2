import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from oscar.apps.order.utils import *  # noqa: F403
from oscar.apps.order.utils import OrderCreator as CoreOrderCreator
from oscar.apps.order.utils import OrderNumberGenerator as CoreOrderNumberGenerator
from oscar.core.loading import get_model

from catalog.models import Lot
from catalog.services import lots_allocate

from . import services


class OrderCreator(CoreOrderCreator):
    """Oscar's order creator, taking each line's units from the seller's
    open lots, first-expiring first, inside the transaction that places the
    order: if the lots cannot cover a line, no order is placed."""

    def create_line_models(self, order, basket_line, extra_line_fields=None):
        order_line = super().create_line_models(order, basket_line, extra_line_fields)
        # Remembered for update_stock_records, which Oscar calls with the
        # basket line, after all lines exist, in stock-record order (so
        # concurrent orders lock lots in the same order too).
        if not hasattr(self, "_order_lines"):
            self._order_lines = {}
        self._order_lines[basket_line.pk] = order_line
        return order_line

    def update_stock_records(self, line):
        super().update_stock_records(line)
        order_line = getattr(self, "_order_lines", {}).pop(line.pk, None)
        # Products sold before lots were recorded for them have no lots yet.
        if (
            order_line is not None
            and Lot.objects.filter(
                product_id=order_line.product_id, cooperative__partner_id=order_line.partner_id
            ).exists()
        ):
            lots_allocate(line=order_line, quantity=order_line.quantity)

    def place_order(self, basket, *args, **kwargs):
        # Oscar's place_order commits its own atomic block before it
        # returns; wrapping it in one more makes the groups part of the same
        # commit, so an order never exists without its groups.
        with transaction.atomic():
            order = super().place_order(basket, *args, **kwargs)
            services.fulfilment_groups_create(order=order)
        return order


class OrderNumberGenerator(CoreOrderNumberGenerator):
    """Order numbers that reveal nothing: Oscar's are 100000 + the basket's
    id, so a buyer could guess the previous order's number. Ours are twelve
    digits from a keyed hash of the basket, still the same for one basket
    (a double-submitted form finds its order already placed, as in Oscar)
    but unguessable without the site's secret key."""

    DIGITS = 12

    def order_number(self, basket):
        digest = hmac.new(
            settings.SECRET_KEY.encode(), f"choque-order:{basket.id}".encode(), hashlib.sha256
        ).hexdigest()
        number = f"{int(digest, 16) % 10**self.DIGITS:0{self.DIGITS}d}"
        # Two baskets may, very rarely, hash to the same digits: the later
        # one gets a suffix rather than a refused order.
        Order = get_model("order", "Order")
        if Order.objects.filter(number=number).exclude(basket_id=basket.id).exists():
            number = f"{number}-{basket.id}"
        return number
