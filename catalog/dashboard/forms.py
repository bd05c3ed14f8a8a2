import re

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from cooperatives.dashboard.forms import ADDRESS_EDITION, CommuneChoiceField
from cooperatives.models import AdministrativeUnit
from marketplace.uploads import validate_image_upload

from ..models import Lot, Product, TraceEvent
from ..selectors import lot_code_normalise

Category = get_model("catalogue", "Category")
ProductClass = get_model("catalogue", "ProductClass")

# The stock record keeps prices as DECIMAL(12, 2): ten digits of whole đồng.
PRICE_MAX = 9_999_999_999

# Lazy, so the labels follow the language of each request.
MONTH_CHOICES = [(month, format_lazy(_("Month {number}"), number=month)) for month in range(1, 13)]


class WholeDongField(forms.IntegerField):
    """A price in đồng, which has no minor unit: digits only.

    Django's IntegerField quietly accepts "150000.00"; here any decimal
    point or separator is refused with a message saying why, because
    "150.000" means a hundred and fifty thousand to a Vietnamese reader and
    150 to Python."""

    default_error_messages = {
        "invalid": _("Enter the price in whole đồng, digits only (e.g. 150000): no decimals or separators."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip()
        if not re.fullmatch(r"-?[0-9]+", value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(value)


class ImageUploadField(forms.FileField):
    """An optional photo, checked by content (type, size, decompression bomb)
    before anything is stored."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "content_type"):
            validate_image_upload(upload)
        return upload


class ProductForm(forms.ModelForm):
    origin_commune = CommuneChoiceField(label=_("origin commune"), queryset=None, required=False)
    season_months = forms.TypedMultipleChoiceField(
        label=_("season months"),
        choices=MONTH_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    price = WholeDongField(
        label=_("price (đồng)"),
        min_value=0,
        max_value=PRICE_MAX,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*"}),
        help_text=_("Whole đồng, e.g. 150000."),
    )
    image = ImageUploadField(
        label=_("main photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )

    class Meta:
        model = Product
        fields = [
            "title", "description", "product_class", "categories", "origin_commune", "raw_material_area",
            "ocop_rating", "ocop_certificate_number", "ocop_year", "ocop_valid_until", "sales_unit",
            "net_weight_grams", "season_months", "storage_instructions", "shelf_life_days", "gtin",
            "applied_standards", "is_public",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "categories": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            "ocop_valid_until": forms.DateInput(attrs={"type": "date"}),
            "gtin": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        # Oscar leaves the title optional for variants; these are never variants.
        self.fields["title"].required = True
        self.fields["product_class"].queryset = ProductClass.objects.order_by("name")
        self.fields["product_class"].required = True
        self.fields["categories"].queryset = Category.objects.all()
        self.fields["categories"].required = False
        self.fields["origin_commune"].queryset = (
            AdministrativeUnit.objects.filter(edition=ADDRESS_EDITION, level=AdministrativeUnit.Level.COMMUNE)
            .select_related("parent")
            .order_by("parent__name", "name")
        )
        # Only the cooperative's own areas are offered; a foreign id posted
        # anyway is "not one of the available choices".
        self.fields["raw_material_area"].queryset = cooperative.raw_material_areas.all()


class LotForm(forms.Form):
    product = forms.ModelChoiceField(label=_("product"), queryset=None)
    raw_material_area = forms.ModelChoiceField(label=_("raw-material area"), queryset=None, required=False)
    code = forms.CharField(
        label=_("lot code"),
        max_length=40,
        required=False,
        help_text=_("Letters, digits and dashes. Leave empty to have one made for you."),
    )
    produced_on = forms.DateField(
        label=_("harvest or production date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    best_before = forms.DateField(
        label=_("best before"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    quantity = forms.IntegerField(label=_("quantity"), min_value=1, max_value=2_000_000_000)
    unit = forms.CharField(label=_("unit"), max_length=20, initial="sp")

    def __init__(self, *args, cooperative, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.fields["raw_material_area"].queryset = cooperative.raw_material_areas.all()

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code:
            return ""
        normalised = lot_code_normalise(code)
        if normalised is None:
            raise forms.ValidationError(_("A lot code has only letters, digits and dashes."))
        if Lot.objects.filter(code=normalised).exists():
            raise forms.ValidationError(_("Another lot already has this code."))
        return normalised


class TraceEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=TraceEvent.Kind.choices)
    occurred_at = forms.DateTimeField(
        label=_("time"),
        # Read in the site's time zone (Asia/Ho_Chi_Minh), as the farmer
        # reads the clock.
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("place"), max_length=200)
    actor = forms.CharField(label=_("actor"), max_length=200, help_text=_("Who did it."))
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    input_product = forms.CharField(
        label=_("product applied"), max_length=200, required=False, help_text=_("For care events.")
    )
    pre_harvest_interval_days = forms.IntegerField(
        label=_("pre-harvest interval (days)"), min_value=0, max_value=365, required=False
    )
    photo = ImageUploadField(
        label=_("photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )


class RecallForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for recall"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Buyers who received this lot are e-mailed this reason."),
    )


class LotSearchForm(forms.Form):
    q = forms.CharField(label=_("lot code or cooperative"), max_length=100, required=False)
