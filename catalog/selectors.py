"""Reads of products, lots and their trace logs. Views and reports call these."""

import re

from django.db.models import Prefetch

from cooperatives.models import Certification

from .models import Lot, TraceEvent

# What a lot code may look like before it is normalised: the codes printed
# on labels are letters, digits and dashes. Checked on the raw input (not
# after upper-casing) because str.upper() maps a few non-ASCII letters to
# ASCII ones ("ı" → "I"), which would let a look-alike code through.
_LOT_CODE_RE = re.compile(r"[A-Za-z0-9-]{1,40}")


def lot_code_normalise(code) -> str | None:
    """The code as stored (stripped, upper-case), or None when it cannot be a
    lot code at all, so callers never send junk to the database."""
    if not isinstance(code, str):
        return None
    code = code.strip()
    if not _LOT_CODE_RE.fullmatch(code):
        return None
    return code.upper()


def gtin_normalise(gtin) -> str | None:
    """A GTIN-8, -12, -13 or -14 left-padded to 14 digits (the form GS1
    Digital Link uses), or None when it is not one. The check digit is not
    checked: the GTIN is only compared with the product's."""
    if not isinstance(gtin, str) or not gtin.isascii() or not gtin.isdigit():
        return None
    if len(gtin) not in (8, 12, 13, 14):
        return None
    return gtin.zfill(14)


def lot_trace(*, code: str) -> Lot:
    """A lot with everything its public trace page shows, in a fixed number
    of queries whatever the number of events or certifications: the product
    and its images, the cooperative and its place, the raw-material area
    with only the certifications in force today (as ``valid_certifications``),
    and the events in log order. Raises Lot.DoesNotExist for an unknown or
    malformed code."""
    normalised = lot_code_normalise(code)
    if normalised is None:
        raise Lot.DoesNotExist
    return (
        Lot.objects.select_related(
            "product__parent",
            "cooperative__commune__parent__parent",
            "raw_material_area__commune__parent__parent",
        )
        .prefetch_related(
            "product__images",
            Prefetch(
                "raw_material_area__certifications",
                queryset=Certification.objects.valid(),
                to_attr="valid_certifications",
            ),
            # Ordered explicitly: TraceEvent's default ordering starts with
            # "lot", which would join the lots table for nothing.
            Prefetch("events", queryset=TraceEvent.objects.order_by("sequence")),
        )
        .get(code=normalised)
    )


def lot_for_digital_link(*, gtin: str, code: str) -> Lot:
    """The lot a GS1 Digital Link (/01/<gtin>/10/<lot>) names: the lot with
    that code, provided its product carries that GTIN. GTINs are compared
    padded to 14 digits, so a GTIN-13 link finds a product stored with its
    14-digit form and the other way round. Raises Lot.DoesNotExist."""
    wanted_gtin, normalised = gtin_normalise(gtin), lot_code_normalise(code)
    if wanted_gtin is None or normalised is None:
        raise Lot.DoesNotExist
    # Codes are unique, so one row at most; the GTIN is compared here rather
    # than in SQL, where padding differs between SQLite and PostgreSQL.
    lot = Lot.objects.select_related("product").get(code=normalised)
    if gtin_normalise(lot.product.gtin) != wanted_gtin:
        raise Lot.DoesNotExist
    return lot


def products_of_cooperative(*, cooperative):
    """The products the cooperative sells: those with a stock record of its
    partner. Staff reach a product only through this, so another
    cooperative's product is simply not found."""
    from .models import Product

    if cooperative.partner_id is None:
        return Product.objects.none()
    return (
        Product.objects.filter(stockrecords__partner_id=cooperative.partner_id)
        .distinct()
        .select_related("product_class", "origin_commune", "raw_material_area")
        .order_by("title", "pk")
    )


def lots_of_cooperative(*, cooperative):
    """The cooperative's lots, newest first."""
    return (
        Lot.objects.filter(cooperative=cooperative)
        .select_related("product", "raw_material_area")
        .order_by("-produced_on", "-pk")
    )


