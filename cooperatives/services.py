"""Changes to cooperatives' data. Views, tasks and commands call these."""

import datetime
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace import roles
from marketplace.audit import services as audit
from marketplace.sanitize import sanitize_rich_text
from marketplace.services import task_enqueue_on_commit

from .administrative_data import UnitRecord
from .models import (
    AdministrativeUnit,
    Certification,
    CertificationReminder,
    Cooperative,
    CooperativeDocument,
    LinkageModel,
    RawMaterialArea,
)

_UNIT_FIELDS = ("name", "short_name", "name_en", "unit_type", "level", "valid_from", "valid_until", "note")


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def administrative_units_load(
    *,
    records: Iterable[UnitRecord],
    edition: str,
    predecessor_edition: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Create or update the units of one edition from ``records`` (parents
    first). Running it again with the same records changes nothing. Units are
    linked to the ones they were formed from when those are in
    ``predecessor_edition``. All or nothing: a failure leaves the database as
    it was."""
    result = LoadResult()
    with transaction.atomic():
        existing = {unit.code: unit for unit in AdministrativeUnit.objects.filter(edition=edition)}
        loaded: dict[str, AdministrativeUnit] = {}
        for record in records:
            parent = loaded.get(record.parent_code) if record.parent_code else None
            if record.parent_code and parent is None:
                parent = existing.get(record.parent_code)
            values = {name: getattr(record, name) for name in _UNIT_FIELDS}
            unit = existing.get(record.code)
            if unit is None:
                unit = AdministrativeUnit(edition=edition, code=record.code, parent=parent, **values)
                unit.full_clean()
                unit.save()
                result.created += 1
            elif unit.parent_id != (parent.pk if parent else None) or any(
                getattr(unit, name) != value for name, value in values.items()
            ):
                for name, value in values.items():
                    setattr(unit, name, value)
                unit.parent = parent
                unit.full_clean()
                unit.save()
                result.updated += 1
            else:
                result.unchanged += 1
            loaded[record.code] = unit
            if on_progress:
                on_progress(1)

        if predecessor_edition:
            older = {
                unit.code: unit for unit in AdministrativeUnit.objects.filter(edition=predecessor_edition)
            }
            for record in records:
                wanted = {older[code].pk for code in record.predecessor_codes if code in older}
                unit = loaded[record.code]
                if wanted != set(unit.predecessors.values_list("pk", flat=True)):
                    unit.predecessors.set(wanted)
    return result


# --- Cooperatives -------------------------------------------------------------


# Paths under /cooperatives/ that a profile's slug must not take.
RESERVED_SLUGS = {"apply", "review"}


def _unique_slug(name: str, *, exclude_pk=None) -> str:
    base = slugify(unidecode_vietnamese(name))[:100] or "hop-tac-xa"
    if base in RESERVED_SLUGS:
        base = f"{base}-htx"
    slug, number = base, 2
    while Cooperative.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def unidecode_vietnamese(text: str) -> str:
    """Vietnamese without diacritics (đ → d), for slugs and folded search."""
    text = unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


@dataclass
class ApplicantAccount:
    email: str
    password: str
    first_name: str = ""
    last_name: str = ""


def cooperative_apply(
    *,
    account: ApplicantAccount,
    details: dict,
    product_categories: Iterable = (),
    documents: Iterable = (),
) -> Cooperative:
    """A new user account and its cooperative's application, with the papers
    sent along. Nothing is saved unless all of it is."""
    User = get_user_model()
    with transaction.atomic():
        if User.objects.filter(email__iexact=account.email).exists():
            raise ValidationError({"email": _("An account with this e-mail address already exists.")})
        user = User(
            username=_unique_username(account.email),
            email=account.email,
            first_name=account.first_name,
            last_name=account.last_name,
        )
        user.set_password(account.password)
        user.full_clean()
        user.save()
        user.groups.add(Group.objects.get(name=roles.BUYER))

        cooperative = Cooperative(**details)
        cooperative.description = sanitize_rich_text(cooperative.description)
        cooperative.slug = _unique_slug(cooperative.legal_name)
        cooperative.status = Cooperative.Status.APPLIED
        cooperative.applicant = user
        cooperative.full_clean()
        cooperative.save()
        cooperative.product_categories.set(product_categories)
        for kind, upload in documents:
            document = CooperativeDocument(cooperative=cooperative, kind=kind, file=upload)
            document.full_clean()
            document.save()
    return cooperative


def _unique_username(email: str) -> str:
    base = email.split("@")[0][:100] or "user"
    username, number = base, 2
    User = get_user_model()
    while User.objects.filter(username=username).exists():
        username, number = f"{base}{number}", number + 1
    return username


def cooperative_approve(*, cooperative: Cooperative, approved_by) -> Cooperative:
    """Approve an application (or reinstate a suspended cooperative): its
    shop partner is created, the applicant becomes its staff, and the
    cooperative is told by e-mail. Approving twice changes nothing."""
    from .tasks import cooperative_decision_email_task

    Partner = get_model("partner", "Partner")
    with transaction.atomic():
        cooperative = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        if cooperative.status == Cooperative.Status.APPROVED:
            return cooperative
        previous_status = cooperative.status
        if cooperative.status == Cooperative.Status.REJECTED:
            raise ValidationError(
                _("A rejected application cannot be approved; the cooperative applies again.")
            )
        if cooperative.partner is None:
            cooperative.partner = Partner.objects.create(name=cooperative.legal_name[:128])
        staff_group = Group.objects.get(name=roles.COOPERATIVE_STAFF)
        staff = list(cooperative.partner.users.all())
        if cooperative.applicant and cooperative.applicant not in staff:
            cooperative.partner.users.add(cooperative.applicant)
            staff.append(cooperative.applicant)
        for user in staff:
            user.groups.add(staff_group)
        cooperative.status = Cooperative.Status.APPROVED
        cooperative.rejection_reason = ""
        cooperative.approved_by = approved_by
        cooperative.approved_at = timezone.now()
        cooperative.full_clean()
        cooperative.save()
        audit.record(
            action=audit.Action.COOPERATIVE_APPROVED, actor=approved_by, subject=cooperative,
            changes={"status": [previous_status, cooperative.status]},
        )  # fmt: skip
        task_enqueue_on_commit(cooperative_decision_email_task, cooperative.pk)
    return cooperative


def _decision_with_reason(
    *, cooperative, required_status, new_status, reason, missing_reason, wrong_status, by, audit_action
):
    """Move a cooperative from ``required_status`` to ``new_status`` for a
    stated reason, and e-mail it the decision once committed. Call inside a
    transaction."""
    from .tasks import cooperative_decision_email_task

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"rejection_reason": missing_reason})
    cooperative = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
    if cooperative.status != required_status:
        raise ValidationError(wrong_status)
    previous_reason = cooperative.rejection_reason
    cooperative.status = new_status
    cooperative.rejection_reason = reason
    cooperative.full_clean()
    cooperative.save()
    audit.record(
        action=audit_action, actor=by, subject=cooperative,
        changes={"status": [required_status, new_status], "rejection_reason": [previous_reason, reason]},
    )  # fmt: skip
    task_enqueue_on_commit(cooperative_decision_email_task, cooperative.pk)
    return cooperative


def cooperative_reject(*, cooperative: Cooperative, rejected_by, reason: str) -> Cooperative:
    """Turn an application down, with the reason the cooperative is e-mailed."""
    with transaction.atomic():
        return _decision_with_reason(
            cooperative=cooperative,
            required_status=Cooperative.Status.APPLIED,
            new_status=Cooperative.Status.REJECTED,
            reason=reason,
            missing_reason=_("Give the reason for the rejection."),
            wrong_status=_("Only an application that is waiting can be rejected."),
            by=rejected_by,
            audit_action=audit.Action.COOPERATIVE_REJECTED,
        )


def cooperative_suspend(*, cooperative: Cooperative, suspended_by, reason: str) -> Cooperative:
    """Stop an approved cooperative from selling: its staff lose the dashboard
    until it is approved again, and the cooperative is told why by e-mail."""
    with transaction.atomic():
        cooperative = _decision_with_reason(
            cooperative=cooperative,
            required_status=Cooperative.Status.APPROVED,
            new_status=Cooperative.Status.SUSPENDED,
            reason=reason,
            missing_reason=_("Give the reason for the suspension."),
            wrong_status=_("Only an approved cooperative can be suspended."),
            by=suspended_by,
            audit_action=audit.Action.COOPERATIVE_SUSPENDED,
        )
        if cooperative.partner:
            staff_group = Group.objects.get(name=roles.COOPERATIVE_STAFF)
            for user in cooperative.partner.users.all():
                # A user may serve another, still approved cooperative.
                if not Cooperative.objects.approved().filter(partner__users=user).exists():
                    user.groups.remove(staff_group)
    return cooperative


def cooperative_profile_update(
    *, cooperative: Cooperative, data: dict, product_categories=None
) -> Cooperative:
    """Save the cooperative's own changes to its profile (never its status)."""
    editable = {
        "legal_name", "commune", "address", "phone", "email", "representative", "founding_year",
        "member_households", "main_products", "description", "logo", "bank_name", "bank_account_name",
        "bank_account_number",
    }  # fmt: skip
    with transaction.atomic():
        for name, value in data.items():
            if name not in editable:
                raise ValidationError(f"{name} cannot be changed here")
            setattr(cooperative, name, value)
        cooperative.description = sanitize_rich_text(cooperative.description)
        cooperative.full_clean()
        cooperative.save()
        if product_categories is not None:
            cooperative.product_categories.set(product_categories)
    return cooperative


def cooperative_notify_decision(*, cooperative: Cooperative) -> None:
    """E-mail the cooperative the province's decision, in Vietnamese."""
    recipients = sorted(
        {cooperative.email} | ({cooperative.applicant.email} if cooperative.applicant else set())
    )
    with translation.override("vi"):
        context = {"cooperative": cooperative, "site_url": settings.WAGTAILADMIN_BASE_URL}
        subject = render_to_string("cooperatives/email/decision_subject.txt", context).strip()
        body = render_to_string("cooperatives/email/decision_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


# --- Raw-material areas, certifications, linkage models ----------------------


def _save(instance):
    with transaction.atomic():
        instance.full_clean()
        instance.save()
    return instance


def raw_material_area_save(*, area: RawMaterialArea) -> RawMaterialArea:
    return _save(area)


def certification_save(*, certification: Certification) -> Certification:
    """Record a certificate; one already expired is refused (it would never
    show as valid, so it is almost always a typing mistake)."""
    if certification.valid_until and certification.valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("This certificate has already expired.")})
    return _save(certification)


