"""Changes to products, lots and their trace logs."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.audit import services as audit

from .models import Lot, LotAllocation, LotScanCount, OcopRatingReminder, Product, TraceEvent

StockRecord = get_model("partner", "StockRecord")


def stock_record_sync(*, product: Product, partner) -> int:
    """Set the stock record's quantity to what the open lots hold: stock for
    sale is held per lot. Returns the new quantity."""
    available = (
        Lot.objects.filter(product=product, cooperative__partner=partner, status=Lot.Status.OPEN).aggregate(
            total=Sum("quantity_available")
        )["total"]
        or 0
    )
    # Units allocated to orders not yet shipped have already left their
    # lots but are still in Oscar's num_in_stock until they ship, so what
    # Oscar offers for sale (in stock minus allocated) is what the lots hold.
    StockRecord.objects.filter(product=product, partner=partner).update(
        num_in_stock=available + Coalesce(F("num_allocated"), 0)
    )
    return available


def _next_lot_code(cooperative, produced_on: datetime.date) -> str:
    # Short enough to print and read aloud: cooperative, date, running number.
    prefix = f"{cooperative.registration_number.replace(' ', '')[-6:].upper()}-{produced_on:%y%m%d}"
    taken = Lot.objects.filter(code__startswith=prefix).count()
    return f"{prefix}-{taken + 1:02d}"


def lot_create(
    *,
    product: Product,
    cooperative,
    produced_on: datetime.date,
    quantity: int,
    unit: str = "sp",
    best_before: datetime.date | None = None,
    raw_material_area=None,
    code: str | None = None,
    created_by=None,
) -> Lot:
    """Record a lot of one of the cooperative's own products and put it on
    sale; ``created_by`` (None: the platform's own data) is in the audit log."""
    if (
        cooperative.partner_id is None
        or not StockRecord.objects.filter(product=product, partner_id=cooperative.partner_id).exists()
    ):
        raise ValidationError({"product": _("The cooperative does not sell this product.")})
    if raw_material_area is not None and raw_material_area.cooperative_id != cooperative.pk:
        raise ValidationError({"raw_material_area": _("Choose one of the cooperative's own areas.")})
    with transaction.atomic():
        lot = Lot(
            product=product,
            cooperative=cooperative,
            raw_material_area=raw_material_area,
            produced_on=produced_on,
            best_before=best_before,
            quantity=quantity,
            quantity_available=quantity,
            unit=unit,
            code=(code or _next_lot_code(cooperative, produced_on)).strip().upper(),
        )
        lot.full_clean()
        lot.save()
        available = stock_record_sync(product=product, partner=cooperative.partner)
        audit.record(
            action=audit.Action.STOCK_ADJUSTED, actor=created_by, subject=lot,
            subject_label=f"{lot.code} · {product.title}",
            changes={"lot_quantity": [None, quantity], "stock_for_sale": [available - quantity, available]},
        )  # fmt: skip
    return lot


def lots_allocate(*, line, quantity: int) -> list[LotAllocation]:
    """Take ``quantity`` of the line's product from its cooperative's open
    lots, first-expiring first, and record which lots it came from. The lots
    are locked while counted, so two orders never take the same units.
    Raises ValidationError when the lots do not hold enough."""
    with transaction.atomic():
        lots = list(
            Lot.objects.select_for_update()
            .filter(
                product_id=line.product_id, cooperative__partner_id=line.partner_id, status=Lot.Status.OPEN
            )
            .order_by("best_before", "produced_on", "pk")
        )
        if sum(lot.quantity_available for lot in lots) < quantity:
            raise ValidationError(_("Not enough stock left for this product."))
        allocations, wanted = [], quantity
        for lot in lots:
            if wanted == 0:
                break
            taken = min(wanted, lot.quantity_available)
            if taken == 0:
                continue
            lot.quantity_available -= taken
            if lot.quantity_available == 0:
                lot.status = Lot.Status.CLOSED
            lot.save(update_fields=["quantity_available", "status"])
            allocations.append(LotAllocation.objects.create(line=line, lot=lot, quantity=taken))
            wanted -= taken
        stock_record_sync(product=line.product, partner=line.partner)
    return allocations


def trace_event_append(
    *,
    lot: Lot,
    kind: str,
    occurred_at: datetime.datetime,
    place: str,
    actor: str,
    note: str = "",
    input_product: str = "",
    pre_harvest_interval_days: int | None = None,
    photo=None,
) -> TraceEvent:
    """Add an event at the end of the lot's trace log, chained to the one
    before it. Events are never changed afterwards: a mistake is put right
    by a correction event."""
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("An event cannot be in the future.")})
    with transaction.atomic():
        # The lock serialises appends to one lot, so sequences never clash.
        lot = Lot.objects.select_for_update().get(pk=lot.pk)
        previous = lot.events.order_by("-sequence").first()
        planting = lot.events.filter(kind=TraceEvent.Kind.PLANTING).order_by("occurred_at").first()
        if planting and occurred_at < planting.occurred_at and kind != TraceEvent.Kind.CORRECTION:
            raise ValidationError({"occurred_at": _("An event cannot come before the lot was planted.")})
        event = TraceEvent(
            lot=lot,
            sequence=(previous.sequence + 1) if previous else 1,
            kind=kind,
            occurred_at=occurred_at,
            place=place,
            actor=actor,
            note=note,
            input_product=input_product,
            pre_harvest_interval_days=pre_harvest_interval_days,
            photo=photo or "",
            previous_hash=previous.hash if previous else "",
        )
        event.hash = "0" * 64  # replaced below, once every field is final
        event.full_clean(exclude=["hash"])
        if photo:
            # Stored first: the storage may rename the file, and the hash
            # must cover the name the row will keep.
            event.photo.save(photo.name, photo, save=False)
        event.hash = event.compute_hash()
        event.save()
    return event


