from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import validate_digital_tools, validate_geojson_polygon


class AdministrativeUnit(models.Model):
    """A unit of Vietnam's administrative tree: a province, a district or a
    commune-level unit (xã, phường, thị trấn).

    The tree is data, not code: units come from a file, any number of levels
    may sit between a province and its communes (none since the 2025-07-01
    reform), and unit codes are only unique within one *edition* of the map,
    because the reform reused old codes for new units.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District")
        COMMUNE = "commune", _("Commune")

    edition = models.CharField(
        _("edition"),
        max_length=32,
        help_text=_("The administrative map this unit belongs to, named by its date."),
    )
    code = models.CharField(_("code"), max_length=10, help_text=_("Official (GSO) code."))
    name = models.CharField(_("name"), max_length=128)
    short_name = models.CharField(_("short name"), max_length=128)
    name_en = models.CharField(_("English name"), max_length=128, blank=True)
    unit_type = models.CharField(
        _("unit type"), max_length=32, help_text=_("As the law names it: Tỉnh, Huyện, Xã, Phường…")
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("formed from"),
        symmetrical=False,
        blank=True,
        related_name="successors",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["edition", "code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="unique_unit_code_per_edition"),
        ]
        indexes = [models.Index(fields=["edition", "level"])]

    def __str__(self):
        return self.name

    def descendant_ids(self, *, include_self=False) -> list[int]:
        """Ids of every unit below this one, at any depth (the depth of the
        tree is data: one query per level)."""
        found, frontier = ([self.pk] if include_self else []), [self.pk]
        while frontier:
            frontier = list(
                AdministrativeUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            found.extend(frontier)
        return found


def _cooperative_upload_path(instance, filename):
    return f"cooperatives/{instance.registration_number or 'new'}/{filename}"


def private_storage():
    """Where application papers go: never under the public MEDIA_ROOT."""
    return storages["private"]


def _document_upload_path(instance, filename):
    return f"cooperatives/documents/{instance.cooperative_id}/{filename}"


class CooperativeQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Cooperative.Status.APPROVED)

    def in_unit(self, unit):
        """Cooperatives whose commune lies anywhere below ``unit`` (or is it)."""
        return self.filter(commune__in=unit.descendant_ids(include_self=True))


class Cooperative(models.Model):
    """A hợp tác xã that sells on the marketplace.

    It applies through the public form; once a province officer approves it,
    it is backed by exactly one Oscar ``Partner`` whose users are its staff.
    """

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    legal_name = models.CharField(_("legal name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    registration_number = models.CharField(
        _("registration number"),
        max_length=32,
        unique=True,
        help_text=_("Number on the cooperative's registration certificate."),
        error_messages={"unique": _("A cooperative with this registration number is already registered.")},
    )
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="cooperatives",
        limit_choices_to={"level": AdministrativeUnit.Level.COMMUNE},
    )
    address = models.CharField(_("address"), max_length=255)
    phone = models.CharField(_("phone"), max_length=20)
    email = models.EmailField(_("e-mail"))
    representative = models.CharField(_("representative"), max_length=120)
    founding_year = models.PositiveSmallIntegerField(_("founding year"), null=True, blank=True)
    member_households = models.PositiveIntegerField(_("member households"), null=True, blank=True)
    main_products = models.CharField(_("main products"), max_length=255, blank=True)
    product_categories = models.ManyToManyField(
        "catalogue.Category", verbose_name=_("product categories"), blank=True, related_name="cooperatives"
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Sanitised HTML."))
    logo = models.ImageField(_("logo"), upload_to=_cooperative_upload_path, blank=True)
    bank_name = models.CharField(_("bank"), max_length=120, blank=True)
    bank_account_name = models.CharField(_("account holder"), max_length=200, blank=True)
    bank_account_number = models.CharField(_("account number"), max_length=32, blank=True)

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.APPLIED)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cooperative_applications",
    )
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    partner = models.OneToOneField(
        "partner.Partner",
        verbose_name=_("shop partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cooperative",
    )
    # Demo and imported data may come from weak sources; pages say so.
    source_url = models.URLField(_("source"), blank=True)
    facts_verified = models.BooleanField(_("facts verified"), default=True)

    objects = CooperativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperatives")
        ordering = ["legal_name"]
        permissions = [("review_cooperative", _("Can review cooperative applications"))]
        indexes = [models.Index(fields=["status", "commune"])]

    def __str__(self):
        return self.legal_name

    def save(self, *args, **kwargs):
        # Every change of status is kept, whoever saves it (a service, the
        # admin, a fixture), so a report on a past period knows which
        # cooperatives were approved then.
        changed = self.status != getattr(self, "_status_saved", None)
        super().save(*args, **kwargs)
        if changed:
            at = (
                self.approved_at
                if self.status == self.Status.APPROVED and self.approved_at
                else timezone.now()
            )
            CooperativeStatusChange.objects.create(cooperative=self, status=self.status, at=at)
            self._status_saved = self.status

    def get_absolute_url(self):
        return reverse("cooperatives:detail", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._status_saved = instance.__dict__.get("status")
        return instance

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED


class CooperativeStatusChange(models.Model):
    """A cooperative's status from ``at`` on, until its next change."""

    cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("cooperative"), on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(_("status"), max_length=16, choices=Cooperative.Status.choices)
    at = models.DateTimeField(_("from"), db_index=True)

    class Meta:
        verbose_name = _("cooperative status change")
        verbose_name_plural = _("cooperative status changes")
        ordering = ["cooperative", "at", "pk"]
        indexes = [models.Index(fields=["cooperative", "-at"], name="cooperative_status_at")]

    def __str__(self):
        return f"{self.cooperative_id} {self.status} {self.at:%Y-%m-%d}"


