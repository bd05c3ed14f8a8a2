"""The targets of Tuyên Quang's Plan 215/KH-UBND (2021–2025), and the
province officers' right to see the reports and edit the targets."""

import datetime
from decimal import Decimal

from django.db import migrations

SOURCE = (
    "Kế hoạch 215/KH-UBND của UBND tỉnh Tuyên Quang: chuyển đổi số trong xây dựng nông thôn mới, "
    "hướng tới nông thôn mới thông minh, giai đoạn 2021–2025"
)
STARTS_ON = datetime.date(2021, 1, 1)
DEADLINE = datetime.date(2025, 12, 31)

# (indicator, threshold %, what the plan says)
TARGETS = [
    ("communes_with_cooperatives", "70", "Ít nhất 70% xã có các hợp tác xã."),
    (
        "districts_with_linkage_models",
        "70",
        "70% cấp huyện có các mô hình liên kết sản xuất gắn với tiêu thụ nông sản chủ lực.",
    ),
    ("digital_linkage_models", "50", "50% các mô hình liên kết gắn với vùng nguyên liệu có ứng dụng công nghệ số."),
    (
        "districts_promoted_online",
        "25",
        "Ít nhất 25% đơn vị cấp huyện đạt chỉ tiêu 6.5: hình ảnh điểm du lịch của huyện được quảng bá "
        "thông qua Internet, mạng xã hội.",
    ),
    (
        "districts_with_pilots",
        "100",
        "Mỗi huyện, thành phố có ít nhất 01 mô hình thí điểm xã nông thôn mới thông minh.",
    ),
]

PERMISSIONS = [
    ("target", "view_reports", "Can see the province's reports"),
    ("target", "add_target", "Can add target"),
    ("target", "change_target", "Can change target"),
    ("target", "view_target", "Can view target"),
]


def targets_load(apps, schema_editor):
    Target = apps.get_model("reports", "Target")
    for indicator, threshold, note in TARGETS:
        Target.objects.get_or_create(
            indicator=indicator,
            deadline=DEADLINE,
            defaults={
                "threshold_percent": Decimal(threshold),
                "starts_on": STARTS_ON,
                "source_document": SOURCE,
                "note": note,
            },
        )


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group = Group.objects.get(name="Province officer")
    for model, codename, name in PERMISSIONS:
        # Meta permissions are only created after migrations on a new database.
        content_type, _ = ContentType.objects.get_or_create(app_label="reports", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.get(name="Province officer")
    group.permissions.remove(
        *group.permissions.filter(content_type__app_label="reports", codename__in=[p[1] for p in PERMISSIONS])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_targets_and_snapshots"),
        ("marketplace", "0001_roles"),
    ]

    operations = [
        migrations.RunPython(targets_load, migrations.RunPython.noop),
        migrations.RunPython(grant, revoke),
    ]
