from django.utils.translation import gettext
from oscar.apps.basket import forms as oscar_forms
from oscar.apps.basket.forms import *  # noqa: F403


class BasketLineForm(oscar_forms.BasketLineForm):
    """Oscar's basket line, whose quantity box has no label on the basket
    page: it carries the product's name, so "Số lượng: Chè Shan tuyết" is
    read out rather than a bare number field."""

    def __init__(self, strategy, *args, **kwargs):
        super().__init__(strategy, *args, **kwargs)
        if self.instance.id:
            title = self.instance.product.get_title()
            self.fields["quantity"].widget.attrs["aria-label"] = f"{gettext('Quantity')}: {title}"
