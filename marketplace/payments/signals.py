from django.dispatch import Signal

# Sent when a provider learns, outside the buyer's browser (a webhook),
# that an order's payment is authorised or taken, with ``order_number``:
# checkout places the order if the buyer's redirect has not already.
payment_authorised = Signal()
