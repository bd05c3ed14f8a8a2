"""Helpers shared by the tests of the cooperative's product and lot tools."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

ROLES = ["anonymous", "buyer", "staff", "other_staff", "tourism_officer", "province_officer"]


def login_as(client, users, role):
    if users[role] is not None:
        client.force_login(users[role])
    return client


def png(name="photo.png", size=(40, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def not_an_image():
    return SimpleUploadedFile("photo.png", b"<?php echo 'not an image'; ?>", content_type="image/png")


def image_bomb():
    buffer = io.BytesIO()
    Image.new("L", (12000, 12000)).save(buffer, "PNG")  # 144 Mpx in a few hundred kB
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def assert_refused_for(response, role):
    """What a role without access gets: anonymous visitors are sent to log
    in, everyone else is refused."""
    if role == "anonymous":
        assert response.status_code == 302
        assert "login" in response["Location"]
    else:
        assert response.status_code == 403
