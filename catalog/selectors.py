"""Reads of products, lots and their trace logs. Views and reports call these."""

import re

from django.db.models import Prefetch

from cooperatives.models import Certification

from .models import Lot, TraceEvent

# What a lot code may look like before it is normalised: the codes printed
# on labels are letters, digits and dashes. Checked on the raw input (not
# after upper-casing) because str.upper() maps a few non-ASCII letters to
# ASCII ones ("ı" → "I"), which would let a look-alike code through.
_LOT_CODE_RE = re.compile(r"[A-Za-z0-9-]{1,40}")


def lot_code_normalise(code) -> str | None:
    """The code as stored (stripped, upper-case), or None when it cannot be a
    lot code at all, so callers never send junk to the database."""
    if not isinstance(code, str):
        return None
    code = code.strip()
    if not _LOT_CODE_RE.fullmatch(code):
        return None
    return code.upper()


def gtin_normalise(gtin) -> str | None:
    """A GTIN-8, -12, -13 or -14 left-padded to 14 digits (the form GS1
    Digital Link uses), or None when it is not one. The check digit is not
    checked: the GTIN is only compared with the product's."""
    if not isinstance(gtin, str) or not gtin.isascii() or not gtin.isdigit():
        return None
    if len(gtin) not in (8, 12, 13, 14):
        return None
    return gtin.zfill(14)


def lot_trace(*, code: str) -> Lot:
    """A lot with everything its public trace page shows, in a fixed number
    of queries whatever the number of events or certifications: the product
    and its images, the cooperative and its place, the raw-material area
    with only the certifications in force today (as ``valid_certifications``),
    and the events in log order. Raises Lot.DoesNotExist for an unknown or
    malformed code."""
    normalised = lot_code_normalise(code)
    if normalised is None:
        raise Lot.DoesNotExist
    return (
        Lot.objects.select_related(
            "product__parent",
            "cooperative__commune__parent__parent",
            "raw_material_area__commune__parent__parent",
        )
        .prefetch_related(
            "product__images",
            Prefetch(
                "raw_material_area__certifications",
                queryset=Certification.objects.valid(),
                to_attr="valid_certifications",
            ),
            # Ordered explicitly: TraceEvent's default ordering starts with
            # "lot", which would join the lots table for nothing.
            Prefetch("events", queryset=TraceEvent.objects.order_by("sequence")),
        )
        .get(code=normalised)
    )


def lot_for_digital_link(*, gtin: str, code: str) -> Lot:
    """The lot a GS1 Digital Link (/01/<gtin>/10/<lot>) names: the lot with
    that code, provided its product carries that GTIN. GTINs are compared
    padded to 14 digits, so a GTIN-13 link finds a product stored with its
    14-digit form and the other way round. Raises Lot.DoesNotExist."""
    wanted_gtin, normalised = gtin_normalise(gtin), lot_code_normalise(code)
    if wanted_gtin is None or normalised is None:
        raise Lot.DoesNotExist
    # Codes are unique, so one row at most; the GTIN is compared here rather
    # than in SQL, where padding differs between SQLite and PostgreSQL.
    lot = Lot.objects.select_related("product").get(code=normalised)
    if gtin_normalise(lot.product.gtin) != wanted_gtin:
        raise Lot.DoesNotExist
    return lot
