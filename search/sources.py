"""What each searchable thing looks like to search: one ``SearchDocument``
per product, cooperative and published destination page, read in batches
with a fixed number of queries per batch. Both backends index these."""

import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from . import text
from .models import SearchKind

# Price bands of the price facet, in whole đồng: (key, lowest, below).
PRICE_BANDS = (
    ("under-100k", 0, 100_000),
    ("100k-300k", 100_000, 300_000),
    ("300k-1m", 300_000, 1_000_000),
    ("1m-up", 1_000_000, None),
)
PRICE_BAND_LABELS = {
    "under-100k": _("Under 100,000 ₫"),
    "100k-300k": _("100,000–300,000 ₫"),
    "300k-1m": _("300,000–1,000,000 ₫"),
    "1m-up": _("1,000,000 ₫ and more"),
}
# The facets, in the order pages show them.
FACETS = (
    "district",
    "commune",
    "cooperative",
    "category",
    "ocop",
    "certification",
    "price",
    "destination_kind",
)
# Rows read per query when documents are built in bulk: enough to keep the
# number of queries low at bench scale, small enough to keep memory flat.
BATCH_SIZE = 500


def _batches(queryset):
    """The rows of ``queryset`` a batch (one query) at a time."""
    for start in range(0, queryset.count(), BATCH_SIZE):
        yield list(queryset[start : start + BATCH_SIZE])


def price_band(price: int | None) -> str | None:
    if price is None:
        return None
    for key, lowest, below in PRICE_BANDS:
        if price >= lowest and (below is None or price < below):
            return key
    return None


@dataclass
class SearchDocument:
    kind: str
    object_id: int
    title: str
    language: str = ""
    context: str = ""
    body: str = ""
    slug: str = ""
    url: str = ""
    image: str = ""
    price: int | None = None
    in_stock: bool = True
    subtitle: str = ""
    # facet name → [(value, label)]
    facets: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.object_id}"

    def add_facet(self, name: str, value, label) -> None:
        if value in (None, ""):
            return
        values = self.facets.setdefault(name, [])
        if str(value) not in (v for v, _label in values):
            values.append((str(value), str(label)))


# Block ends and line breaks become spaces, so "<p>Một.</p><p>Hai</p>"
# reads "Một. Hai", not "Một.Hai".
_BLOCK_END = re.compile(r"(</(?:p|div|li|h[1-6]|td|blockquote)>|<br\s*/?>)", re.IGNORECASE)


def _plain(value) -> str:
    return text.normalise(strip_tags(_BLOCK_END.sub(r"\1 ", value or "")))


def _add_place(document: SearchDocument, commune) -> list[str]:
    """The commune and its district as facets; their names for the context."""
    if commune is None:
        return []
    names = [commune.name]
    document.add_facet("commune", commune.pk, commune.name)
    district = commune.parent
    if district is not None and district.level == "district":
        document.add_facet("district", district.pk, district.name)
        names.append(district.name)
    return names


def _picture_url(source) -> str:
    from catalog.images import picture_for

    picture = picture_for(source) if source else None
    return picture.jpeg[0].url if picture else ""


# --- Products -----------------------------------------------------------------


def _products(ids=None):
    from django.db.models import Prefetch
    from oscar.core.loading import get_model

    from catalog.selectors import _storefront_base
    from cooperatives.models import Certification

    stock_record = get_model("partner", "StockRecord")
    category = get_model("catalogue", "Category")
    products = _storefront_base()
    if ids is not None:
        products = products.filter(pk__in=ids)
    return (
        products.select_related("product_class", "origin_commune__parent")
        .prefetch_related(
            Prefetch(
                "stockrecords",
                queryset=stock_record.objects.select_related("partner__cooperative").order_by("pk"),
            ),
            Prefetch("categories", queryset=category.objects.order_by("path")),
            "images",
            Prefetch(
                "raw_material_area__certifications",
                queryset=Certification.objects.valid(),
                to_attr="valid_certifications",
            ),
        )
        .order_by("pk")
    )


def _category_ancestors(categories) -> dict:
    """path → category for every ancestor of ``categories`` (one query)."""
    from oscar.core.loading import get_model

    model = get_model("catalogue", "Category")
    paths = set()
    for category in categories:
        paths.update(category.path[:end] for end in range(model.steplen, len(category.path), model.steplen))
    if not paths:
        return {}
    return {category.path: category for category in model.objects.filter(path__in=paths)}


