"""The public traceability pages of a lot: what the QR code on a label opens.

Anyone may read them. A code that is unknown or cannot be a lot code at all
gets a friendly "not found" page, never an error.
"""

import zoneinfo

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cooperatives.views.public import area_map_markers, unit_place_names
from marketplace.exports import csv_response

from .. import selectors, services
from ..models import Lot, TraceEvent

# Events are shown and exported in the time of the place they happened.
LOCAL_TIME_ZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOT_FOUND_TEMPLATE = "catalog/trace/not_found.html"
# A label of a product without a GTIN points at the trace page itself, with
# this mark so that opening it from the QR code counts as a scan.
SCAN_PARAMETER, SCAN_VALUE = "src", "qr"
EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
# Our own extension fields (place, actor…) need a namespace of their own in
# JSON-LD; the URN is stable whatever host serves the document.
EXTENSION_PREFIX = "choque"
EXTENSION_NAMESPACE = "urn:vn:choque:epcis:"

# GS1 CBV 2.0 business steps, as the bare strings EPCIS 2.0 JSON accepts. The
# CBV has no step for tending a crop or for correcting a record: "other".
BIZ_STEPS = {
    TraceEvent.Kind.PLANTING: "commissioning",
    TraceEvent.Kind.CARE: "other",
    TraceEvent.Kind.HARVEST: "commissioning",
    TraceEvent.Kind.PROCESSING: "transforming",
    TraceEvent.Kind.PACKING: "packing",
    TraceEvent.Kind.INSPECTION: "inspecting",
    TraceEvent.Kind.SHIPPING: "shipping",
    TraceEvent.Kind.CORRECTION: "other",
}

# Lot units that are measures get their UN/ECE Recommendation 20 code; any
# other unit (pieces, boxes, packs…) counts items, which EPCIS writes
# without a uom.
UNITS_OF_MEASURE = {"kg": "KGM", "g": "GRM", "l": "LTR", "lít": "LTR", "ml": "MLT", "tấn": "TNE", "t": "TNE"}


def trace_not_found(request, code=""):
    """The friendly 404 of the trace pages. The code is echoed only when it
    looks like a lot code: anything else (control characters, markup, paths)
    is not repeated back."""
    normalised = selectors.lot_code_normalise(code)
    return render(
        request, NOT_FOUND_TEMPLATE, {"code": normalised or "", "malformed": normalised is None}, status=404
    )


def _language_neutral_url(request, name: str, **kwargs) -> str:
    # Identifiers in the EPCIS document must not change with the language of
    # the request, so they are reversed in the default (unprefixed) language.
    with translation.override(settings.LANGUAGE_CODE):
        return request.build_absolute_uri(reverse(name, kwargs=kwargs))


def lot_uri(request, lot: Lot) -> str:
    """The lot's identifier: its GS1 Digital Link when the product has a
    GTIN (the form a GS1 QR code carries), else its trace page."""
    gtin = selectors.gtin_normalise(lot.product.gtin)
    if gtin:
        return request.build_absolute_uri(
            reverse("gs1-digital-link", kwargs={"gtin": gtin, "code": lot.code})
        )
    return _language_neutral_url(request, "trace:lot", code=lot.code)


def _primary_image(product):
    # Oscar returns a dict standing for its placeholder when a product has
    # no image; the trace page then shows none.
    image = product.primary_image()
    return None if isinstance(image, dict) else image


class LotTraceView(TemplateView):
    """The trace page of one lot: its product, cooperative, area and
    certifications, and its event log with the result of checking the
    log's hash chain."""

    template_name = "catalog/trace/lot.html"

    def get(self, request, *args, **kwargs):
        try:
            lot = selectors.lot_trace(code=kwargs["code"])
        except Lot.DoesNotExist:
            return trace_not_found(request, kwargs["code"])
        if request.GET.get(SCAN_PARAMETER) == SCAN_VALUE:
            services.lot_scan_record(lot=lot)
        return self.render_to_response(self.get_context_data(lot=lot))

    def get_context_data(self, *, lot, **kwargs):
        product, area = lot.product, lot.raw_material_area
        events = list(lot.events.all())
        verification = services.trace_chain_verify(lot=lot)
        broken_event = None
        if not verification.verified:
            broken_event = next((e for e in events if e.sequence == verification.broken_at), None)
        # An OCOP rating past its validity is not shown, like an expired
        # certification: the label would claim what no longer holds.
        expired = product.ocop_valid_until is not None and product.ocop_valid_until < timezone.localdate()
        rating = 0 if expired else (product.ocop_rating or 0)
        return super().get_context_data(
            lot=lot,
            product=product,
            cooperative=lot.cooperative,
            cooperative_places=unit_place_names(lot.cooperative.commune),
            area=area,
            area_places=unit_place_names(area.commune) if area else [],
            certifications=area.valid_certifications if area else [],
            image=_primary_image(product),
            ocop_stars={"filled": "★" * rating, "empty": "☆" * (5 - rating)} if rating else None,
            events=events,
            verification=verification,
            broken_event=broken_event,
            map_areas=area_map_markers([area] if area else []),
            location_code=_location_code(lot),
            local_time_zone=LOCAL_TIME_ZONE,
            **kwargs,
        )


