"""Province officers review applications and manage pilot programmes."""

from django.db import migrations

PERMISSIONS = [
    ("cooperative", "review_cooperative", "Can review cooperative applications"),
    ("pilotprogramme", "add_pilotprogramme", "Can add pilot programme"),
    ("pilotprogramme", "change_pilotprogramme", "Can change pilot programme"),
    ("pilotprogramme", "view_pilotprogramme", "Can view pilot programme"),
]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group = Group.objects.get(name="Province officer")
    for model, codename, name in PERMISSIONS:
        # Meta permissions are only created after migrations on a new database.
        content_type, _ = ContentType.objects.get_or_create(app_label="cooperatives", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.get(name="Province officer")
    group.permissions.remove(
        *group.permissions.filter(content_type__app_label="cooperatives", codename__in=[p[1] for p in PERMISSIONS])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cooperatives", "0002_cooperatives"),
        ("marketplace", "0001_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
