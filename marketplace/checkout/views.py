"""Oscar's checkout with a payment step: the buyer chooses a payment
provider, sees the preview, and places the order. Cash orders are placed at
once; card orders go to the card page (Stripe Elements) and are placed when
the card is authorised."""

from django import http
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import generic
from django.views.decorators.http import require_POST
from oscar.apps.checkout import exceptions
from oscar.apps.checkout import views as oscar_views
from oscar.apps.checkout.utils import CheckoutSessionData
from oscar.apps.payment.exceptions import RedirectRequired, UnableToTakePayment
from oscar.core.loading import get_model

from marketplace.payments.providers import payment_provider, payment_providers
from marketplace.payments.services import PaymentUnavailable, stripe_payment_start

from . import services
from .forms import PaymentMethodForm
from .models import CardCheckout

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")

IndexView = oscar_views.IndexView
ShippingAddressView = oscar_views.ShippingAddressView
UserAddressUpdateView = oscar_views.UserAddressUpdateView
UserAddressDeleteView = oscar_views.UserAddressDeleteView
ShippingMethodView = oscar_views.ShippingMethodView
PaymentMethodView = oscar_views.PaymentMethodView
ThankYouView = oscar_views.ThankYouView


class PaymentDetailsView(oscar_views.PaymentDetailsView):
    """``payment-details`` asks how the buyer pays; ``preview`` shows the
    whole order with that choice and places it."""

    template_name = "oscar/checkout/payment_details.html"

    def offered_providers(self, total):
        return [p for p in payment_providers().values() if p.is_available(total=total.incl_tax)]

    def chosen_provider(self):
        code = self.checkout_session.payment_method()
        if code is None:
            return None
        try:
            return payment_provider(code)
        except ValidationError:
            return None

    def check_payment_data_is_captured(self, request):
        provider = self.chosen_provider()
        total = self.build_submission()["order_total"]
        if provider is None or not provider.is_available(total=total.incl_tax):
            raise exceptions.FailedPreCondition(
                url=reverse("checkout:payment-details"), message=_("Choose how you would like to pay.")
            )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        total = ctx.get("order_total")
        if total is not None:
            ctx.setdefault(
                "payment_form",
                PaymentMethodForm(
                    providers=self.offered_providers(total),
                    initial={"payment_method": getattr(self.chosen_provider(), "code", None)},
                ),
            )
            ctx["payment_provider"] = self.chosen_provider()
        return ctx

    def post(self, request, *args, **kwargs):
        # The choice of payment is posted to payment-details; Oscar's
        # preview only places the order.
        if not self.preview:
            return self.handle_payment_details_submission(request)
        return super().post(request, *args, **kwargs)

    def handle_payment_details_submission(self, request):
        total = self.build_submission()["order_total"]
        form = PaymentMethodForm(request.POST, providers=self.offered_providers(total))
        if not form.is_valid():
            return self.render_payment_details(request, payment_form=form)
        self.checkout_session.pay_by(form.cleaned_data["payment_method"])
        return redirect("checkout:preview")

    def handle_place_order_submission(self, request):
        submission = self.build_submission()
        submission["payment_kwargs"].update(
            user=submission["user"],
            basket=submission["basket"],
            shipping_address=submission["shipping_address"],
            shipping_method=submission["shipping_method"],
            guest_email=submission["order_kwargs"].get("guest_email", ""),
        )
        return self.submit(**submission)

    def submit(self, user, basket, *args, **kwargs):
        """Oscar's submit, one at a time per basket: the basket row is locked,
        so a place-order form sent twice places one order and the second
        request finds it placed."""
        with transaction.atomic():
            locked = Basket.objects.select_for_update().get(pk=basket.pk)
            if locked.status != Basket.OPEN:
                return self._already_submitted(locked)
            return super().submit(user, basket, *args, **kwargs)

    def _already_submitted(self, basket):
        order = Order.objects.filter(basket_id=basket.pk).first()
        if order is not None:
            self.request.session["checkout_order_id"] = order.pk
            return redirect("checkout:thank-you")
        messages.info(self.request, _("This order is already being paid for."))
        return redirect("basket:summary")

    def handle_payment(self, order_number, total, **kwargs):
        provider = self.chosen_provider()
        if provider is None:
            raise UnableToTakePayment(_("Choose how you would like to pay."))
        if not provider.pays_online:
            # Cash: nothing is taken now; each cooperative collects its part.
            self._pay_later = provider
            return
        try:
            checkout, _start = services.card_checkout_start(
                basket=kwargs["basket"], user=kwargs["user"], guest_email=kwargs["guest_email"],
                shipping_address=kwargs["shipping_address"], shipping_method=kwargs["shipping_method"],
                order_total=total, order_number=order_number, provider_code=provider.code,
            )  # fmt: skip
        except ValidationError as error:
            raise UnableToTakePayment(" ".join(error.messages)) from error
        except PaymentUnavailable as error:
            raise UnableToTakePayment(str(error)) from error
        raise RedirectRequired(
            reverse("checkout:card-payment", kwargs={"order_number": checkout.order_number})
        )

    def place_order(self, *args, **kwargs):
        order = super().place_order(*args, **kwargs)
        provider = getattr(self, "_pay_later", None)
        if provider is not None:
            services.payment_source_add(order=order, provider_code=provider.code, amount=order.total_incl_tax)
        return order

    def send_order_placed_email(self, order):
        # The order's own e-mail goes out from fulfilment_groups_create.
        pass


