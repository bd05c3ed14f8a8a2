"""The public pages of cooperatives: the directory and each profile.

Anyone may read them, signed in or not; only approved cooperatives appear.
"""

import re

from django.http import Http404
from django.template.defaultfilters import floatformat
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.views.generic import ListView, TemplateView
from oscar.core.loading import get_model

from .. import selectors
from ..models import AdministrativeUnit, Cooperative

# SQLite refuses integers beyond 64 bits with an OverflowError: a pasted
# ?district=99999999999999999999 must be ignored, not crash the page.
_MAX_ID = 2**63 - 1
PROFILE_PRODUCT_LIMIT = 12


def _id_from(value) -> int | None:
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= _MAX_ID else None


def _unit_from(value, level) -> AdministrativeUnit | None:
    pk = _id_from(value)
    return AdministrativeUnit.objects.filter(pk=pk, level=level).first() if pk else None


def _category_from(value):
    pk = _id_from(value)
    return get_model("catalogue", "Category").objects.filter(pk=pk).first() if pk else None


def _directory_categories() -> list:
    """Categories of approved cooperatives' products, with their ancestors so
    a buyer can also pick a whole branch; each gets a ``choice_label`` naming
    its path ("Đồ uống › Chè"). There is no selector for it: only the
    directory's filter needs it."""
    Category = get_model("catalogue", "Category")
    step = Category.steplen
    used = (
        Category.objects.filter(cooperatives__status=Cooperative.Status.APPROVED)
        .values_list("path", flat=True)
        .distinct()
    )
    wanted = {path[:end] for path in used for end in range(step, len(path) + 1, step)}
    categories = list(Category.objects.filter(path__in=wanted).order_by("path"))
    names = {category.path: category.name for category in categories}
    for category in categories:
        category.choice_label = " › ".join(
            names[category.path[:end]]
            for end in range(step, len(category.path) + 1, step)
            if category.path[:end] in names
        )
    return categories


class CooperativeDirectoryView(ListView):
    """Approved cooperatives, filtered by district, commune and product
    category through a plain GET form. A filter value that is not a known
    unit or category of the right kind is ignored rather than an error."""

    template_name = "cooperatives/public/directory.html"
    context_object_name = "cooperatives"
    paginate_by = 24

    def get(self, request, *args, **kwargs):
        self.district = _unit_from(request.GET.get("district"), AdministrativeUnit.Level.DISTRICT)
        self.commune = _unit_from(request.GET.get("commune"), AdministrativeUnit.Level.COMMUNE)
        self.category = _category_from(request.GET.get("category"))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        cooperatives = selectors.cooperative_directory(
            district=self.district, commune=self.commune, category=self.category
        )
        # The selector lets the commune win; a commune outside the chosen
        # district matches nothing rather than silently dropping the district.
        if self.district and self.commune and self.commune.pk not in self.district.descendant_ids():
            return cooperatives.none()
        return cooperatives

    def paginate_queryset(self, queryset, page_size):
        # A page number that is not a number goes to the first page and one
        # past the end to the last, instead of ListView's 404.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            districts=selectors.administrative_units_with_cooperatives(
                level=AdministrativeUnit.Level.DISTRICT
            ),
            communes=selectors.administrative_units_with_cooperatives(
                level=AdministrativeUnit.Level.COMMUNE
            ).select_related("parent"),
            categories=_directory_categories(),
            selected={
                "district": self.district.pk if self.district else None,
                "commune": self.commune.pk if self.commune else None,
                "category": self.category.pk if self.category else None,
            },
            filtered=any((self.district, self.commune, self.category)),
            **kwargs,
        )


def _public_products(cooperative: Cooperative) -> list:
    """The cooperative's products on sale in the shop (it has stock records
    for them), newest first."""
    if cooperative.partner_id is None:
        return []
    Product = get_model("catalogue", "Product")
    return list(
        Product.objects.filter(stockrecords__partner_id=cooperative.partner_id, is_public=True)
        .select_related("parent")
        .distinct()[:PROFILE_PRODUCT_LIMIT]
    )


def area_map_markers(areas) -> list[dict]:
    """What static/js/cooperative-map.js draws: one entry per raw-material
    area it can place (a point or a boundary), with its text already
    formatted in the page's language. Used by the profile and trace pages."""
    markers = []
    for area in areas:
        has_point = area.latitude is not None and area.longitude is not None
        if not has_point and not area.boundary:
            continue
        hectares = floatformat(area.area_hectares, "-2")
        markers.append(
            {
                "name": area.name,
                "details": f"{area.main_crop} · {hectares} ha · {area.commune.name}",
                "lat": float(area.latitude) if has_point else None,
                "lon": float(area.longitude) if has_point else None,
                "boundary": area.boundary or None,
            }
        )
    return markers


def unit_place_names(unit: AdministrativeUnit | None) -> list[str]:
    """The commune and the units above it, up to the province (fetched with
    the object that points at the commune)."""
    names = []
    while unit is not None:
        names.append(unit.name)
        unit = unit.parent
    return names


class CooperativeProfileView(TemplateView):
    """The public profile of one approved cooperative; any other status is
    not found, as if it did not exist."""

    template_name = "cooperatives/public/profile.html"

    def get_context_data(self, **kwargs):
        try:
            cooperative = selectors.cooperative_profile(slug=kwargs["slug"])
        except Cooperative.DoesNotExist:
            raise Http404 from None
        summary = strip_tags(cooperative.description).strip() or cooperative.main_products
        places = unit_place_names(cooperative.commune)
        meta_description = Truncator(
            " ".join(
                part for part in (f"{cooperative.legal_name} ({', '.join(places[:2])}).", summary) if part
            )
        ).chars(200)
        return super().get_context_data(
            cooperative=cooperative,
            places=places,
            phone_href="tel:" + re.sub(r"[^\d+]", "", cooperative.phone),
            areas=cooperative.raw_material_areas.all(),
            linkage_models=cooperative.linkage_models.all(),
            categories=cooperative.product_categories.all(),
            products=_public_products(cooperative),
            map_areas=area_map_markers(cooperative.raw_material_areas.all()),
            meta_description=meta_description,
            og_image=self.request.build_absolute_uri(cooperative.logo.url) if cooperative.logo else "",
            **kwargs,
        )
