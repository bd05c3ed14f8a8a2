"""Resized copies (renditions) of product images, for ``<picture>`` tags.

Farmers upload phone photos of several megabytes; a product card on a phone
needs a few dozen kilobytes. Each source image gets WebP and JPEG copies at a
few widths, made on the first request that shows it and kept in
``default_storage`` under names derived from the source's name, so every
later request (and every server) finds them without asking the database.

The copies carry no metadata: a phone photo's EXIF can hold the GPS position
of the farmer's field or house.
"""

import hashlib
import io
import json
import logging
import warnings
from dataclasses import dataclass

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from marketplace.uploads import IMAGE_MAX_PIXELS

logger = logging.getLogger(__name__)

# A 375 px phone at 2x fits the 640 copy in a one-column card; 320 serves
# grid cards on desktop; 1200 is the product page's main image on a large
# screen (and a phone at 3x). More widths would mostly cost disk.
WIDTHS = (320, 640, 1200)
# Quality where artefacts stay invisible on produce photos while the files
# stay small; WebP reaches the same look at a lower setting.
FORMATS = {
    "webp": ("WEBP", "image/webp", {"quality": 78, "method": 4}),
    "jpeg": ("JPEG", "image/jpeg", {"quality": 82, "optimize": True, "progressive": True}),
}
# Part of every name: raising it (new widths, new quality) makes new copies
# instead of serving the old ones.
RENDITION_VERSION = 1
FOLDER = "renditions"
# The sizes of a source's copies are remembered for a day; the manifest in
# storage answers after that, without decoding anything.
CACHE_SECONDS = 24 * 60 * 60
# A source that cannot be read is not tried again on every page view.
FAILURE_CACHE_SECONDS = 5 * 60
_FAILED = "failed"


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class Picture:
    """The copies of one source image, narrowest first, per format."""

    webp: tuple[Rendition, ...]
    jpeg: tuple[Rendition, ...]

    @property
    def largest(self) -> Rendition:
        return self.jpeg[-1]

    @property
    def fallback(self) -> Rendition:
        # What browsers without srcset load: the widest copy that is not
        # the large one, enough for a card.
        return self.jpeg[-2] if len(self.jpeg) > 1 else self.jpeg[-1]


def _digest(source_name: str, *parts) -> str:
    key = "|".join(str(part) for part in (RENDITION_VERSION, source_name, *parts))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def rendition_name(source_name: str, width: int, image_format: str) -> str:
    """Where the copy of ``source_name`` at ``width`` in ``image_format``
    ("webp" or "jpeg") is stored: the same name on every server."""
    digest = _digest(source_name, width, image_format)
    extension = "jpg" if image_format == "jpeg" else image_format
    return f"{FOLDER}/{digest[:2]}/{digest}.{extension}"


def _manifest_name(source_name: str) -> str:
    digest = _digest(source_name, "manifest")
    return f"{FOLDER}/{digest[:2]}/{digest}.json"


def target_widths(source_width: int) -> list[int]:
    """The widths made for a source: never wider than the source (enlarging
    only blurs), and the source's own width when it is below the largest."""
    widths = [width for width in WIDTHS if width < source_width]
    widths.append(min(source_width, WIDTHS[-1]))
    return sorted(set(widths))


def _save(name: str, content: bytes) -> None:
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:
        # Another request made the same copy meanwhile; theirs is as good.
        default_storage.delete(saved)


def _open_source(source_name: str) -> Image.Image:
    with default_storage.open(source_name, "rb") as source:
        data = source.read()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > IMAGE_MAX_PIXELS:
            raise ValueError(f"{source_name}: {image.width}×{image.height} pixels is too many")
        # JPEG can decode at 1/2, 1/4, 1/8 scale directly, far faster than
        # decoding in full and then shrinking.
        image.draft("RGB", (WIDTHS[-1], WIDTHS[-1]))
        image.load()
    # Phones store the picture sideways with an orientation tag; the tag
    # goes with the metadata, so the rotation is applied to the pixels.
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "RGBA"):
        has_alpha = image.mode in ("LA", "PA") or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
    return image


def _encode(image: Image.Image, image_format: str) -> bytes:
    pil_format, _mime, options = FORMATS[image_format]
    if image_format == "jpeg" and image.mode == "RGBA":
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    # Nothing from the source's info (EXIF, XMP, ICC, comments) is passed
    # to the encoder.
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, pil_format, **options)
    return buffer.getvalue()


def _generate(source_name: str) -> list[tuple[int, int]]:
    image = _open_source(source_name)
    sizes = []
    for width in target_widths(image.width):
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
        for image_format in FORMATS:
            _save(rendition_name(source_name, width, image_format), _encode(resized, image_format))
        sizes.append((width, height))
    # Written last: its presence means every copy is in storage.
    _save(_manifest_name(source_name), json.dumps(sizes).encode())
    return sizes


def _read_manifest(source_name: str) -> list[tuple[int, int]] | None:
    name = _manifest_name(source_name)
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as manifest:
        return [(int(width), int(height)) for width, height in json.loads(manifest.read())]


def _picture(source_name: str, sizes: list[tuple[int, int]]) -> Picture:
    def renditions(image_format):
        return tuple(
            Rendition(default_storage.url(rendition_name(source_name, width, image_format)), width, height)
            for width, height in sizes
        )

    return Picture(webp=renditions("webp"), jpeg=renditions("jpeg"))


def picture_for(source) -> Picture | None:
    """The renditions of an image file (a FieldFile or a storage name),
    made if they are missing; None when there is no source or it cannot be
    read as an image, so the page shows a placeholder instead of failing."""
    source_name = getattr(source, "name", source)
    if not source_name or not isinstance(source_name, str):
        return None
    # Keyed by where storage is too, so two sites (or test runs) sharing a
    # cache never hand out each other's URLs.
    storage_place = (getattr(default_storage, "location", ""), default_storage.base_url)
    cache_key = f"catalog-picture:{_digest(source_name, *storage_place)}"
    cached = cache.get(cache_key)
    if cached == _FAILED:
        return None
    if cached is not None:
        return cached
    try:
        sizes = _read_manifest(source_name) or _generate(source_name)
    except Exception:  # noqa: BLE001 - any unreadable source must fall back to the placeholder
        logger.warning("No renditions for image %s", source_name, exc_info=True)
        cache.set(cache_key, _FAILED, FAILURE_CACHE_SECONDS)
        return None
    picture = _picture(source_name, sizes)
    cache.set(cache_key, picture, CACHE_SECONDS)
    return picture


class RenditionThumbnailer:
    """Oscar's thumbnailer interface (OSCAR_THUMBNAILER) on top of these
    renditions, so Oscar's own templates (basket, checkout, dashboard) show
    the same copies without sorl-thumbnail or easy-thumbnails."""

    def generate_thumbnail(self, source, **options):
        picture = picture_for(source)
        if picture is None:
            return None
        width = (options.get("size") or "").split("x")[0]
        wanted = int(width) if width.isdigit() else 0
        # The narrowest copy at least as wide as asked, else the widest.
        return next((r for r in picture.jpeg if r.width >= wanted), picture.largest)

    def delete_thumbnails(self, source):
        # Renditions are named after their source's digest: a replaced
        # image gets new ones, and nothing points at the old.
        return None
