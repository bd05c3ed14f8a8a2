import datetime

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout.forms import *  # noqa: F403
from oscar.apps.checkout.forms import GatewayForm as OscarGatewayForm
from oscar.apps.checkout.forms import ShippingAddressForm as OscarShippingAddressForm
from oscar.core.loading import get_model
from phonenumber_field.phonenumber import PhoneNumber

from cooperatives.forms import (
    APPLICATION_EDITION,
    VIETNAMESE_PHONE_ERROR,
    CommuneChoiceField,
    application_communes,
    normalise_vietnamese_phone,
)
from cooperatives.models import AdministrativeUnit
from cooperatives.services import unidecode_vietnamese


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


class _PasswordInputNotRequiredInBrowser(forms.PasswordInput):
    def use_required_attribute(self, initial):
        return False


class GatewayForm(OscarGatewayForm):
    """Oscar's first checkout step, usable without JavaScript: Oscar's script
    disables the password for a guest, but without it the browser would
    refuse the guest's form for an empty "required" password. The form
    itself still asks a returning customer for it. Oscar's template shows
    the password box beside the returning customer's choice with no label of
    its own, so the box carries its name for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        password = self.fields["password"]
        password.widget = _PasswordInputNotRequiredInBrowser(
            attrs={**password.widget.attrs, "aria-label": password.label}
        )


# --- The shipping address, as a Vietnamese address ---------------------------

Country = get_model("address", "Country")
Level = AdministrativeUnit.Level


def address_units(level: str):
    """The units a buyer's address is filed under: those of the map the
    cooperatives apply on (``cooperatives.forms``), so a buyer's commune and
    a cooperative's are named alike."""
    if level == Level.COMMUNE:
        return application_communes()
    return AdministrativeUnit.objects.filter(edition=APPLICATION_EDITION, level=level).exclude(
        valid_until__lt=datetime.date.fromisoformat(APPLICATION_EDITION)
    )


def _ancestor(unit: AdministrativeUnit, level: str) -> AdministrativeUnit | None:
    # The depth of the tree is data: no district level since the 2025-07-01 map.
    unit = unit.parent
    while unit is not None and unit.level != level:
        unit = unit.parent
    return unit


def vietnamese_phone_number(value: str) -> PhoneNumber:
    """``value`` as a phone number, if it is a Vietnamese one some network
    uses (``cooperatives.forms.normalise_vietnamese_phone``, then the
    numbering plan: 0000000000 or the retired 01x numbers have the shape but
    do not exist)."""
    number = normalise_vietnamese_phone(value)
    try:
        phone_number = PhoneNumber.from_string(number, region="VN")
    except phonenumbers.NumberParseException:
        phone_number = None
    if phone_number is None or not phone_number.is_valid():
        raise ValidationError(VIETNAMESE_PHONE_ERROR, code="invalid_phone")
    return phone_number


def address_lines(commune: AdministrativeUnit) -> tuple[dict, AdministrativeUnit | None, AdministrativeUnit]:
    """Oscar's address lines for ``commune`` (line3, line4, state), with the
    district (None on a map without districts) and the province above it."""
    district, province = _ancestor(commune, Level.DISTRICT), _ancestor(commune, Level.PROVINCE)
    lines = {"line3": commune.name, "line4": (district or province).name, "state": province.name}
    return lines, district, province


# SQLite refuses integers beyond 64 bits with an OverflowError.
_MAX_ID = 2**63 - 1


def _unit_id(value) -> int | None:
    value = str(value) if isinstance(value, int) else value
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= _MAX_ID else None


def _folded_short_name(unit: AdministrativeUnit) -> str:
    # By short name, so "Thành phố Hà Nội" sorts among the "Tỉnh …" under H,
    # and folded, or every "Đ…" would come after "Y…".
    return unidecode_vietnamese(unit.short_name or unit.name).casefold()


