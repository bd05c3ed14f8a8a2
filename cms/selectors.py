"""Reads of the public site: lists of destinations, events and news, what
lies near a destination, the map's features and the promotion counts."""

import math
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperatives.models import AdministrativeUnit, Cooperative

from .models import DestinationKind

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
            district = next(
                (unit for unit in districts_with_sections(locale=locale) if unit.code == code), None
            )
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
        NewsPage.objects.live()
        .public()
        .filter(locale=locale)
        .select_related("image")
        .order_by("-date", "-pk")
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
        (distance_km(destination.latitude, destination.longitude, lat, lon), pk)
        for pk, lat, lon in candidates
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

MAP_DESTINATION = "destination"
MAP_COOPERATIVE = "cooperative"
MAP_AREA = "area"

# What a visitor may choose to see: one layer per kind of destination, then
# the cooperatives and their raw-material areas.
MAP_LAYERS = [
    *DestinationKind.choices,
    (MAP_COOPERATIVE, _("Cooperative")),
    (MAP_AREA, _("Raw-material area")),
]


@dataclass(frozen=True)
class MapFilters:
    """The filters of the tourism map, read from a query string and shared by
    the page and its GeoJSON; values that name no layer or no district are
    ignored, never an error."""

    layer: str = ""
    district: AdministrativeUnit | None = None

    @classmethod
    def from_query(cls, query, *, locale):
        layer = query.get("layer", "")
        if layer not in dict(MAP_LAYERS):
            layer = ""
        # The same districts as the destination list offers: those with a
        # published section in this language.
        district = DestinationFilters.from_query(query, locale=locale).district
        return cls(layer=layer, district=district)

    @property
    def is_filtered(self) -> bool:
        return bool(self.layer or self.district)

    def as_query(self) -> str:
        """The valid filters as a query string (without "?"), so links carry
        what was understood rather than what was typed."""
        from django.utils.http import urlencode

        values = {"layer": self.layer, "district": self.district.code if self.district else ""}
        return urlencode({name: value for name, value in values.items() if value})


def _district_of(commune) -> AdministrativeUnit | None:
    """The district a commune lies in, or None. Since the 2025 reform
    communes hang straight under their province: such a place then has no
    district rather than a province posing as one."""
    parent = commune.parent
    return parent if parent is not None and parent.level == AdministrativeUnit.Level.DISTRICT else None


def _map_feature(*, feature_type, layer, name, url, lat, lon, district, commune, details) -> dict:
    """One marker in the one shape the page's list, the GeoJSON and the
    script all read; lazy labels become text in the active language."""
    return {
        "type": feature_type,
        "layer": layer,
        "layer_label": str(dict(MAP_LAYERS)[layer]),
        "name": name,
        "url": url,
        "lat": None if lat is None else float(lat),
        "lon": None if lon is None else float(lon),
        "district_code": district.code if district else "",
        "district_name": district.name if district else "",
        "commune_name": commune.name if commune else "",
        "details": str(details),
    }


