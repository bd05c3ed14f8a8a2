"""Changes made by the public site and its editors."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

# --- Engagement: views and share clicks ------------------------------------

# Half an hour is about one sitting with a phone: a visitor who reloads the
# page or taps "share" again (the share dialog was closed, the network
# dropped) is still one use, while the same person coming back later in the
# day is a new one. Reports count uses, not clicks.
ENGAGEMENT_WINDOW = datetime.timedelta(minutes=30)

# Link-preview fetchers and crawlers read the page (Facebook fetches it the
# moment it is shared); none of them is a visitor. "facebookexternalhit"
# is Facebook's preview fetcher, which has no "bot" in its name.
_ROBOT_MARKERS = ("bot", "crawler", "spider", "facebookexternalhit", "slurp")


def _is_robot(user_agent: str) -> bool:
    user_agent = user_agent.lower()
    return not user_agent.strip() or any(marker in user_agent for marker in _ROBOT_MARKERS)


def _visitor_hash(identity: str, day: datetime.date) -> str:
    # The day is part of the salt, so one visitor's hashes cannot be linked
    # from one day to the next, and SECRET_KEY keeps anyone without it from
    # testing guessed addresses against the table.
    value = f"{day.isoformat()}|{identity}"
    return salted_hmac("cms.destination_engagement", value, algorithm="sha256").hexdigest()


def _utc_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(datetime.UTC).date()


def _visitor_identity(request) -> str:
    session = getattr(request, "session", None)
    session_key = getattr(session, "session_key", None)
    if session_key:
        return f"session:{session_key}"
    # REMOTE_ADDR only: X-Forwarded-For is written by the client unless a
    # trusted proxy rewrites it, so trusting it would let anyone inflate the
    # counts by changing a header.
    return f"address:{request.META.get('REMOTE_ADDR', '')}|{request.META.get('HTTP_USER_AGENT', '')}"


def destination_engagement_record(*, destination, channel: str, request, now=None) -> bool:
    """Count one view of ``destination`` or one click on its share link, for
    the promotion report (indicator 6.5). Returns whether it was counted:
    robots are not, nor a visitor's repeat of the same use within
    ``ENGAGEMENT_WINDOW``. The visitor is stored as a salted hash only."""
    from .models import DestinationEngagement

    if channel not in DestinationEngagement.Channel.values:
        raise ValueError(f"Unknown engagement channel: {channel!r}")
    if _is_robot(request.META.get("HTTP_USER_AGENT", "")):
        return False
    now = now or timezone.now()
    identity = _visitor_identity(request)
    visitor = _visitor_hash(identity, _utc_day(now))
    # Just after midnight (UTC) the same visitor had yesterday's hash.
    recent_hashes = {visitor, _visitor_hash(identity, _utc_day(now - ENGAGEMENT_WINDOW))}
    seen = DestinationEngagement.objects.filter(
        destination=destination,
        channel=channel,
        visitor__in=recent_hashes,
        occurred_at__gt=now - ENGAGEMENT_WINDOW,
        occurred_at__lte=now,
    ).exists()
    if seen:
        return False
    window = int(now.timestamp() // ENGAGEMENT_WINDOW.total_seconds())
    try:
        # The savepoint keeps a lost race (two requests of one visitor at
        # once, caught by the unique constraint) from breaking the request's
        # own transaction.
        with transaction.atomic():
            DestinationEngagement.objects.create(
                destination=destination, channel=channel, visitor=visitor, window=window, occurred_at=now
            )
    except IntegrityError:
        return False
    return True


def destination_view_on_hit(request, response, destination_id) -> None:
    """A view of a destination page served from the page cache, recorded as
    a rendered one is (DestinationPage.serve)."""
    from .models import DestinationEngagement, DestinationPage

    destination_engagement_record(
        destination=DestinationPage(pk=destination_id),
        channel=DestinationEngagement.Channel.VIEW,
        request=request,
    )


# --- Tourism officers and the province's review -----------------------------

# The migration cms/0004_tourism_review makes the workflow under these names
# too, and the services find what it made by them: change them only together.
REVIEW_WORKFLOW_NAME = "Province review"
REVIEW_TASK_NAME = "Province officer approval"
DISTRICT_OFFICERS_GROUP_PREFIX = "Tourism officers: "

# Officers write and submit, the province publishes: without publish_page
# Wagtail offers officers "Submit for moderation" instead of "Publish".
# Neither deletes nor locks, so a district cannot take down or hold a page.
OFFICER_PAGE_PERMISSIONS = ("add_page", "change_page")
# Reviewers may fix a page while approving it, and publish it.
REVIEWER_PAGE_PERMISSIONS = ("change_page", "publish_page")
# Officers illustrate their pages: upload to and choose from the shared media.
OFFICER_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
)


def _page_permissions_grant(*, group, pages, codenames) -> None:
    """Give ``group`` each of ``codenames`` on each of ``pages`` (and so on
    their subtrees), keeping what it already holds."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import GroupPagePermission, Page

    page_type = ContentType.objects.get_for_model(Page)
    permissions = Permission.objects.filter(content_type=page_type, codename__in=codenames)
    for page in pages:
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def tourism_review_workflow_ensure():
    """The province's review of tourism pages: one approval step by the
    Province officer group, attached to every home page so that it covers
    each language's whole tree. Province officers also get to edit and
    publish every page, since reviewing happens in Wagtail's page editor.
    Safe to call again, e.g. after a new language's home page is added."""
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

    from marketplace import roles

    from .models import HomePage

    reviewers = Group.objects.get(name=roles.PROVINCE_OFFICER)
    with transaction.atomic():
        task = GroupApprovalTask.objects.filter(name=REVIEW_TASK_NAME).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=REVIEW_TASK_NAME)
        elif not task.active:
            task.active = True
            task.save(update_fields=["active"])
        task.groups.add(reviewers)

        workflow, _created = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW_NAME)
        if not workflow.active:
            workflow.active = True
            workflow.save(update_fields=["active"])
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})

        home_pages = list(HomePage.objects.all())
        for home in home_pages:
            WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
        _page_permissions_grant(group=reviewers, pages=home_pages, codenames=REVIEWER_PAGE_PERMISSIONS)
    return workflow