@dataclass(frozen=True)
class ChainVerification:
    verified: bool
    event_count: int
    broken_at: int | None = None  # sequence of the first event that fails


def trace_chain_verify(*, lot: Lot) -> ChainVerification:
    """Recompute every hash of the lot's log from its content: an event
    changed, removed or reordered behind the application's back shows as
    the first sequence where the chain breaks."""
    previous_hash, count = "", 0
    for expected_sequence, event in enumerate(lot.events.order_by("sequence"), start=1):
        count += 1
        if (
            event.sequence != expected_sequence
            or event.previous_hash != previous_hash
            or event.compute_hash() != event.hash
        ):
            return ChainVerification(verified=False, event_count=count, broken_at=expected_sequence)
        previous_hash = event.hash
    return ChainVerification(verified=True, event_count=count)


def ocop_rating_send_expiry_reminders(*, today: datetime.date) -> int:
    """E-mail the cooperatives selling an OCOP-rated product 60 and 14 days
    before its rating expires; each reminder goes once per rating period,
    and a missed day is caught up with one reminder. Returns how many
    e-mails were sent."""
    from cooperatives.models import Cooperative
    from cooperatives.services import REMINDER_DAYS

    sent = 0
    for days in sorted(REMINDER_DAYS):
        due = Product.objects.filter(
            ocop_rating__gt=0,
            ocop_valid_until__gte=today,
            ocop_valid_until__lte=today + datetime.timedelta(days=days),
        )
        for product in due:
            with transaction.atomic():
                if OcopRatingReminder.objects.filter(
                    product=product, valid_until=product.ocop_valid_until, days_before__lte=days
                ).exists():
                    continue
                OcopRatingReminder.objects.create(
                    product=product, valid_until=product.ocop_valid_until, days_before=days
                )
                recipients = sorted(
                    Cooperative.objects.approved()
                    .filter(partner__stockrecords__product=product)
                    .values_list("email", flat=True)
                    .distinct()
                )
                if not recipients:
                    continue
                with translation.override("vi"):
                    context = {"product": product, "days_left": (product.ocop_valid_until - today).days}
                    subject = render_to_string("catalog/email/ocop_expiry_subject.txt", context).strip()
                    body = render_to_string("catalog/email/ocop_expiry_body.txt", context)
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
                sent += 1
    return sent


