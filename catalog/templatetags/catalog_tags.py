"""Template helpers of the storefront: product pictures, OCOP stars and the
cooperative behind a product. None of them queries the database: they read
what the storefront selectors prefetched."""

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from marketplace.sanitize import sanitize_rich_text

from .. import images, selectors

register = template.Library()

# One column on phones, two from 36rem, a grid of up to four on desktops.
CARD_SIZES = "(min-width: 64rem) 16rem, (min-width: 36rem) 50vw, 100vw"
DETAIL_SIZES = "(min-width: 48rem) 50vw, 100vw"


def _srcset(renditions) -> str:
    return ", ".join(f"{rendition.url} {rendition.width}w" for rendition in renditions)


def _placeholder(alt: str, css_class: str):
    # The layout keeps its shape when a photo is missing or unreadable.
    return format_html(
        '<div class="{}" role="img" aria-label="{}" data-picture-missing></div>',
        f"picture-placeholder {css_class}".strip(),
        alt,
    )


@register.simple_tag
def picture(source, alt="", sizes=CARD_SIZES, loading="lazy", css_class=""):
    """``<picture>`` with WebP and JPEG copies of an image file at several
    widths; a placeholder when the file is missing or unreadable."""
    found = images.picture_for(source)
    if found is None:
        return _placeholder(alt, css_class)
    largest = found.largest
    return format_html(
        '<picture{}><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" loading="{}" decoding="async" alt="{}">'
        "</picture>",
        format_html(' class="{}"', css_class) if css_class else "",
        _srcset(found.webp),
        sizes,
        found.fallback.url,
        _srcset(found.jpeg),
        sizes,
        largest.width,
        largest.height,
        loading,
        alt,
    )


@register.simple_tag
def product_picture(product, sizes=CARD_SIZES, loading="lazy", css_class=""):
    """The picture of a product's primary image, read from its prefetched
    images (Oscar's ``primary_image`` would copy a placeholder file into
    storage for every product without one)."""
    primary = next(iter(product.images.all()), None)
    alt = (primary.caption if primary is not None else "") or product.get_title()
    return picture(primary.original if primary is not None else None, alt, sizes, loading, css_class)


@register.filter
def ocop_rating(product) -> int:
    """The product's OCOP stars, or 0 when it has none or the rating has
    expired: an expired rating is never shown."""
    rating = product.ocop_rating or 0
    if rating and product.ocop_valid_until is not None and product.ocop_valid_until < timezone.localdate():
        return 0
    return rating


@register.simple_tag
def ocop_stars(product):
    """Five stars, the rated ones filled, for a rating in force; nothing
    otherwise. The stars are decoration: the text says the rating."""
    rating = ocop_rating(product)
    if not rating:
        return ""
    return format_html(
        '<span class="ocop-stars" aria-hidden="true">{}{}</span>',
        "★" * rating,
        "☆" * (5 - rating),
    )


@register.filter
def cooperative_of(product):
    return selectors.product_cooperative(product)


@register.filter
def district_of(commune):
    """The district a commune belongs to, from the parent fetched with it;
    None since the 2025 reform, where communes belong to the province."""
    parent = commune.parent if commune is not None and commune.parent_id else None
    if parent is None or parent.level != "district":
        return None
    return parent


@register.filter
def month_names(months) -> list:
    """Season months (1–12) as month names in the page's language; anything
    else in the list is skipped."""
    return [MONTHS[month] for month in months or [] if isinstance(month, int) and month in MONTHS]


@register.filter
def rich_text(html):
    """Dashboard HTML (cooperative staff write product descriptions) reduced
    to harmless markup before it is shown."""
    return mark_safe(sanitize_rich_text(html or ""))  # noqa: S308 - sanitised just above
