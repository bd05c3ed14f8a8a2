import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import CodeCheck, totp_code_check

# Authenticator apps show six digits, often as "123 456".
_CODE = re.compile(r"[0-9]{6}")


class TOTPCodeForm(forms.Form):
    """One code from the user's authenticator app, checked against one
    device; wrong codes count towards django-otp's throttle."""

    code = forms.CharField(
        label=_("Six-digit code"),
        # Enough for a code with spaces; a longer value is refused before
        # anything else looks at it.
        max_length=16,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True, "size": 8}
        ),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not _CODE.fullmatch(code):
            raise forms.ValidationError(
                _("Enter the six digits your authenticator app shows."), code="format"
            )
        result = totp_code_check(device=self.device, code=code)
        if result is CodeCheck.THROTTLED:
            raise forms.ValidationError(
                _("Too many wrong codes. Wait a little, then enter the code your app shows now."),
                code="throttled",
            )
        if result is CodeCheck.WRONG:
            raise forms.ValidationError(
                _("This code is not right or has expired. Enter the code your app shows now."), code="wrong"
            )
        return code