def _quantity(lot: Lot, uri: str, *, with_quantity=True) -> dict:
    element = {"epcClass": uri}
    if with_quantity:
        element["quantity"] = lot.quantity
        uom = UNITS_OF_MEASURE.get(lot.unit.strip().lower())
        if uom:
            element["uom"] = uom
    return element


def _location(request, lot: Lot) -> dict:
    # The cooperatives have no GLN, so no urn:epc:id:sgln can be built for
    # them: the area is named by a URN of our own, and a lot without an area
    # by the cooperative's public profile.
    if lot.raw_material_area_id:
        return {"id": f"urn:vn:choque:area:{lot.raw_material_area_id}"}
    with translation.override(settings.LANGUAGE_CODE):
        return {"id": request.build_absolute_uri(lot.cooperative.get_absolute_url())}


def _ilmd(lot: Lot, events: list[TraceEvent]) -> dict:
    ilmd = {"cbvmda:lotNumber": lot.code, "cbvmda:countryOfOrigin": "VN"}
    if lot.best_before:
        ilmd["cbvmda:itemExpirationDate"] = lot.best_before.isoformat()
        ilmd["cbvmda:bestBeforeDate"] = lot.best_before.isoformat()
    harvests = [
        timezone.localtime(e.occurred_at, LOCAL_TIME_ZONE).date() for e in events if e.kind == "harvest"
    ]
    if harvests:
        ilmd["cbvmda:harvestStartDate"] = min(harvests).isoformat()
        ilmd["cbvmda:harvestEndDate"] = max(harvests).isoformat()
    return ilmd


