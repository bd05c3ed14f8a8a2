"""A cooperative applies on the public form; a province officer reviews it."""

import datetime
import io
import struct
import zlib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from oscar.core.loading import get_model
from PIL import Image

from cooperatives import services
from cooperatives.forms import APPLICATION_EDITION, normalise_vietnamese_phone
from cooperatives.models import AdministrativeUnit, Cooperative, CooperativeDocument
from marketplace import roles
from tests.factories import cooperative_staff_user, user_with_role

pytestmark = pytest.mark.django_db

User = get_user_model()
Partner = get_model("partner", "Partner")
Category = get_model("catalogue", "Category")

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PASSWORD = "ruong-bac-thang-2025"
APPLY = reverse("cooperatives:apply")


def en(url):
    """The English page of ``url``: assertions on messages read the English source text."""
    return f"/en{url}"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    # Uploads go to a throw-away folder, never to the project's media/.
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def communes():
    """A tiny three-level map, plus units a cooperative cannot apply from."""
    unit = AdministrativeUnit.objects.create
    province = unit(
        edition=APPLICATION_EDITION, code="08", name="Tỉnh Tuyên Quang", short_name="Tuyên Quang",
        unit_type="Tỉnh", level="province",
    )  # fmt: skip
    na_hang = unit(
        edition=APPLICATION_EDITION, code="072", name="Huyện Na Hang", short_name="Na Hang",
        unit_type="Huyện", level="district", parent=province,
    )  # fmt: skip
    son_duong = unit(
        edition=APPLICATION_EDITION, code="076", name="Huyện Sơn Dương", short_name="Sơn Dương",
        unit_type="Huyện", level="district", parent=province,
    )  # fmt: skip
    return {
        "hong_thai": unit(
            edition=APPLICATION_EDITION, code="02254", name="Xã Hồng Thái", short_name="Hồng Thái",
            unit_type="Xã", level="commune", parent=na_hang,
        ),
        "da_vi": unit(
            edition=APPLICATION_EDITION, code="02257", name="Xã Đà Vị", short_name="Đà Vị",
            unit_type="Xã", level="commune", parent=na_hang,
        ),
        "tan_trao": unit(
            edition=APPLICATION_EDITION, code="02650", name="Xã Tân Trào", short_name="Tân Trào",
            unit_type="Xã", level="commune", parent=son_duong,
        ),
        # Merged away before the application map's date.
        "van_son": unit(
            edition=APPLICATION_EDITION, code="02593", name="Xã Vân Sơn", short_name="Vân Sơn",
            unit_type="Xã", level="commune", parent=son_duong, valid_until=datetime.date(2024, 8, 31),
        ),
        # The same commune on the two-level map.
        "new_map": unit(
            edition="2025-07-01", code="02254", name="Xã Hồng Thái (2025)", short_name="Hồng Thái",
            unit_type="Xã", level="commune",
        ),
    }  # fmt: skip


