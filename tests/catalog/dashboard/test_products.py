"""Cooperative staff manage their own products in Oscar's dashboard."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_model

from catalog import services
from catalog.models import Product
from tests.catalog.dashboard import ROLES, assert_refused_for, image_bomb, login_as, not_an_image, png

pytestmark = pytest.mark.django_db

Category = get_model("catalogue", "Category")
ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")


def product_data(units, **changes):
    data = {
        "title": "Mật ong bạc hà Sơn Trà",
        "description": "<p>Mật ong <strong>hoa bạc hà</strong> cao nguyên đá.</p>",
        "product_class": ProductClass.objects.order_by("pk").first().pk,
        "origin_commune": units["02254"].pk,
        "ocop_rating": "4",
        "ocop_certificate_number": "OCOP-TQ-2025-17",
        "ocop_year": "2025",
        "ocop_valid_until": "2028-06-30",
        "sales_unit": "chai 500 ml",
        "net_weight_grams": "650",
        "season_months": ["10", "11", "12"],
        "storage_instructions": "Nơi khô ráo, tránh ánh nắng",
        "shelf_life_days": "730",
        "gtin": "8934567890120",
        "applied_standards": "TCVN 12605:2019",
        "price": "250000",
        "is_public": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def own_products(cooperative):
    return Product.objects.filter(stockrecords__partner=cooperative.partner)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_product_pages(client, users, role, product, other_product):
    login_as(client, users, role)
    for url in (
        reverse("cooperative-catalog:product-list"),
        reverse("cooperative-catalog:product-create"),
        reverse("cooperative-catalog:product-update", kwargs={"pk": product.pk}),
    ):
        response = client.get(url)
        if role == "staff":
            assert response.status_code == 200, url
        elif role == "other_staff":
            expected = 404 if f"/products/{product.pk}/" in url else 200
            assert response.status_code == expected, url
        else:
            assert_refused_for(response, role)


def test_the_list_shows_only_the_cooperative_s_products(client, users, product, other_product):
    login_as(client, users, "other_staff")
    content = client.get(reverse("cooperative-catalog:product-list")).content.decode()
    assert "Cam sành Phù Lưu" in content
    assert "Chè Shan tuyết Sơn Trà" not in content


def test_the_menu_shows_products_and_lots_to_staff(staff_client):
    content = staff_client.get(reverse("dashboard:index")).content.decode()
    assert reverse("cooperative-catalog:product-list") in content
    assert reverse("cooperative-catalog:lot-list") in content


def test_staff_create_a_product_with_its_price_stock_record_and_photo(staff_client, cooperative, units, area):
    category = Category.add_root(name="Mật ong")
    data = product_data(units, raw_material_area=area.pk, categories=[category.pk], image=png())
    response = staff_client.post(reverse("cooperative-catalog:product-create"), data)
    assert response.status_code == 302, response.context["form"].errors
    product = own_products(cooperative).get()
    assert product.title == "Mật ong bạc hà Sơn Trà"
    assert product.origin_commune == units["02254"]
    assert product.raw_material_area == area
    assert product.season_months == [10, 11, 12]
    assert (product.ocop_rating, product.ocop_year) == (4, 2025)
    assert product.ocop_valid_until == datetime.date(2028, 6, 30)
    assert product.gtin == "8934567890120"
    assert product.applied_standards == "TCVN 12605:2019"
    assert product.is_public
    assert list(product.categories.all()) == [category]
    record = StockRecord.objects.get(product=product)
    assert record.partner == cooperative.partner
    assert record.price == 250000
    assert record.price_currency == "VND"
    assert record.partner_sku
    assert record.num_in_stock == 0  # only lots put stock on sale
    image = ProductImage.objects.get(product=product)
    assert image.original.name.endswith(".png")


def test_stock_is_never_taken_from_the_form(staff_client, cooperative, product, lot, units):
    data = product_data(units, title="Chè Shan tuyết Sơn Trà", price="160000", num_in_stock="999")
    url = reverse("cooperative-catalog:product-update", kwargs={"pk": product.pk})
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    record = StockRecord.objects.get(product=product)
    assert record.price == 160000
    assert record.num_in_stock == lot.quantity_available == 20
    assert StockRecord.objects.filter(product=product).count() == 1


def test_editing_keeps_the_product_s_stock_record_and_replaces_its_photo(staff_client, product, units):
    url = reverse("cooperative-catalog:product-update", kwargs={"pk": product.pk})
    staff_client.post(url, product_data(units, image=png("first.png")))
    staff_client.post(url, product_data(units, image=png("second.png")))
    images = ProductImage.objects.filter(product=product)
    assert images.count() == 1
    assert "second" in images.get().original.name
    assert staff_client.get(url).context["form"]["price"].value() == 250000


def test_scripts_in_title_and_description_never_run(staff_client, cooperative, units):
    data = product_data(
        units,
        title='<script>alert("x")</script>Chè',
        description='<p onclick="steal()">Chè<script>alert(1)</script><img src=x onerror=alert(2)></p>',
    )
    response = staff_client.post(reverse("cooperative-catalog:product-create"), data)
    assert response.status_code == 302
    product = own_products(cooperative).get()
    assert product.description == "<p>Chè</p>"
    content = staff_client.get(reverse("cooperative-catalog:product-list")).content.decode()
    assert '<script>alert("x")' not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;Chè" in content


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"gtin": "8934567890125"}, "gtin"),  # wrong check digit
        ({"gtin": "12345"}, "gtin"),
        ({"price": "150000.5"}, "price"),
        ({"price": "150.000"}, "price"),
        ({"price": "150000.00"}, "price"),
        ({"price": "-1"}, "price"),
        ({"price": "mười nghìn"}, "price"),
        ({"price": ""}, "price"),
        ({"title": ""}, "title"),
        ({"season_months": ["13"]}, "season_months"),
        ({"net_weight_grams": "-5"}, "net_weight_grams"),
    ],
)
def test_invalid_fields_are_refused_and_nothing_is_saved(staff_client, cooperative, units, changes, field):
    response = staff_client.post(
        reverse("cooperative-catalog:product-create"), product_data(units, **changes)
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Product.objects.exists()
    assert not StockRecord.objects.exists()


def english_create_url():
    with translation.override("en"):
        return reverse("cooperative-catalog:product-create")


def test_the_gtin_check_digit_error_says_so(staff_client, units):
    response = staff_client.post(english_create_url(), product_data(units, gtin="8934567890125"))
    assert "check digit" in str(response.context["form"].errors["gtin"])


def test_a_decimal_price_is_explained(staff_client, units):
    response = staff_client.post(english_create_url(), product_data(units, price="150000.5"))
    assert "whole đồng" in str(response.context["form"].errors["price"])


def test_an_ocop_rating_needs_its_certificate(staff_client, units):
    data = product_data(units, ocop_certificate_number="", ocop_year="")
    response = staff_client.post(reverse("cooperative-catalog:product-create"), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Product.objects.exists()


def test_another_cooperative_s_area_is_refused(staff_client, units, other_area):
    data = product_data(units, raw_material_area=other_area.pk)
    response = staff_client.post(reverse("cooperative-catalog:product-create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["raw_material_area"]
    assert not Product.objects.exists()


def test_only_communes_can_be_the_origin(staff_client, units):
    data = product_data(units, origin_commune=units["072"].pk)
    response = staff_client.post(reverse("cooperative-catalog:product-create"), data)
    assert response.context["form"].errors["origin_commune"]


@pytest.mark.parametrize("upload", [not_an_image, image_bomb], ids=["not-an-image", "bomb"])
def test_a_bad_photo_is_refused_and_nothing_is_saved(staff_client, product, units, upload):
    url = reverse("cooperative-catalog:product-update", kwargs={"pk": product.pk})
    data = product_data(units, title="Đổi tên", price="1", image=upload())
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["image"]
    product.refresh_from_db()
    assert product.title == "Chè Shan tuyết Sơn Trà"
    assert StockRecord.objects.get(product=product).price == 150000
    assert not ProductImage.objects.exists()


def test_another_cooperative_s_product_cannot_be_changed(client, users, product, units):
    login_as(client, users, "other_staff")
    url = reverse("cooperative-catalog:product-update", kwargs={"pk": product.pk})
    response = client.post(url, product_data(units, title="Đã bị sửa"))
    assert response.status_code == 404
    product.refresh_from_db()
    assert product.title == "Chè Shan tuyết Sơn Trà"
    assert StockRecord.objects.filter(product=product).count() == 1


def test_the_service_refuses_a_product_the_cooperative_does_not_sell(cooperative, other_product):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.product_save_for_cooperative(product=other_product, cooperative=cooperative, price=1)
    assert not StockRecord.objects.filter(product=other_product, partner=cooperative.partner).exists()
