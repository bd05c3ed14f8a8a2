from django.db import models
from django.utils.translation import gettext_lazy as _


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
