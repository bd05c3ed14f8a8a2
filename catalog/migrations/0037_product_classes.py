"""The product classes the cooperatives sell, each with the attributes a
buyer compares within that kind of product. Created here rather than in the
dashboard so every installation (demo, tests, production) has the same
slugs, which the demo and the cooperatives' forms look classes up by.

Safe to run on a database that already has some of them (get_or_create), and
reversible: going back removes only the classes no product uses yet, so
undoing the migration never deletes a cooperative's products.
"""

from django.db import migrations

# (slug, name, attributes); an attribute is (code, name, type, options).
# Names are data (Vietnamese, as the dashboard shows them); codes are
# identifiers and stay English.
PRODUCT_CLASSES = [
    (
        "fruit",
        "Trái cây",
        [
            ("variety", "Giống", "text", None),
            ("size_grade", "Phân loại kích cỡ", "option", ("fruit_size_grade", "Phân loại quả")),
            ("sugar_content_brix", "Độ ngọt (°Brix)", "float", None),
        ],
    ),
    (
        "tea",
        "Chè",
        [
            ("tea_type", "Loại chè", "text", None),
            ("leaf_grade", "Phẩm cấp búp", "text", None),
            ("brewing_instructions", "Cách pha", "text", None),
        ],
    ),
    (
        "honey",
        "Mật ong",
        [
            ("flower_source", "Nguồn hoa", "text", None),
            ("moisture_percent", "Độ ẩm (%)", "float", None),
        ],
    ),
    (
        "rice-grain",
        "Gạo và ngũ cốc",
        [
            ("variety", "Giống", "text", None),
            ("milling", "Mức xát", "text", None),
        ],
    ),
    (
        "processed-food",
        "Thực phẩm chế biến",
        [
            ("ingredients", "Thành phần", "text", None),
            ("preservatives", "Có chất bảo quản", "boolean", None),
        ],
    ),
    (
        "handicraft",
        "Thủ công mỹ nghệ",
        [
            ("material", "Chất liệu", "text", None),
            ("dimensions", "Kích thước", "text", None),
            ("artisan", "Nghệ nhân", "text", None),
        ],
    ),
]

# Grades as traders in Hàm Yên and Yên Sơn sort oranges and pomelos.
OPTION_GROUPS = {
    "fruit_size_grade": [
        ("fruit_size_grade_1", "Loại 1 (quả to)"),
        ("fruit_size_grade_2", "Loại 2 (quả vừa)"),
        ("fruit_size_grade_3", "Loại 3 (quả nhỏ)"),
    ],
}


def create(apps, schema_editor):
    ProductClass = apps.get_model("catalogue", "ProductClass")
    ProductAttribute = apps.get_model("catalogue", "ProductAttribute")
    AttributeOptionGroup = apps.get_model("catalogue", "AttributeOptionGroup")
    AttributeOption = apps.get_model("catalogue", "AttributeOption")
    for slug, name, attributes in PRODUCT_CLASSES:
        product_class, _ = ProductClass.objects.get_or_create(
            slug=slug, defaults={"name": name, "track_stock": True, "requires_shipping": True}
        )
        for code, attribute_name, attribute_type, option_group in attributes:
            group = None
            if option_group:
                group_code, group_name = option_group
                group, _ = AttributeOptionGroup.objects.get_or_create(
                    code=group_code, defaults={"name": group_name}
                )
                for option_code, option in OPTION_GROUPS[group_code]:
                    AttributeOption.objects.get_or_create(
                        code=option_code, defaults={"group": group, "option": option}
                    )
            ProductAttribute.objects.get_or_create(
                product_class=product_class,
                code=code,
                defaults={"name": attribute_name, "type": attribute_type, "option_group": group},
            )


def remove(apps, schema_editor):
    ProductClass = apps.get_model("catalogue", "ProductClass")
    AttributeOptionGroup = apps.get_model("catalogue", "AttributeOptionGroup")
    slugs = [slug for slug, _name, _attributes in PRODUCT_CLASSES]
    # Attributes go with their class (CASCADE); a class with products stays.
    ProductClass.objects.filter(slug__in=slugs, products__isnull=True).delete()
    AttributeOptionGroup.objects.filter(code__in=OPTION_GROUPS, product_attributes__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0036_recall_any_lot_permission"),
    ]

    operations = [
        migrations.RunPython(create, remove),
    ]