def epcis_document(request, lot: Lot) -> dict:
    """The lot's log as an EPCIS 2.0 JSON-LD document, one EPCIS event per
    trace event, in log order."""
    uri = lot_uri(request, lot)
    events = list(lot.events.all())
    location = _location(request, lot)
    event_list = []
    for index, event in enumerate(events):
        local_time = timezone.localtime(event.occurred_at, LOCAL_TIME_ZONE)
        epcis_event = {
            "eventID": f"urn:vn:choque:event:{event.hash}",
            "eventTime": local_time.isoformat(timespec="milliseconds"),
            # "+07:00": the tail of an aware time's ISO form.
            "eventTimeZoneOffset": local_time.isoformat()[-6:],
            "recordTime": timezone.localtime(event.recorded_at, LOCAL_TIME_ZONE).isoformat(
                timespec="milliseconds"
            ),
        }
        if event.kind == TraceEvent.Kind.PROCESSING:
            # The lot is both the raw material and the product (the log has
            # no separate identifier for what went in), so it is the input
            # class and the output, with the lot's quantity on the output.
            epcis_event = {
                "type": "TransformationEvent",
                **epcis_event,
                "inputQuantityList": [_quantity(lot, uri, with_quantity=False)],
                "outputQuantityList": [_quantity(lot, uri)],
            }
        else:
            # EPCIS allows ILMD only where objects come into being (action
            # ADD): the first event of the log creates the lot, so it is an
            # ADD like the harvest, and it carries the lot's master data.
            adds = index == 0 or event.kind == TraceEvent.Kind.HARVEST
            epcis_event = {
                "type": "ObjectEvent",
                **epcis_event,
                "action": "ADD" if adds else "OBSERVE",
                "quantityList": [_quantity(lot, uri)],
            }
        epcis_event["bizStep"] = BIZ_STEPS.get(event.kind, "other")
        epcis_event["readPoint"] = location
        epcis_event["bizLocation"] = location
        if index == 0:
            epcis_event["ilmd"] = _ilmd(lot, events)
        extensions = {
            "sequence": event.sequence,
            "kind": event.kind,
            "place": event.place,
            "actor": event.actor,
            "note": event.note,
            "inputProduct": event.input_product,
            "preHarvestIntervalDays": event.pre_harvest_interval_days,
            "hash": event.hash,
            "previousHash": event.previous_hash,
        }
        epcis_event.update(
            {
                f"{EXTENSION_PREFIX}:{key}": value
                for key, value in extensions.items()
                if value not in ("", None)
            }
        )
        event_list.append(epcis_event)
    return {
        "@context": [EPCIS_CONTEXT, {EXTENSION_PREFIX: EXTENSION_NAMESPACE}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": timezone.localtime(timezone.now(), LOCAL_TIME_ZONE).isoformat(timespec="seconds"),
        "epcisBody": {"eventList": event_list},
    }


class LotEpcisView(View):
    """The lot's trace log for machines: EPCIS 2.0 in JSON-LD."""

    def get(self, request, code):
        try:
            lot = selectors.lot_trace(code=code)
        except Lot.DoesNotExist:
            return JsonResponse({"error": "not found"}, status=404)
        response = JsonResponse(
            epcis_document(request, lot),
            content_type="application/ld+json",
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
        # The log is public: any site or app may read it from a browser.
        response["Access-Control-Allow-Origin"] = "*"
        return response


class GS1DigitalLinkView(View):
    """A GS1 Digital Link (/01/<gtin>/10/<lot>), what a GS1 QR code on the
    label carries: sends the reader to the lot's trace page, in the
    language the browser asks for."""

    def get(self, request, gtin, code):
        try:
            lot = selectors.lot_for_digital_link(gtin=gtin, code=code)
        except Lot.DoesNotExist:
            return trace_not_found(request, code)
        # The link is what a label's QR code carries: each visit is a scan.
        services.lot_scan_record(lot=lot)
        # Not permanent: the trace page's address may still change.
        return redirect("trace:lot", code=lot.code)


def _location_code(lot: Lot) -> str:
    # The official code of the commune where the lot grew (its area's),
    # else of the cooperative's commune: the "location code" of the rules.
    area = lot.raw_material_area
    return (area.commune if area is not None else lot.cooperative.commune).code


def trace_export_rows(request, lot: Lot) -> list[list[str]]:
    """The lot's record as table rows, one per production stage, holding
    the minimum data Vietnam's traceability rules ask for: product name and
    image, producer name and address, the stage with its trace code,
    location code and time, shelf life and the standards applied."""
    product, cooperative, area = lot.product, lot.cooperative, lot.raw_material_area
    image = _primary_image(product)
    certifications = area.valid_certifications if area else []
    standards = [f"{c.display_scheme} {c.certificate_number}" for c in certifications]
    if product.applied_standards:
        standards.append(product.applied_standards)
    if product.ocop_rating and product.ocop_certificate_number:
        standards.append(f"OCOP {product.ocop_rating}★ {product.ocop_certificate_number}")
    standards = "; ".join(standards)
    address = ", ".join(filter(None, [cooperative.address, *unit_place_names(cooperative.commune)]))
    shelf_life = str(product.shelf_life_days) if product.shelf_life_days else ""
    best_before = lot.best_before.isoformat() if lot.best_before else ""
    common = [
        lot.code,
        product.get_title(),
        request.build_absolute_uri(image.original.url) if image else "",
        cooperative.legal_name,
        address,
    ]
    rows = [
        [
            _("Trace code"),
            _("Product"),
            _("Product image"),
            _("Producer"),
            _("Producer address"),
            _("Stage"),
            _("Time"),
            _("Location code"),
            _("Place"),
            _("By"),
            _("Note"),
            _("Shelf life (days)"),
            _("Best before"),
            _("Standards applied"),
        ]
    ]
    location_code = _location_code(lot)
    for event in lot.events.all():
        rows.append(
            [
                *common,
                event.get_kind_display(),
                timezone.localtime(event.occurred_at, LOCAL_TIME_ZONE).isoformat(timespec="minutes"),
                location_code,
                event.place,
                event.actor,
                event.note,
                shelf_life,
                best_before,
                standards,
            ]
        )
    return rows


class LotExportView(View):
    """The lot's trace record as a CSV file (UTF-8 with a BOM, so that
    spreadsheet programs show Vietnamese correctly)."""

    def get(self, request, code):
        try:
            lot = selectors.lot_trace(code=code)
        except Lot.DoesNotExist:
            return trace_not_found(request, code)
        return csv_response(trace_export_rows(request, lot), filename=f"trace-{lot.code}.csv")
