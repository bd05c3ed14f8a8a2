from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def gtin_check_digit(digits: str) -> int:
    """The GS1 check digit of the digits before it (weights 3,1,3… from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def validate_gtin(value: str):
    """A GTIN-8, -12, -13 or -14 with a correct check digit."""
    if not value:
        return
    if not value.isascii() or not value.isdigit() or len(value) not in (8, 12, 13, 14):
        raise ValidationError(_("A GTIN has 8, 12, 13 or 14 digits."), code="gtin_format")
    if gtin_check_digit(value[:-1]) != int(value[-1]):
        raise ValidationError(_("The GTIN's check digit is wrong."), code="gtin_check_digit")


def validate_season_months(value):
    if not isinstance(value, list) or any(
        not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12 for month in value
    ):
        raise ValidationError(_("Season months are numbers from 1 to 12."))
