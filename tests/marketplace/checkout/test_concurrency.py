"""Many buyers at once, each with their own connection, on PostgreSQL
(SQLite takes one writer at a time, so it cannot race): the last units are
sold once, never below zero, and baskets never deadlock."""

import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from catalog.services import stock_record_sync

from .conftest import checkout_to_payment, choose_payment, place_order, text

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (CI runs it with DATABASE_URL)"
    ),
]

MissingProductImage = get_class("catalogue.models", "MissingProductImage")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
TIMEOUT_SECONDS = 120


@pytest.fixture(autouse=True)
def _roles_and_placeholder_image(transactional_db):
    # A transactional test starts from empty tables: the role groups that a
    # migration made are gone, so they are made again the same way.
    importlib.import_module("marketplace.migrations.0001_roles").create_roles(apps, None)
    # Oscar links its "no image" picture into MEDIA_ROOT on first use; twenty
    # threads doing it at once trip over each other (once per site, in
    # production).
    MissingProductImage()


def all_at_once(clients):
    """Every client clicks "Place order" at the same moment, each in its own
    thread and so with its own database connection."""
    barrier = threading.Barrier(len(clients))
    responses = [None] * len(clients)
    errors = []

    def buy(index, client):
        try:
            barrier.wait(timeout=TIMEOUT_SECONDS)
            responses[index] = place_order(client)
        except Exception as error:  # reported below, with the thread's own traceback lost
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a checkout hung"
    assert not errors, errors
    return responses


def buyers(shop, count, items_of):
    clients = []
    for index in range(count):
        client = Client()
        checkout_to_payment(client, shop, items_of(index), guest_email=f"buyer{index}@example.com")
        choose_payment(client, "cod")
        clients.append(client)
    return clients


def test_twenty_buyers_of_the_last_five_units_five_get_them(shop):
    clients = buyers(shop, 20, lambda _index: [(shop["tea"], 1)])

    responses = all_at_once(clients)

    placed = [r for r in responses if r.status_code == 302 and r["Location"] == reverse("checkout:thank-you")]
    refused = [r for r in responses if r not in placed]
    assert len(placed) == 5 and Order.objects.count() == 5
    for response in refused:
        # Refused at the locked stock row (the preview again, with the
        # message) or, for a late one, by Oscar's basket check (back to the
        # basket, which says how many are left).
        if response.status_code == 200:
            assert "out of stock" in text(response) or "hết hàng" in text(response)
        else:
            assert response.status_code == 302 and response["Location"] == reverse("basket:summary")
    record = StockRecord.objects.get(product=shop["tea"])
    assert record.num_allocated == 5 and record.net_stock_level == 0
    shop["lot"].refresh_from_db()
    assert shop["lot"].quantity_available == 0


def test_baskets_holding_the_same_products_in_opposite_order_do_not_deadlock(shop):
    StockRecord.objects.filter(product=shop["tea"]).update(num_in_stock=0)
    shop["lot"].quantity = shop["lot"].quantity_available = 100
    shop["lot"].save(update_fields=["quantity", "quantity_available"])
    stock_record_sync(product=shop["tea"], partner=shop["tea_coop"].partner)
    tea, oranges = shop["tea"], shop["oranges"]
    clients = buyers(
        shop, 8, lambda index: [(tea, 1), (oranges, 1)] if index % 2 else [(oranges, 1), (tea, 1)]
    )

    responses = all_at_once(clients)

    assert [r.status_code for r in responses] == [302] * 8
    assert Order.objects.count() == 8


def test_a_place_order_form_sent_twice_at_once_places_one_order(shop):
    first = buyers(shop, 1, lambda _index: [(shop["oranges"], 3)])[0]
    second = Client()
    second.cookies = first.cookies  # the same browser, two clicks

    responses = all_at_once([first, second])

    assert Order.objects.count() == 1
    assert StockRecord.objects.get(product=shop["oranges"]).num_allocated == 3
    assert all(r.status_code == 302 for r in responses)
