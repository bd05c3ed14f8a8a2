from django.core.validators import MaxLengthValidator
from oscar.apps.dashboard.orders import forms as oscar_forms

# Longer than any real order number, name, title or code, and short enough
# for a LIKE pattern: SQLite refuses patterns over 50,000 bytes with an
# error, a 500 page for a 1 MB search (tests/marketplace/test_hostile_input.py).
SEARCH_TERM_MAX_LENGTH = 255


class OrderSearchForm(oscar_forms.OrderSearchForm):
    """Oscar's order search, its text fields bounded in length; a longer
    term makes the form invalid and Oscar then lists every order."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("order_number", "name", "product_title", "upc", "partner_sku", "voucher"):
            self.fields[name].max_length = SEARCH_TERM_MAX_LENGTH
            self.fields[name].validators.append(MaxLengthValidator(SEARCH_TERM_MAX_LENGTH))
