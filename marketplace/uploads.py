"""Checks on uploaded files, by content rather than by name.

A farmer's phone photo is a few megabytes; anything much larger, or an image
that decompresses to more pixels than a phone camera takes, is refused before
Pillow decodes it (a decompression bomb can take all the server's memory).
Images shown to the public are stored without their metadata
(image_without_metadata).
"""

import io
import warnings
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

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


# Re-encoding settings for the stored original: close enough to the upload
# that no one sees a difference, and every later copy starts from it.
_REENCODE = {
    "JPEG": ({"quality": 95, "subsampling": 0}, "jpg", "image/jpeg"),
    "PNG": ({"optimize": True}, "png", "image/png"),
    "WEBP": ({"quality": 95}, "webp", "image/webp"),
    "GIF": ({}, "gif", "image/gif"),
}


def image_without_metadata(upload) -> SimpleUploadedFile:
    """A copy of an uploaded image (already validated) with nothing but its
    pixels: no EXIF, XMP, comments or ICC text. A phone photo's EXIF can hold
    the GPS position of the farmer's field or house, and the original is
    served from MEDIA_URL to anyone who has its address. The camera's
    orientation is applied to the pixels first, so the photo still stands
    the right way up without its EXIF."""
    upload.seek(0)
    with Image.open(upload) as image:
        image_format = image.format
        options, extension, content_type = _REENCODE[image_format]
        frames = getattr(image, "n_frames", 1)
        if image_format == "GIF" and frames > 1:
            # An animated GIF keeps its frames. Pillow writes back what it
            # read into info, so the comment and XMP are dropped from it.
            for key in ("comment", "xmp", "exif"):
                image.info.pop(key, None)
            output = io.BytesIO()
            image.save(output, "GIF", save_all=True, loop=image.info.get("loop", 0))
        else:
            upright = ImageOps.exif_transpose(image)
            if image_format == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
                upright = upright.convert("RGB")
            output = io.BytesIO()
            upright.save(output, image_format, **options)
    upload.seek(0)
    name = f"{PurePath(upload.name or 'image').stem or 'image'}.{extension}"
    return SimpleUploadedFile(name, output.getvalue(), content_type=content_type)


def clean_image_upload(upload, *, max_bytes: int = IMAGE_MAX_BYTES) -> SimpleUploadedFile:
    """Validate an uploaded image (validate_image_upload) and give back the
    copy to store: the same picture without its metadata."""
    validate_image_upload(upload, max_bytes=max_bytes)
    return image_without_metadata(upload)


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
