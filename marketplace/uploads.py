"""Checks on uploaded files, by content rather than by name.

A farmer's phone photo is a few megabytes; anything much larger, or an image
that decompresses to more pixels than a phone camera takes, is refused before
Pillow decodes it (a decompression bomb can take all the server's memory).
"""

import warnings

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

IMAGE_MAX_BYTES = 5 * 1024 * 1024
# 50 megapixels: more than any phone camera, far less than a bomb.
IMAGE_MAX_PIXELS = 50_000_000
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def _check_size(upload, max_bytes):
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
        )


def validate_image_upload(upload, *, max_bytes: int = IMAGE_MAX_BYTES, max_pixels: int = IMAGE_MAX_PIXELS):
    """Refuse anything but a real JPEG, PNG, WebP or GIF image of sensible size."""
    _check_size(upload, max_bytes)
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format not in IMAGE_FORMATS:
                    raise ValidationError(
                        _("Upload a JPEG, PNG, WebP or GIF image."), code="invalid_image_format"
                    )
                width, height = image.size
                if width * height > max_pixels:
                    raise ValidationError(
                        _("The image is too large (%(width)s×%(height)s pixels)."),
                        code="image_too_many_pixels",
                        params={"width": width, "height": height},
                    )
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(_("The image is too large to open safely."), code="image_bomb") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(_("The file is not a valid image."), code="invalid_image") from error
    finally:
        upload.seek(position)


def validate_document_upload(upload, *, max_bytes: int = DOCUMENT_MAX_BYTES):
    """A scanned paper: a PDF or an image, recognised by its content."""
    _check_size(upload, max_bytes)
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return
    try:
        validate_image_upload(upload, max_bytes=max_bytes)
    except ValidationError as error:
        raise ValidationError(
            _("Upload the document as a PDF file or a photo (JPEG, PNG, WebP)."), code="invalid_document"
        ) from error