def district_section_officers_ensure(*, section):
    """The group of a district's tourism officers: they may add and edit
    pages under the district's section, in every language it is translated
    into, and use the shared images and documents; publishing stays with the
    province's review. Call again when the section gets a new translation."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection, GroupCollectionPermission

    section = section.specific
    district = section.district
    with transaction.atomic():
        group, _created = Group.objects.get_or_create(
            name=f"{DISTRICT_OFFICERS_GROUP_PREFIX}{district.name} ({district.code})"
        )
        _page_permissions_grant(
            group=group,
            pages=section.get_translations(inclusive=True),
            codenames=OFFICER_PAGE_PERMISSIONS,
        )
        root_collection = Collection.get_first_root_node()
        for app_label, codename in OFFICER_COLLECTION_PERMISSIONS:
            permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )
    return group


def tourism_officer_assign(*, user, district) -> None:
    """Make ``user`` a tourism officer of ``district``: the role opens the
    CMS, the district's group opens its section. The district must have a
    section already, since the group's rights hang on it."""
    from django.contrib.auth.models import Group
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from marketplace import roles

    from .models import DistrictSectionPage

    section = DistrictSectionPage.objects.filter(district=district).order_by("pk").first()
    if section is None:
        raise ValidationError(
            _("%(district)s has no section on the site yet: create it before assigning its officers.")
            % {"district": district.name}
        )
    district_group = district_section_officers_ensure(section=section)
    user.groups.add(Group.objects.get(name=roles.TOURISM_OFFICER), district_group)