def lot_search(*, query: str = ""):
    """Lots of every cooperative whose code or cooperative's name contains
    the query, for the province's officers; newest first."""
    from django.db.models import Q

    lots = Lot.objects.select_related("product", "cooperative").order_by("-created_at", "-pk")
    query = (query or "").strip()[:100]
    if query:
        lots = lots.filter(
            Q(code__icontains=query)
            | Q(cooperative__legal_name__icontains=query)
            | Q(cooperative__slug__icontains=query)
        )
    return lots


# --- Storefront: the catalogue's list and detail pages ------------------------


def _current_lot_code():
    from django.db.models import F, OuterRef, Subquery

    # "Current" is the open lot that expires first: the one a buyer is most
    # likely to receive (stock is allocated first-expiring first). Lots
    # without a best-before date come last.
    return Subquery(
        Lot.objects.filter(product=OuterRef("pk"), status=Lot.Status.OPEN)
        .order_by(F("best_before").asc(nulls_last=True), "produced_on", "pk")
        .values("code")[:1]
    )


def _storefront_base():
    """Public, canonical products that can be sold: with a stock record of
    their own. Parent products (variants) are not sold on the marketplace,
    and pricing them would cost a query per card."""
    from django.db.models import Exists, OuterRef
    from oscar.core.loading import get_model

    from .models import Product

    stock_record = get_model("partner", "StockRecord")
    return Product.objects.browsable().filter(Exists(stock_record.objects.filter(product=OuterRef("pk"))))


def _ocop_in_force(today):
    from django.db.models import Q

    return Q(ocop_valid_until__isnull=True) | Q(ocop_valid_until__gte=today)


def _with_storefront_relations(queryset):
    """Everything a product card or page shows, in a fixed number of
    queries whatever the number of products: origin and its parent unit, the
    stock records with their partner's cooperative (Oscar's strategy reads
    ``product.stockrecords.all()``), the images, the current lot code, and
    the option flags Oscar's basket form would otherwise query per product."""
    from django.db.models import Exists, OuterRef
    from oscar.core.loading import get_model

    stock_record = get_model("partner", "StockRecord")
    option = get_model("catalogue", "Option")
    return (
        queryset.select_related("product_class", "origin_commune__parent")
        .annotate(
            current_lot_code=_current_lot_code(),
            has_product_class_options=Exists(option.objects.filter(productclass=OuterRef("product_class"))),
            has_product_options=Exists(option.objects.filter(product=OuterRef("pk"))),
        )
        .prefetch_related(
            Prefetch(
                "stockrecords",
                # By pk, so the strategy's "first stock record" is the one
                # the price sort used.
                queryset=stock_record.objects.select_related("partner__cooperative__commune").order_by("pk"),
            ),
            "images",
        )
    )


def product_cooperative(product):
    """The cooperative selling ``product``: the one behind the partner of its
    first stock record, read from the prefetched stock records."""
    for record in product.stockrecords.all():
        return getattr(record.partner, "cooperative", None)
    return None


STOREFRONT_ORDERINGS = ("newest", "price_asc", "price_desc")


def storefront_products(
    *,
    district=None,
    commune=None,
    cooperative=None,
    category=None,
    ocop_min_stars: int | None = None,
    certification_scheme: str | None = None,
    ordering: str = "newest",
):
    """The products of the catalogue's list page, filtered. Units,
    cooperative and category are model instances (or None); OCOP ratings past
    their validity never count; a certification counts only while in force
    today on the product's raw-material area."""
    from django.db.models import Exists, F, OuterRef, Subquery
    from django.utils import timezone
    from oscar.core.loading import get_model

    stock_record = get_model("partner", "StockRecord")
    product_category = get_model("catalogue", "ProductCategory")
    today = timezone.localdate()
    products = _storefront_base()
    if district is not None:
        products = products.filter(origin_commune__parent=district)
    if commune is not None:
        products = products.filter(origin_commune=commune)
    if cooperative is not None:
        # Exists rather than a join: a product with two stock records must
        # not appear twice.
        products = products.filter(
            Exists(stock_record.objects.filter(product=OuterRef("pk"), partner__cooperative=cooperative))
        )
    if category is not None:
        # A category holds the products of its subcategories too; treebeard's
        # path prefix finds them without a query per level.
        products = products.filter(
            Exists(
                product_category.objects.filter(
                    product=OuterRef("pk"), category__path__startswith=category.path
                )
            )
        )
    if ocop_min_stars:
        products = products.filter(_ocop_in_force(today), ocop_rating__gte=ocop_min_stars)
    if certification_scheme:
        products = products.filter(
            Exists(
                Certification.objects.valid(today).filter(
                    raw_material_area=OuterRef("raw_material_area"), scheme=certification_scheme
                )
            )
        )
    if ordering in ("price_asc", "price_desc"):
        price = Subquery(
            stock_record.objects.filter(product=OuterRef("pk")).order_by("pk").values("price")[:1]
        )
        products = products.annotate(sort_price=price)
        key = (
            F("sort_price").asc(nulls_last=True)
            if ordering == "price_asc"
            else F("sort_price").desc(nulls_last=True)
        )
        products = products.order_by(key, "-pk")
    else:
        products = products.order_by("-date_created", "-pk")
    return _with_storefront_relations(products)