class CooperativeDocument(models.Model):
    """A paper sent with an application (registration certificate…), kept for
    the province's review; never public."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("Registration certificate")
        OTHER = "other", _("Other document")

    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.REGISTRATION)
    file = models.FileField(_("file"), upload_to=_document_upload_path, storage=private_storage)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cooperative document")
        verbose_name_plural = _("cooperative documents")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.cooperative_id})"


class RawMaterialArea(models.Model):
    """A vùng nguyên liệu: the fields or forest where a cooperative's raw
    material grows, the "where" of a product's origin."""

    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("cooperative"),
        on_delete=models.CASCADE,
        related_name="raw_material_areas",
    )
    name = models.CharField(_("name"), max_length=200)
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="raw_material_areas",
        limit_choices_to={"level": AdministrativeUnit.Level.COMMUNE},
    )
    area_hectares = models.DecimalField(
        _("area (ha)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    boundary = models.JSONField(
        _("boundary (GeoJSON)"), null=True, blank=True, validators=[validate_geojson_polygon]
    )
    main_crop = models.CharField(_("main crop"), max_length=120)

    class Meta:
        verbose_name = _("raw-material area")
        verbose_name_plural = _("raw-material areas")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))


class CertificationQuerySet(models.QuerySet):
    def valid(self, on=None):
        """Certifications in force on ``on`` (today by default): expired ones
        never count as valid anywhere."""
        on = on or timezone.localdate()
        return self.filter(valid_from__lte=on, valid_until__gte=on)


class Certification(models.Model):
    """A certificate held for a raw-material area (VietGAP, organic…), with its
    validity; the cooperative is reminded before it expires."""

    class Scheme(models.TextChoices):
        VIETGAP = "vietgap", "VietGAP"
        ORGANIC = "organic", _("Organic")
        GLOBALGAP = "globalgap", "GlobalG.A.P."
        OTHER = "other", _("Other")

    raw_material_area = models.ForeignKey(
        RawMaterialArea,
        verbose_name=_("raw-material area"),
        on_delete=models.CASCADE,
        related_name="certifications",
    )
    scheme = models.CharField(_("scheme"), max_length=16, choices=Scheme.choices)
    scheme_name = models.CharField(
        _("scheme name"), max_length=120, blank=True, help_text=_("For other schemes.")
    )
    certificate_number = models.CharField(_("certificate number"), max_length=64)
    issuer = models.CharField(_("issuer"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))

    objects = CertificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["-valid_until"]

    def __str__(self):
        return f"{self.display_scheme} {self.certificate_number}"

    @property
    def display_scheme(self):
        return (
            self.scheme_name
            if self.scheme == self.Scheme.OTHER and self.scheme_name
            else self.get_scheme_display()
        )

    def is_valid(self, on=None):
        on = on or timezone.localdate()
        return self.valid_from <= on <= self.valid_until

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The certificate cannot end before it starts.")})
        if self.scheme == self.Scheme.OTHER and not self.scheme_name:
            raise ValidationError({"scheme_name": _("Name the scheme.")})


