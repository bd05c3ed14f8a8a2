import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation
from oscar.core.loading import get_model
from oscar.test.factories import create_product, create_stockrecord
from PIL import Image

from catalog import images

ProductImage = get_model("catalogue", "ProductImage")

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()
    # A request under /en/ leaves English active in the thread; later tests
    # reverse URLs in the default language.
    translation.activate(settings.LANGUAGE_CODE)


def photo_bytes(size=(1600, 1200), image_format="JPEG", mode="RGB", exif=None, color=(40, 120, 60)):
    buffer = io.BytesIO()
    image = Image.new(mode, size, color)
    options = {"exif": exif} if exif is not None else {}
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def gps_exif(orientation=None):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (22.0, 25.0, 48.0), 3: "E", 4: (105.0, 18.0, 0.0)})
    if orientation:
        exif[ORIENTATION] = orientation
    return exif


def store(content, name="images/products/photo.jpg"):
    return default_storage.save(name, ContentFile(content))


def open_rendition(rendition):
    name = rendition.url.removeprefix(default_storage.base_url)
    with default_storage.open(name, "rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        image.load()
    return image


def test_renditions_are_webp_and_jpeg_at_each_width():
    source = store(photo_bytes(exif=gps_exif()))

    picture = images.picture_for(source)

    assert [r.width for r in picture.webp] == [320, 640, 1200]
    assert [r.width for r in picture.jpeg] == [320, 640, 1200]
    for rendition in picture.webp:
        image = open_rendition(rendition)
        assert image.format == "WEBP"
        assert image.size == (rendition.width, rendition.height)
    for rendition in picture.jpeg:
        image = open_rendition(rendition)
        assert image.format == "JPEG"
        assert image.size == (rendition.width, rendition.height)
    assert picture.largest.height == 900


def test_renditions_carry_no_exif():
    source = store(photo_bytes(exif=gps_exif()))
    with default_storage.open(source) as original:
        assert Image.open(original).getexif().get_ifd(GPS_IFD)

    picture = images.picture_for(source)

    for rendition in picture.webp + picture.jpeg:
        image = open_rendition(rendition)
        assert "exif" not in image.info
        assert not image.getexif()
        assert "xmp" not in image.info


def test_orientation_is_applied_before_the_tag_is_dropped():
    # Stored landscape with "rotate 90°": the photo is really portrait.
    source = store(photo_bytes(size=(800, 600), exif=gps_exif(orientation=6)))

    picture = images.picture_for(source)

    assert picture.largest.width == 600
    assert picture.largest.height == 800
    assert open_rendition(picture.largest).size == (600, 800)


def test_small_source_is_never_enlarged():
    source = store(photo_bytes(size=(200, 100)))

    picture = images.picture_for(source)

    assert [(r.width, r.height) for r in picture.jpeg] == [(200, 100)]


def test_transparent_png_becomes_an_opaque_jpeg():
    source = store(photo_bytes(size=(400, 400), image_format="PNG", mode="RGBA", color=(0, 0, 0, 0)), "a.png")

    picture = images.picture_for(source)

    assert open_rendition(picture.jpeg[-1]).mode == "RGB"
    assert open_rendition(picture.webp[-1]).format == "WEBP"


def stored_renditions():
    folders, _files = default_storage.listdir(images.FOLDER)
    return sorted(
        f"{folder}/{name}"
        for folder in folders
        for name in default_storage.listdir(f"{images.FOLDER}/{folder}")[1]
    )


def test_names_are_deterministic_and_made_once(monkeypatch):
    source = store(photo_bytes())
    first = images.picture_for(source)
    assert first.jpeg[0].url.endswith(images.rendition_name(source, 320, "jpeg").split("/")[-1])
    stored = stored_renditions()
    # Three widths in two formats, and the manifest.
    assert len(stored) == 7

    cache.clear()

    def no_decoding(source_name):
        raise AssertionError("renditions were made again")

    monkeypatch.setattr(images, "_generate", no_decoding)
    again = images.picture_for(source)
    assert again == first
    assert stored_renditions() == stored


def test_renditions_need_no_database(django_assert_num_queries, db):
    source = store(photo_bytes(size=(700, 500)))
    with django_assert_num_queries(0):
        images.picture_for(source)
        images.picture_for(source)


@pytest.mark.parametrize(
    "content",
    [
        b"not an image at all",
        photo_bytes()[:200],  # truncated upload
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    ],
)
def test_corrupt_source_gives_no_picture(content):
    source = store(content, "images/products/broken.jpg")

    assert images.picture_for(source) is None


def test_missing_source_gives_no_picture():
    assert images.picture_for("images/products/gone.jpg") is None
    assert images.picture_for("") is None
    assert images.picture_for(None) is None


def test_too_many_pixels_is_refused(monkeypatch):
    monkeypatch.setattr(images, "IMAGE_MAX_PIXELS", 1000)
    source = store(photo_bytes(size=(100, 100)))

    assert images.picture_for(source) is None


def render(template, **context):
    return Template("{% load catalog_tags %}" + template).render(Context(context))


def test_picture_tag_markup():
    source = store(photo_bytes())

    html = render('{% picture source alt=alt sizes="100vw" %}', source=source, alt='Chè "Shan" <tuyết>')

    assert html.startswith("<picture")
    assert '<source type="image/webp" srcset="' in html
    assert " 320w, " in html and " 1200w" in html
    assert 'sizes="100vw"' in html
    assert 'width="1200" height="900"' in html
    assert 'loading="lazy"' in html
    assert 'alt="Chè &quot;Shan&quot; &lt;tuyết&gt;"' in html
    assert ".jpg 640w" in html


def test_picture_tag_falls_back_to_a_placeholder():
    source = store(b"garbage", "images/products/garbage.jpg")

    html = render("{% picture source alt='Mật ong' %}", source=source)

    assert "<picture" not in html
    assert "data-picture-missing" in html
    assert 'aria-label="Mật ong"' in html


@pytest.mark.django_db
def test_product_pages_show_pictures(client):
    product = create_product(title="Chè Shan tuyết")
    create_stockrecord(product, price=Decimal(150000), num_in_stock=5, partner_name="HTX")
    ProductImage.objects.create(
        product=product, original=ContentFile(photo_bytes(), name="tea.jpg"), display_order=0
    )
    broken = create_product(title="Ảnh hỏng")
    create_stockrecord(broken, price=Decimal(1000), num_in_stock=5, partner_name="HTX")
    ProductImage.objects.create(
        product=broken, original=ContentFile(b"junk", name="junk.jpg"), display_order=0
    )

    listing = client.get("/shop/catalogue/").content.decode()
    detail = client.get(product.get_absolute_url()).content.decode()

    assert listing.count("<picture") == 1
    assert "data-picture-missing" in listing
    assert '<source type="image/webp"' in detail
    assert 'loading="eager"' in detail


@override_settings(MEDIA_URL="/media/")
def test_rendition_urls_are_under_media():
    source = store(photo_bytes(size=(400, 300)))

    picture = images.picture_for(source)

    assert all(r.url.startswith("/media/renditions/") for r in picture.webp + picture.jpeg)


def test_oscar_s_own_templates_get_renditions_as_thumbnails():
    name = store(photo_bytes())
    html = Template(
        '{% load image_tags %}{% oscar_thumbnail source "200x200" upscale=False as thumb %}'
        '<img src="{{ thumb.url }}" width="{{ thumb.width }}">'
    ).render(Context({"source": name}))
    assert "/media/renditions/" in html and 'width="320"' in html
    wide = images.RenditionThumbnailer().generate_thumbnail(name, size="700x")
    assert wide.width == 1200
    assert images.RenditionThumbnailer().generate_thumbnail("images/missing.jpg", size="200x200") is None
