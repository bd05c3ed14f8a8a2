from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from marketplace.money import format_vnd

from .. import services

FulfilmentGroup = get_model("order", "FulfilmentGroup")
Status = FulfilmentGroup.Status

# What the button that moves a group to each status says.
ACTION_LABELS = {
    Status.CONFIRMED: _("Confirm the order"),
    Status.PACKED: _("Mark as packed"),
    Status.SHIPPED: _("Mark as shipped"),
    Status.DELIVERED: _("Mark as delivered"),
    Status.CANCELLED: _("Cancel this order"),
}


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("All statuses")), *Status.choices]
    )


class FulfilmentGroupTransitionForm(forms.Form):
    """One move of a group; which moves are offered depends on its status.
    Django's CharField already refuses NUL bytes, and max_length keeps a
    megabyte of pasted text out of the database."""

    to_status = forms.ChoiceField(label=_("new status"), widget=forms.HiddenInput)
    carrier = forms.CharField(
        label=_("carrier"), max_length=FulfilmentGroup._meta.get_field("carrier").max_length, required=False,
        help_text=_("For example Viettel Post, VNPost, GHN, or the cooperative's own delivery."),
    )  # fmt: skip
    tracking_number = forms.CharField(
        label=_("tracking number"),
        max_length=FulfilmentGroup._meta.get_field("tracking_number").max_length,
        required=False,
    )
    note = forms.CharField(
        label=_("reason or note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # Optional here because one form carries every move: only delivering a
    # cash order needs it, and fulfilment_group_advance is what refuses that
    # move without it, for every caller, not only this page.
    cash_received = forms.BooleanField(label=_("Cash received from the buyer"), required=False)

    def __init__(self, *args, group, cash_due: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (status, ACTION_LABELS[status]) for status in services.TRANSITIONS[Status(group.status)]
        ]
        if cash_due is not None:
            # The amount in the label is what the staff member counts before ticking.
            self.fields["cash_received"].label = _("Cash received from the buyer (amount %(amount)s)") % {
                "amount": format_vnd(cash_due)
            }