class CertificationReminder(models.Model):
    """One expiry reminder sent, so the daily task never sends it twice."""

    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "days_before"], name="one_reminder_per_threshold"
            )
        ]

    def __str__(self):
        return f"{self.certification} – {self.days_before}"


class LinkageModelQuerySet(models.QuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(signed_on__lte=on).filter(
            models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=on)
        )


class LinkageModel(models.Model):
    """A mô hình liên kết sản xuất gắn với tiêu thụ: cooperatives producing
    for a buying or processing enterprise under a signed agreement.

    Plan 215 counts those that apply digital technology: the platform
    measures it from its own data (see ``selectors.linkage_model_digital_evidence``);
    the tools the partners declare are kept apart so reports can show both.
    """

    class DigitalTool(models.TextChoices):
        FARM_DIARY = "farm_diary", _("Farm diary app")
        ECOMMERCE = "ecommerce", _("E-commerce platform")
        TRACEABILITY = "traceability", _("Traceability (QR) system")
        SENSORS = "sensors", _("Sensors or automatic irrigation")
        ERP = "erp", _("Management or accounting software")
        OTHER = "other", _("Other")

    cooperatives = models.ManyToManyField(
        Cooperative, verbose_name=_("cooperatives"), related_name="linkage_models"
    )
    enterprise_name = models.CharField(_("buying or processing enterprise"), max_length=200)
    product_category = models.ForeignKey(
        "catalogue.Category",
        verbose_name=_("product category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    product_description = models.CharField(_("product"), max_length=200)
    raw_material_areas = models.ManyToManyField(
        RawMaterialArea, verbose_name=_("raw-material areas"), blank=True, related_name="linkage_models"
    )
    signed_on = models.DateField(_("signed on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    volume_agreed = models.DecimalField(
        _("volume agreed"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    volume_unit = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("tonnes, kg, boxes…"))
    declared_digital_tools = models.JSONField(
        _("declared digital tools"), default=list, blank=True, validators=[validate_digital_tools]
    )

    objects = LinkageModelQuerySet.as_manager()

    class Meta:
        verbose_name = _("linkage model")
        verbose_name_plural = _("linkage models")
        ordering = ["-signed_on"]

    def __str__(self):
        return f"{self.product_description} – {self.enterprise_name}"

    def clean(self):
        if self.signed_on and self.expires_on and self.expires_on < self.signed_on:
            raise ValidationError({"expires_on": _("The agreement cannot expire before it is signed.")})

    def is_active(self, on=None):
        on = on or timezone.localdate()
        return self.signed_on <= on and (self.expires_on is None or self.expires_on >= on)


class PilotProgramme(models.Model):
    """A commune the province runs as a pilot of Plan 215: an e-commerce
    commune, or a smart commune in its strongest field."""

    class Kind(models.TextChoices):
        ECOMMERCE_COMMUNE = "ecommerce", _("E-commerce commune")
        SMART_COMMUNE = "smart", _("Smart commune")

    class Field(models.TextChoices):
        ECONOMY = "economy", _("Economy")
        RURAL_TOURISM = "rural_tourism", _("Rural tourism")
        ENVIRONMENT = "environment", _("Environment")
        CULTURE = "culture", _("Culture")
        EDUCATION = "education", _("Education")
        HEALTH = "health", _("Health")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        STOPPED = "stopped", _("Stopped")

    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="pilot_programmes",
        limit_choices_to={"level": AdministrativeUnit.Level.COMMUNE},
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    field = models.CharField(_("field"), max_length=16, choices=Field.choices, blank=True)
    started_on = models.DateField(_("started on"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("pilot programme")
        verbose_name_plural = _("pilot programmes")
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "kind", "started_on"], name="one_pilot_per_kind_and_start"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.commune}"

    def clean(self):
        if self.kind == self.Kind.SMART_COMMUNE and not self.field:
            raise ValidationError({"field": _("A smart-commune pilot names its field.")})
