"""The shape every backend returns, and the filters it accepts."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import SearchKind
from .sources import FACETS, PRICE_BAND_LABELS

PAGE_SIZE = 20
PAGE_SIZE_MAX = 50
# No backend pages deeper than this (Elasticsearch's default result window).
RESULT_WINDOW = 10_000
SUGGESTIONS_MAX = 8

FACET_LABELS = {
    "district": _("District"),
    "commune": _("Commune"),
    "cooperative": _("Cooperative"),
    "category": _("Category"),
    "ocop": _("OCOP stars"),
    "certification": _("Certification"),
    "price": _("Price"),
    "destination_kind": _("Kind of destination"),
}


class InvalidSearch(ValueError):
    """A request search cannot answer (a page number that is not a number);
    the message is shown to the user."""


@dataclass(frozen=True)
class SearchFilters:
    """What the search is limited to: a kind (products, cooperatives or
    destinations) and facet values (name → value)."""

    kind: str = ""
    facets: tuple = ()  # ((name, value), …), sorted

    @classmethod
    def build(cls, kind: str = "", **facets) -> "SearchFilters":
        kind = kind if kind in SearchKind.values else ""
        chosen = tuple(
            # NUL is the one character PostgreSQL text cannot hold.
            sorted(
                (name, str(value).replace("\x00", "")[:64])
                for name, value in facets.items()
                if name in FACETS and value
            )
        )
        return cls(kind=kind, facets=chosen)

    @classmethod
    def from_query_dict(cls, data) -> "SearchFilters":
        """From a request's GET: unknown names are ignored, a value no entry
        has simply matches nothing."""
        return cls.build(
            kind=data.get("type", ""),
            **{name: data.get(name, "") for name in FACETS if isinstance(data.get(name, ""), str)},
        )

    def as_dict(self) -> dict:
        return dict(self.facets)


@dataclass
class SearchHit:
    kind: str
    id: int
    title: str
    url: str
    snippet: str = ""  # safe HTML, query words in <mark>
    image: str = ""
    price: int | None = None
    in_stock: bool = True
    subtitle: str = ""
    score: float = 0.0

    @property
    def kind_label(self) -> str:
        return SearchKind(self.kind).label


@dataclass
class FacetCount:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResults:
    query: str
    hits: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    size: int = PAGE_SIZE
    # name → [FacetCount], largest first
    facets: dict = field(default_factory=dict)
    # kind → count, whatever kind is chosen (the tabs)
    kind_counts: dict = field(default_factory=dict)
    backend: str = ""

    @property
    def page_count(self) -> int:
        return max(1, -(-min(self.total, RESULT_WINDOW) // self.size))

    @property
    def has_next(self) -> bool:
        return self.page < self.page_count

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def facet_label(name: str, value: str, stored_label: str) -> str:
    """A facet value's label in the page's language: proper names as
    stored, coded values from their translated choices."""
    if name == "price":
        return str(PRICE_BAND_LABELS.get(value, value))
    if name == "ocop":
        return str(_("%(stars)s stars") % {"stars": value})
    if name == "certification":
        from cooperatives.models import Certification

        return str(dict(Certification.Scheme.choices).get(value, stored_label))
    if name == "destination_kind":
        from cms.models import DestinationKind

        return str(dict(DestinationKind.choices).get(value, stored_label))
    return stored_label


def page_number(value) -> int:
    """A page number from user input: 1 when absent; InvalidSearch when it
    is not a positive whole number."""
    if value in (None, ""):
        return 1
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip()[:9])
    else:
        raise InvalidSearch(_("The page number must be a whole number."))
    if number < 1:
        raise InvalidSearch(_("The page number must be a whole number."))
    return number


def hit_url(kind: str, object_id: int, slug: str, url: str) -> str:
    """Where a hit leads, in the current language: shop and cooperative
    addresses are reversed now, so /en/ pages link to /en/ pages; a
    destination page has its own address in its own language."""
    from django.urls import NoReverseMatch, reverse

    try:
        if kind == SearchKind.PRODUCT:
            return reverse("catalogue:detail", kwargs={"product_slug": slug, "pk": object_id})
        if kind == SearchKind.COOPERATIVE:
            return reverse("cooperatives:detail", kwargs={"slug": slug})
    except NoReverseMatch:
        return ""
    return url


def suggestions_ordered(prefix: str, candidates, limit: int) -> list[dict]:
    """Suggestions from (title, kind, url) candidates in the backend's
    order: each title once, those spelt as typed (tones and all) first, at
    most ``limit``."""
    from . import text

    typed = text.exact(prefix)
    unique = {}
    for title, kind, url in candidates:
        unique.setdefault(title, {"title": title, "kind": kind, "url": url})
    ordered = sorted(unique.values(), key=lambda suggestion: typed not in text.exact(suggestion["title"]))
    return ordered[:limit]
