"""Replace Wagtail's welcome page with the Vietnamese home page and its
English translation, and point the default site at them."""

import uuid

from django.db import migrations

HOME_PAGES = [
    # (language, slug, tree path, title, intro)
    (
        "vi",
        "trang-chu",
        "00010001",
        "Chợ Quê",
        "Đặc sản, sản phẩm OCOP của các hợp tác xã nông thôn, truy xuất được nguồn gốc "
        "đến tận vùng trồng.",
    ),
    (
        "en",
        "home",
        "00010002",
        "Chợ Quê: the country market online",
        "Key local products and OCOP specialities of rural cooperatives, traceable back "
        "to the field they grew in.",
    ),
]


def create_home_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("cms", "HomePage")

    root = Page.objects.get(depth=1)
    # Wagtail's own migration leaves a placeholder page under the root.
    Page.objects.filter(depth=2, content_type__app_label="wagtailcore", content_type__model="page").delete()
    if Page.objects.filter(depth=2).exists():
        return  # the site already has a home page of its own

    content_type, _ = ContentType.objects.get_or_create(app_label="cms", model="homepage")
    translation_key = uuid.uuid4()
    home_pages = []
    for language, slug, path, title, intro in HOME_PAGES:
        locale, _ = Locale.objects.get_or_create(language_code=language)
        home_pages.append(
            HomePage.objects.create(
                title=title,
                draft_title=title,
                slug=slug,
                content_type=content_type,
                path=path,
                depth=2,
                numchild=0,
                url_path=f"/{slug}/",
                locale=locale,
                translation_key=translation_key,
                live=True,
                intro=intro,
            )
        )
    root.numchild = len(home_pages)
    root.save(update_fields=["numchild"])

    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "site_name": "Chợ Quê", "root_page_id": home_pages[0].pk},
    )


def remove_home_pages(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=2, content_type__app_label="cms", content_type__model="homepage").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0054_initial_locale"),
    ]

    operations = [migrations.RunPython(create_home_pages, remove_home_pages)]
