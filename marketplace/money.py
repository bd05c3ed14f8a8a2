"""Money in Vietnamese đồng.

VND has no minor unit: amounts are whole đồng. Oscar stores prices as
decimals with two places, so everything that shows or sends an amount goes
through these helpers.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_decimal

# U+00A0 keeps "₫" on the same line as its number on narrow screens.
_SEPARATOR = "\u00a0"


def to_dong(amount: Decimal | int | float | str) -> int:
    """Round an amount to whole đồng, halves away from zero (as cashiers do)."""
    try:
        value = Decimal(str(amount))
    except InvalidOperation as error:
        raise ValueError(f"Not an amount of money: {amount!r}") from error
    if not value.is_finite():
        raise ValueError(f"Not an amount of money: {amount!r}")
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_vnd(amount: Decimal | int | float | str) -> str:
    """Format an amount the Vietnamese way: ``150.000 ₫``, whatever the page language."""
    return f"{format_decimal(to_dong(amount), format='#,##0', locale='vi_VN')}{_SEPARATOR}₫"
