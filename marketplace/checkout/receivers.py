from django.dispatch import receiver

from marketplace.payments.signals import payment_authorised

from . import services


@receiver(payment_authorised)
def order_place_on_payment(sender, order_number, **kwargs):
    # The buyer may never come back from the payment page.
    services.card_checkout_complete(order_number=order_number)
