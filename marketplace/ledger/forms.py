from django import forms
from django.utils.translation import gettext_lazy as _

# Far above any order (a card payment stops at 99.999.999 ₫), yet well inside
# a 64-bit integer: a pasted 4000-digit number is refused here, by the form,
# with a plain message.
MAXIMUM_REFUND = 10**12


class OrderRefundForm(forms.Form):
    """One refund on an order: everything that is left ("full"), or part of
    one cooperative's share ("partner"). The order's own cooperatives are the
    only choices, so a refund can never be booked to another's account.
    Django's CharField already refuses NUL bytes."""

    FULL, PARTNER = "full", "partner"

    action = forms.ChoiceField(choices=[(FULL, FULL), (PARTNER, PARTNER)], widget=forms.HiddenInput)
    partner = forms.TypedChoiceField(
        label=_("cooperative"), coerce=int, required=False, empty_value=None, widget=forms.HiddenInput
    )
    amount = forms.IntegerField(
        label=_("amount (đồng)"), min_value=1, max_value=MAXIMUM_REFUND, required=False
    )
    # 255: what the Stripe refund record and the ledger entry's description hold.
    reason = forms.CharField(label=_("reason"), max_length=255)

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [(partner.pk, partner.name) for partner in partners]

    def clean(self):
        data = super().clean()
        if data.get("action") == self.PARTNER:
            if not data.get("partner") and "partner" not in self.errors:
                self.add_error("partner", _("Choose the cooperative whose part is refunded."))
            if data.get("amount") is None and "amount" not in self.errors:
                self.add_error("amount", _("Enter the amount to refund, in whole đồng."))
        elif data.get("action") == self.FULL:
            # A full refund is of every cooperative; an amount posted with it
            # goes on to order_refund, which refuses it.
            data["partner"] = None
        return data
