"""The cooperative's own tools in Oscar's dashboard."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cooperatives.models import Certification, LinkageModel, RawMaterialArea
from tests.factories import administrative_tree, approved_cooperative

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return administrative_tree()


@pytest.fixture
def cooperative(units):
    return approved_cooperative(legal_name="Hợp tác xã Sơn Trà", commune=units["02254"])


@pytest.fixture
def staff_client(client, cooperative):
    client.force_login(cooperative.partner.users.get())
    return client


def png(size=(40, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def profile_data(cooperative, **changes):
    data = {
        "legal_name": cooperative.legal_name, "commune": cooperative.commune_id, "address": "Thôn Hồng Ba",
        "phone": "0912345678", "email": "sontra@htx.example", "representative": "Lý Văn Hùng",
        "founding_year": "2015", "member_households": "45", "main_products": "Chè Shan tuyết",
        "description": "<p>Chè <strong>cổ thụ</strong></p>", "bank_name": "Agribank",
        "bank_account_name": "HTX Sơn Trà", "bank_account_number": "8888",
    }  # fmt: skip
    data.update(changes)
    return data


def test_menu_shows_the_cooperative_tools_to_its_staff(staff_client):
    response = staff_client.get(reverse("dashboard:index"))
    assert reverse("cooperative-dashboard:area-list").encode() in response.content


def test_the_menu_looks_the_cooperative_up_once(cooperative, django_assert_max_num_queries):
    from django.contrib.auth import get_user_model
    from oscar.apps.dashboard.menu import get_nodes

    # As in a request: a fresh user object, its groups and permissions
    # already loaded by the permission checks Oscar's own entries make.
    user = get_user_model().objects.get(pk=cooperative.partner.users.get().pk)
    user.has_perm("partner.dashboard_access")
    with django_assert_max_num_queries(1):
        nodes = get_nodes(user)
    assert "cooperative-dashboard:profile" in {child.url_name for node in nodes for child in node.children}


def test_staff_edit_their_profile_and_scripts_are_removed(staff_client, cooperative):
    data = profile_data(cooperative, description='<p onclick="steal()">Chè<script>alert(1)</script></p>')
    response = staff_client.post(reverse("cooperative-dashboard:profile"), data)
    assert response.status_code == 302
    cooperative.refresh_from_db()
    assert cooperative.member_households == 45
    assert cooperative.description == "<p>Chè</p>"
    assert cooperative.status == "approved"


def test_a_logo_must_be_a_real_small_image(staff_client, cooperative):
    fake = SimpleUploadedFile("logo.png", b"<?php echo 'not an image'; ?>", content_type="image/png")
    response = staff_client.post(
        reverse("cooperative-dashboard:profile"), {**profile_data(cooperative), "logo": fake}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["logo"]
    response = staff_client.post(
        reverse("cooperative-dashboard:profile"), {**profile_data(cooperative), "logo": png()}
    )
    assert response.status_code == 302
    cooperative.refresh_from_db()
    assert cooperative.logo.name.endswith(".png")


def test_an_image_bomb_is_refused_and_nothing_is_saved(staff_client, cooperative):
    buffer = io.BytesIO()
    Image.new("L", (12000, 12000)).save(buffer, "PNG")  # 144 Mpx, a few hundred kB
    bomb = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    data = {**profile_data(cooperative, main_products="Đổi rồi"), "logo": bomb}
    response = staff_client.post(reverse("cooperative-dashboard:profile"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["logo"]
    cooperative.refresh_from_db()
    assert cooperative.main_products == ""
    assert not cooperative.logo


OPEN_RING = '{"type": "Polygon", "coordinates": [[[105, 22], [106, 22], [106, 23], [105, 23]]]}'
OFF_THE_GLOBE = '{"type": "Polygon", "coordinates": [[[500, 22], [106, 22], [106, 23], [500, 22]]]}'


def area_data(units, **changes):
    data = {
        "name": "Đồi chè Hồng Ba", "commune": units["02254"].pk, "area_hectares": "12.5",
        "main_crop": "Chè Shan tuyết", "latitude": "22.35", "longitude": "105.38", "boundary": "",
    }  # fmt: skip
    data.update(changes)
    return data


def test_staff_add_a_raw_material_area(staff_client, cooperative, units):
    polygon = (
        '{"type": "Polygon", "coordinates": [[[105.3, 22.3], [105.4, 22.3], [105.4, 22.4], [105.3, 22.3]]]}'
    )
    response = staff_client.post(
        reverse("cooperative-dashboard:area-create"), area_data(units, boundary=polygon)
    )
    assert response.status_code == 302
    area = RawMaterialArea.objects.get()
    assert area.cooperative == cooperative
    assert area.boundary["type"] == "Polygon"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"latitude": "95"}, "latitude"),
        ({"longitude": "-200"}, "longitude"),
        ({"latitude": "abc"}, "latitude"),
        ({"area_hectares": "-3"}, "area_hectares"),
        ({"boundary": '{"type": "Point", "coordinates": [105, 22]}'}, "boundary"),
        (
            {"boundary": OPEN_RING},
            "boundary",
        ),
        (
            {"boundary": OFF_THE_GLOBE},
            "boundary",
        ),
        ({"boundary": "not json"}, "boundary"),
        ({"longitude": ""}, None),
    ],
)
def test_bad_areas_get_a_clear_error_and_nothing_is_saved(staff_client, units, changes, field):
    response = staff_client.post(reverse("cooperative-dashboard:area-create"), area_data(units, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors[field] if field else errors["__all__"]
    assert not RawMaterialArea.objects.exists()


def test_html_in_an_area_name_is_shown_as_text(staff_client, units):
    staff_client.post(
        reverse("cooperative-dashboard:area-create"), area_data(units, name="<b onmouseover=x>Đồi</b>")
    )
    content = staff_client.get(reverse("cooperative-dashboard:area-list")).content.decode()
    assert "<b onmouseover" not in content
    assert "&lt;b onmouseover=x&gt;Đồi&lt;/b&gt;" in content


@pytest.fixture
def area(cooperative, units):
    return RawMaterialArea.objects.create(
        cooperative=cooperative, name="Đồi chè Hồng Ba", commune=units["02254"],
        area_hectares=Decimal("12.5"), main_crop="Chè",
    )  # fmt: skip


def certification_data(**changes):
    data = {
        "scheme": "vietgap", "scheme_name": "", "certificate_number": "VG-01",
        "issuer": "Sở NN&PTNT Tuyên Quang",
        "valid_from": "2024-01-01", "valid_until": "2099-12-31",
    }  # fmt: skip
    data.update(changes)
    return data


def test_staff_record_a_certification(staff_client, area):
    url = reverse("cooperative-dashboard:certification-create", kwargs={"area_pk": area.pk})
    assert staff_client.post(url, certification_data()).status_code == 302
    assert Certification.objects.get().raw_material_area == area


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"valid_until": "2020-12-31", "valid_from": "2019-01-01"}, "valid_until"),
        ({"valid_until": "2023-01-01"}, "valid_until"),
        ({"scheme": "other"}, "scheme_name"),
        ({"scheme": "fake"}, "scheme"),
        ({"valid_from": "31/31/2024"}, "valid_from"),
    ],
    ids=["expired", "ends before it starts", "other without a name", "unknown scheme", "bad date"],
)
def test_bad_certifications_are_refused(staff_client, area, changes, field):
    url = reverse("cooperative-dashboard:certification-create", kwargs={"area_pk": area.pk})
    response = staff_client.post(url, certification_data(**changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Certification.objects.exists()


def test_staff_add_a_linkage_model_with_their_own_areas_only(staff_client, cooperative, area, units):
    other = approved_cooperative(legal_name="HTX Khác", commune=units["02395"])
    foreign_area = RawMaterialArea.objects.create(
        cooperative=other, name="Vườn cam", commune=units["02395"], area_hectares=1, main_crop="Cam"
    )
    data = {
        "enterprise_name": "Công ty Chè Việt", "product_description": "Chè búp tươi",
        "signed_on": "2024-03-01",
        "expires_on": "2028-03-01", "volume_agreed": "120", "volume_unit": "tấn",
        "declared_digital_tools": ["farm_diary", "ecommerce"], "raw_material_areas": [foreign_area.pk],
    }  # fmt: skip
    url = reverse("cooperative-dashboard:linkage-model-create")
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["raw_material_areas"]

    response = staff_client.post(url, {**data, "raw_material_areas": [area.pk]})
    assert response.status_code == 302
    linkage_model = LinkageModel.objects.get()
    assert list(linkage_model.cooperatives.all()) == [cooperative]
    assert list(linkage_model.raw_material_areas.all()) == [area]
    assert linkage_model.declared_digital_tools == ["farm_diary", "ecommerce"]
    assert linkage_model.is_active(datetime.date(2025, 1, 1))


def test_a_linkage_model_cannot_expire_before_it_is_signed(staff_client):
    data = {
        "enterprise_name": "X",
        "product_description": "Y",
        "signed_on": "2024-03-01",
        "expires_on": "2023-03-01",
    }
    response = staff_client.post(reverse("cooperative-dashboard:linkage-model-create"), data)
    assert response.context["form"].errors["expires_on"]
    assert not LinkageModel.objects.exists()


def test_deleting_an_area_used_by_a_linkage_model_is_refused(staff_client, cooperative, area):
    linkage_model = LinkageModel.objects.create(
        enterprise_name="X", product_description="Y", signed_on=datetime.date(2024, 1, 1)
    )
    linkage_model.cooperatives.add(cooperative)
    linkage_model.raw_material_areas.add(area)
    response = staff_client.post(reverse("cooperative-dashboard:area-delete", kwargs={"pk": area.pk}))
    assert response.status_code == 302
    assert RawMaterialArea.objects.filter(pk=area.pk).exists()


@pytest.mark.parametrize("name", ["cooperative-dashboard:profile", "cooperative-dashboard:area-list"])
def test_users_without_an_approved_cooperative_are_refused(client, name, cooperative):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse(name)).status_code == 403
