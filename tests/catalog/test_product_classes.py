import importlib

import pytest
from django.apps import apps
from oscar.core.loading import get_model

pytestmark = pytest.mark.django_db

ProductClass = get_model("catalogue", "ProductClass")
ProductAttribute = get_model("catalogue", "ProductAttribute")
AttributeOptionGroup = get_model("catalogue", "AttributeOptionGroup")

migration = importlib.import_module("catalog.migrations.0037_product_classes")

EXPECTED = {
    "fruit": ("Trái cây", {"variety": "text", "size_grade": "option", "sugar_content_brix": "float"}),
    "tea": ("Chè", {"tea_type": "text", "leaf_grade": "text", "brewing_instructions": "text"}),
    "honey": ("Mật ong", {"flower_source": "text", "moisture_percent": "float"}),
    "rice-grain": ("Gạo và ngũ cốc", {"variety": "text", "milling": "text"}),
    "processed-food": ("Thực phẩm chế biến", {"ingredients": "text", "preservatives": "boolean"}),
    "handicraft": ("Thủ công mỹ nghệ", {"material": "text", "dimensions": "text", "artisan": "text"}),
}


def snapshot():
    return (
        sorted(ProductClass.objects.values_list("slug", "name", "track_stock", "requires_shipping")),
        sorted(ProductAttribute.objects.values_list("product_class__slug", "code", "name", "type")),
        sorted(AttributeOptionGroup.objects.values_list("code", "options__code", "options__option")),
    )


def test_the_product_classes_exist_with_their_attributes():
    for slug, (name, attributes) in EXPECTED.items():
        product_class = ProductClass.objects.get(slug=slug)
        assert product_class.name == name
        assert product_class.track_stock and product_class.requires_shipping
        assert dict(product_class.attributes.values_list("code", "type")) == attributes
        for attribute in product_class.attributes.all():
            attribute.full_clean()


def test_fruit_sizes_are_graded_from_an_option_group():
    size_grade = ProductAttribute.objects.get(product_class__slug="fruit", code="size_grade")
    assert size_grade.option_group.code == "fruit_size_grade"
    assert list(size_grade.option_group.options.order_by("code").values_list("code", flat=True)) == [
        "fruit_size_grade_1",
        "fruit_size_grade_2",
        "fruit_size_grade_3",
    ]


def test_running_the_migration_again_changes_nothing():
    before = snapshot()
    migration.create(apps, None)
    assert snapshot() == before


def test_it_can_be_undone_and_redone():
    before = snapshot()
    migration.remove(apps, None)
    assert not ProductClass.objects.filter(slug__in=EXPECTED).exists()
    assert not AttributeOptionGroup.objects.filter(code="fruit_size_grade").exists()
    migration.create(apps, None)
    assert snapshot() == before


def test_undoing_it_keeps_a_class_that_has_products():
    from oscar.test.factories import create_product

    create_product(product_class=ProductClass.objects.get(slug="tea"), title="Chè búp")
    migration.remove(apps, None)
    assert list(ProductClass.objects.filter(slug__in=EXPECTED).values_list("slug", flat=True)) == ["tea"]
    assert ProductAttribute.objects.filter(product_class__slug="tea").count() == 3
