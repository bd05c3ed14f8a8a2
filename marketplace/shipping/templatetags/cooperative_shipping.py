from django import template

from ..selectors import shipping_quotes_for_basket

register = template.Library()


@register.simple_tag
def shipping_breakdown(method, basket):
    """One row per cooperative of ``basket`` under ``method``: its name,
    subtotal, fee, and whether it ships free or is collected in person.

    Methods of other kinds (Oscar's "no shipping required") get no rows.
    """
    # Oscar wraps a method in an offer-discount decorator holding it as ``method``.
    method = getattr(method, "method", method)
    if not hasattr(method, "collect_in_person"):
        return []
    pickup = method.collect_in_person
    return [
        {
            "name": quote.name,
            "subtotal": quote.subtotal,
            "fee": quote.fee(pickup=pickup),
            "collect_in_person": quote.collects_in_person(pickup=pickup),
            "ships_free": quote.ships_free and not quote.collects_in_person(pickup=pickup),
            "pickup_instructions": quote.pickup_instructions,
            "weight_grams": quote.weight_grams,
        }
        for quote in shipping_quotes_for_basket(basket=basket).quotes
    ]
