"""Reads of the public site: lists of destinations, events and news, what
lies near a destination, the map's features and the promotion counts."""

import math
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.utils import timezone

from cooperatives.models import AdministrativeUnit, Cooperative

# --- Lists ------------------------------------------------------------------


def paginate(queryset, page_number, *, per_page: int):
    """One page of ``queryset``; a missing or bad page number gives the
    nearest valid page rather than an error."""
    return Paginator(queryset, per_page).get_page(page_number)


@dataclass(frozen=True)
class DestinationFilters:
    """The filters of the destination list, read from a query string; values
    that name no kind or no district are ignored, never an error."""

    kind: str = ""
    district: AdministrativeUnit | None = None

    @classmethod
    def from_query(cls, query, *, locale):
        from .models import DestinationKind

        kind = query.get("kind", "")
        if kind not in DestinationKind.values:
            kind = ""
        code = query.get("district", "")
        district = None
        if code:
            district = next((unit for unit in districts_with_sections(locale=locale) if unit.code == code), None)
        return cls(kind=kind, district=district)

    @property
    def is_filtered(self) -> bool:
        return bool(self.kind or self.district)


def destinations_live(*, locale, filters: DestinationFilters | None = None):
    """Published, public destinations of one language, by title."""
    from .models import DestinationPage

    destinations = (
        DestinationPage.objects.live()
        .public()
        .filter(locale=locale)
        .select_related("district", "commune", "image")
        .order_by("title")
    )
    if filters is not None:
        if filters.kind:
            destinations = destinations.filter(kind=filters.kind)
        if filters.district is not None:
            destinations = destinations.filter(district=filters.district)
    return destinations


def districts_with_sections(*, locale) -> list[AdministrativeUnit]:
    """Districts that have a published section in this language, by name."""
    from .models import DistrictSectionPage

    district_ids = DistrictSectionPage.objects.live().filter(locale=locale).values("district_id")
    return list(AdministrativeUnit.objects.filter(pk__in=district_ids).order_by("name"))


def destinations_featured(*, locale, limit: int = 6):
    """Destinations marked for the home page, topped up with the most
    recently published ones so the home page is never empty."""
    destinations = destinations_live(locale=locale)
    featured = list(destinations.filter(featured=True).order_by("-first_published_at")[:limit])
    if len(featured) < limit:
        featured += list(
            destinations.exclude(pk__in=[page.pk for page in featured]).order_by("-first_published_at")[
                : limit - len(featured)
            ]
        )
    return featured


def ocop_products_featured(*, limit: int = 8):
    """OCOP-rated products on sale now, best rated first, for the home page."""
    from catalog.selectors import storefront_products

    return list(storefront_products(ocop_min_stars=3).order_by("-ocop_rating", "-date_created")[:limit])


def events_upcoming(*, locale, limit: int | None = None, within=None, destination=None):
    """Events not yet over, soonest first; ``within`` limits them to one part
    of the tree (a district section), ``destination`` to one destination."""
    from .models import EventPage

    today = timezone.localdate()
    events = (
        EventPage.objects.live()
        .public()
        .filter(locale=locale)
        .exclude(end_date__lt=today)
        .exclude(end_date__isnull=True, start_date__lt=today)
        .select_related("image", "destination")
        .order_by("start_date", "title")
    )
    if within is not None:
        events = events.descendant_of(within)
    if destination is not None:
        events = events.filter(destination=destination)
    return list(events[:limit]) if limit else events


def events_past(*, locale):
    from django.db.models import Q

    from .models import EventPage

    today = timezone.localdate()
    return (
        EventPage.objects.live()
        .public()
        .filter(locale=locale)
        .filter(Q(end_date__lt=today) | Q(end_date__isnull=True, start_date__lt=today))
        .select_related("image")
        .order_by("-start_date", "title")
    )


def news_latest(*, locale, within=None, limit: int | None = None):
    from .models import NewsPage

    news = (
        NewsPage.objects.live().public().filter(locale=locale).select_related("image").order_by("-date", "-pk")
    )
    if within is not None:
        news = news.descendant_of(within)
    return list(news[:limit]) if limit else news


def map_page(*, locale):
    from .models import TourismMapPage

    return TourismMapPage.objects.live().filter(locale=locale).first()


# --- Around a destination -------------------------------------------------

EARTH_RADIUS_KM = 6371.0


def distance_km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance (haversine): exact enough for "12 km away"."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    d_phi = phi2 - phi1
    d_lambda = math.radians(float(lon2) - float(lon1))
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


# A province's destinations number in the tens or hundreds, so distances
# are computed in Python over their coordinates only; 60 km is about a
# morning's drive on Tuyên Quang's mountain roads.
NEARBY_MAX_KM = 60


def destinations_nearby(destination, *, limit: int = 4, max_km: float = NEARBY_MAX_KM) -> list:
    """Other published destinations of the same language within ``max_km``,
    nearest first, each with its ``distance_km``."""
    candidates = (
        destinations_live(locale=destination.locale)
        .exclude(pk=destination.pk)
        .values_list("pk", "latitude", "longitude")
    )
    near = sorted(
        (distance_km(destination.latitude, destination.longitude, lat, lon), pk) for pk, lat, lon in candidates
    )
    near = [(km, pk) for km, pk in near if km <= max_km][:limit]
    pages = destinations_live(locale=destination.locale).in_bulk([pk for _km, pk in near])
    result = []
    for km, pk in near:
        page = pages[pk]
        page.distance_km = round(km, 1)
        result.append(page)
    return result


def commune_cooperatives(commune) -> list[Cooperative]:
    """Approved cooperatives of the destination's commune."""
    if commune is None:
        return []
    return list(Cooperative.objects.approved().filter(commune=commune).order_by("legal_name"))


def commune_products(commune, *, limit: int = 8) -> list:
    """Products on sale that grew in the destination's commune."""
    if commune is None:
        return []
    from catalog.selectors import storefront_products

    return list(storefront_products(commune=commune)[:limit])


# --- The tourism map -------------------------------------------------------
# (MAP SECTION: MapFilters, MAP_LAYERS, map_features)


# --- Promotion (indicator 6.5) ---------------------------------------------
# (PROMOTION SECTION: destination_promotion_by_district)
