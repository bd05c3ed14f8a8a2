import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace.sanitize import sanitize_rich_text
from marketplace.uploads import (
    clean_image_upload,
    image_without_metadata,
    validate_document_upload,
    validate_image_upload,
)


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


# --- Public images are stored without their metadata -----------------------

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def phone_photo(image_format="JPEG", size=(60, 40), orientation=None, name="IMG_2041.jpg"):
    """A phone photo of the field: the camera's make, the GPS position of the
    farm and, if given, the orientation the phone was held in."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (22.0, 25.0, 48.0), 3: "E", 4: (105.0, 18.0, 0.0)})
    if orientation:
        exif[ORIENTATION] = orientation
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 120, 60)).save(buffer, image_format, exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def metadata_of(data: bytes) -> dict:
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        return {"exif": dict(exif), "gps": dict(exif.get_ifd(GPS_IFD)), "size": image.size,
                "xmp": image.info.get("xmp"), "format": image.format}  # fmt: skip


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_a_stored_copy_keeps_the_picture_but_not_the_gps_position(image_format):
    upload = phone_photo(image_format, name=f"ruong.{image_format.lower()}")
    assert metadata_of(upload.read())["gps"]
    upload.seek(0)

    clean = clean_image_upload(upload)

    stored = metadata_of(clean.read())
    assert stored["exif"] == {} and stored["gps"] == {} and not stored["xmp"]
    assert (stored["format"], stored["size"]) == (image_format, (60, 40))
    assert clean.name.startswith("ruong.")


def test_a_photo_taken_sideways_still_stands_up_without_its_exif():
    clean = image_without_metadata(phone_photo(orientation=6))  # rotated 90° in the phone

    assert metadata_of(clean.read())["size"] == (40, 60)


def test_an_animated_gif_keeps_its_frames():
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (10, 10), color) for color in ("red", "green", "blue")]
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], comment=b"made at Thon 3")
    clean = image_without_metadata(SimpleUploadedFile("hoa.gif", buffer.getvalue()))

    with Image.open(io.BytesIO(clean.read())) as image:
        assert image.n_frames == 3 and "comment" not in image.info


def test_a_non_image_is_refused_before_any_copy_is_made():
    with pytest.raises(ValidationError):
        clean_image_upload(SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>"))


@pytest.mark.django_db
def test_a_cooperative_s_product_photo_is_stored_without_gps(settings, tmp_path):
    from oscar.core.loading import get_model

    from catalog.services import product_save_for_cooperative
    from tests.factories import administrative_tree, approved_cooperative

    Product = get_model("catalogue", "Product")
    ProductClass = get_model("catalogue", "ProductClass")
    ProductImage = get_model("catalogue", "ProductImage")
    settings.MEDIA_ROOT = tmp_path
    units = administrative_tree()
    cooperative = approved_cooperative(legal_name="Hợp tác xã Sơn Trà", commune=units["02254"])
    product = Product(title="Mật ong", product_class=ProductClass.objects.create(name="Nông sản"))

    product_save_for_cooperative(product=product, cooperative=cooperative, price=250000, image=phone_photo())

    stored = ProductImage.objects.get(product=product).original
    assert metadata_of(stored.read())["gps"] == {}


@pytest.mark.django_db
def test_an_image_uploaded_to_wagtail_is_stored_without_gps(client, settings, tmp_path):
    from django.contrib.auth import get_user_model
    from wagtail.images import get_image_model

    settings.MEDIA_ROOT = tmp_path
    admin = get_user_model().objects.create_superuser("quantri", "quantri@example.vn", "mat-khau-qt-2026")
    client.force_login(admin)

    response = client.post("/cms/images/add/", {"title": "Ruộng chè", "file": phone_photo()})

    assert response.status_code == 302, response.content.decode()[:1000]
    image = get_image_model().objects.get(title="Ruộng chè")
    assert metadata_of(image.file.read())["gps"] == {}
    assert image.file_size == image.file.size
