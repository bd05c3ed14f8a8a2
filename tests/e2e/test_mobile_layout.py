"""Pages fit a 375-px phone screen: nothing scrolls sideways."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from cooperatives.models import Certification, LinkageModel, RawMaterialArea
from tests.e2e.conftest import PHONE
from tests.factories import administrative_tree, approved_cooperative

# serialized_rollback restores what migrations created (roles, home pages)
# once the live server's test has flushed the database.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def cooperative():
    units = administrative_tree()
    cooperative = approved_cooperative(
        legal_name="Hợp tác xã Dịch vụ Sản xuất Nông nghiệp Chè Shan tuyết Hồng Thái",
        commune=units["02254"],
        main_products="Chè Shan tuyết 1 tôm 1 lá, chè xanh, hồng trà, bạch trà",
        description="<p>" + "Chè cổ thụ trên 100 năm tuổi " * 20 + "</p>",
    )
    area = RawMaterialArea.objects.create(
        cooperative=cooperative, name="Vùng chè Shan tuyết cổ thụ thôn Hồng Ba và Nà Mèn",
        commune=units["02254"],
        area_hectares=Decimal("120.5"), main_crop="Chè Shan tuyết", latitude=Decimal("22.35"),
        longitude=Decimal("105.38"),
    )  # fmt: skip
    Certification.objects.create(
        raw_material_area=area, scheme="organic", certificate_number="TCVN-11041-2017-HT-0001",
        issuer="Quacert",
        valid_from=datetime.date(2024, 1, 1), valid_until=datetime.date(2099, 1, 1),
    )  # fmt: skip
    linkage = LinkageModel.objects.create(
        enterprise_name="Công ty Cổ phần Chè Shan tuyết Tây Bắc", product_description="Chè búp tươi loại A",
        signed_on=datetime.date(2024, 1, 1),
    )  # fmt: skip
    linkage.cooperatives.add(cooperative)
    return cooperative


def horizontal_overflow(page, url):
    response = page.goto(url, wait_until="load")
    assert response.status == 200, f"{url} -> {response.status}"
    # A phone browser widens its layout viewport to fit wide content, so the
    # page is measured against the screen's width, not window.innerWidth.
    return (
        page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        - PHONE["width"]
    )


def log_in(page, live_server, client, user):
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/en/",
        "/cooperatives/",
        "/en/cooperatives/",
        "PROFILE",
        "/cooperatives/apply/",
        "/cooperatives/apply/thanks/",
    ],
)
def test_public_pages_fit_a_phone(phone, live_server, cooperative, path):
    if path == "PROFILE":
        path = cooperative.get_absolute_url()
    assert horizontal_overflow(phone, live_server.url + path) <= 0


@pytest.mark.parametrize(
    "name",
    [
        "cooperative-dashboard:profile",
        "cooperative-dashboard:area-list",
        "cooperative-dashboard:area-create",
        "cooperative-dashboard:linkage-model-list",
        "cooperative-dashboard:linkage-model-create",
    ],
)
def test_cooperative_tools_fit_a_phone(phone, live_server, client, cooperative, name):
    log_in(phone, live_server, client, cooperative.partner.users.get())
    assert horizontal_overflow(phone, live_server.url + reverse(name)) <= 0


def test_review_pages_fit_a_phone(phone, live_server, client, cooperative):
    from marketplace import roles
    from tests.factories import user_with_role

    log_in(phone, live_server, client, user_with_role(roles.PROVINCE_OFFICER))
    for url in (
        reverse("cooperatives:review-list"),
        reverse("cooperatives:review-detail", args=[cooperative.pk]),
    ):
        assert horizontal_overflow(phone, live_server.url + url) <= 0, url


@pytest.fixture
def traced_lot(cooperative):
    from django.utils import timezone
    from oscar.test.factories import create_product, create_stockrecord

    from catalog import services

    product = create_product(title="Chè Shan tuyết cổ thụ Hồng Thái một tôm hai lá, hộp thiếc 500 g")
    create_stockrecord(product, price=Decimal(350000), num_in_stock=0, partner_name=cooperative.partner.name)
    area = cooperative.raw_material_areas.get()
    lot = services.lot_create(
        product=product, cooperative=cooperative, produced_on=datetime.date(2026, 10, 1), quantity=40,
        best_before=datetime.date(2027, 10, 1), raw_material_area=area,
    )  # fmt: skip
    start = timezone.now() - datetime.timedelta(days=60)
    for days, kind in [(0, "planting"), (20, "care"), (50, "harvest"), (52, "packing")]:
        services.trace_event_append(
            lot=lot, kind=kind, occurred_at=start + datetime.timedelta(days=days),
            place="Thôn Hồng Ba, xã Hồng Thái, huyện Na Hang", actor="Tổ sản xuất chè Shan tuyết số 1",
            note="Ghi chép " * 30, input_product="Phân hữu cơ vi sinh Sông Gianh" if kind == "care" else "",
        )  # fmt: skip
    return lot


def test_catalogue_product_and_trace_pages_fit_a_phone(phone, live_server, traced_lot):
    for url in (
        "/shop/catalogue/",
        "/en/shop/catalogue/",
        traced_lot.product.get_absolute_url(),
        f"/trace/{traced_lot.code}/",
        f"/en/trace/{traced_lot.code}/",
        "/trace/KHONG-CO-MA-NAY/",
    ):
        expected_not_found = "KHONG-CO" in url
        response = phone.goto(live_server.url + url, wait_until="load")
        assert response.status == (404 if expected_not_found else 200), url
        width = phone.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        assert width <= PHONE["width"], url


def test_product_and_lot_tools_fit_a_phone(phone, live_server, client, cooperative, traced_lot):
    log_in(phone, live_server, client, cooperative.partner.users.get())
    for url in (
        reverse("cooperative-catalog:product-list"),
        reverse("cooperative-catalog:product-create"),
        reverse("cooperative-catalog:product-update", args=[traced_lot.product.pk]),
        reverse("cooperative-catalog:lot-list"),
        reverse("cooperative-catalog:lot-create"),
        reverse("cooperative-catalog:lot-detail", args=[traced_lot.pk]),
        reverse("cooperative-orders:group-list"),
        reverse("cooperative-shipping:policy"),
        reverse("cooperative-ledger:statement"),
    ):
        assert horizontal_overflow(phone, live_server.url + url) <= 0, url
