from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout.forms import *  # noqa: F403


class PaymentMethodForm(forms.Form):
    """Which of the configured payment providers the buyer pays with; only
    those that can take this order's total are offered."""

    payment_method = forms.ChoiceField(
        label=_("How would you like to pay?"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the payment methods offered.")},
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment_method"].choices = [(provider.code, provider.name) for provider in providers]
        if len(providers) == 1:
            self.fields["payment_method"].initial = providers[0].code