def lot_recall(*, lot: Lot, reason: str, recalled_by) -> Lot:
    """Take a lot off sale for a stated reason: its trace page warns whoever
    scans it, what is left of it can no longer be sold, and every buyer who
    received some of it is e-mailed once the recall is committed."""
    from marketplace.services import task_enqueue_on_commit

    from .tasks import lot_recall_notify_buyers_task

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the recall.")})
    with transaction.atomic():
        # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side
        # of the outer join to the partner; only the lot needs the lock.
        lot = (
            Lot.objects.select_for_update(of=("self",)).select_related("cooperative__partner").get(pk=lot.pk)
        )
        if lot.status == Lot.Status.RECALLED:
            raise ValidationError(_("This lot is already under recall."))
        previous_status = lot.status
        lot.status = Lot.Status.RECALLED
        lot.recall_reason = reason
        lot.recalled_at = timezone.now()
        lot.recalled_by = recalled_by
        lot.save(update_fields=["status", "recall_reason", "recalled_at", "recalled_by"])
        changes = {"status": [previous_status, lot.status], "recall_reason": [None, reason]}
        if lot.cooperative.partner_id:
            available = stock_record_sync(product=lot.product, partner=lot.cooperative.partner)
            withdrawn = lot.quantity_available if previous_status == Lot.Status.OPEN else 0
            changes["stock_for_sale"] = [available + withdrawn, available]
        audit.record(
            action=audit.Action.LOT_RECALLED, actor=recalled_by, subject=lot,
            subject_label=f"{lot.code} · {lot.product.title}", changes=changes,
        )  # fmt: skip
        task_enqueue_on_commit(lot_recall_notify_buyers_task, lot.pk)
    return lot


def lot_recall_buyer_emails(*, lot: Lot) -> list[str]:
    """The distinct e-mail addresses of the orders that received the lot:
    the account's address, or the guest's."""
    from oscar.core.loading import get_model

    Order = get_model("order", "Order")
    orders = Order.objects.filter(lines__lot_allocations__lot=lot).select_related("user").distinct()
    return sorted({order.email for order in orders if order.email})


