from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


class AuditEventFilterForm(forms.Form):
    """The filters of the audit log, all optional, read from the query."""

    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Every action")), *AuditEvent.Action.choices]
    )
    actor = forms.CharField(label=_("By"), required=False, max_length=150)
    subject = forms.CharField(label=_("Subject"), required=False, max_length=255)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            raise ValidationError(_("The end date comes before the start date."))
        return cleaned
