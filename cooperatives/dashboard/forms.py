from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from marketplace.uploads import clean_image_upload

from ..models import AdministrativeUnit, Certification, Cooperative, LinkageModel, RawMaterialArea

Category = get_model("catalogue", "Category")

# Units of the map the platform files addresses under (see README,
# "Administrative units").
ADDRESS_EDITION = "2025-03-01"


def _communes():
    return AdministrativeUnit.objects.filter(edition=ADDRESS_EDITION, level=AdministrativeUnit.Level.COMMUNE)


class CommuneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.name} ({unit.parent.short_name})" if unit.parent_id else unit.name


class CooperativeProfileForm(forms.ModelForm):
    commune = CommuneChoiceField(label=_("commune"), queryset=None)

    class Meta:
        model = Cooperative
        fields = [
            "legal_name", "commune", "address", "phone", "email", "representative", "founding_year",
            "member_households", "main_products", "product_categories", "description", "logo",
            "bank_name", "bank_account_name", "bank_account_number",
        ]  # fmt: skip
        widgets = {"product_categories": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = (
            _communes().select_related("parent").order_by("parent__name", "name")
        )
        self.fields["product_categories"].queryset = Category.objects.all()

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload, not the stored file
            return clean_image_upload(logo, max_bytes=2 * 1024 * 1024)
        return logo


class RawMaterialAreaForm(forms.ModelForm):
    commune = CommuneChoiceField(label=_("commune"), queryset=None)
    boundary = forms.JSONField(
        label=_("boundary (GeoJSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            'Optional: a GeoJSON Polygon, e.g. {"type": "Polygon", "coordinates": [[[lon, lat], …]]}.'
        ),
    )

    class Meta:
        model = RawMaterialArea
        fields = ["name", "commune", "area_hectares", "main_crop", "latitude", "longitude", "boundary"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = (
            _communes().select_related("parent").order_by("parent__name", "name")
        )


class CertificationForm(forms.ModelForm):
    class Meta:
        model = Certification
        fields = ["scheme", "scheme_name", "certificate_number", "issuer", "valid_from", "valid_until"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
        }


class LinkageModelForm(forms.ModelForm):
    declared_digital_tools = forms.MultipleChoiceField(
        label=_("declared digital tools"),
        choices=LinkageModel.DigitalTool.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    raw_material_areas = forms.ModelMultipleChoiceField(
        label=_("raw-material areas"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = LinkageModel
        fields = [
            "enterprise_name", "product_description", "product_category", "raw_material_areas", "signed_on",
            "expires_on", "volume_agreed", "volume_unit", "declared_digital_tools",
        ]  # fmt: skip
        widgets = {
            "signed_on": forms.DateInput(attrs={"type": "date"}),
            "expires_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the cooperative's own areas can be offered, whatever is posted.
        self.fields["raw_material_areas"].queryset = cooperative.raw_material_areas.all()
        self.fields["product_category"].queryset = Category.objects.all()