def linkage_model_save(*, linkage_model: LinkageModel, cooperatives, raw_material_areas) -> LinkageModel:
    cooperative_ids = {c.pk for c in cooperatives}
    if not cooperative_ids:
        raise ValidationError(_("A linkage model has at least one cooperative."))
    if any(area.cooperative_id not in cooperative_ids for area in raw_material_areas):
        raise ValidationError(_("Only areas of the linked cooperatives can be part of the model."))
    with transaction.atomic():
        _save(linkage_model)
        linkage_model.cooperatives.set(cooperatives)
        linkage_model.raw_material_areas.set(raw_material_areas)
    return linkage_model


REMINDER_DAYS = (60, 14)


def certification_send_expiry_reminders(*, today: datetime.date | None = None) -> int:
    """E-mail each cooperative 60 and 14 days before a certificate of theirs
    expires. Each reminder goes once, however often this runs; a missed day
    is caught up (a certificate 13 days from expiry that never had its
    14-day reminder gets it). Returns how many e-mails were sent."""
    today = today or timezone.localdate()
    sent = 0
    for days in sorted(REMINDER_DAYS):
        due = (
            Certification.objects.valid(today)
            .filter(valid_until__lte=today + datetime.timedelta(days=days))
            .exclude(reminders__days_before__lte=days)
            .select_related("raw_material_area__cooperative")
        )
        for certification in due:
            with transaction.atomic():
                _reminder, created = CertificationReminder.objects.get_or_create(
                    certification=certification, days_before=days
                )
                if not created:
                    continue
                cooperative = certification.raw_material_area.cooperative
                with translation.override("vi"):
                    context = {
                        "certification": certification,
                        "cooperative": cooperative,
                        "days_left": (certification.valid_until - today).days,
                    }
                    subject = render_to_string("cooperatives/email/expiry_subject.txt", context).strip()
                    body = render_to_string("cooperatives/email/expiry_body.txt", context)
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [cooperative.email])
                sent += 1
    return sent