# The card pages talk to Stripe (capture, cancel, refund): each service
# commits its own rows next to the Stripe call it records, so the pages
# run outside the per-request transaction, which would roll those rows back
# on a later error while Stripe kept what it had done.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class CardCheckoutMixin(generic.View):
    """The card pages of one checkout, for the browser that started it only:
    the checkout must be the basket this session submitted, and a signed-in
    buyer's own. Anyone else's order number answers 404."""

    def get_checkout(self) -> CardCheckout:
        checkout = get_object_or_404(CardCheckout, order_number=self.kwargs["order_number"])
        session_basket_id = CheckoutSessionData(self.request).get_submitted_basket_id()
        user_id = self.request.user.pk if self.request.user.is_authenticated else None
        if checkout.basket_id != session_basket_id or checkout.user_id != user_id:
            raise http.Http404
        return checkout

    def order_placed_response(self, checkout):
        CheckoutSessionData(self.request).flush()
        self.request.session["checkout_order_id"] = checkout.order_id
        return redirect("checkout:thank-you")

    def out_of_stock_response(self, checkout):
        messages.error(
            self.request,
            _("%(reason)s Your card was not charged: the amount held has been released.")
            % {"reason": checkout.failure_message},
        )
        return redirect("basket:summary")


class CardPaymentView(CardCheckoutMixin, generic.TemplateView):
    """The card form (Stripe Elements); the card details go from the
    buyer's browser to Stripe and never reach this site."""

    template_name = "oscar/checkout/card_payment.html"

    def get(self, request, *args, **kwargs):
        checkout = self.get_checkout()
        if checkout.state == CardCheckout.State.PLACED:
            return self.order_placed_response(checkout)
        if checkout.state != CardCheckout.State.WAITING:
            return redirect("checkout:payment-details")
        try:
            _payment, client_secret = stripe_payment_start(
                order_number=checkout.order_number, total=checkout.total, email=checkout.guest_email
            )
        except ValidationError:
            # Paid meanwhile (the webhook was faster): place the order.
            checkout = services.card_checkout_complete(order_number=checkout.order_number, refresh=True)
            if checkout.state == CardCheckout.State.PLACED:
                return self.order_placed_response(checkout)
            return self.out_of_stock_response(checkout)
        return self.render_to_response(
            self.get_context_data(
                checkout=checkout,
                client_secret=client_secret,
                stripe_publishable_key=settings.STRIPE_PUBLISHABLE_KEY,
                stripe_js_url=settings.STRIPE_JS_URL,
                return_url=request.build_absolute_uri(
                    reverse("checkout:card-return", kwargs={"order_number": checkout.order_number})
                ),
            )
        )


class CardReturnView(CardCheckoutMixin, generic.View):
    """Where the buyer's browser comes back after the card step. The
    order is placed here unless the webhook placed it already."""

    def get(self, request, *args, **kwargs):
        checkout = self.get_checkout()
        checkout = services.card_checkout_complete(order_number=checkout.order_number, refresh=True)
        if checkout.state == CardCheckout.State.PLACED:
            return self.order_placed_response(checkout)
        if checkout.state == CardCheckout.State.OUT_OF_STOCK:
            return self.out_of_stock_response(checkout)
        messages.warning(
            request, _("The card payment is not finished yet. Try again, or choose another way to pay.")
        )
        return redirect("checkout:card-payment", order_number=checkout.order_number)


@method_decorator(require_POST, name="dispatch")
class CardCancelView(CardCheckoutMixin, generic.View):
    """The buyer chooses another way to pay: the basket is theirs again."""

    def post(self, request, *args, **kwargs):
        checkout = services.card_checkout_abandon(checkout=self.get_checkout())
        if checkout.state == CardCheckout.State.PLACED:
            return self.order_placed_response(checkout)
        services.basket_reopen(checkout=checkout)
        messages.info(request, _("The card payment was cancelled; nothing was charged."))
        return redirect("checkout:payment-details")
