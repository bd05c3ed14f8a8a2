import datetime
import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractProduct

from .validators import validate_gtin, validate_season_months


class Product(AbstractProduct):
    """Oscar's product with its origin: where it grows, under which OCOP
    rating, and how it is sold and kept. The cooperative is the partner of
    its stock record."""

    class OcopRating(models.IntegerChoices):
        NONE = 0, _("Not rated")
        THREE_STARS = 3, _("3 stars")
        FOUR_STARS = 4, _("4 stars")
        FIVE_STARS = 5, _("5 stars")

    origin_commune = models.ForeignKey(
        "cooperatives.AdministrativeUnit",
        verbose_name=_("origin commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    raw_material_area = models.ForeignKey(
        "cooperatives.RawMaterialArea",
        verbose_name=_("raw-material area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="products",
    )
    ocop_rating = models.PositiveSmallIntegerField(
        _("OCOP rating"), choices=OcopRating.choices, default=OcopRating.NONE
    )
    ocop_certificate_number = models.CharField(_("OCOP certificate number"), max_length=64, blank=True)
    ocop_year = models.PositiveSmallIntegerField(_("OCOP rating year"), null=True, blank=True)
    ocop_valid_until = models.DateField(_("OCOP rating valid until"), null=True, blank=True)
    sales_unit = models.CharField(
        _("sales unit"), max_length=60, blank=True, help_text=_("e.g. box of 500 g")
    )
    net_weight_grams = models.PositiveIntegerField(_("net weight (g)"), null=True, blank=True)
    season_months = models.JSONField(
        _("season months"), default=list, blank=True, validators=[validate_season_months]
    )
    storage_instructions = models.CharField(_("storage"), max_length=255, blank=True)
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    gtin = models.CharField(_("GTIN"), max_length=14, blank=True, db_index=True, validators=[validate_gtin])
    # What the product itself is made to (processing and food-safety
    # standards); the raw-material area's certifications cover the field.
    applied_standards = models.CharField(
        _("standards applied"),
        max_length=255,
        blank=True,
        help_text=_("e.g. TCVN 5365:1991, HACCP, ISO 22000"),
    )

    def clean(self):
        super().clean()
        if self.ocop_rating and not (self.ocop_certificate_number and self.ocop_year):
            raise ValidationError(_("An OCOP rating needs its certificate number and year."))


class OcopRatingReminder(models.Model):
    """One OCOP expiry reminder sent for one rating period, so the daily task
    never sends it twice (a renewed rating gets reminders again)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="ocop_reminders")
    valid_until = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "valid_until", "days_before"], name="one_ocop_reminder_per_threshold"
            )
        ]

    def __str__(self):
        return f"{self.product_id} – {self.valid_until} – {self.days_before}"


class Lot(models.Model):
    """A harvest or production batch: the unit of traceability. Its code is
    printed on the label and its QR code opens the trace page; stock for
    sale is held per lot."""

    class Status(models.TextChoices):
        OPEN = "open", _("On sale")
        CLOSED = "closed", _("Sold out or closed")
        RECALLED = "recalled", _("Recalled")

    code = models.CharField(
        _("lot code"),
        max_length=40,
        unique=True,
        error_messages={"unique": _("Another lot already has this code.")},
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="lots"
    )
    cooperative = models.ForeignKey(
        "cooperatives.Cooperative",
        verbose_name=_("cooperative"),
        on_delete=models.PROTECT,
        related_name="lots",
    )
    raw_material_area = models.ForeignKey(
        "cooperatives.RawMaterialArea",
        verbose_name=_("raw-material area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lots",
    )
    produced_on = models.DateField(_("harvest or production date"))
    best_before = models.DateField(_("best before"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    quantity_available = models.PositiveIntegerField(_("quantity available"))
    unit = models.CharField(_("unit"), max_length=20, default="sp")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    recall_reason = models.TextField(_("reason for recall"), blank=True)
    recalled_at = models.DateTimeField(_("recalled at"), null=True, blank=True)
    recalled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recalled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        # Cooperative staff recall their own lots; this lets province
        # officers recall any cooperative's.
        permissions = [("recall_any_lot", "Can recall any cooperative's lot")]
        ordering = ["best_before", "produced_on", "pk"]
        indexes = [models.Index(fields=["product", "cooperative", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity_available__lte=models.F("quantity")),
                name="lot_available_within_quantity",
            )
        ]

    def __str__(self):
        return self.code

    def clean(self):
        if self.best_before and self.produced_on and self.best_before < self.produced_on:
            raise ValidationError({"best_before": _("Best-before cannot come before the lot was produced.")})


class LotAllocation(models.Model):
    """How much of an order line came from which lot (first-expiring first),
    so a recall reaches the buyers who received the lot."""

    line = models.ForeignKey("order.Line", on_delete=models.CASCADE, related_name="lot_allocations")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="allocations")
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("lot allocation")
        verbose_name_plural = _("lot allocations")
        constraints = [
            models.UniqueConstraint(fields=["line", "lot"], name="one_allocation_per_line_and_lot")
        ]

    def __str__(self):
        return f"{self.quantity} × {self.lot_id} → {self.line_id}"


class LotScanCount(models.Model):
    """How many times a lot's trace page was opened from its QR code, per
    day. Only counts are kept, never who scanned or from where; the commune
    is the lot's origin, so reports can add scans up by commune."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="scan_counts")
    commune = models.ForeignKey(
        "cooperatives.AdministrativeUnit", on_delete=models.PROTECT, related_name="lot_scan_counts"
    )
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("lot scan count")
        verbose_name_plural = _("lot scan counts")
        constraints = [models.UniqueConstraint(fields=["lot", "day"], name="one_scan_count_per_lot_and_day")]
        indexes = [models.Index(fields=["commune", "day"])]

    def __str__(self):
        return f"{self.lot_id} {self.day}: {self.count}"


class TraceEvent(models.Model):
    """One step in a lot's life (planting, care, harvest…). The log is
    append-only and tamper-evident: each event's hash covers its content and
    the previous event's hash, so changing or removing any event breaks every
    hash after it (see ``services.trace_chain_verify``)."""

    class Kind(models.TextChoices):
        PLANTING = "planting", _("Planting")
        CARE = "care", _("Care (fertiliser, spraying)")
        HARVEST = "harvest", _("Harvest")
        PROCESSING = "processing", _("Processing")
        PACKING = "packing", _("Packing")
        INSPECTION = "inspection", _("Inspection")
        SHIPPING = "shipping", _("Shipping")
        CORRECTION = "correction", _("Correction")

    lot = models.ForeignKey(Lot, verbose_name=_("lot"), on_delete=models.PROTECT, related_name="events")
    sequence = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=200)
    actor = models.CharField(_("actor"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    # Care events: what was applied and how long before harvest it must stop.
    input_product = models.CharField(_("product applied"), max_length=200, blank=True)
    pre_harvest_interval_days = models.PositiveSmallIntegerField(
        _("pre-harvest interval (days)"), null=True, blank=True
    )
    photo = models.ImageField(_("photo"), upload_to="trace/%Y/%m/", blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("trace event")
        verbose_name_plural = _("trace events")
        ordering = ["lot", "sequence"]
        constraints = [models.UniqueConstraint(fields=["lot", "sequence"], name="one_event_per_lot_position")]

    def __str__(self):
        return f"{self.lot_id}#{self.sequence} {self.kind}"

    def save(self, *args, **kwargs):
        # The log is append-only: no interface may rewrite an event.
        if self.pk is not None:
            raise ValidationError(_("Trace events cannot be changed; record a correction instead."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Trace events cannot be deleted; record a correction instead."))

    def hashed_content(self) -> dict:
        """What the hash covers: every field a reader relies on. Times are
        hashed in UTC, the form the database gives them back in, so an
        event recorded with a local time still verifies when read again."""
        return {
            "lot": self.lot.code,
            "sequence": self.sequence,
            "kind": self.kind,
            "occurred_at": self.occurred_at.astimezone(datetime.UTC).isoformat(),
            "place": self.place,
            "actor": self.actor,
            "note": self.note,
            "input_product": self.input_product,
            "pre_harvest_interval_days": self.pre_harvest_interval_days,
            "photo": self.photo.name if self.photo else "",
            "recorded_at": self.recorded_at.astimezone(datetime.UTC).isoformat(),
        }

    def compute_hash(self) -> str:
        payload = json.dumps(
            {"previous": self.previous_hash, "content": self.hashed_content()},
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# Oscar's models are loaded last so that the ones above replace Oscar's of
# the same name (Oscar's forking convention).
from oscar.apps.catalogue.models import *  # noqa: E402, F403
