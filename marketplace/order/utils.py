import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.apps.order.utils import *  # noqa: F403
from oscar.apps.order.utils import OrderCreator as CoreOrderCreator
from oscar.apps.order.utils import OrderNumberGenerator as CoreOrderNumberGenerator
from oscar.core.loading import get_model

from catalog.models import Lot
from catalog.services import lots_allocate
from marketplace.shipping.selectors import shipping_fees_by_partner

from . import services

StockRecord = get_model("partner", "StockRecord")


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
        """Allocate the line's units only if they are still there. Oscar's
        allocation is an unconditional increment, so two buyers of the last
        unit would both get it; this one is a conditional UPDATE, which
        also locks the stock record until the order commits, so the next
        buyer waits and then sees what is left."""
        if line.product.get_product_class().track_stock:
            allocated = Coalesce(F("num_allocated"), 0)
            taken = StockRecord.objects.filter(
                pk=line.stockrecord_id, num_in_stock__gte=allocated + line.quantity
            ).update(num_allocated=allocated + line.quantity)
            if not taken:
                raise UnableToPlaceOrder(self._out_of_stock_message(line))
        order_line = getattr(self, "_order_lines", {}).pop(line.pk, None)
        # Products sold before lots were recorded for them have no lots yet.
        if (
            order_line is not None
            and Lot.objects.filter(
                product_id=order_line.product_id, cooperative__partner_id=order_line.partner_id
            ).exists()
        ):
            try:
                lots_allocate(line=order_line, quantity=order_line.quantity)
            except ValidationError:
                raise UnableToPlaceOrder(self._out_of_stock_message(line)) from None

    @staticmethod
    def _out_of_stock_message(line) -> str:
        return _(
            "“%(product)s” is out of stock: someone else bought the last units. "
            "Your basket is kept; change the quantity and try again."
        ) % {"product": line.product.get_title()}

    def place_order(self, basket, total, shipping_method, *args, **kwargs):
        # Oscar's place_order commits its own atomic block before it
        # returns; wrapping it in one more makes the groups part of the same
        # commit, so an order never exists without its groups.
        with transaction.atomic():
            order = super().place_order(basket, total, shipping_method, *args, **kwargs)
            services.fulfilment_groups_create(
                order=order,
                shipping_by_partner=shipping_fees_by_partner(
                    basket=basket, method_code=getattr(shipping_method, "code", "")
                ),
            )
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
