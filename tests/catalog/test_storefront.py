import datetime
import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from oscar.core.loading import get_model
from oscar.test.factories import create_product, create_stockrecord
from PIL import Image

from catalog import services
from catalog.models import Lot, Product
from cooperatives.models import Certification, RawMaterialArea
from tests.factories import administrative_tree, approved_cooperative

pytestmark = pytest.mark.django_db

Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")

CATALOGUE = "/shop/catalogue/"


def today():
    return timezone.localdate()


def days(number):
    return datetime.timedelta(days=number)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Picture sizes and category URLs are cached; each test has its own
    # media folder, so nothing may carry over between tests.
    cache.clear()
    yield
    cache.clear()
    # A request under /en/ leaves English active in the thread; later tests
    # reverse URLs in the default language.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def units():
    return administrative_tree()


@pytest.fixture
def son_tra(units):
    return approved_cooperative(legal_name="Hợp tác xã Sơn Trà", commune=units["02254"])


@pytest.fixture
def phu_luu(units):
    return approved_cooperative(legal_name="Hợp tác xã Cam Phù Lưu", commune=units["02395"])


def jpeg_upload(name="photo.jpg", size=(800, 600)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 120, 60)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def make_product(
    title, cooperative, *, commune=None, price=150000, ocop=0, ocop_valid_until=None, area=None, image=False
):
    product = create_product(
        title=title,
        origin_commune=commune,
        raw_material_area=area,
        ocop_rating=ocop,
        ocop_certificate_number=f"OCOP-TQ-{ocop}" if ocop else "",
        ocop_year=2024 if ocop else None,
        ocop_valid_until=ocop_valid_until,
        sales_unit="Hộp 500 g",
        net_weight_grams=500,
        season_months=[3, 4, 10],
        storage_instructions="Nơi khô ráo",
        shelf_life_days=365,
    )
    create_stockrecord(product, price=Decimal(price), num_in_stock=50, partner_name=cooperative.partner.name)
    if image:
        ProductImage.objects.create(product=product, original=jpeg_upload(), display_order=0)
    return product


def make_lot(product, cooperative, *, best_before=None, events=0, code=None):
    lot = services.lot_create(
        product=product,
        cooperative=cooperative,
        produced_on=today() - days(30),
        best_before=best_before,
        quantity=10,
        code=code,
    )
    for number in range(events):
        services.trace_event_append(
            lot=lot,
            kind="care",
            occurred_at=timezone.now() - days(20 - number),
            place="Đồi chè",
            actor="Tổ sản xuất",
        )
    return lot


def certify(area, number, valid_from, valid_until, scheme="vietgap"):
    return Certification.objects.create(
        raw_material_area=area, scheme=scheme, certificate_number=number, issuer="Sở Nông nghiệp",
        valid_from=valid_from, valid_until=valid_until,
    )  # fmt: skip


def area_of(cooperative, commune, name="Vùng chè"):
    return RawMaterialArea.objects.create(
        cooperative=cooperative, name=name, commune=commune, area_hectares=Decimal("5.00"), main_crop="Chè",
    )  # fmt: skip


def listed(response) -> list[str]:
    return [product.title for product in response.context["products"]]


@pytest.fixture
def shop(units, son_tra, phu_luu):
    """Four products: two from Na Hang (one per commune), two from Hàm Yên."""
    organic = area_of(son_tra, units["02254"], "Vùng hữu cơ")
    certify(organic, "HC-1", today() - days(10), today() + days(300), scheme="organic")
    lapsed = area_of(phu_luu, units["02395"], "Vùng cam cũ")
    certify(lapsed, "VG-OLD", today() - days(900), today() - days(1))
    root = Category.add_root(name="Chè")
    child = root.add_child(name="Chè xanh")
    other = Category.add_root(name="Trái cây")
    products = {
        "tea": make_product(
            "Chè Shan tuyết", son_tra, commune=units["02254"], price=150000, ocop=4, area=organic
        ),
        "green": make_product("Chè xanh", son_tra, commune=units["02239"], price=90000, ocop=3),
        "orange": make_product(
            "Cam sành",
            phu_luu,
            commune=units["02395"],
            price=40000,
            ocop=5,
            ocop_valid_until=today() - days(1),
            area=lapsed,
        ),  # fmt: skip
        "honey": make_product("Mật ong", phu_luu, commune=units["02404"], price=300000),
    }
    ProductCategory.objects.create(product=products["tea"], category=root)
    ProductCategory.objects.create(product=products["green"], category=child)
    ProductCategory.objects.create(product=products["orange"], category=other)
    return {"products": products, "categories": {"tea": root, "green": child, "fruit": other}}


def test_list_shows_public_products_with_stock_only(client, shop, son_tra):
    create_product(title="Không có kho")
    hidden = make_product("Ẩn", son_tra)
    Product.objects.filter(pk=hidden.pk).update(is_public=False)

    response = client.get(CATALOGUE)

    assert response.status_code == 200
    assert sorted(listed(response)) == ["Cam sành", "Chè Shan tuyết", "Chè xanh", "Mật ong"]