def png_bytes(size=(4, 4)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 107, 58)).save(buffer, format="PNG")
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A small PNG whose header claims ``width``×``height`` pixels: what a
    decompression bomb looks like before it is decoded."""
    data = bytearray(png_bytes((1, 1)))
    # The IHDR chunk: length (4), type (4) at offset 8, then width and height.
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def application_data(unit, /, **overrides):
    """A complete, valid application as the form posts it."""
    data = {
        "account_email": "ban.quan.tri@htx-hongthai.example",
        "account_last_name": "Hoàng Văn",
        "account_first_name": "Sơn",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "legal_name": "Hợp tác xã Chè Hồng Thái",
        "registration_number": "5002000123",
        "commune": str(unit.pk),
        "address": "Thôn Nà Mụ, xã Hồng Thái",
        "phone": "0912 345 678",
        "email": "htx.hongthai@example.com",
        "representative": "Hoàng Văn Sơn",
        "founding_year": "2015",
        "member_households": "42",
        "main_products": "Chè Shan tuyết",
        "description": "<p>Chè <strong>Shan tuyết</strong> cổ thụ.</p>",
        "bank_name": "Agribank Na Hang",
        "bank_account_name": "HTX Chè Hồng Thái",
        "bank_account_number": "8800 1234 5678",
        "logo": SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png"),
        "registration_certificate": SimpleUploadedFile(
            "giay-dang-ky.pdf", PDF, content_type="application/pdf"
        ),
        "other_document_1": SimpleUploadedFile("ocop.png", png_bytes(), content_type="image/png"),
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def make_application(commune, *, registration_number="5002000999", email="htx@example.com"):
    """An application made through the service, for the review tests."""
    return services.cooperative_apply(
        account=services.ApplicantAccount(
            email=email, password=PASSWORD, first_name="Mai", last_name="Lý Thị"
        ),
        details={
            "legal_name": f"Hợp tác xã {registration_number}",
            "registration_number": registration_number,
            "commune": commune,
            "address": "Thôn Bản Va",
            "phone": "0987654321",
            "email": f"contact.{registration_number}@example.com",
            "representative": "Lý Thị Mai",
        },
        documents=[(CooperativeDocument.Kind.REGISTRATION, SimpleUploadedFile("cert.pdf", PDF))],
    )


def assert_nothing_saved(users_before):
    assert not Cooperative.objects.exists()
    assert not CooperativeDocument.objects.exists()
    assert User.objects.count() == users_before


# --- The application form ------------------------------------------------------


@pytest.mark.parametrize(("url", "language"), [(APPLY, "vi"), ("/en/cooperatives/apply/", "en")])
def test_the_application_form_is_public_in_both_languages(client, communes, url, language):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert 'enctype="multipart/form-data"' in html
    form = response.context["form"]
    for field in form:
        if field.use_fieldset:
            assert f"<legend>{escape(field.label)}" in html, field.name
        else:
            assert f'<label for="{field.id_for_label}">' in html, field.name


def test_communes_are_grouped_by_district_on_the_application_map(client, communes):
    html = client.get(APPLY).content.decode()
    na_hang = html.index('<optgroup label="Huyện Na Hang">')
    son_duong = html.index('<optgroup label="Huyện Sơn Dương">')
    # Đ sorts with D, before H, within its district.
    assert (
        na_hang < html.index("Xã Đà Vị") < html.index("Xã Hồng Thái") < son_duong < html.index("Xã Tân Trào")
    )
    assert "Vân Sơn" not in html
    assert "(2025)" not in html


def test_a_valid_application_creates_a_waiting_cooperative_its_account_and_documents(client, communes):
    tea = Category.add_root(name="Chè")
    response = client.post(APPLY, application_data(communes["hong_thai"], product_categories=[str(tea.pk)]))

    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == reverse("cooperatives:apply-thanks")
    cooperative = Cooperative.objects.get()
    assert cooperative.status == Cooperative.Status.APPLIED
    assert cooperative.commune == communes["hong_thai"]
    assert cooperative.phone == "0912345678"
    assert cooperative.founding_year == 2015
    assert list(cooperative.product_categories.all()) == [tea]
    assert cooperative.logo.name.endswith(".png")
    applicant = cooperative.applicant
    assert applicant.email == "ban.quan.tri@htx-hongthai.example"
    assert (applicant.first_name, applicant.last_name) == ("Sơn", "Hoàng Văn")
    assert applicant.check_password(PASSWORD)
    assert applicant.groups.filter(name=roles.BUYER).exists()
    assert not applicant.groups.filter(name=roles.COOPERATIVE_STAFF).exists()
    kinds = sorted(cooperative.documents.values_list("kind", flat=True))
    assert kinds == [CooperativeDocument.Kind.OTHER, CooperativeDocument.Kind.REGISTRATION]
    assert cooperative.documents.get(kind="registration").file.read() == PDF

    thanks = client.get(en(response["Location"]))
    assert thanks.status_code == 200
    assert "waiting for the province's review" in thanks.content.decode().replace("&#x27;", "'")


def test_the_english_form_sends_to_the_english_thanks_page(client, communes):
    response = client.post("/en/cooperatives/apply/", application_data(communes["da_vi"]))
    assert response.status_code == 302
    assert response["Location"] == "/en/cooperatives/apply/thanks/"


def test_a_registration_number_already_registered_is_refused_on_its_field(client, communes):
    make_application(communes["da_vi"], registration_number="5002000123")
    users_before = User.objects.count()

    response = client.post(
        en(APPLY), application_data(communes["hong_thai"], registration_number="5002000123")
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["registration_number"] == [
        "A cooperative with this registration number is already registered."
    ]
    assert User.objects.count() == users_before
    assert Cooperative.objects.count() == 1
    assert 'id="id_registration_number_error"' in response.content.decode()


def test_an_e_mail_address_with_an_account_is_refused(client, communes):
    User.objects.create_user(username="someone", email="Ban.Quan.Tri@HTX-hongthai.example", password="x")
    users_before = User.objects.count()

    response = client.post(en(APPLY), application_data(communes["hong_thai"]))

    assert response.status_code == 200
    assert response.context["form"].errors["account_email"] == [
        "An account with this e-mail address already exists."
    ]
    assert_nothing_saved(users_before)


def test_errors_from_the_service_are_shown_on_the_form_not_as_a_500(client, communes, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError({"email": ["Taken meanwhile."], "legal_name": ["Too odd."], "slug": ["Clash."]})

    monkeypatch.setattr(services, "cooperative_apply", refuse)
    response = client.post(APPLY, application_data(communes["hong_thai"]))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["account_email"] == ["Taken meanwhile."]
    assert errors["legal_name"] == ["Too odd."]
    assert errors["__all__"] == ["Clash."]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("+84.912.345.678", "+84912345678"),
    ],
)
def test_vietnamese_phone_numbers_are_accepted_without_separators(typed, stored):
    assert normalise_vietnamese_phone(typed) == stored


@pytest.mark.parametrize(
    "typed", ["912345678", "09123456789", "091234567", "+8491234567", "+849123456789", "0912-345-678", "abc"]
)
def test_other_phone_numbers_are_refused(typed):
    with pytest.raises(ValidationError):
        normalise_vietnamese_phone(typed)


def test_a_bad_phone_number_is_shown_on_its_field(client, communes):
    users_before = User.objects.count()
    response = client.post(APPLY, application_data(communes["hong_thai"], phone="12345"))
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert_nothing_saved(users_before)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password1": "123", "password2": "123"}, "password1"),
        ({"password1": "password", "password2": "password"}, "password1"),
        ({"password2": "something-else-2025"}, "password2"),
        ({"founding_year": "1949"}, "founding_year"),
        ({"founding_year": str(datetime.date.today().year + 1)}, "founding_year"),
        ({"commune": None}, "commune"),
        ({"registration_certificate": None}, "registration_certificate"),
    ],
)
def test_invalid_fields_are_refused_and_nothing_is_saved(client, communes, overrides, field):
    users_before = User.objects.count()
    response = client.post(APPLY, application_data(communes["hong_thai"], **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert_nothing_saved(users_before)


def test_a_commune_of_another_map_is_refused(client, communes):
    response = client.post(APPLY, application_data(communes["new_map"]))
    assert "commune" in response.context["form"].errors


def test_password_validators_explain_what_is_wrong(client, communes):
    response = client.post(
        en(APPLY), application_data(communes["hong_thai"], password1="123", password2="123")
    )
    messages = response.context["form"].errors["password1"]
    assert any("too short" in message for message in messages)
    assert any("entirely numeric" in message for message in messages), messages


@pytest.mark.parametrize(
    ("field", "upload"),
    [
        ("logo", SimpleUploadedFile("logo.png", b"not an image at all", content_type="image/png")),
        ("logo", SimpleUploadedFile("bomb.png", png_declaring(20_000, 20_000), content_type="image/png")),
        ("registration_certificate", SimpleUploadedFile("cert.pdf", b"<html>not a pdf</html>")),
        ("other_document_2", SimpleUploadedFile("bomb.png", png_declaring(20_000, 20_000))),
    ],
    ids=["text-as-logo", "bomb-as-logo", "html-as-certificate", "bomb-as-document"],
)
def test_files_are_checked_by_content_and_nothing_is_saved(client, communes, field, upload):
    users_before = User.objects.count()
    response = client.post(en(APPLY), application_data(communes["hong_thai"], **{field: upload}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert_nothing_saved(users_before)
    assert "choose your files again" in response.content.decode()


def test_a_large_image_is_refused_before_it_is_decoded(client, communes):
    # 100 megapixels that compress to a few kilobytes.
    buffer = io.BytesIO()
    Image.new("L", (10_000, 10_000)).save(buffer, format="PNG")
    logo = SimpleUploadedFile("huge.png", buffer.getvalue(), content_type="image/png")
    users_before = User.objects.count()

    response = client.post(APPLY, application_data(communes["hong_thai"], logo=logo))

    assert response.context["form"].errors["logo"]
    assert_nothing_saved(users_before)


def test_scripts_in_the_description_are_not_stored(client, communes):
    description = (
        '<p onclick="steal()">Chè <script>alert(1)</script><strong>ngon</strong></p>'
        "<img src=x onerror=alert(2)>"
    )
    response = client.post(APPLY, application_data(communes["hong_thai"], description=description))
    assert response.status_code == 302
    stored = Cooperative.objects.get().description
    assert "<script" not in stored
    assert "onclick" not in stored
    assert "onerror" not in stored
    assert "<strong>ngon</strong>" in stored


def test_a_logged_in_visitor_is_asked_to_log_out_and_cannot_apply(client, communes):
    client.force_login(user_with_role(roles.BUYER))
    page = client.get(APPLY)
    assert page.status_code == 200
    assert "form" not in page.context
    assert reverse("customer:logout") in page.content.decode()

    response = client.post(APPLY, application_data(communes["hong_thai"]))
    assert response.status_code == 200
    assert not Cooperative.objects.exists()


# --- The province's review -----------------------------------------------------


def user_of(role):
    if role == roles.COOPERATIVE_STAFF:
        return cooperative_staff_user()
    return user_with_role(role)


REVIEWERS = {roles.PROVINCE_OFFICER, roles.PLATFORM_ADMIN}


@pytest.fixture
def application(communes):
    return make_application(communes["hong_thai"])


@pytest.fixture
def officer(client):
    user = user_with_role(roles.PROVINCE_OFFICER)
    client.force_login(user)
    return user


def review_urls(cooperative):
    return {
        "list": reverse("cooperatives:review-list"),
        "detail": reverse("cooperatives:review-detail", kwargs={"pk": cooperative.pk}),
        "document": reverse("cooperatives:review-document", kwargs={"pk": cooperative.documents.get().pk}),
    }


@pytest.mark.parametrize("page", ["list", "detail", "document"])
@pytest.mark.parametrize("role", list(roles.ROLE_LABELS))
def test_review_pages_open_only_to_province_officers_and_admins(client, application, role, page):
    client.force_login(user_of(role))
    response = client.get(review_urls(application)[page])
    assert response.status_code == (200 if role in REVIEWERS else 403)


@pytest.mark.parametrize("page", ["list", "detail", "document"])
def test_anonymous_visitors_are_sent_to_log_in_from_review_pages(client, application, page):
    url = review_urls(application)[page]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("customer:login"))
    assert "next=" in response["Location"]


def test_the_list_shows_waiting_applications_first_and_filters_by_status(client, communes, officer):
    older = make_application(communes["hong_thai"], registration_number="A-1", email="a@example.com")
    approved = make_application(communes["tan_trao"], registration_number="A-2", email="b@example.com")
    newer = make_application(communes["da_vi"], registration_number="A-3", email="c@example.com")
    services.cooperative_approve(cooperative=approved, approved_by=officer)

    response = client.get(reverse("cooperatives:review-list"))
    assert list(response.context["applications"]) == [older, newer, approved]
    html = response.content.decode()
    assert "Xã Hồng Thái, Huyện Na Hang" in html
    assert response["Cache-Control"].startswith("max-age=0")

    filtered = client.get(reverse("cooperatives:review-list"), {"status": "approved"})
    assert list(filtered.context["applications"]) == [approved]
    unknown = client.get(reverse("cooperatives:review-list"), {"status": "nonsense"})
    assert len(unknown.context["applications"]) == 3


def test_the_detail_shows_the_application_and_links_documents_privately(client, application, officer):
    response = client.get(reverse("cooperatives:review-detail", kwargs={"pk": application.pk}))
    html = response.content.decode()
    assert application.registration_number in html
    assert application.applicant.email in html
    document = application.documents.get()
    assert reverse("cooperatives:review-document", kwargs={"pk": document.pk}) in html
    assert document.file.url not in html
    assert reverse("cooperatives:review-approve", kwargs={"pk": application.pk}) in html
    assert reverse("cooperatives:review-reject", kwargs={"pk": application.pk}) in html
    assert reverse("cooperatives:review-suspend", kwargs={"pk": application.pk}) not in html


def approve(client, cooperative, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("cooperatives:review-approve", kwargs={"pk": cooperative.pk}), follow=True)


def test_approving_opens_the_shop_and_tells_the_cooperative(
    client, application, officer, django_capture_on_commit_callbacks
):
    response = approve(client, application, django_capture_on_commit_callbacks)

    assert response.redirect_chain[-1][0] == reverse(
        "cooperatives:review-detail", kwargs={"pk": application.pk}
    )
    application.refresh_from_db()
    assert application.status == Cooperative.Status.APPROVED
    assert application.approved_by == officer
    assert application.approved_at is not None
    assert application.partner is not None
    assert list(application.partner.users.all()) == [application.applicant]
    assert application.applicant.groups.filter(name=roles.COOPERATIVE_STAFF).exists()
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {application.email, application.applicant.email}
    assert [str(message) for message in response.context["messages"]]


def test_approving_twice_creates_one_partner_and_one_e_mail(
    client, application, officer, django_capture_on_commit_callbacks
):
    approve(client, application, django_capture_on_commit_callbacks)
    response = approve(client, application, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert Partner.objects.filter(cooperative=application).count() == 1
    assert Partner.objects.count() == 1
    assert len(mail.outbox) == 1


def test_rejecting_needs_a_reason(client, application, officer, django_capture_on_commit_callbacks):
    url = reverse("cooperatives:review-reject", kwargs={"pk": application.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reject-reason": "   "})

    assert response.status_code == 200
    assert response.context["rejection_form"].errors["reason"]
    assert 'id="id_reject-reason_error"' in response.content.decode()
    application.refresh_from_db()
    assert application.status == Cooperative.Status.APPLIED
    assert mail.outbox == []


def test_rejecting_tells_the_cooperative_the_reason(
    client, application, officer, django_capture_on_commit_callbacks
):
    url = reverse("cooperatives:review-reject", kwargs={"pk": application.pk})
    reason = "Giấy chứng nhận đăng ký không đọc được."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reject-reason": reason})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Cooperative.Status.REJECTED
    assert application.rejection_reason == reason
    assert len(mail.outbox) == 1
    assert reason in mail.outbox[0].body


def test_a_decision_the_service_refuses_is_reported_not_a_500(client, application, officer):
    services.cooperative_reject(cooperative=application, rejected_by=officer, reason="Thiếu giấy tờ.")
    response = client.post(
        en(reverse("cooperatives:review-approve", kwargs={"pk": application.pk})), follow=True
    )

    assert response.status_code == 200
    assert any("cannot be approved" in str(message) for message in response.context["messages"])
    application.refresh_from_db()
    assert application.status == Cooperative.Status.REJECTED
    assert not Partner.objects.exists()


def test_suspending_takes_the_dashboard_away_until_approved_again(
    client, application, officer, django_capture_on_commit_callbacks
):
    approve(client, application, django_capture_on_commit_callbacks)
    url = reverse("cooperatives:review-suspend", kwargs={"pk": application.pk})

    assert client.post(url, {"suspend-reason": ""}).status_code == 200
    application.refresh_from_db()
    assert application.status == Cooperative.Status.APPROVED

    assert client.post(url, {"suspend-reason": "Bán hàng không rõ nguồn gốc."}).status_code == 302
    application.refresh_from_db()
    assert application.status == Cooperative.Status.SUSPENDED
    assert not application.applicant.groups.filter(name=roles.COOPERATIVE_STAFF).exists()

    approve(client, application, django_capture_on_commit_callbacks)
    application.refresh_from_db()
    assert application.status == Cooperative.Status.APPROVED
    assert application.applicant.groups.filter(name=Group.objects.get(name=roles.COOPERATIVE_STAFF)).exists()


@pytest.mark.parametrize("action", ["review-approve", "review-reject", "review-suspend"])
def test_decisions_are_post_only(client, application, officer, action):
    response = client.get(reverse(f"cooperatives:{action}", kwargs={"pk": application.pk}))
    assert response.status_code == 405
    application.refresh_from_db()
    assert application.status == Cooperative.Status.APPLIED


@pytest.mark.parametrize("role", [roles.BUYER, roles.COOPERATIVE_STAFF, roles.TOURISM_OFFICER])
def test_other_roles_cannot_decide(client, application, role):
    client.force_login(user_of(role))
    response = client.post(reverse("cooperatives:review-approve", kwargs={"pk": application.pk}))
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == Cooperative.Status.APPLIED


def test_a_document_is_served_to_reviewers_as_an_attachment_typed_by_content(client, application, officer):
    document = application.documents.get()
    response = client.get(reverse("cooperatives:review-document", kwargs={"pk": document.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_an_image_document_is_served_as_its_image_type(client, application, officer):
    document = CooperativeDocument.objects.create(
        cooperative=application,
        kind=CooperativeDocument.Kind.OTHER,
        file=SimpleUploadedFile("scan.pdf", png_bytes()),  # the name lies; the content decides
    )
    response = client.get(reverse("cooperatives:review-document", kwargs={"pk": document.pk}))
    assert response["Content-Type"] == "image/png"
    response.close()


def test_a_missing_document_is_a_404(client, application, officer):
    assert client.get(reverse("cooperatives:review-document", kwargs={"pk": 999_999})).status_code == 404


def test_the_detail_of_a_cooperative_approved_by_nobody_known_still_shows(client, application, officer):
    # Demo and imported cooperatives are approved without an officer, and an
    # officer's account may be deleted later.
    services.cooperative_approve(cooperative=application, approved_by=None)
    response = client.get(reverse("cooperatives:review-detail", kwargs={"pk": application.pk}))
    assert response.status_code == 200
    assert reverse("cooperatives:review-suspend", kwargs={"pk": application.pk}) in response.content.decode()
