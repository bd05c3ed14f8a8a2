"""District tourism officers write their section's pages in the CMS; only a
Province officer's approval publishes them, at once or at a set time."""

import datetime
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import (
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from cms import selectors, services
from cms.models import DestinationKind, DestinationPage, DistrictSectionPage, HomePage
from cms.tasks import publish_scheduled_pages_task
from cooperatives.models import AdministrativeUnit
from marketplace import roles
from tests.factories import cooperative_staff_user, user_with_role
from tests.factories.cms import add_page, translate

pytestmark = pytest.mark.django_db


# --- Helpers ------------------------------------------------------------------


def add_url(section):
    return reverse("wagtailadmin_pages:add", args=("cms", "destinationpage", section.pk))


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def destination_form(page=None, **fields):
    """What the page editor posts for a destination: ``page``'s values (or a
    new homestay's), with ``fields`` changed."""
    values = {
        "title": "Homestay Bản Bung",
        "slug": "homestay-ban-bung",
        "kind": DestinationKind.HOMESTAY,
        "commune": "",
        "latitude": "22.400000",
        "longitude": "105.400000",
        "intro": "Nhà sàn của người Dao Tiền",
    }
    if page is not None:
        values.update(
            title=page.title,
            slug=page.slug,
            kind=page.kind,
            commune=page.commune_id or "",
            latitude=str(page.latitude),
            longitude=str(page.longitude),
            intro=page.intro,
        )
    values.update(fields)
    return nested_form_data(
        {
            **values,
            "image": "",
            "body": streamfield([]),
            "how_to_get_there": rich_text(""),
            "comments": inline_formset([]),
        }
    )


def latest(page):
    """The page as its editors last saved it, live or not."""
    return Page.objects.get(pk=page.pk).specific.get_latest_revision_as_object()


def refused(response):
    """Wagtail refuses with a 403, or by sending the user away (to log in,
    or back to the dashboard with a message): never with the page."""
    return response.status_code == 403 or (
        response.status_code == 302 and "/edit/" not in urlsplit(response["Location"]).path
    )


def review_action_url(page, action="approve"):
    task_state = page.current_workflow_task_state
    return reverse("wagtailadmin_pages:workflow_action", args=(page.pk, action, task_state.pk))


@pytest.fixture
def officer(site):
    """A tourism officer of Na Hang (072)."""
    user = user_with_role(roles.TOURISM_OFFICER)
    services.tourism_officer_assign(user=user, district=site.units["072"])
    return user


@pytest.fixture
def reviewer(site):
    services.tourism_review_workflow_ensure()
    return user_with_role(roles.PROVINCE_OFFICER)


def create_as(client, user, section, *, action, **fields):
    """``user`` adds a destination under ``section`` through the page editor."""
    client.force_login(user)
    response = client.post(add_url(section), {**destination_form(**fields), action: "1"})
    assert response.status_code == 302, response.content.decode()[-3000:]
    return DestinationPage.objects.get(slug=fields.get("slug", "homestay-ban-bung"), locale=section.locale)


# --- Where an officer may write -------------------------------------------------


def test_officer_drafts_and_edits_in_their_district_in_both_languages(client, site, officer):
    na_hang = site.sections["072"][0]
    khau_trang, khau_trang_en = site.destinations["Làng Khâu Tràng"]
    client.force_login(officer)
    assert client.get(add_url(na_hang)).status_code == 200
    assert client.get(edit_url(khau_trang)).status_code == 200
    assert client.get(edit_url(khau_trang_en)).status_code == 200

    response = client.post(add_url(na_hang), destination_form())

    assert response.status_code == 302
    page = DestinationPage.objects.get(slug="homestay-ban-bung")
    assert page.get_parent().pk == na_hang.pk
    assert page.district == site.units["072"]
    assert not page.live
    assert page.owner == officer


def test_officer_cannot_write_in_another_district_or_above_their_section(client, site, officer):
    ham_yen = site.sections["074"][0]
    dong_tien, dong_tien_en = site.destinations["Hang Động Tiên"]
    client.force_login(officer)

    assert refused(client.get(add_url(ham_yen)))
    assert refused(client.post(add_url(ham_yen), destination_form()))
    assert not DestinationPage.objects.filter(slug="homestay-ban-bung").exists()
    for page in (dong_tien, dong_tien_en):
        revisions = page.revisions.count()
        assert refused(client.get(edit_url(page)))
        assert refused(client.post(edit_url(page), destination_form(page, intro="Đã sửa")))
        assert page.revisions.count() == revisions
        assert latest(page).intro == page.intro
    for page in (site.home, site.index, ham_yen, site.sections["074"][1]):
        assert refused(client.get(edit_url(page))), page


def test_other_users_cannot_reach_the_page_editor(client, site):
    khau_trang = site.destinations["Làng Khâu Tràng"][0]
    # A tourism officer of no district has the CMS open but no page in it.
    users = [
        None,
        user_with_role(roles.BUYER),
        cooperative_staff_user(),
        user_with_role(roles.TOURISM_OFFICER),
    ]
    for user in users:
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in (add_url(site.sections["072"][0]), edit_url(khau_trang)):
            assert refused(client.get(url)), (user, url)
        response = client.post(edit_url(khau_trang), destination_form(khau_trang, intro="Đã sửa"))
        assert refused(response), user
        assert latest(khau_trang).intro == khau_trang.intro


def test_assigning_an_officer_needs_the_districts_section(db):
    # A district of its own: the module's test site has sections for 072 and 074.
    district = AdministrativeUnit.objects.create(
        edition="2025-03-01", code="073", name="Huyện Chiêm Hóa", short_name="Chiêm Hóa", unit_type="Huyện",
        level="district",
    )  # fmt: skip
    user = user_with_role(roles.TOURISM_OFFICER)
    with pytest.raises(ValidationError):
        services.tourism_officer_assign(user=user, district=district)
    assert not user.groups.filter(name__startswith=services.DISTRICT_OFFICERS_GROUP_PREFIX).exists()


# --- Publishing only through the province's review ------------------------------


def test_officer_cannot_publish(client, site, officer):
    page = create_as(client, officer, site.sections["072"][0], action="action-publish")
    assert not page.live
    assert page.live_revision is None
    assert not selectors.destinations_live(locale=page.locale).filter(pk=page.pk).exists()

    khau_trang = site.destinations["Làng Khâu Tràng"][0]
    live_revision = khau_trang.live_revision_id
    response = client.post(
        edit_url(khau_trang), {**destination_form(khau_trang, intro="Giá mới"), "action-publish": "1"}
    )

    assert response.status_code == 302
    khau_trang = DestinationPage.objects.get(pk=khau_trang.pk)
    assert khau_trang.live_revision_id == live_revision
    assert khau_trang.intro != "Giá mới"
    assert latest(khau_trang).intro == "Giá mới"  # kept as a draft


def test_submitted_page_waits_for_a_province_officer(client, site, officer, reviewer):
    page = create_as(client, officer, site.sections["072"][0], action="action-submit")

    assert page.workflow_in_progress
    assert page.current_workflow_state.workflow.name == services.REVIEW_WORKFLOW_NAME
    assert not selectors.destinations_live(locale=page.locale).filter(pk=page.pk).exists()

    # Neither the author nor another officer of the district may approve.
    colleague = user_with_role(roles.TOURISM_OFFICER)
    services.tourism_officer_assign(user=colleague, district=site.units["072"])
    for user in (officer, colleague):
        client.force_login(user)
        response = client.post(review_action_url(page), {"comment": ""})
        assert refused(response)
        assert not DestinationPage.objects.get(pk=page.pk).live

    client.force_login(reviewer)
    assert client.get(edit_url(page)).status_code == 200
    response = client.post(review_action_url(page), {"comment": "Đã kiểm tra"})

    assert response.status_code == 302
    page = DestinationPage.objects.get(pk=page.pk)
    assert page.live
    assert not page.workflow_in_progress
    assert selectors.destinations_live(locale=page.locale).filter(pk=page.pk).exists()


def test_a_change_submitted_to_a_live_page_goes_live_only_when_approved(client, site, officer, reviewer):
    khau_trang = site.destinations["Làng Khâu Tràng"][0]
    client.force_login(officer)
    response = client.post(
        edit_url(khau_trang), {**destination_form(khau_trang, intro="Mùa lúa chín"), "action-submit": "1"}
    )
    assert response.status_code == 302
    khau_trang = DestinationPage.objects.get(pk=khau_trang.pk)
    assert khau_trang.workflow_in_progress
    assert khau_trang.intro != "Mùa lúa chín"

    client.force_login(reviewer)
    client.post(review_action_url(khau_trang), {"comment": ""})

    assert DestinationPage.objects.get(pk=khau_trang.pk).intro == "Mùa lúa chín"


def test_reviewer_can_ask_for_changes(client, site, officer, reviewer):
    page = create_as(client, officer, site.sections["072"][0], action="action-submit")
    client.force_login(reviewer)

    response = client.post(review_action_url(page, "reject"), {"comment": "Thiếu ảnh"})

    assert response.status_code == 302
    page = DestinationPage.objects.get(pk=page.pk)
    assert not page.live
    assert not page.workflow_in_progress


# --- Revisions and scheduled publishing -------------------------------------------


def test_officer_keeps_revisions_and_reverts_to_an_earlier_one(client, site, officer):
    khau_trang = site.destinations["Làng Khâu Tràng"][0]
    revisions = khau_trang.revisions.count()
    client.force_login(officer)
    for intro in ("Bản một", "Bản hai"):
        response = client.post(edit_url(khau_trang), destination_form(khau_trang, intro=intro))
        assert response.status_code == 302
    assert khau_trang.revisions.count() == revisions + 2
    first = khau_trang.revisions.order_by("created_at", "pk")[revisions]
    assert latest(khau_trang).intro == "Bản hai"

    history = client.get(reverse("wagtailadmin_pages:revisions_index", args=(khau_trang.pk,)), follow=True)
    assert history.status_code == 200
    revert_url = reverse("wagtailadmin_pages:revisions_revert", args=(khau_trang.pk, first.pk))
    assert revert_url.encode() in history.content

    # The revert view fills the editor with the earlier version; saving it
    # makes that version the latest draft.
    form = client.get(revert_url)
    assert form.status_code == 200
    data = querydict_from_html(form.content.decode(), form_id="page-edit-form")
    assert data["intro"].strip() == "Bản một"
    data.update(nested_form_data({"body": streamfield([]), "comments": inline_formset([])}))
    response = client.post(revert_url, data)

    assert response.status_code == 302
    assert latest(khau_trang).intro == "Bản một"
    assert khau_trang.revisions.count() == revisions + 3


def test_an_approved_page_goes_live_at_its_time(client, site, officer, reviewer):
    go_live_at = timezone.localtime() + datetime.timedelta(days=2)
    page = create_as(
        client, officer, site.sections["072"][0], action="action-submit",
        go_live_at=go_live_at.strftime("%Y-%m-%d %H:%M"),
    )  # fmt: skip
    client.force_login(reviewer)
    client.post(review_action_url(page), {"comment": ""})

    page = DestinationPage.objects.get(pk=page.pk)
    assert not page.live
    assert page.scheduled_revision is not None
    publish_scheduled_pages_task.delay()
    assert not DestinationPage.objects.get(pk=page.pk).live

    later = timezone.now() + datetime.timedelta(days=2, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        publish_scheduled_pages_task.delay()

    page = DestinationPage.objects.get(pk=page.pk)
    assert page.live
    assert page.scheduled_revision is None


# --- The services --------------------------------------------------------------


def test_the_migration_puts_every_home_page_under_the_province_review(db):
    homes = list(HomePage.objects.all())
    assert len(homes) == 2
    for home in homes:
        workflow = WorkflowPage.objects.get(page=home).workflow
        assert workflow.name == services.REVIEW_WORKFLOW_NAME
        task = workflow.tasks.get().specific
        assert list(task.groups.values_list("name", flat=True)) == [roles.PROVINCE_OFFICER]


def test_review_workflow_is_made_once(db):
    province_officers = Group.objects.get(name=roles.PROVINCE_OFFICER)
    first = services.tourism_review_workflow_ensure()
    permissions = GroupPagePermission.objects.filter(group=province_officers).count()

    assert services.tourism_review_workflow_ensure() == first
    assert WorkflowTask.objects.filter(workflow=first).count() == 1
    assert WorkflowPage.objects.filter(workflow=first).count() == HomePage.objects.count() == 2
    granted = GroupPagePermission.objects.filter(group=province_officers)
    assert granted.count() == permissions
    assert set(granted.values_list("page_id", "permission__codename")) >= {
        (home.pk, codename) for home in HomePage.objects.all() for codename in ("change_page", "publish_page")
    }


def test_district_officers_groups_are_made_once_and_follow_new_translations(site):
    na_hang, na_hang_en = site.sections["072"]
    group = services.district_section_officers_ensure(section=na_hang)
    assert services.district_section_officers_ensure(section=na_hang_en) == group
    granted = GroupPagePermission.objects.filter(group=group).values_list("page_id", "permission__codename")
    assert set(granted) == {
        (page.pk, codename) for page in (na_hang, na_hang_en) for codename in ("add_page", "change_page")
    }
    assert GroupCollectionPermission.objects.filter(group=group).count() == 4
    ham_yen = services.district_section_officers_ensure(section=site.sections["074"][0])
    assert ham_yen != group
    assert not GroupPagePermission.objects.filter(group=group, page__in=[p.pk for p in site.sections["074"]])

    # A section first written in Vietnamese only is covered in English once
    # the group is ensured again after its translation.
    lam_binh = AdministrativeUnit.objects.create(
        edition="2025-03-01", code="070", name="Huyện Lâm Bình", short_name="Lâm Bình", unit_type="Huyện",
        level="district", parent=site.units["province"],
    )  # fmt: skip
    section = add_page(
        site.index, DistrictSectionPage(title="Huyện Lâm Bình", slug="lam-binh", district=lam_binh)
    )
    lam_binh_group = services.district_section_officers_ensure(section=section)
    assert GroupPagePermission.objects.filter(group=lam_binh_group).count() == 2
    section_en = translate(section, title="Lâm Bình district")
    services.district_section_officers_ensure(section=section)
    assert GroupPagePermission.objects.filter(group=lam_binh_group, page=section_en).count() == 2
    assert GroupPagePermission.objects.filter(group=lam_binh_group).count() == 4


def test_officer_cannot_move_their_section_to_another_district(client, site, officer):
    na_hang = site.sections["072"][0]
    client.force_login(officer)
    form = nested_form_data(
        {"title": "Huyện Na Hang", "slug": na_hang.slug, "district": site.units["074"].pk, "intro": "Sửa",
         "image": "", "comments": inline_formset([])}
    )  # fmt: skip
    response = client.post(edit_url(na_hang), {**form, "action-submit": "1"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    section = latest(na_hang)
    assert section.intro == "Sửa"
    assert section.district == site.units["072"]


def test_officer_makes_the_english_copy_of_their_page_and_only_theirs(client, site, officer):
    from wagtail.models import Locale

    na_hang = site.sections["072"][0]
    new_page = add_page(
        na_hang,
        DestinationPage(
            title="Thôn Nà Khá", slug="na-kha", kind=DestinationKind.HOMESTAY, district=site.units["072"],
            latitude="22.38", longitude="105.42", intro="Homestay người Tày",
        ),
    )  # fmt: skip
    english = Locale.objects.get(language_code="en")
    client.force_login(officer)
    translate_url = reverse("simple_translation:submit_page_translation", args=(new_page.pk,))

    response = client.post(translate_url, {"locales": [english.pk]})

    assert response.status_code == 302
    copy = new_page.get_translation(english)
    assert copy.get_parent().pk == site.sections["072"][1].pk
    # A draft: it goes live through the province's review like any page,
    # and until then the Vietnamese page says it has no English version.
    assert not copy.live
    assert "chưa được dịch" in client.get(new_page.url).content.decode()

    dong_tien = site.destinations["Hang Động Tiên"][0]
    dong_tien.get_translation(english).delete()
    response = client.post(
        reverse("simple_translation:submit_page_translation", args=(dong_tien.pk,)), {"locales": [english.pk]}
    )
    assert refused(response)
    assert dong_tien.get_translation_or_none(english) is None