def test_card_shows_price_cooperative_commune_and_stars(client, shop):
    html = client.get(CATALOGUE).content.decode()

    assert "150.000\u00a0₫" in html
    assert "Hợp tác xã Sơn Trà" in html
    assert "Xã Hồng Thái, Huyện Na Hang" in html
    assert 'data-ocop-rating="4"' in html
    # The orange's five stars have expired: not shown.
    assert 'data-ocop-rating="5"' not in html


def test_filter_by_district(client, shop, units):
    response = client.get(CATALOGUE, {"district": units["072"].pk})
    assert sorted(listed(response)) == ["Chè Shan tuyết", "Chè xanh"]


def test_filter_by_commune(client, shop, units):
    response = client.get(CATALOGUE, {"commune": units["02404"].pk})
    assert listed(response) == ["Mật ong"]


def test_filter_by_cooperative(client, shop, phu_luu):
    response = client.get(CATALOGUE, {"cooperative": phu_luu.pk})
    assert sorted(listed(response)) == ["Cam sành", "Mật ong"]


def test_filter_by_category_includes_subcategories(client, shop):
    response = client.get(CATALOGUE, {"category": shop["categories"]["tea"].pk})
    assert sorted(listed(response)) == ["Chè Shan tuyết", "Chè xanh"]


def test_category_page_lists_its_products(client, shop):
    category = shop["categories"]["green"]

    response = client.get(category.get_absolute_url())

    assert response.status_code == 200
    assert listed(response) == ["Chè xanh"]


def test_category_page_of_unknown_category_is_404(client, shop):
    assert client.get("/shop/catalogue/category/khong-co_999999/").status_code == 404


def test_filter_by_ocop_ignores_expired_ratings(client, shop):
    assert sorted(listed(client.get(CATALOGUE, {"ocop": 3}))) == ["Chè Shan tuyết", "Chè xanh"]
    assert listed(client.get(CATALOGUE, {"ocop": 4})) == ["Chè Shan tuyết"]
    # Five stars are offered by no rating in force, so the choice is refused
    # and the list is not filtered.
    response = client.get(CATALOGUE, {"ocop": 5})
    assert response.context["filter_form"].errors["ocop"]
    assert len(listed(response)) == 4


def test_filter_by_certification_in_force(client, shop):
    response = client.get(CATALOGUE, {"certification": "organic"})
    assert listed(response) == ["Chè Shan tuyết"]
    # The VietGAP certificate has expired: not a choice at all.
    choices = dict(response.context["filter_form"].fields["certification"].choices)
    assert "vietgap" not in choices


def test_filter_choices_only_have_products(client, shop, units):
    form = client.get(CATALOGUE).context["filter_form"]

    districts = {value for value, _label in form.fields["district"].choices if value}
    cooperatives = {label for value, label in form.fields["cooperative"].choices if value}
    assert districts == {str(units["072"].pk), str(units["074"].pk)}
    assert cooperatives == {"Hợp tác xã Sơn Trà", "Hợp tác xã Cam Phù Lưu"}
    assert [value for value, _label in form.fields["ocop"].choices if value] == ["3", "4"]


def test_sort_by_price(client, shop):
    ascending = listed(client.get(CATALOGUE, {"sort": "price_asc"}))
    descending = listed(client.get(CATALOGUE, {"sort": "price_desc"}))

    assert ascending == ["Cam sành", "Chè xanh", "Chè Shan tuyết", "Mật ong"]
    assert descending == list(reversed(ascending))


def test_list_is_paginated_by_24(client, son_tra):
    for number in range(26):
        make_product(f"Sản phẩm {number:02d}", son_tra)

    first = client.get(CATALOGUE)
    second = client.get(CATALOGUE, {"page": 2})

    assert len(listed(first)) == 24
    assert len(listed(second)) == 2
    assert 'rel="next"' in first.content.decode()


HOSTILE = [
    {"district": "abc"},
    {"commune": "999999999"},
    {"cooperative": "-1"},
    {"category": "1 OR 1=1"},
    {"ocop": "99"},
    {"certification": "<script>alert(1)</script>"},
    {"sort": "title; DROP TABLE catalogue_product"},
    {"district": "9" * 5000},
    {"commune": "1\x00"},
    {"page": "\x00"},
    {"page": "9" * 5000},
    {"page": "-3"},
    {"cooperative": ["1", "<b>x</b>"]},
    {"<script>": "<script>alert(1)</script>"},
]


@pytest.mark.parametrize("params", HOSTILE)
def test_hostile_query_parameters_never_fail(client, shop, params):
    response = client.get(CATALOGUE, params)

    assert response.status_code == 200
    assert len(listed(response)) == 4
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<b>x</b>" not in html


