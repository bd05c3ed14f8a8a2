import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.images.models import Image

from marketplace import roles
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

ADD_IMAGE = "/cms/images/add/"


def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def image_bytes(size, format="JPEG"):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (30, 110, 70)).save(buffer, format)
    return buffer.getvalue()


@pytest.fixture
def editor(client):
    client.force_login(user_with_role(roles.PLATFORM_ADMIN))
    return client


def test_a_real_photo_is_accepted(editor):
    response = editor.post(
        ADD_IMAGE, {"title": "Ruộng bậc thang", "file": upload("ruong.jpg", image_bytes((1600, 900)))}
    )
    assert response.status_code == 302
    image = Image.objects.get(title="Ruộng bậc thang")
    assert (image.width, image.height) == (1600, 900)


@pytest.mark.parametrize(
    "name, content",
    [
        # A script with an image's name.
        ("anh.jpg", b"<?php system($_GET['c']); ?>"),
        # An SVG can carry script; it is not among the accepted types.
        ("anh.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        # 9000 x 6000 pixels of one colour: a few kilobytes that would
        # decode to 160 MB (a decompression bomb).
        ("bom.png", image_bytes((9000, 6000), "PNG")),
        # More than the 5 MB a phone photo needs.
        ("lon.jpg", image_bytes((16, 16)) + b"\0" * (5 * 1024 * 1024)),
    ],
    ids=["script", "svg", "decompression-bomb", "too-many-bytes"],
)
def test_hostile_or_oversized_uploads_are_refused(editor, name, content):
    response = editor.post(ADD_IMAGE, {"title": "Ảnh xấu", "file": upload(name, content)})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Image.objects.exists()
