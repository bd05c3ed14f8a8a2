import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace.sanitize import sanitize_rich_text
from marketplace.uploads import validate_document_upload, validate_image_upload


def image_file(size=(20, 20), image_format="PNG", mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, image_format)
    return SimpleUploadedFile(f"photo.{image_format.lower()}", buffer.getvalue())


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP", "GIF"])
def test_real_images_pass(image_format):
    validate_image_upload(image_file(image_format=image_format))


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("photo.jpg", b"GIF89a but not really"), "invalid_image"),
        (SimpleUploadedFile("photo.png", b"<svg onload=alert(1)></svg>"), "invalid_image"),
        (image_file(image_format="BMP"), "invalid_image_format"),
        (image_file(size=(8000, 8000), mode="L"), "image_too_many_pixels"),
    ],
    ids=["text named jpg", "svg", "bmp", "64 megapixels"],
)
def test_non_images_and_oversized_images_are_refused(upload, code):
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload)
    assert error.value.code == code


def test_a_decompression_bomb_is_refused_before_decoding():
    # Past twice Pillow's own limit, opening the header alone is refused.
    with pytest.raises(ValidationError) as error:
        validate_image_upload(image_file(size=(15000, 15000), mode="1"), max_pixels=10**12)
    assert error.value.code == "image_bomb"


def test_too_many_bytes_are_refused():
    with pytest.raises(ValidationError) as error:
        validate_image_upload(image_file(), max_bytes=10)
    assert error.value.code == "file_too_large"


def test_documents_are_pdfs_or_photos_by_content():
    validate_document_upload(SimpleUploadedFile("giay.pdf", b"%PDF-1.4\n..."))
    validate_document_upload(image_file(image_format="JPEG"))
    with pytest.raises(ValidationError):
        validate_document_upload(SimpleUploadedFile("giay.pdf", b"MZ\x90\x00 an executable"))


@pytest.mark.parametrize(
    ("html", "clean"),
    [
        ("<p>Chè <strong>ngon</strong></p>", "<p>Chè <strong>ngon</strong></p>"),
        ("<script>alert(1)</script><p>x</p>", "<p>x</p>"),
        ('<p onclick="steal()">x</p>', "<p>x</p>"),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
        ('<img src=x onerror="alert(1)">', ""),
        (
            '<a href="https://choque.example">x</a>',
            '<a href="https://choque.example" rel="noopener noreferrer nofollow">x</a>',
        ),
        ("<style>body{display:none}</style>Chào", "Chào"),
        (None, ""),
    ],
)
def test_rich_text_keeps_only_harmless_html(html, clean):
    assert sanitize_rich_text(html) == clean
