import oscar.apps.checkout.apps as apps
from django.urls import path
from oscar.core.loading import get_class


class CheckoutConfig(apps.CheckoutConfig):
    """Oscar's checkout, forked to offer the payment providers of
    marketplace.payments (cash on delivery, cards through Stripe) and to
    place card orders once the card is authorised, from the buyer's return
    or from Stripe's webhook, whichever comes first."""

    name = "marketplace.checkout"

    def ready(self):
        super().ready()
        from . import receivers  # noqa: F401  (connects the payment signal)

        self.card_payment_view = get_class("checkout.views", "CardPaymentView")
        self.card_return_view = get_class("checkout.views", "CardReturnView")
        self.card_cancel_view = get_class("checkout.views", "CardCancelView")

    def get_urls(self):
        urls = super().get_urls()
        urls += self.post_process_urls(
            [
                path("card/<str:order_number>/", self.card_payment_view.as_view(), name="card-payment"),
                path("card/<str:order_number>/return/", self.card_return_view.as_view(), name="card-return"),
                path("card/<str:order_number>/cancel/", self.card_cancel_view.as_view(), name="card-cancel"),
            ]
        )
        return urls