def map_features(*, locale, filters: MapFilters, request=None) -> list[dict]:
    """Every marker of the tourism map as a plain dict, which the page lists
    as text and the GeoJSON endpoint serves: the published destinations of
    ``locale`` by title, then approved cooperatives, then the located
    raw-material areas of approved cooperatives.

    A cooperative is placed at the mean position of its located areas; one
    with none has ``lat``/``lon`` None and is listed but not drawn. The
    number of queries does not grow with the rows. ``request`` only caches
    Wagtail's site lookups for the destination URLs."""
    from django.db.models import Prefetch
    from django.template.defaultfilters import floatformat

    from cooperatives.models import RawMaterialArea

    features = []
    layer = filters.layer
    if not layer or layer in DestinationKind.values:
        destinations = destinations_live(
            locale=locale, filters=DestinationFilters(kind=layer, district=filters.district)
        )
        for page in destinations:
            feature = _map_feature(
                feature_type=MAP_DESTINATION,
                layer=page.kind,
                name=page.title,
                url=page.get_url(request=request),
                lat=page.latitude,
                lon=page.longitude,
                district=page.district,
                commune=page.commune,
                details=page.get_kind_display(),
            )
            features.append(feature)

    located_areas = RawMaterialArea.objects.filter(latitude__isnull=False, longitude__isnull=False)
    if layer in ("", MAP_COOPERATIVE):
        cooperatives = (
            Cooperative.objects.approved()
            .select_related("commune__parent")
            .prefetch_related(Prefetch("raw_material_areas", queryset=located_areas, to_attr="located_areas"))
            .order_by("legal_name")
        )
        if filters.district is not None:
            cooperatives = cooperatives.filter(commune__parent=filters.district)
        for cooperative in cooperatives:
            areas = cooperative.located_areas
            lat = sum(area.latitude for area in areas) / len(areas) if areas else None
            lon = sum(area.longitude for area in areas) / len(areas) if areas else None
            feature = _map_feature(
                feature_type=MAP_COOPERATIVE,
                layer=MAP_COOPERATIVE,
                name=cooperative.legal_name,
                url=cooperative.get_absolute_url(),
                lat=lat,
                lon=lon,
                district=_district_of(cooperative.commune),
                commune=cooperative.commune,
                details=cooperative.main_products,
            )
            features.append(feature)

    if layer in ("", MAP_AREA):
        areas = (
            located_areas.filter(cooperative__status=Cooperative.Status.APPROVED)
            .select_related("cooperative", "commune__parent")
            .order_by("name", "pk")
        )
        if filters.district is not None:
            areas = areas.filter(commune__parent=filters.district)
        for area in areas:
            details = _("%(crop)s, %(hectares)s ha, farmed by %(cooperative)s") % {
                "crop": area.main_crop,
                "hectares": floatformat(area.area_hectares, "-2"),
                "cooperative": area.cooperative.legal_name,
            }
            feature = _map_feature(
                feature_type=MAP_AREA,
                layer=MAP_AREA,
                name=area.name,
                url=area.cooperative.get_absolute_url(),
                lat=area.latitude,
                lon=area.longitude,
                district=_district_of(area.commune),
                commune=area.commune,
                details=details,
            )
            features.append(feature)
    return features


# --- Promotion (indicator 6.5) ---------------------------------------------


def _period_start(moment):
    """A date bound means the start of that day, in the site's time zone."""
    import datetime

    if moment is None or isinstance(moment, datetime.datetime):
        return moment
    return timezone.make_aware(datetime.datetime.combine(moment, datetime.time.min))


def destination_promotion_by_district(*, since=None, until=None) -> list[dict]:
    """How each district's destinations are promoted online (Plan, indicator
    6.5): one row per district with a published destination, by name.

    A destination and its translations are one destination. Views and share
    clicks are those of published destinations in [``since``, ``until``)
    (datetimes, or dates meaning the start of that day; None is open).
    A district is ``promoted_online`` when one of them was viewed or shared
    in the period. Four queries whatever the number of districts."""
    from django.db.models import Count

    from .models import DestinationEngagement, DestinationPage

    since, until = _period_start(since), _period_start(until)
    live = DestinationPage.objects.live().public()
    groups = {}  # district id -> {translation key: first publication of each language}
    pages = live.values_list("district_id", "translation_key", "first_published_at")
    for district_id, key, first_published in pages:
        groups.setdefault(district_id, {}).setdefault(key, []).append(first_published)

    engagements = DestinationEngagement.objects.filter(destination__in=live.values("pk"))
    if since is not None:
        engagements = engagements.filter(occurred_at__gte=since)
    if until is not None:
        engagements = engagements.filter(occurred_at__lt=until)
    counts = {
        (row["destination__district_id"], row["channel"]): row["count"]
        for row in engagements.values("destination__district_id", "channel").annotate(count=Count("pk"))
    }

    Channel = DestinationEngagement.Channel
    rows = []
    for district in AdministrativeUnit.objects.filter(pk__in=groups).order_by("name"):
        # A destination was published when its first language was.
        published = [
            min(moments)
            for moments in ([moment for moment in group if moment] for group in groups[district.pk].values())
            if moments
        ]
        views = counts.get((district.pk, Channel.VIEW), 0)
        facebook = counts.get((district.pk, Channel.FACEBOOK), 0)
        zalo = counts.get((district.pk, Channel.ZALO), 0)
        rows.append(
            {
                "district": district,
                "code": district.code,
                "name": district.name,
                "destinations": len(groups[district.pk]),
                "published_in_period": sum(
                    1
                    for moment in published
                    if (since is None or moment >= since) and (until is None or moment < until)
                ),
                "first_published": min(published, default=None),
                "views": views,
                "facebook_shares": facebook,
                "zalo_shares": zalo,
                "shares": facebook + zalo,
                "promoted_online": views + facebook + zalo > 0,
            }
        )
    return rows
