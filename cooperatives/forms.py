"""Forms of the cooperatives' onboarding: the public application and the
province officers' decisions. They check what a visitor typed; the rules of
an application live in ``services``."""

import datetime
import re
from itertools import groupby

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from marketplace.uploads import image_without_metadata, validate_document_upload, validate_image_upload

from .models import AdministrativeUnit, Cooperative, CooperativeDocument
from .services import ApplicantAccount, unidecode_vietnamese

Category = get_model("catalogue", "Category")

# Cooperatives apply on the three-level map the province's plan runs on
# (README, "Administrative units"): their papers name a district.
APPLICATION_EDITION = "2025-03-01"
FIRST_FOUNDING_YEAR = 1950
EXTRA_DOCUMENTS = 3

_PHONE_SEPARATORS = re.compile(r"[\s.]")
# [0-9], not \d: \d also matches other scripts' digits.
_VIETNAMESE_PHONE = re.compile(r"0[0-9]{9}|\+84[0-9]{9}")
# Shared with the checkout's address form, which refuses with the same words
# a number shaped right that no Vietnamese network uses.
VIETNAMESE_PHONE_ERROR = _("Enter a Vietnamese phone number: 10 digits starting with 0, or +84 and 9 digits.")


def normalise_vietnamese_phone(value: str) -> str:
    """``value`` without its spaces and dots, if it is a Vietnamese number:
    10 digits starting with 0, or +84 and 9 digits."""
    number = _PHONE_SEPARATORS.sub("", value or "")
    if not _VIETNAMESE_PHONE.fullmatch(number):
        raise ValidationError(VIETNAMESE_PHONE_ERROR, code="invalid_phone")
    return number


def application_communes():
    """The communes a cooperative can apply from: those of the application
    map still in force on its date (a commune merged away earlier is kept in
    the data for history only)."""
    return AdministrativeUnit.objects.filter(
        edition=APPLICATION_EDITION, level=AdministrativeUnit.Level.COMMUNE
    ).exclude(valid_until__lt=datetime.date.fromisoformat(APPLICATION_EDITION))


def _folded(text: str) -> str:
    # Sorting by code points would put every "Đ…" after "Y…".
    return unidecode_vietnamese(text).casefold()


