"""What other sites read from a page when it is shared or indexed: the Open
Graph / Twitter-card values and schema.org data (JSON-LD) of destinations
and events (indicator 6.5: destinations promoted online).

Builders take a page and the request and return plain values, so the
templates only print them and tests can check them without HTML."""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.utils.text import Truncator

# 1200×630 is the size Facebook and Zalo crop link previews to; a smaller
# image is shown as a thumbnail instead of across the preview.
SHARE_IMAGE_SPEC = "fill-1200x630"

# Open Graph names locales language_TERRITORY.
OG_LOCALES = {"vi": "vi_VN", "en": "en_US"}

# Facebook cuts descriptions at about 300 characters.
DESCRIPTION_MAX_LENGTH = 300

SCHEMA_CONTEXT = "https://schema.org"
COUNTRY_CODE = "VN"
# The province of this site, for units whose parent is not recorded.
DEFAULT_REGION = "Tuyên Quang"


def _is_absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def public_url(path: str) -> str:
    """``path`` (or the path of an absolute URL) under SITE_URL.

    Wagtail builds full URLs from its Site record, which a migration set to
    localhost and nothing keeps in step with the deployment; SITE_URL is the
    address QR labels and e-mails already use. Links other sites keep
    (shares, search engines) must all name that one address."""
    parts = urlsplit(path)
    return settings.SITE_URL + urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))


def page_absolute_url(page, request=None) -> str | None:
    """The public address of ``page`` (in its language: /en/… for English),
    for other sites to link to; None when the page has no URL."""
    url = page.get_full_url(request)
    return public_url(url) if url else None


def absolute_url(url: str) -> str:
    """A media URL made absolute for crawlers; it is already absolute when
    files are served from another host."""
    return url if _is_absolute(url) else public_url(url)


def share_image(page, request=None) -> dict | None:
    """The page's main image cropped for link previews: ``url`` (absolute),
    ``width``, ``height`` and ``alt``; None when the page has no image or
    its file is missing (a preview without image beats a broken one)."""
    from wagtail.images.models import SourceImageIOError

    image = getattr(page, "image", None)
    if image is None:
        return None
    try:
        rendition = image.get_rendition(SHARE_IMAGE_SPEC)
    except SourceImageIOError:
        return None
    return {
        "url": absolute_url(rendition.url),
        "width": rendition.width,
        "height": rendition.height,
        "alt": image.default_alt_text,
    }


def page_description(page) -> str:
    """What a preview says under the title: the editor's search description,
    else the page's introduction."""
    text = getattr(page, "search_description", "") or getattr(page, "intro", "") or ""
    return Truncator(" ".join(text.split())).chars(DESCRIPTION_MAX_LENGTH)


def page_social_meta(page, request=None) -> dict:
    """The values of a page's Open Graph and Twitter-card tags, its canonical
    address and the addresses of its live translations (hreflang)."""
    language = page.locale.language_code
    translations = page.get_translations(inclusive=True).live().public().select_related("locale")
    alternates = sorted(
        (
            {"language": other.locale.language_code, "url": page_absolute_url(other, request)}
            for other in translations
        ),
        key=lambda alternate: alternate["language"],
    )
    default = next((alt for alt in alternates if alt["language"] == settings.LANGUAGE_CODE), None)
    return {
        "title": page.seo_title or page.title,
        "description": page_description(page),
        "url": page_absolute_url(page, request),
        "image": share_image(page, request),
        "locale": OG_LOCALES.get(language, language),
        "alternate_locales": [
            OG_LOCALES.get(alt["language"], alt["language"])
            for alt in alternates
            if alt["language"] != language
        ],
        # hreflang only means something when there is more than one language.
        "alternates": alternates if len(alternates) > 1 else [],
        "default_url": default["url"] if default and len(alternates) > 1 else None,
        "site_name": settings.WAGTAIL_SITE_NAME,
    }


# --- schema.org (JSON-LD) ---------------------------------------------------


def _postal_address(*, district=None, commune=None, locality: str = "") -> dict:
    """A PostalAddress from the administrative units: Vietnamese addresses
    rarely have a street, so the commune and district are the locality."""
    names = [locality] + [unit.name for unit in (commune, district) if unit is not None]
    region = DEFAULT_REGION
    if district is not None and district.parent is not None:
        region = district.parent.short_name or district.parent.name
    address = {"@type": "PostalAddress", "addressRegion": region, "addressCountry": COUNTRY_CODE}
    locality = ", ".join(name for name in names if name)
    if locality:
        address["addressLocality"] = locality
    return address


def _geo(destination) -> dict:
    return {
        "@type": "GeoCoordinates",
        "latitude": float(destination.latitude),
        "longitude": float(destination.longitude),
    }


def _common(page, request, schema_type: str) -> dict:
    data = {
        "@context": SCHEMA_CONTEXT,
        "@type": schema_type,
        "name": page.title,
        "url": page_absolute_url(page, request),
        "inLanguage": page.locale.language_code,
    }
    description = page_description(page)
    if description:
        data["description"] = description
    image = share_image(page, request)
    if image is not None:
        data["image"] = image["url"]
    return data


def destination_structured_data(page, request=None) -> dict:
    """A destination as a schema.org TouristAttraction: what search engines
    and maps show about a place to visit. Whether entry is free is not
    recorded, so ``isAccessibleForFree`` is left out rather than guessed."""
    data = _common(page, request, "TouristAttraction")
    data["geo"] = _geo(page)
    data["address"] = _postal_address(district=page.district, commune=page.commune)
    if page.contact_phone:
        data["telephone"] = page.contact_phone
    if page.website:
        data["sameAs"] = page.website
    return data


def event_structured_data(page, request=None) -> dict:
    """An event as a schema.org Event, held at its place; when it is linked
    to a published destination, the place has that destination's address
    and coordinates."""
    data = _common(page, request, "Event")
    data["startDate"] = page.start_date.isoformat()
    data["endDate"] = (page.end_date or page.start_date).isoformat()
    data["eventStatus"] = "https://schema.org/EventScheduled"
    data["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
    location = {"@type": "Place", "name": page.place}
    destination = page.destination
    if destination is not None and destination.live:
        location["address"] = _postal_address(
            district=destination.district, commune=destination.commune, locality=page.place
        )
        location["geo"] = _geo(destination)
        location["url"] = page_absolute_url(destination, request)
    else:
        location["address"] = _postal_address(district=_section_district(page), locality=page.place)
    data["location"] = location
    return data


def _section_district(page):
    """The district of the section an event sits in, if it sits in one."""
    from .models import DistrictSectionPage

    section = DistrictSectionPage.objects.ancestor_of(page).select_related("district__parent").first()
    return section.district if section is not None else None


def page_structured_data(page, request=None) -> dict | None:
    """The JSON-LD of ``page`` when it is a destination or an event; other
    pages have none."""
    from .models import DestinationPage, EventPage

    page = getattr(page, "specific", page)
    if isinstance(page, DestinationPage):
        return destination_structured_data(page, request)
    if isinstance(page, EventPage):
        return event_structured_data(page, request)
    return None
