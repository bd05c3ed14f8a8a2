"""Reads of cooperatives' data. Views, reports and tasks call these."""

from django.db.models import Case, F, IntegerField, Prefetch, QuerySet, Value, When
from oscar.core.loading import get_model

from .models import AdministrativeUnit, Certification, Cooperative, LinkageModel, RawMaterialArea


def cooperative_of_user(*, user) -> Cooperative | None:
    """The approved cooperative ``user`` works for, if any. Suspended and
    pending cooperatives give their staff nothing."""
    if not user.is_authenticated:
        return None
    return (
        Cooperative.objects.approved()
        .filter(partner__users=user)
        .select_related("partner", "commune")
        .first()
    )


def cooperative_applications(*, status: str | None = None) -> QuerySet:
    """Applications for the review list: those waiting first, oldest first so
    none is forgotten, then the decided ones, newest first."""
    waiting = Cooperative.Status.APPLIED
    applications = Cooperative.objects.select_related("commune__parent").annotate(
        decided=Case(When(status=waiting, then=Value(0)), default=Value(1), output_field=IntegerField())
    )
    if status:
        applications = applications.filter(status=status)
    return applications.order_by(
        "decided",
        Case(When(status=waiting, then=F("applied_at"))).asc(nulls_last=True),
        "-applied_at",
        "pk",
    )


def cooperative_directory(*, district=None, commune=None, category=None) -> QuerySet:
    """Approved cooperatives, optionally within a district or commune and
    making products of a category (or its subcategories)."""
    cooperatives = (
        Cooperative.objects.approved()
        .select_related("commune__parent")
        .prefetch_related("product_categories")
        .order_by("legal_name")
    )
    if commune is not None:
        cooperatives = cooperatives.filter(commune=commune)
    elif district is not None:
        cooperatives = cooperatives.in_unit(district)
    if category is not None:
        Category = get_model("catalogue", "Category")
        categories = Category.get_tree(category)
        cooperatives = cooperatives.filter(product_categories__in=categories).distinct()
    return cooperatives


def cooperative_profile(*, slug: str) -> Cooperative:
    """An approved cooperative with what its profile page shows, in a fixed
    number of queries."""
    areas = RawMaterialArea.objects.select_related("commune").prefetch_related(
        Prefetch("certifications", queryset=Certification.objects.valid(), to_attr="valid_certifications")
    )
    return (
        Cooperative.objects.approved()
        .select_related("commune__parent__parent")
        .prefetch_related(
            Prefetch("raw_material_areas", queryset=areas),
            Prefetch(
                "linkage_models", queryset=LinkageModel.objects.active().select_related("product_category")
            ),
            "product_categories",
        )
        .get(slug=slug)
    )


def administrative_units_with_cooperatives(*, level: str) -> QuerySet:
    """Units of ``level`` that hold at least one approved cooperative, for
    the directory's filters."""
    communes = Cooperative.objects.approved().values_list("commune_id", flat=True)
    units = AdministrativeUnit.objects.filter(pk__in=communes)
    if level == AdministrativeUnit.Level.COMMUNE:
        return units.order_by("name")
    return AdministrativeUnit.objects.filter(level=level, children__in=units).distinct().order_by("name")


def linkage_model_digital_evidence(*, linkage_model: LinkageModel) -> dict:
    """What the platform itself shows of a linkage model's digital use: its
    cooperatives list products online, and have sold online. The tools the
    partners declare are reported apart (Plan 215 counts both)."""
    StockRecord = get_model("partner", "StockRecord")
    Line = get_model("order", "Line")
    partners = [c.partner_id for c in linkage_model.cooperatives.all() if c.partner_id]
    listed = StockRecord.objects.filter(partner_id__in=partners, product__is_public=True)
    sold = Line.objects.filter(partner_id__in=partners)
    if linkage_model.product_category_id:
        Category = get_model("catalogue", "Category")
        categories = Category.get_tree(linkage_model.product_category)
        listed = listed.filter(product__categories__in=categories)
        sold = sold.filter(product__categories__in=categories)
    return {
        "listed_online": listed.exists(),
        "sold_online": sold.exists(),
        "declared_tools": list(linkage_model.declared_digital_tools),
    }
