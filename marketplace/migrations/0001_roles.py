"""Create the role groups of DESIGN.md with their permissions."""

from django.db import migrations

ROLE_PERMISSIONS = {
    # Copied from marketplace/roles.py as it stood when this migration was
    # written: a migration must not change when that module does.
    "Buyer": [],
    "Cooperative staff": [("partner", "partner", "dashboard_access", "Can access dashboard")],
    "Tourism officer": [("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")],
    "Province officer": [("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")],
    "Platform admin": [],
}


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for group_name, permissions in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, model, codename, name in permissions:
            # Permissions of Meta classes are only created after all
            # migrations have run, so on a new database they are made here.
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )
            group.permissions.add(permission)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("partner", "0007_partneraddress_code"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
