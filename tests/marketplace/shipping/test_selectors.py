from decimal import Decimal

from marketplace.shipping.models import CooperativeShippingPolicy
from marketplace.shipping.selectors import shipping_fees_by_partner, shipping_quotes_for_basket

from .conftest import basket_with, product_of, set_policy


def test_one_cooperative_pays_flat_fee_plus_every_started_kilogram(cooperatives):
    tea_coop, _ = cooperatives
    set_policy(tea_coop, flat_fee=20_000, fee_per_kg=5_000)
    tea = product_of(tea_coop, title="Chè Shan tuyết 500 g", price="150000", grams=600)

    quote = shipping_quotes_for_basket(basket=basket_with((tea, 2)))

    [tea_quote] = quote.quotes
    assert tea_quote.cooperative == tea_coop
    assert tea_quote.name == "Hợp tác xã Chè Sơn Trà"
    assert tea_quote.subtotal == Decimal("300000")
    assert tea_quote.weight_grams == 1200
    # 1.2 kg is two started kilograms.
    assert tea_quote.delivery_fee == Decimal("30000")
    assert quote.total == Decimal("30000")


def test_exact_kilograms_are_not_rounded_up(cooperatives):
    tea_coop, _ = cooperatives
    set_policy(tea_coop, flat_fee=10_000, fee_per_kg=4_000)
    tea = product_of(tea_coop, title="Chè 1 kg", price="100000", grams=1000)

    assert shipping_quotes_for_basket(basket=basket_with((tea, 3))).total == Decimal("22000")


def test_two_cooperatives_each_charge_their_own_fee(cooperatives):
    tea_coop, orange_coop = cooperatives
    set_policy(tea_coop, flat_fee=20_000, fee_per_kg=5_000)
    set_policy(orange_coop, flat_fee=25_000, fee_per_kg=3_000)
    tea = product_of(tea_coop, title="Chè", price="150000", grams=500)
    oranges = product_of(orange_coop, title="Cam sành", price="45000", grams=2500)

    quote = shipping_quotes_for_basket(basket=basket_with((tea, 1), (oranges, 2)))

    assert [q.cooperative for q in quote.quotes] == [tea_coop, orange_coop]
    assert [q.subtotal for q in quote.quotes] == [Decimal("150000"), Decimal("90000")]
    assert [q.delivery_fee for q in quote.quotes] == [Decimal("25000"), Decimal("40000")]
    assert quote.total == Decimal("65000")


def test_the_threshold_frees_only_the_cooperative_that_reaches_it(cooperatives):
    tea_coop, orange_coop = cooperatives
    set_policy(tea_coop, flat_fee=20_000, fee_per_kg=5_000, free_shipping_threshold=300_000)
    set_policy(orange_coop, flat_fee=25_000, fee_per_kg=0, free_shipping_threshold=300_000)
    tea = product_of(tea_coop, title="Chè", price="150000", grams=500)
    oranges = product_of(orange_coop, title="Cam sành", price="45000", grams=2500)

    # 300.000 ₫ of tea is exactly the threshold: free. 90.000 ₫ of oranges is not.
    quote = shipping_quotes_for_basket(basket=basket_with((tea, 2), (oranges, 2)))

    tea_quote, orange_quote = quote.quotes
    assert tea_quote.ships_free and tea_quote.delivery_fee == 0
    assert not orange_quote.ships_free and orange_quote.delivery_fee == Decimal("25000")
    assert quote.total == Decimal("25000")


def test_products_without_a_weight_still_pay_the_flat_fee(cooperatives):
    tea_coop, _ = cooperatives
    set_policy(tea_coop, flat_fee=20_000, fee_per_kg=5_000)
    gift_box = product_of(tea_coop, title="Hộp quà", price="200000", grams=None)
    tea = product_of(tea_coop, title="Chè", price="150000", grams=300)

    quote = shipping_quotes_for_basket(basket=basket_with((gift_box, 3)))
    assert quote.quotes[0].weight_grams == 0
    assert quote.total == Decimal("20000")

    # Mixed with a weighed product, only the weighed grams count.
    quote = shipping_quotes_for_basket(basket=basket_with((gift_box, 3), (tea, 1)))
    assert quote.quotes[0].weight_grams == 300
    assert quote.total == Decimal("25000")


def test_a_cooperative_without_a_policy_is_quoted_with_the_defaults_and_none_is_saved(cooperatives):
    tea_coop, _ = cooperatives
    tea = product_of(tea_coop, title="Chè", price="150000", grams=1500)

    quote = shipping_quotes_for_basket(basket=basket_with((tea, 1)))

    assert quote.total == Decimal(30_000 + 2 * 5_000)
    assert not quote.any_pickup
    assert not CooperativeShippingPolicy.objects.exists()


def test_pickup_is_free_only_where_the_cooperative_allows_it(cooperatives):
    tea_coop, orange_coop = cooperatives
    set_policy(
        tea_coop, flat_fee=20_000, fee_per_kg=0, allows_pickup=True, pickup_instructions="Nhà văn hoá thôn"
    )
    set_policy(orange_coop, flat_fee=25_000, fee_per_kg=0)
    tea = product_of(tea_coop, title="Chè", price="150000", grams=500)
    oranges = product_of(orange_coop, title="Cam sành", price="45000", grams=500)

    quote = shipping_quotes_for_basket(basket=basket_with((tea, 1), (oranges, 1)))

    assert quote.any_pickup
    assert quote.charge(pickup=False) == Decimal("45000")
    assert quote.charge(pickup=True) == Decimal("25000")


def test_an_empty_basket_costs_nothing_to_ship(db):
    quote = shipping_quotes_for_basket(basket=basket_with())
    assert quote.quotes == [] and quote.total == 0


def test_fees_by_partner_split_the_charge_for_the_fulfilment_groups(cooperatives):
    tea_coop, orange_coop = cooperatives
    set_policy(tea_coop, flat_fee=20_000, fee_per_kg=0)
    set_policy(orange_coop, flat_fee=25_000, fee_per_kg=0, allows_pickup=True, pickup_instructions="Kho")
    basket = basket_with(
        (product_of(tea_coop, title="Chè", price="150000", grams=500), 1),
        (product_of(orange_coop, title="Cam", price="45000", grams=500), 1),
    )

    assert shipping_fees_by_partner(basket=basket, method_code="cooperative-pickup") == {
        tea_coop.partner_id: (Decimal("20000"), False),
        orange_coop.partner_id: (Decimal(0), True),
    }
    assert shipping_fees_by_partner(basket=basket, method_code="cooperative-delivery") == {
        tea_coop.partner_id: (Decimal("20000"), False),
        orange_coop.partner_id: (Decimal("25000"), False),
    }
