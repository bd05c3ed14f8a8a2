"""Viet Nam is the country the marketplace ships to: without a shipping
country Oscar's checkout has no address form a buyer can fill in."""

from django.db import migrations


def add_vietnam(apps, schema_editor):
    Country = apps.get_model("address", "Country")
    Country.objects.update_or_create(
        iso_3166_1_a2="VN",
        defaults={
            "iso_3166_1_a3": "VNM",
            "iso_3166_1_numeric": "704",
            "printable_name": "Việt Nam",
            "name": "Cộng hoà Xã hội Chủ nghĩa Việt Nam",
            "is_shipping_country": True,
            "display_order": 1,
        },
    )


def remove_vietnam(apps, schema_editor):
    Country = apps.get_model("address", "Country")
    Country.objects.filter(iso_3166_1_a2="VN").update(is_shipping_country=False)


class Migration(migrations.Migration):
    dependencies = [
        ("address", "0001_initial"),
        ("marketplace", "0002_undelivered_tasks"),
    ]

    operations = [migrations.RunPython(add_vietnam, remove_vietnam)]
