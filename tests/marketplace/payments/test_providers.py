import pytest
from django.core.exceptions import ValidationError

from marketplace.payments import providers
from marketplace.payments.providers import PaymentProvider, PaymentStart

pytestmark = pytest.mark.django_db


class FakeGateway(PaymentProvider):
    """Stands for a Vietnamese gateway added later (VNPay, MoMo)."""

    code = "vnpay"
    name = "VNPay"
    pays_online = True

    def start(self, *, order_number, total, email=""):
        return PaymentStart(provider=self.code, buyer_pays_now=True)


def test_cash_and_cards_are_offered_in_order(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_choque"
    offered = providers.payment_providers()
    assert list(offered) == ["cod", "stripe"]
    assert offered["stripe"].is_available(total=250000)
    assert not offered["stripe"].is_available(total=100_000_000)


def test_cards_are_not_offered_without_stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = ""
    assert not providers.payment_provider("stripe").is_available(total=250000)


def test_cash_on_delivery_places_the_order_unpaid():
    start = providers.payment_provider("cod").start(order_number="100001", total=250000)
    assert start == PaymentStart(provider="cod", buyer_pays_now=False)
    with pytest.raises(ValidationError):
        providers.payment_provider("cod").refund(order_number="100001", amount=1000)


def test_another_gateway_is_one_more_setting(settings):
    settings.PAYMENT_PROVIDERS = [*settings.PAYMENT_PROVIDERS, f"{__name__}.FakeGateway"]
    assert list(providers.payment_providers()) == ["cod", "stripe", "vnpay"]
    assert providers.payment_provider("vnpay").start(order_number="1", total=1).buyer_pays_now


@pytest.mark.parametrize("code", ["", "paypal", "<script>", "cod\x00"])
def test_an_unknown_method_is_a_clear_error(code):
    with pytest.raises(ValidationError):
        providers.payment_provider(code)