def test_hostile_query_on_category_page(client, shop):
    category = shop["categories"]["tea"]
    response = client.get(category.get_absolute_url(), {"district": "<script>alert(1)</script>", "page": "x"})

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_valid_filter_still_applies_next_to_an_invalid_one(client, shop, units):
    response = client.get(CATALOGUE, {"district": units["072"].pk, "ocop": "junk"})

    assert response.context["filter_form"].errors["ocop"]
    assert sorted(listed(response)) == ["Chè Shan tuyết", "Chè xanh"]


def test_detail_shows_origin_ocop_certifications_and_trace_link(client, shop, son_tra):
    tea = shop["products"]["tea"]
    make_lot(tea, son_tra, best_before=today() + days(300), code="LOT-LATE")
    make_lot(tea, son_tra, best_before=today() + days(60), code="LOT-SOON")
    recalled = make_lot(tea, son_tra, best_before=today() + days(10), code="LOT-RECALLED")
    Lot.objects.filter(pk=recalled.pk).update(status=Lot.Status.RECALLED)
    Product.objects.filter(pk=tea.pk).update(applied_standards="TCVN 3218:2012")

    response = client.get(tea.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Xã Hồng Thái" in html
    assert "Huyện Na Hang" in html
    assert son_tra.get_absolute_url() in html
    assert 'data-ocop-rating="4"' in html
    assert "OCOP-TQ-4" in html
    assert 'data-certification="HC-1"' in html
    assert "Hộp 500 g" in html
    assert "Nơi khô ráo" in html
    assert re.search(r"data-applied-standards>[^<]*TCVN 3218:2012", html)
    assert 'data-trace-lot="LOT-SOON"' in html
    assert reverse("trace:lot", kwargs={"code": "LOT-SOON"}) in html
    assert "LOT-RECALLED" not in html
    assert f'action="{reverse("basket:add", kwargs={"pk": tea.pk})}"' in html


def test_detail_hides_expired_ocop_and_certifications(client, shop):
    orange = shop["products"]["orange"]

    html = client.get(orange.get_absolute_url()).content.decode()

    assert "data-ocop-rating" not in html
    assert "OCOP-TQ-5" not in html
    assert "VG-OLD" not in html
    assert "data-trace-lot" not in html


def test_detail_of_hidden_product_is_404(client, shop):
    tea = shop["products"]["tea"]
    Product.objects.filter(pk=tea.pk).update(is_public=False)

    assert client.get(tea.get_absolute_url()).status_code == 404


def test_add_to_basket_from_detail_page(client, shop):
    tea = shop["products"]["tea"]

    response = client.post(reverse("basket:add", kwargs={"pk": tea.pk}), {"quantity": 2})

    assert response.status_code == 302
    basket = client.get(reverse("basket:summary")).context["basket"]
    assert basket.num_items == 2


def test_english_catalogue(client, shop):
    response = client.get("/en/shop/catalogue/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Products found" in html


def test_vietnamese_is_the_default(client, shop):
    response = client.get(CATALOGUE)
    assert '<html lang="vi">' in response.content.decode()


def _catalogue_with(count, units, cooperative):
    area = area_of(cooperative, units["02254"])
    certify(area, "VG-1", today() - days(10), today() + days(100))
    category = Category.add_root(name="Đặc sản")
    for number in range(count):
        product = make_product(
            f"Sản phẩm {number}", cooperative, commune=units["02254"], ocop=4, area=area, image=True
        )
        ProductCategory.objects.create(product=product, category=category)
        make_lot(product, cooperative, best_before=today() + days(90), events=2)
        make_lot(product, cooperative, best_before=today() + days(30), events=1)
    return category


@pytest.mark.parametrize("count", [3, 30])
def test_list_runs_a_constant_number_of_queries(client, units, son_tra, django_assert_max_num_queries, count):
    category = _catalogue_with(count, units, son_tra)
    # Renditions are made on the first view; the queries are counted on a
    # view of their own so that making them is counted too.
    with django_assert_max_num_queries(15):
        response = client.get(CATALOGUE, {"ocop": 4, "certification": "vietgap", "sort": "price_asc"})
    assert len(listed(response)) == min(count, 24)
    assert response.content.decode().count("<picture") == min(count, 24)
    with django_assert_max_num_queries(15):
        response = client.get(category.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_detail_runs_a_constant_number_of_queries(
    client, units, son_tra, django_assert_max_num_queries, count
):
    _catalogue_with(count, units, son_tra)
    product = Product.objects.order_by("pk").last()
    for _number in range(count):
        ProductImage.objects.create(product=product, original=jpeg_upload(size=(400, 300)), display_order=5)

    with django_assert_max_num_queries(15):
        response = client.get(product.get_absolute_url())

    assert response.status_code == 200
    assert "data-trace-lot" in response.content.decode()