class AdministrativeUnitSelect(forms.Select):
    """A select whose options name their unit's parent (``data-parent``):
    the page's script shows with it only the communes of the chosen district."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        unit = getattr(value, "instance", None)
        if unit is not None and unit.parent_id:
            option["attrs"]["data-parent"] = unit.parent_id
        return option


class UnitChoiceIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for unit in sorted(self.queryset, key=_folded_short_name):
            yield self.choice(unit)


class AdministrativeUnitChoiceField(forms.ModelChoiceField):
    iterator = UnitChoiceIterator
    widget = AdministrativeUnitSelect


class ShippingAddressForm(OscarShippingAddressForm):
    """Where the buyer's parcel goes, as a Vietnamese address: the person,
    a phone the courier can call, and house / hamlet in a commune chosen
    from the administrative tree.

    The commune alone places the address; the province and the district are
    how the buyer finds it, and are checked against it, since a posted form
    can pair any ids. Oscar's address lines get the units' names: ``line3``
    the commune, ``line4`` the district (the province where the map has no
    districts), ``state`` the province.

    A page holds the districts and communes of one province only (the
    nationwide map has some ten thousand communes): choosing another province
    sends the form back with ``CHOOSE_PROVINCE``, which the page's script
    does on its own and a browser without JavaScript does with a button.
    """

    CHOOSE_PROVINCE = "choose_province"
    WRONG_PROVINCE = _("%(commune)s is not in %(province)s: choose a commune of that province.")
    WRONG_PROVINCE_OF_DISTRICT = _("%(district)s is not in %(province)s: choose a district of that province.")
    WRONG_DISTRICT = _("%(commune)s is not in %(district)s: choose another commune or another district.")
    FIELD_ORDER = [
        "last_name", "first_name", "phone_number", "province", "district", "commune", "line1", "postcode",
        "notes",
    ]  # fmt: skip

    province = AdministrativeUnitChoiceField(
        queryset=AdministrativeUnit.objects.none(),
        label=_("Province or city"),
        empty_label=_("Choose your province or city"),
        error_messages={
            "required": _("Choose your province or city."),
            "invalid_choice": _("Choose your province or city from the list."),
        },
    )
    district = AdministrativeUnitChoiceField(
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        label=_("District"),
        empty_label=_("Choose your district"),
        error_messages={"invalid_choice": _("Choose your district from the list.")},
    )
    commune = CommuneChoiceField(
        queryset=AdministrativeUnit.objects.none(),
        label=_("Commune or ward"),
        empty_label=_("Choose your commune or ward"),
        widget=AdministrativeUnitSelect,
        error_messages={
            "required": _("Choose your commune or ward."),
            "invalid_choice": _("Choose your commune or ward from the list."),
        },
    )

    class Meta(OscarShippingAddressForm.Meta):
        fields = ["first_name", "last_name", "line1", "postcode", "phone_number", "notes"]
        # Vietnamese names: the family and middle names come first.
        labels = {
            "last_name": _("Family and middle names"),
            "first_name": _("Given name"),
            "line1": _("House number, street, hamlet or village"),
            "postcode": _("Postcode"),
            "notes": _("Notes for the delivery"),
        }
        help_texts = {
            "line1": _("For example: Số 12, thôn Hồng Ba."),
            "postcode": _("Optional."),
            "notes": _("Optional: when you are at home, a landmark near the house."),
        }
        widgets = {
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Replaced, not declared on the class: PhoneNumberMixin rebuilds a
        # declared phone field from a dict it shares with Oscar's other
        # address forms, and would write "required" into it.
        self.fields["phone_number"] = forms.CharField(
            label=_("Phone"),
            max_length=32,
            help_text=_("For example 0912 345 678 or +84 912 345 678."),
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        )
        provinces = address_units(Level.PROVINCE)
        self.fields["province"].queryset = provinces
        self.fields["district"].queryset = address_units(Level.DISTRICT)
        self.fields["commune"].queryset = address_units(Level.COMMUNE).select_related("parent__parent")
        first_provinces = list(provinces[:2])
        # Then the page offers a button to list another province's units.
        self.has_several_provinces = len(first_provinces) > 1
        if not self.is_bound:
            self._initial_units_from_address()
            if "province" not in self.initial and len(first_provinces) == 1:
                self.initial["province"] = first_provinces[0].pk
        self._show_units_of(self._chosen_province())
        if not self.fields["district"].queryset.exists():
            del self.fields["district"]
        self.order_fields(self.FIELD_ORDER)

    def adjust_country_field(self):
        # Every address this form takes is Vietnamese, whatever other
        # country may be marked for shipping.
        self.instance.country = Country.objects.get(iso_3166_1_a2="VN")

    @property
    def is_choosing_province(self) -> bool:
        return self.is_bound and self.CHOOSE_PROVINCE in self.data

    def _chosen_province(self) -> AdministrativeUnit | None:
        value = self["province"].value()
        pk = value.pk if isinstance(value, AdministrativeUnit) else _unit_id(value)
        return self.fields["province"].queryset.filter(pk=pk).first() if pk else None

    def _show_units_of(self, province: AdministrativeUnit | None) -> None:
        """List only the districts and communes of ``province``, but still
        accept any current unit: one of another province is then refused
        with a message naming both, not as an unknown choice."""
        below = province.descendant_ids() if province else []
        for name in ("district", "commune"):
            field = self.fields[name]
            choices = field.iterator(field)
            choices.queryset = field.queryset.filter(pk__in=below)
            field.widget.choices = choices

    def _initial_units_from_address(self) -> None:
        # Back on this page from a later step, Oscar passes the address kept
        # in the session: its commune is found again by the names it was
        # stored under.
        if "commune" in self.initial or not self.initial.get("line3"):
            return
        stored = {name: self.initial.get(name) for name in ("line3", "line4", "state")}
        for commune in self.fields["commune"].queryset.filter(name=stored["line3"]):
            lines, district, province = address_lines(commune)
            if lines == stored:
                self.initial.update(commune=commune.pk, province=province.pk)
                if district is not None:
                    self.initial["district"] = district.pk
                return

    def clean_phone_number(self):
        return vietnamese_phone_number(self.cleaned_data["phone_number"])

    def clean_phone_number_field(self, field_name):
        # Parsed by clean_phone_number already: PhoneNumberMixin's own
        # parsing would also take a foreign number.
        return self.cleaned_data.get(field_name, "")

    def clean(self):
        cleaned_data = super().clean()
        province, district, commune = (cleaned_data.get(name) for name in ("province", "district", "commune"))
        if commune is None or province is None or self.has_error("district"):
            return cleaned_data
        lines, commune_district, commune_province = address_lines(commune)
        names = {"commune": commune.name, "province": province.name, "district": district and district.name}
        if commune_province != province:
            error = ("commune", self.WRONG_PROVINCE, "commune_of_another_province")
        elif district is not None and _ancestor(district, Level.PROVINCE) != province:
            error = ("district", self.WRONG_PROVINCE_OF_DISTRICT, "district_of_another_province")
        elif district is not None and commune_district != district:
            error = ("commune", self.WRONG_DISTRICT, "commune_of_another_district")
        else:
            # The district follows from the commune when the buyer left it out.
            cleaned_data["district"] = commune_district
            for name, value in lines.items():
                setattr(self.instance, name, value)
            return cleaned_data
        field, message, code = error
        self.add_error(field, ValidationError(message, code=code, params=names))
        return cleaned_data

    def full_clean(self):
        super().full_clean()
        if self.is_choosing_province:
            # The buyer only asked for the province's districts and communes:
            # the rest may not be filled in yet, so no field is marked wrong,
            # but the form must not pass.
            self._errors = ErrorDict(renderer=self.renderer)
            self.add_error(None, ValidationError(_("Now choose your district and commune."), code="choose"))
