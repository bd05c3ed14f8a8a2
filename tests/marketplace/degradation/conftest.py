"""What every outage test needs: the shop of the checkout tests, the
public pages a visitor opens, a cash-on-delivery order placed through the
real checkout views, and an address where nothing listens."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from tests.marketplace.checkout.conftest import (  # noqa: F401  (fixtures)
    checkout_to_payment,
    choose_payment,
    place_order,
    shop,
    text,
)
from tests.marketplace.conftest import free_port

Order = get_model("order", "Order")

# Every outage here is a refused connection, answered at once; these bound
# a test that would otherwise wait on a socket.
CONNECT_TIMEOUT_SECONDS = 2


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: connecting is refused,
    as when the service is down."""
    return free_port()


def public_pages(market) -> dict[str, str]:
    product = market["oranges"]
    return {
        "home": "/",
        "catalogue": reverse("catalogue:index"),
        "product": reverse("catalogue:detail", kwargs={"product_slug": product.slug, "pk": product.pk}),
        "search": reverse("site-search") + "?q=ch%C3%A8",
        "trace": f"/trace/{market['lot'].code}/",
    }


def assert_pages_answer(client, market, *, containing=None):
    """Each public page answers 200 (following the language redirect of /)."""
    for name, url in public_pages(market).items():
        response = client.get(url, follow=True)
        assert response.status_code == 200, (name, url, text(response)[:500])
        if containing and name in containing:
            assert containing[name] in text(response), (name, url)


def cash_order(client, market, captured_callbacks):
    """A guest's cash-on-delivery order through the checkout views; the
    work queued at commit runs when the context exits (the test's
    transaction never commits)."""
    checkout_to_payment(client, market, [(market["oranges"], 2)], guest_email="lan@example.com")
    choose_payment(client, "cod")
    with captured_callbacks(execute=True):
        response = place_order(client)
    assert response.status_code == 302, text(response)
    assert response["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.email == "lan@example.com"
    return order
