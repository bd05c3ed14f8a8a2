import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import CooperativeShippingPolicy

AMOUNT_FIELDS = ("flat_fee", "fee_per_kg", "free_shipping_threshold")


class WholeDongField(forms.IntegerField):
    """Digits only. Django's own integer field reads "15.000" as 15, while a
    Vietnamese cashier writes fifteen thousand that way (the dot groups
    thousands), so any dot or comma is refused instead of guessed at."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not re.fullmatch(r"\d+", str(value).strip()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class ShippingPolicyForm(forms.ModelForm):
    class Meta:
        model = CooperativeShippingPolicy
        fields = ["flat_fee", "fee_per_kg", "free_shipping_threshold", "allows_pickup", "pickup_instructions"]
        field_classes = dict.fromkeys(AMOUNT_FIELDS, WholeDongField)
        widgets = {
            # Phones show a number pad; whole đồng only, so step 1.
            "flat_fee": forms.NumberInput(attrs={"inputmode": "numeric", "step": 1, "min": 0}),
            "fee_per_kg": forms.NumberInput(attrs={"inputmode": "numeric", "step": 1, "min": 0}),
            "free_shipping_threshold": forms.NumberInput(attrs={"inputmode": "numeric", "step": 1, "min": 0}),
            "pickup_instructions": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            name: {"invalid": _("Enter a whole number of đồng, without dots or decimals.")}
            for name in AMOUNT_FIELDS
        }
