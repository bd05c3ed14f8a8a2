"""The admin form of pages inside a district section (imported by the
models, so it imports no model itself)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


class SectionChildPageForm(WagtailAdminPageForm):
    """A page under a district section takes its district from the section
    and offers only that district's communes."""

    def __init__(self, *args, parent_page=None, **kwargs):
        super().__init__(*args, parent_page=parent_page, **kwargs)
        district = getattr(parent_page.specific, "district", None) if parent_page else None
        if district is not None:
            self.instance.district = district
            if "commune" in self.fields:
                self.fields["commune"].queryset = district.children.order_by("name")
        elif "commune" in self.fields:
            self.fields["commune"].queryset = self.fields["commune"].queryset.none()

    def clean(self):
        cleaned_data = super().clean()
        if not getattr(self.instance, "district_id", None):
            raise forms.ValidationError(_("Destinations are created inside a district section."))
        return cleaned_data


class DistrictSectionPageForm(WagtailAdminPageForm):
    """A section's district is fixed once the section exists: its officers
    may edit the section, and must not move it (and every page created
    under it later) to another district."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "district" in self.fields:
            self.fields["district"].disabled = True
