from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Indicator(models.TextChoices):
    """The province's indicators. The codes are public: the open data and
    the snapshots name indicators by them."""

    COMMUNES_WITH_COOPERATIVES = "communes_with_cooperatives", _("Communes with a cooperative")
    COMMUNES_SELLING_ONLINE = "communes_selling_online", _("Communes with a cooperative selling online")
    DISTRICTS_WITH_LINKAGE_MODELS = "districts_with_linkage_models", _("Districts with a linkage model")
    DIGITAL_LINKAGE_MODELS = "digital_linkage_models", _("Linkage models applying digital technology")
    DISTRICTS_PROMOTED_ONLINE = (
        "districts_promoted_online",
        _("Districts promoting destinations online (6.5)"),
    )
    DISTRICTS_WITH_PILOTS = "districts_with_pilots", _("Districts with a pilot commune")
    ECOMMERCE_ACTIVITY = "ecommerce_activity", _("E-commerce activity")


class Target(models.Model):
    """A threshold an indicator must reach by a deadline, from a plan: the
    province edits them when a new plan sets new ones."""

    indicator = models.CharField(
        _("indicator"), max_length=40, choices=[c for c in Indicator.choices if c[0] != "ecommerce_activity"]
    )
    threshold_percent = models.DecimalField(
        _("threshold (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The share of units (or linkage models) that must meet the indicator."),
    )
    starts_on = models.DateField(
        _("plan starts on"),
        help_text=_("Progress is on track when it keeps pace from this day to the deadline."),
    )
    deadline = models.DateField(_("deadline"))
    source_document = models.CharField(_("source document"), max_length=255)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "deadline"]
        permissions = [("view_reports", _("Can see the province's reports"))]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "deadline"], name="one_target_per_indicator_deadline"
            )
        ]

    def __str__(self):
        return f"{self.get_indicator_display()} ≥ {self.threshold_percent}% ({self.deadline:%d/%m/%Y})"

    def clean(self):
        if self.starts_on and self.deadline and self.deadline <= self.starts_on:
            raise ValidationError({"deadline": _("The deadline must come after the plan starts.")})


class IndicatorSnapshot(models.Model):
    """An indicator's value for one unit and one month, as computed at the
    end of that month: trends read these, so later edits of the data do not
    rewrite the past."""

    indicator = models.CharField(_("indicator"), max_length=40, choices=Indicator.choices)
    unit = models.ForeignKey(
        "cooperatives.AdministrativeUnit",
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="indicator_snapshots",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    numerator = models.PositiveIntegerField(_("numerator"), default=0)
    denominator = models.PositiveIntegerField(_("denominator"), default=0)
    # Figures beyond the ratio (orders, GMV… for e-commerce activity).
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator snapshot")
        verbose_name_plural = _("indicator snapshots")
        ordering = ["period_start", "indicator", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "period_start", "period_end"], name="one_snapshot_per_period"
            )
        ]
        indexes = [models.Index(fields=["unit", "period_start"], name="snapshot_unit_period")]

    def __str__(self):
        return (
            f"{self.indicator} {self.unit_id} {self.period_start:%Y-%m}: {self.numerator}/{self.denominator}"
        )


class DistrictReportViewer(models.Model):
    """Someone of a district (its People's Committee, its agriculture
    office) who may read that district's reports, its communes' and
    cooperatives', and change nothing. Province officers read everything."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="district_report_access",
    )
    district = models.ForeignKey(
        "cooperatives.AdministrativeUnit",
        verbose_name=_("district"),
        on_delete=models.CASCADE,
        related_name="report_viewers",
        limit_choices_to={"level": "district"},
    )

    class Meta:
        verbose_name = _("district report reader")
        verbose_name_plural = _("district report readers")
        constraints = [
            models.UniqueConstraint(fields=["user", "district"], name="one_access_per_user_and_district")
        ]

    def __str__(self):
        return f"{self.user} – {self.district}"

    def clean(self):
        if self.district_id and self.district.level != "district":
            raise ValidationError({"district": _("Choose a district.")})
