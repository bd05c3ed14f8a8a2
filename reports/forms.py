from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Target


class TargetForm(forms.ModelForm):
    """A target of a plan, as a province officer enters it from the plan's text."""

    class Meta:
        model = Target
        fields = ["indicator", "threshold_percent", "starts_on", "deadline", "source_document", "note"]
        widgets = {
            "threshold_percent": forms.NumberInput(attrs={"min": "0", "max": "100", "step": "0.01"}),
            "starts_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "deadline": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            NON_FIELD_ERRORS: {
                "unique_together": _(
                    "This indicator already has a target with this deadline: change that target instead."
                ),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One message for any threshold that is not a share (see below),
        # rather than Django's separate ones for digits, decimals and bounds.
        self.fields["threshold_percent"].validators = []

    def clean_threshold_percent(self):
        threshold = self.cleaned_data["threshold_percent"]
        if not Decimal(0) <= threshold <= Decimal(100):
            raise ValidationError(_("The threshold is a share: give a number from 0 to 100."))
        hundredths = threshold.quantize(Decimal("0.01"))
        if threshold != hundredths:
            raise ValidationError(_("Give the threshold with at most two decimals."))
        # As stored: "50.000" or "1E+2" would fail the model's own digit check.
        return hundredths
