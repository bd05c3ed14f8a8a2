"""The province's review of tourism pages: a workflow whose one step is the
Province officer group's approval, attached to every home page, and the
right for Province officers to edit and publish the pages they review.

Mirrors cms.services.tourism_review_workflow_ensure as it stood when this
migration was written (a migration must not change when that module does);
district officers' groups are made at run time, once sections exist.
"""

from django.db import migrations

WORKFLOW_NAME = "Province review"
TASK_NAME = "Province officer approval"
REVIEWER_PERMISSIONS = [("change_page", "Can change page"), ("publish_page", "Publish any page")]


def create_review(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    HomePage = apps.get_model("cms", "HomePage")

    reviewers = Group.objects.get(name="Province officer")
    # Historical models do not fill in a task's specific type by themselves.
    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=task_type, active=True)
    task.groups.add(reviewers)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})

    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    # Meta permissions are only created after all migrations have run, so on
    # a new database they are made here.
    permissions = []
    for codename, name in REVIEWER_PERMISSIONS:
        permission, _ = Permission.objects.get_or_create(
            content_type=page_type, codename=codename, defaults={"name": name}
        )
        permissions.append(permission)
    for home in HomePage.objects.all():
        WorkflowPage.objects.update_or_create(page_id=home.pk, defaults={"workflow": workflow})
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(group=reviewers, page_id=home.pk, permission=permission)


def remove_review(apps, schema_editor):
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    HomePage = apps.get_model("cms", "HomePage")

    GroupPagePermission.objects.filter(
        group__name="Province officer",
        page_id__in=HomePage.objects.values("pk"),
        permission__content_type__app_label="wagtailcore",
        permission__codename__in=[codename for codename, _name in REVIEWER_PERMISSIONS],
    ).delete()
    Workflow.objects.filter(name=WORKFLOW_NAME).delete()
    GroupApprovalTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_tourism_pages"),
        ("marketplace", "0001_roles"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(create_review, remove_review)]