class CommuneChoiceIterator(forms.models.ModelChoiceIterator):
    """Communes grouped under their district, both in alphabetical order."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        communes = sorted(
            self.queryset.select_related("parent"),
            key=lambda unit: (_folded(unit.parent.name if unit.parent else ""), _folded(unit.name)),
        )
        for _district_id, units in groupby(communes, key=lambda unit: unit.parent_id):
            units = list(units)
            district = units[0].parent
            yield (district.name if district else "", [self.choice(unit) for unit in units])


class CommuneChoiceField(forms.ModelChoiceField):
    iterator = CommuneChoiceIterator


class CategoryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        # Indented by depth: the full name would cost a query per category.
        return "\u2014 " * (obj.depth - 1) + obj.name


def _file_input(accept: str):
    return forms.FileInput(attrs={"accept": accept})


DOCUMENT_ACCEPT = "application/pdf,.pdf,image/jpeg,image/png,image/webp"


class CooperativeApplicationForm(forms.ModelForm):
    """A new user account and its cooperative, in one form.

    Everything that can be checked before the service runs is checked here
    (a registration number or an e-mail address already taken, the password,
    the files' content), so a visitor sees every problem at once and chooses
    the files again only once.
    """

    account_email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("You log in with this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # Vietnamese names: the family and middle names come first.
    account_last_name = forms.CharField(
        label=_("Family and middle names"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    account_first_name = forms.CharField(
        label=_("Given name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    commune = CommuneChoiceField(queryset=AdministrativeUnit.objects.none(), label=_("Commune"))
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        help_text=_("For example 0912 345 678 or +84 912 345 678."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    product_categories = CategoryChoiceField(
        queryset=Category.objects.order_by("path"),
        required=False,
        label=_("Product categories"),
        widget=forms.CheckboxSelectMultiple,
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("Optional: a JPEG, PNG, WebP or GIF image, up to 5 MB."),
        validators=[validate_image_upload],
        widget=_file_input("image/jpeg,image/png,image/webp,image/gif"),
    )
    registration_certificate = forms.FileField(
        label=CooperativeDocument.Kind.REGISTRATION.label,
        help_text=_("A PDF file or a photo of the certificate (JPEG, PNG, WebP), up to 10 MB."),
        validators=[validate_document_upload],
        widget=_file_input(DOCUMENT_ACCEPT),
    )

    class Meta:
        model = Cooperative
        fields = [
            "legal_name", "registration_number", "commune", "address", "phone", "email", "representative",
            "founding_year", "member_households", "main_products", "product_categories", "description",
            "logo", "bank_name", "bank_account_name", "bank_account_number",
        ]  # fmt: skip
        labels = {
            "legal_name": _("Legal name"),
            "email": _("Cooperative's e-mail address"),
            "representative": _("Legal representative"),
            "main_products": _("Main products"),
            "description": _("About the cooperative"),
            "bank_name": _("Bank"),
            "bank_account_name": _("Account holder"),
            "bank_account_number": _("Account number"),
        }
        help_texts = {
            "legal_name": _("As written on the registration certificate."),
            "email": _("The province sends its decision to this address."),
            "member_households": _("How many households are members."),
            "main_products": _("For example: Shan tuyết tea, Hàm Yên oranges."),
            "description": _("What the cooperative grows or makes, and how. Plain text is fine."),
            "bank_name": _("Optional: where the marketplace pays your sales."),
        }
        widgets = {
            "legal_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    # (legend, field names) in the order the page shows them.
    SECTIONS = [
        (
            _("Your account"),
            ["account_email", "account_last_name", "account_first_name", "password1", "password2"],
        ),
        (
            _("The cooperative"),
            [
                "legal_name", "registration_number", "commune", "address", "phone", "email", "representative",
                "founding_year", "member_households", "main_products", "product_categories", "description",
                "logo",
            ],
        ),
        (_("Bank account"), ["bank_name", "bank_account_name", "bank_account_number"]),
        (
            _("Documents"),
            ["registration_certificate", *(f"other_document_{n}" for n in range(1, EXTRA_DOCUMENTS + 1))],
        ),
    ]  # fmt: skip

    # Errors the service reports under the account's field names.
    SERVICE_ERROR_FIELDS = {
        "email": "account_email",
        "username": "account_email",
        "first_name": "account_first_name",
        "last_name": "account_last_name",
        "password": "password1",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = application_communes()
        if not Category.objects.exists():
            # An empty list of checkboxes would only puzzle the visitor.
            del self.fields["product_categories"]
        # Built per request: the current year, and the visitor's language.
        this_year = timezone.localdate().year
        self.fields["founding_year"] = forms.IntegerField(
            label=gettext("Founding year"),
            required=False,
            min_value=FIRST_FOUNDING_YEAR,
            max_value=this_year,
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        )
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()
        for number in range(1, EXTRA_DOCUMENTS + 1):
            self.fields[f"other_document_{number}"] = forms.FileField(
                label=gettext("Other document %(number)s") % {"number": number},
                required=False,
                help_text=gettext("Optional: a PDF file or a photo, up to 10 MB."),
                validators=[validate_document_upload],
                widget=_file_input(DOCUMENT_ACCEPT),
            )

    def sections(self):
        return [
            (legend, [self[name] for name in names if name in self.fields]) for legend, names in self.SECTIONS
        ]

    def clean_account_email(self):
        email = self.cleaned_data["account_email"]
        # The service checks it too; checked here so it shows with the other errors.
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account with this e-mail address already exists."), code="duplicate")
        return email

    def clean_phone(self):
        return normalise_vietnamese_phone(self.cleaned_data["phone"])

    def clean(self):
        cleaned_data = super().clean()
        password1, password2 = cleaned_data.get("password1"), cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            # The validators compare the password with the applicant's names and address.
            user = get_user_model()(
                email=cleaned_data.get("account_email", ""),
                first_name=cleaned_data.get("account_first_name", ""),
                last_name=cleaned_data.get("account_last_name", ""),
            )
            try:
                password_validation.validate_password(password1, user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned_data

    def account(self) -> ApplicantAccount:
        return ApplicantAccount(
            email=self.cleaned_data["account_email"],
            password=self.cleaned_data["password1"],
            first_name=self.cleaned_data["account_first_name"],
            last_name=self.cleaned_data["account_last_name"],
        )

    def clean_logo(self):
        # Checked by the field's validator; stored without its metadata.
        logo = self.cleaned_data.get("logo")
        return image_without_metadata(logo) if logo else logo

    def details(self) -> dict:
        """The cooperative's model field values, for the service."""
        details = {
            name: self.cleaned_data[name]
            for name in self._meta.fields
            if name not in ("product_categories", "logo")
        }
        if self.cleaned_data.get("logo"):
            details["logo"] = self.cleaned_data["logo"]
        return details

    def documents(self) -> list[tuple[str, object]]:
        documents = [(CooperativeDocument.Kind.REGISTRATION, self.cleaned_data["registration_certificate"])]
        for number in range(1, EXTRA_DOCUMENTS + 1):
            if upload := self.cleaned_data.get(f"other_document_{number}"):
                documents.append((CooperativeDocument.Kind.OTHER, upload))
        return documents

    def add_service_error(self, error: ValidationError) -> None:
        """Show an error the service raised next to the field it concerns.

        The service names the account's fields as the user model does;
        "email" is the account's, since the cooperative's own address was
        already validated here with the same rules.
        """
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            field = self.SERVICE_ERROR_FIELDS.get(name, name)
            self.add_error(field if field in self.fields else None, errors)


class RejectionForm(forms.Form):
    """Why a province officer turns an application down; the cooperative is e-mailed it."""

    prefix = "reject"
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        help_text=_("The cooperative receives it by e-mail."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Give the reason for the rejection.")},
    )


class SuspensionForm(forms.Form):
    """Why a province officer stops an approved cooperative from selling."""

    prefix = "suspend"
    reason = forms.CharField(
        label=_("Reason for the suspension"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Give the reason for the suspension.")},
    )
