"""The filters of the catalogue's list page."""

from django import forms
from django.utils.translation import gettext_lazy as _

SORT_CHOICES = [
    ("newest", _("Newest")),
    ("price_asc", _("Price: low to high")),
    ("price_desc", _("Price: high to low")),
]


def _any(label):
    return [("", label)]


class ProductFilterForm(forms.Form):
    """Filters whose choices are only what some listed product has (see
    ``selectors.storefront_filter_choices``). Choices are ids as strings, so
    anything typed into the address bar is checked against the list without
    touching the database: a junk or unknown value is an error on its field,
    and ``filters()`` simply leaves that field out."""

    district = forms.ChoiceField(label=_("District"), required=False)
    commune = forms.ChoiceField(label=_("Commune"), required=False)
    cooperative = forms.ChoiceField(label=_("Cooperative"), required=False)
    category = forms.ChoiceField(label=_("Product category"), required=False)
    ocop = forms.ChoiceField(label=_("OCOP stars"), required=False)
    certification = forms.ChoiceField(label=_("Certification"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, choices: dict, with_category: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Django's message repeats the value back; a value from the
            # address bar can be anything (and very long), so it is not.
            field.error_messages["invalid_choice"] = _("This choice is not available.")
        self._units = {str(unit.pk): unit for unit in choices["communes"] + choices["districts"]}
        self._cooperatives = {str(cooperative.pk): cooperative for cooperative in choices["cooperatives"]}
        self._categories = {str(category.pk): category for category in choices["categories"]}

        self.fields["district"].choices = _any(_("All districts")) + [
            (str(unit.pk), unit.name) for unit in choices["districts"]
        ]
        # Communes grouped under their district (or province, since the
        # 2025 reform), since names repeat across districts.
        groups: dict[str, list] = {}
        for unit in choices["communes"]:
            parent = unit.parent.name if unit.parent else ""
            groups.setdefault(parent, []).append((str(unit.pk), unit.name))
        commune_choices = _any(_("All communes")) + groups.pop("", [])
        commune_choices += sorted(groups.items())
        self.fields["commune"].choices = commune_choices
        self.fields["cooperative"].choices = _any(_("All cooperatives")) + [
            (str(cooperative.pk), cooperative.legal_name) for cooperative in choices["cooperatives"]
        ]
        if with_category:
            self.fields["category"].choices = _any(_("All categories")) + [
                (str(category.pk), "\u2014 " * (category.depth - 1) + category.name)
                for category in choices["categories"]
            ]
        else:
            # The category page's own category comes from its address.
            del self.fields["category"]
        self.fields["ocop"].choices = _any(_("Any rating")) + [
            (str(stars), _("%(stars)s stars or more") % {"stars": stars}) for stars in choices["ocop_levels"]
        ]
        self.fields["certification"].choices = _any(_("Any certification")) + [
            (value, label) for value, label in choices["certification_schemes"]
        ]
        if not choices["districts"]:
            del self.fields["district"]

    def filters(self) -> dict:
        """Keyword arguments for ``selectors.storefront_products`` from the
        fields that are valid; call after ``is_valid()``."""
        data = getattr(self, "cleaned_data", {})
        filters = {"ordering": data.get("sort") or "newest"}
        if data.get("district"):
            filters["district"] = self._units[data["district"]]
        if data.get("commune"):
            filters["commune"] = self._units[data["commune"]]
        if data.get("cooperative"):
            filters["cooperative"] = self._cooperatives[data["cooperative"]]
        if data.get("category"):
            filters["category"] = self._categories[data["category"]]
        if data.get("ocop"):
            filters["ocop_min_stars"] = int(data["ocop"])
        if data.get("certification"):
            filters["certification_scheme"] = data["certification"]
        return filters

    @property
    def is_filtered(self) -> bool:
        return any(key != "ordering" for key in self.filters())