def lot_recall_notify_buyers(*, lot: Lot) -> int:
    """E-mail each buyer of a recalled lot, one message each (a buyer's
    address is never shown to another). Returns how many were sent."""
    recipients = lot_recall_buyer_emails(lot=lot)
    with translation.override("vi"):
        context = {
            "lot": lot,
            "product": lot.product,
            "cooperative": lot.cooperative,
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("catalog/email/lot_recall_subject.txt", context).strip()
        body = render_to_string("catalog/email/lot_recall_body.txt", context)
    for address in recipients:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    return len(recipients)


def lot_scan_record(*, lot: Lot, day: datetime.date | None = None) -> None:
    """Count one opening of the lot's trace page from its QR code, under
    the lot's origin commune (its area's, else its cooperative's)."""
    day = day or timezone.localdate()
    area = lot.raw_material_area
    commune_id = area.commune_id if area is not None else lot.cooperative.commune_id
    updated = LotScanCount.objects.filter(lot=lot, day=day).update(count=F("count") + 1)
    if updated:
        return
    try:
        with transaction.atomic():
            LotScanCount.objects.create(lot=lot, commune_id=commune_id, day=day, count=1)
    except IntegrityError:
        # Another scan created today's row first.
        LotScanCount.objects.filter(lot=lot, day=day).update(count=F("count") + 1)


def _partner_sku(*, cooperative, product: Product) -> str:
    # Unique per partner because the product's id is; readable on a packing slip.
    return f"HTX{cooperative.pk}-{product.pk:06d}"


def product_save_for_cooperative(
    *,
    product: Product,
    cooperative,
    price: int,
    categories=(),
    image=None,
) -> Product:
    """Create or change one of the cooperative's products and its price.

    The product belongs to the cooperative through a stock record of the
    cooperative's partner, created here on the first save. Its stock is never
    typed in: it is what the open lots hold (``stock_record_sync``). Every
    write happens in one transaction, so a refused image or field leaves the
    product as it was."""
    from marketplace.sanitize import sanitize_rich_text
    from marketplace.uploads import clean_image_upload

    ProductImage = get_model("catalogue", "ProductImage")

    if cooperative.partner_id is None:
        raise ValidationError(_("The cooperative has no shop account yet."))
    if (
        product.pk is not None
        and not StockRecord.objects.filter(product=product, partner_id=cooperative.partner_id).exists()
    ):
        raise ValidationError(_("The cooperative does not sell this product."))
    area = product.raw_material_area
    if area is not None and area.cooperative_id != cooperative.pk:
        raise ValidationError({"raw_material_area": _("Choose one of the cooperative's own areas.")})
    if isinstance(price, bool) or not isinstance(price, int) or price < 0:
        raise ValidationError({"price": _("Enter the price in whole đồng, 0 or more.")})
    if image is not None:
        try:
            image = clean_image_upload(image)
        except ValidationError as error:
            raise ValidationError({"image": error.error_list}) from error

    with transaction.atomic():
        product.description = sanitize_rich_text(product.description)
        product.structure = Product.STANDALONE
        product.parent = None
        # Oscar reads a product without UPC back as "" (NullCharField), and
        # the uniqueness check would then find every other product without
        # one: no UPC is None, which is never a duplicate.
        product.upc = product.upc or None
        # The slug is made from the title when the product is first saved.
        product.full_clean(exclude=["slug"])
        product.save()
        product.categories.set(categories)
        stock_record = StockRecord.objects.filter(product=product, partner_id=cooperative.partner_id).first()
        if stock_record is None:
            stock_record = StockRecord(
                product=product,
                partner_id=cooperative.partner_id,
                partner_sku=_partner_sku(cooperative=cooperative, product=product),
                num_in_stock=0,
            )
        stock_record.price_currency = "VND"
        stock_record.price = price
        stock_record.full_clean()
        stock_record.save()
        stock_record_sync(product=product, partner=cooperative.partner)
        if image is not None:
            primary = product.images.order_by("display_order", "pk").first() or ProductImage(
                product=product, display_order=0
            )
            primary.original.save(image.name, image, save=False)
            primary.save()
    return product


def lot_allocations_release(*, lines) -> int:
    """Put the units of cancelled order lines back into the lots they were
    taken from, and back on sale. A lot closed because it sold out opens
    again; a recalled lot takes its units back but stays recalled, off sale.
    Returns how many units went back."""
    with transaction.atomic():
        allocations = list(
            LotAllocation.objects.filter(line__in=lines).select_related("line__product", "line__partner")
        )
        # Locked in one query in primary-key order, so two releases of
        # lines sharing lots take the locks in the same order.
        lots = {
            lot.pk: lot
            for lot in Lot.objects.select_for_update()
            .filter(pk__in={allocation.lot_id for allocation in allocations})
            .order_by("pk")
        }
        returned, products = 0, {}
        for allocation in allocations:
            lot = lots[allocation.lot_id]
            lot.quantity_available += allocation.quantity
            if lot.status == Lot.Status.CLOSED:
                lot.status = Lot.Status.OPEN
            returned += allocation.quantity
            products[(allocation.line.product_id, allocation.line.partner_id)] = allocation.line
        for lot in lots.values():
            lot.save(update_fields=["quantity_available", "status"])
        LotAllocation.objects.filter(pk__in=[allocation.pk for allocation in allocations]).delete()
        for line in products.values():
            stock_record_sync(product=line.product, partner=line.partner)
    return returned
