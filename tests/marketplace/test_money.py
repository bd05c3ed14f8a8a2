from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from marketplace.money import format_vnd, to_dong

NBSP = "\u00a0"


def test_a_price_formats_the_vietnamese_way():
    assert format_vnd(150000) == f"150.000{NBSP}₫"
    assert format_vnd(Decimal("150000.00")).replace(NBSP, " ") == "150.000 ₫"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (0, "0"),
        (999, "999"),
        (1000, "1.000"),
        (Decimal("1234567.00"), "1.234.567"),
        (Decimal("99999999"), "99.999.999"),
        (-25000, "-25.000"),
    ],
)
def test_thousands_are_separated_by_dots(amount, shown):
    assert format_vnd(amount) == f"{shown}{NBSP}₫"


@pytest.mark.parametrize(
    ("amount", "dong"),
    [(Decimal("1500.4"), 1500), (Decimal("1500.5"), 1501), (Decimal("2500.5"), 2501), ("-1.5", -2), (7, 7)],
)
def test_amounts_round_to_whole_dong_half_up(amount, dong):
    assert to_dong(amount) == dong


@pytest.mark.parametrize("bad", ["abc", "", "NaN", "Infinity", None])
def test_non_amounts_are_refused(bad):
    with pytest.raises(ValueError):
        to_dong(bad)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_oscar_prices_show_vnd_the_same_way_in_both_languages(language):
    template = Template("{% load currency_filters %}{{ price|currency }}")
    with translation.override(language):
        assert template.render(Context({"price": Decimal("150000.00")})) == f"150.000{NBSP}₫"


def test_vnd_template_filter_formats_and_ignores_empty_values():
    template = Template("{% load money %}[{{ price|vnd }}]")
    assert template.render(Context({"price": Decimal("45000")})) == f"[45.000{NBSP}₫]"
    assert template.render(Context({"price": None})) == "[]"
    assert template.render(Context({"price": "not a price"})) == "[]"