def storefront_filter_choices() -> dict:
    """What the catalogue's filters offer: only units, cooperatives,
    categories, OCOP levels and certification schemes that some listed
    product has, so no choice leads to an empty page. Six queries."""
    from django.db.models import Exists, OuterRef
    from django.utils import timezone
    from oscar.core.loading import get_model

    from cooperatives.models import AdministrativeUnit, Cooperative

    category_model = get_model("catalogue", "Category")
    product_category = get_model("catalogue", "ProductCategory")
    today = timezone.localdate()
    products = _storefront_base()
    communes = list(
        AdministrativeUnit.objects.filter(Exists(products.filter(origin_commune=OuterRef("pk"))))
        .select_related("parent")
        .order_by("name")
    )
    # Districts are the parents of those communes: no query of their own.
    # Since the 2025 reform communes hang from the province directly, so
    # only units at district level count.
    districts = sorted(
        {
            unit.parent_id: unit.parent
            for unit in communes
            if unit.parent is not None and unit.parent.level == AdministrativeUnit.Level.DISTRICT
        }.values(),
        key=lambda unit: unit.name,
    )
    cooperatives = list(
        Cooperative.objects.filter(
            Exists(products.filter(stockrecords__partner__cooperative=OuterRef("pk")))
        ).order_by("legal_name")
    )
    # A category is offered when it or one of its subcategories has a
    # product; its ancestors then come along so the tree reads well.
    with_products = category_model.objects.filter(
        Exists(product_category.objects.filter(category=OuterRef("pk"), product__in=products))
    ).values_list("path", flat=True)
    paths = set()
    for path in with_products:
        steplen = category_model.steplen
        paths.update(path[:end] for end in range(steplen, len(path) + 1, steplen))
    categories = list(category_model.objects.filter(path__in=paths).order_by("path")) if paths else []
    best = (
        products.filter(_ocop_in_force(today), ocop_rating__gt=0)
        .order_by("-ocop_rating")
        .values_list("ocop_rating", flat=True)
        .first()
    )
    ocop_levels = [stars for stars in (3, 4, 5) if best and stars <= best]
    schemes = set(
        Certification.objects.valid(today)
        .filter(raw_material_area__products__in=products)
        .values_list("scheme", flat=True)
        # Without order_by() the default ordering's column would join the
        # DISTINCT and repeat schemes.
        .order_by()
        .distinct()
    )
    return {
        "districts": districts,
        "communes": communes,
        "cooperatives": cooperatives,
        "categories": categories,
        "ocop_levels": ocop_levels,
        "certification_schemes": [
            (value, label) for value, label in Certification.Scheme.choices if value in schemes
        ],
    }


def storefront_product(*, pk: int):
    """One product for its page, with its relations and the certifications
    of its raw-material area in force today (``valid_certifications``).
    Raises Product.DoesNotExist."""
    from .models import Product

    return (
        _with_storefront_relations(Product.objects.filter(pk=pk))
        .select_related("parent", "raw_material_area")
        .prefetch_related(
            Prefetch(
                "raw_material_area__certifications",
                queryset=Certification.objects.valid(),
                to_attr="valid_certifications",
            )
        )
        .get()
    )
