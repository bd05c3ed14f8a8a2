from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerAccount(models.Model):
    """A cooperative's account with the platform (one per Oscar partner),
    with its commission rate when it differs from the platform's default."""

    partner = models.OneToOneField("partner.Partner", on_delete=models.PROTECT, related_name="ledger_account")
    commission_rate = models.DecimalField(
        _("commission rate"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("A fraction, e.g. 0.05 for 5%. Empty: the platform's default."),
    )

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")

    def __str__(self):
        return str(self.partner)

    @property
    def effective_commission_rate(self):
        return settings.PLATFORM_COMMISSION_RATE if self.commission_rate is None else self.commission_rate


class Settlement(models.Model):
    """A payment from the platform to a cooperative, covering every entry
    that was open when it was made."""

    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="settlements")
    reference = models.CharField(_("payment reference"), max_length=100)
    amount = models.BigIntegerField(_("amount (đồng)"))
    paid_at = models.DateTimeField(_("paid at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["-paid_at"]

    def __str__(self):
        return f"{self.account} {self.reference} {self.amount}"


class LedgerEntry(models.Model):
    """One movement on a cooperative's account, in whole đồng: positive is
    owed to the cooperative, negative is kept by the platform."""

    class Kind(models.TextChoices):
        SALE = "sale", _("Sale")
        COMMISSION = "commission", _("Platform commission")
        PAYMENT_FEE = "payment_fee", _("Payment fee")
        REFUND = "refund", _("Refund")
        COMMISSION_REVERSAL = "commission_reversal", _("Commission returned on a refund")

    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    amount = models.BigIntegerField(_("amount (đồng)"))
    description = models.CharField(_("description"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    settlement = models.ForeignKey(
        Settlement, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["account", "settlement"])]

    def __str__(self):
        return f"{self.account} {self.kind} {self.amount}"
