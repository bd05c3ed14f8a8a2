from django import forms
from django.utils.translation import gettext_lazy as _

# Far above any password a person types, far below what it would cost to
# hash a megabyte of one.
PASSWORD_MAX_LENGTH = 1024


class AccountDeleteForm(forms.Form):
    """The account's password, and its e-mail address typed out: a deletion
    cannot be undone, so it takes more than one click, and more than a
    browser left signed in."""

    password = forms.CharField(
        label=_("Your password"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirmation = forms.CharField(
        label=_("Type your e-mail address to confirm"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    @property
    def expected_confirmation(self) -> str:
        return self.user.email or self.user.get_username()

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."), code="wrong_password")
        return password

    def clean_confirmation(self):
        typed = self.cleaned_data["confirmation"]
        if typed.strip().casefold() != self.expected_confirmation.strip().casefold():
            raise forms.ValidationError(
                _("Type the e-mail address of your account, %(email)s.")
                % {"email": self.expected_confirmation},
                code="wrong_confirmation",
            )
        return typed