def product_documents(ids=None):
    """Documents of the products the storefront lists (browsable, with a
    stock record); ``ids`` limits them."""
    from cooperatives.models import Certification

    today = timezone.localdate()
    schemes = dict(Certification.Scheme.choices)
    for batch in _batches(_products(ids)):
        ancestors = _category_ancestors(c for product in batch for c in product.categories.all())
        for product in batch:
            document = SearchDocument(
                kind=SearchKind.PRODUCT, object_id=product.pk, title=text.normalise(product.get_title())
            )
            context = [product.product_class.name if product.product_class_id else ""]
            record = next(iter(product.stockrecords.all()), None)
            cooperative = getattr(record.partner, "cooperative", None) if record else None
            if record is not None:
                document.price = int(record.price) if record.price is not None else None
                document.in_stock = (record.num_in_stock or 0) - (record.num_allocated or 0) > 0
            if cooperative is not None:
                document.add_facet("cooperative", cooperative.slug, cooperative.legal_name)
                context.append(cooperative.legal_name)
                document.subtitle = cooperative.legal_name
            for category in product.categories.all():
                context.append(category.name)
                document.add_facet("category", category.pk, category.name)
                for path in range(len(category.path) - category.steplen, 0, -category.steplen):
                    parent = ancestors.get(category.path[:path])
                    if parent is not None:
                        document.add_facet("category", parent.pk, parent.name)
            context += _add_place(document, product.origin_commune)
            if product.ocop_rating and (
                product.ocop_valid_until is None or product.ocop_valid_until >= today
            ):
                document.add_facet("ocop", product.ocop_rating, product.ocop_rating)
                context.append("OCOP")
            if product.raw_material_area_id:
                for certification in product.raw_material_area.valid_certifications:
                    document.add_facet(
                        "certification", certification.scheme, schemes.get(certification.scheme, "")
                    )
                    context.append(str(schemes.get(certification.scheme, "")))
            band = price_band(document.price)
            document.add_facet("price", band, band)
            document.context = text.normalise(" · ".join(filter(None, context)))
            document.body = _plain(product.description)
            document.slug = product.slug
            image = next(iter(product.images.all()), None)
            document.image = _picture_url(image.original) if image else ""
            yield document


# --- Cooperatives -------------------------------------------------------------


def _cooperatives(ids=None):
    from cooperatives.models import Cooperative

    queryset = (
        Cooperative.objects.approved()
        .select_related("commune__parent")
        .prefetch_related("product_categories")
        .order_by("pk")
    )
    return queryset if ids is None else queryset.filter(pk__in=ids)


def cooperative_documents(ids=None):
    """Documents of the approved cooperatives; ``ids`` limits them."""
    for batch in _batches(_cooperatives(ids)):
        for cooperative in batch:
            document = SearchDocument(
                kind=SearchKind.COOPERATIVE,
                object_id=cooperative.pk,
                title=text.normalise(cooperative.legal_name),
                slug=cooperative.slug,
            )
            place = _add_place(document, cooperative.commune)
            document.subtitle = ", ".join(place)
            context = [cooperative.main_products, *place]
            for category in cooperative.product_categories.all():
                context.append(category.name)
                document.add_facet("category", category.pk, category.name)
            document.context = text.normalise(" · ".join(filter(None, context)))
            document.body = _plain(cooperative.description)
            document.image = _picture_url(cooperative.logo) if cooperative.logo else ""
            yield document


# --- Destinations -------------------------------------------------------------


def _destination_pages(ids=None):
    from cms.models import DestinationPage

    pages = (
        DestinationPage.objects.live()
        .public()
        .select_related("locale", "district", "commune__parent", "image")
        .order_by("pk")
    )
    if ids is not None:
        pages = pages.filter(pk__in=ids)
    return pages


def destination_documents(ids=None):
    """Documents of the published, public destination pages, one per
    language; ``ids`` limits them."""
    from cms.models import DestinationKind

    kinds = dict(DestinationKind.choices)
    for batch in _batches(_destination_pages(ids)):
        for page in batch:
            document = SearchDocument(
                kind=SearchKind.DESTINATION,
                object_id=page.pk,
                title=text.normalise(page.title),
                language=page.locale.language_code,
                url=page.get_url() or "",
            )
            place = _add_place(document, page.commune) if page.commune_id else []
            if page.district_id:
                document.add_facet("district", page.district.pk, page.district.name)
                if page.district.name not in place:
                    place.append(page.district.name)
            document.add_facet("destination_kind", page.kind, kinds.get(page.kind, page.kind))
            document.subtitle = ", ".join(place)
            document.context = text.normalise(" ".join([str(kinds.get(page.kind, "")), *place]))
            document.body = _plain(page.intro)
            if page.image_id:
                try:
                    document.image = page.image.get_rendition("fill-360x240").url
                except Exception:  # noqa: BLE001 - a broken image file must not keep the page out of search
                    document.image = ""
            yield document


BUILDERS = {
    SearchKind.PRODUCT: product_documents,
    SearchKind.COOPERATIVE: cooperative_documents,
    SearchKind.DESTINATION: destination_documents,
}


def documents(kind: str, ids=None):
    return BUILDERS[kind](ids)


def documents_count() -> int:
    """How many documents a full build writes (for progress bars)."""
    return _products().count() + _cooperatives().count() + _destination_pages().count()
