"""The province's indicators, read from the platform's own data.

Every figure is an SQL aggregate: orders are never looped over in Python,
only the few hundred units, cooperatives and linkage models they roll up
to. A report costs the same number of queries whatever the size of the
data (tests/reports/test_queries.py holds it to that).

What each indicator counts (the periods are whole days, [start, end]):

1. Communes with at least one cooperative approved on the period's last
   day (today while it runs) / all communes then in force. "Communes" are
   the commune-level units of the types in ``REPORTS_COMMUNE_TYPES`` (Plan
   215 counts the rural xã, not wards and towns).
2. Communes with at least one cooperative selling online: a product listed
   in the shop (public, stocked before the period ended) and at least one
   order in the period that was neither cancelled nor refunded in full. A
   cooperative suspended during the period still sold in it.
3. Districts with at least one linkage model in force during the period
   (signed by its end, not expired before its start), by the districts of
   the model's cooperatives / all districts.
4. Linkage models in force tied to a raw-material area that apply digital
   technology, as the platform sees it: their cooperatives list, in the
   model's product category, a product with traceable lots, or sold online
   in the period / such models. What the partners declare is counted apart.
5. Districts with a published destination page that was viewed or shared
   online in the period (indicator 6.5) / all districts.
6. Districts with at least one pilot commune running in the period / all
   districts (the plan asks one per district).
7. E-commerce activity: orders, buyers, gross merchandise value (products
   only, less refunds; cancelled parts excluded), average order value, and
   the shares paid online and in cash, by the cooperatives' location.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy
from oscar.core.loading import get_model

from cooperatives.models import (
    AdministrativeUnit,
    Cooperative,
    CooperativeStatusChange,
    LinkageModel,
    PilotProgramme,
)

from .models import Indicator, IndicatorSnapshot, Target
from .periods import Period

FulfilmentGroup = get_model("order", "FulfilmentGroup")
Line = get_model("order", "Line")
StockRecord = get_model("partner", "StockRecord")
Lot = get_model("catalogue", "Lot")

Level = AdministrativeUnit.Level

MET, ON_TRACK, BEHIND, NO_TARGET, NOT_APPLICABLE = "met", "on_track", "behind", "no_target", "not_applicable"

STATUS_LABELS = {
    MET: gettext_lazy("Met"),
    ON_TRACK: gettext_lazy("On track"),
    BEHIND: gettext_lazy("Behind"),
    NO_TARGET: gettext_lazy("No target"),
    NOT_APPLICABLE: gettext_lazy("Not applicable"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def tool_label(code: str) -> str:
    """A declared digital tool by its name; an unknown code as stored."""
    try:
        return str(LinkageModel.DigitalTool(code).label)
    except ValueError:
        return str(code)


RATIO_INDICATORS = (
    Indicator.COMMUNES_WITH_COOPERATIVES,
    Indicator.COMMUNES_SELLING_ONLINE,
    Indicator.DISTRICTS_WITH_LINKAGE_MODELS,
    Indicator.DIGITAL_LINKAGE_MODELS,
    Indicator.DISTRICTS_PROMOTED_ONLINE,
    Indicator.DISTRICTS_WITH_PILOTS,
)

TOP = 10


# --- Result shapes ------------------------------------------------------------


@dataclass
class Activity:
    """Indicator 7 for one unit (or cooperative) and period."""

    orders: int = 0
    buyers: int = 0
    gmv: int = 0
    online_orders: int = 0
    cod_orders: int = 0

    @property
    def average_order_value(self) -> int:
        return round(self.gmv / self.orders) if self.orders else 0

    @property
    def online_percent(self) -> float | None:
        return 100 * self.online_orders / self.orders if self.orders else None

    @property
    def cod_percent(self) -> float | None:
        return 100 * self.cod_orders / self.orders if self.orders else None

    def as_dict(self) -> dict:
        return {
            "orders": self.orders,
            "buyers": self.buyers,
            "gmv": self.gmv,
            "average_order_value": self.average_order_value,
            "online_orders": self.online_orders,
            "cod_orders": self.cod_orders,
        }


@dataclass
class Counted:
    """One unit (or linkage model) behind an indicator, and whether it counts."""

    item: object
    counted: bool
    detail: str = ""


@dataclass
class IndicatorResult:
    code: str
    numerator: int
    denominator: int
    behind: list[Counted] = field(default_factory=list)
    target: Target | None = None
    status: str = NO_TARGET
    expected_percent: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def title(self):
        return Indicator(self.code).label

    @property
    def percent(self) -> float | None:
        return 100 * self.numerator / self.denominator if self.denominator else None


@dataclass
class UnitRow:
    """One unit under the report's unit, with its own figures."""

    unit: AdministrativeUnit
    communes: int = 0
    communes_with_cooperatives: int = 0
    communes_selling_online: int = 0
    cooperatives: int = 0
    cooperatives_online: int = 0
    linkage_models: int = 0
    area_linkage_models: int = 0
    digital_linkage_models: int = 0
    promoted_online: bool = False
    pilots: int = 0
    activity: Activity = field(default_factory=Activity)
    status: str = NO_TARGET

    @property
    def communes_with_cooperatives_percent(self) -> float | None:
        return 100 * self.communes_with_cooperatives / self.communes if self.communes else None


@dataclass
class CooperativeRow:
    """A cooperative under the report's unit; its activity leaves buyers
    out (0): ``cooperative_report`` counts them."""

    cooperative: Cooperative
    approved: bool
    listed: bool
    selling_online: bool
    commune: AdministrativeUnit | None
    activity: Activity = field(default_factory=Activity)


@dataclass
class LinkageRow:
    linkage_model: LinkageModel
    districts: list[AdministrativeUnit]
    raw_material_area: bool
    traceable_lots: bool
    sold_online: bool
    declared_tools: list[str]
    # The model's cooperatives under the report's unit.
    cooperatives_here: list = field(default_factory=list, repr=False)

    @property
    def digital(self) -> bool:
        return self.raw_material_area and (self.traceable_lots or self.sold_online)


@dataclass
class PilotRow:
    pilot: PilotProgramme
    commune: AdministrativeUnit
    district: AdministrativeUnit | None
    cooperatives: int
    cooperatives_online: int
    activity: Activity


@dataclass
class TrendPoint:
    month: datetime.date
    orders: int
    gmv: int
    cooperatives_online: int
    from_snapshot: bool = False


@dataclass
class UnitReport:
    unit: AdministrativeUnit
    period: Period
    as_of: datetime.date
    ancestors: list[AdministrativeUnit]
    indicators: list[IndicatorResult]
    activity: Activity
    rows: list[UnitRow]
    cooperatives: list[CooperativeRow]
    linkage_models: list[LinkageRow]
    pilots: list[PilotRow]
    trend: list[TrendPoint]
    # The day the administrative map is read on: ``as_of``, or the map's
    # last day when it has been replaced since.
    map_day: datetime.date | None = None

    def indicator(self, code: str) -> IndicatorResult:
        return next(result for result in self.indicators if result.code == code)

    @property
    def top_cooperatives(self) -> list[CooperativeRow]:
        sold = [row for row in self.cooperatives if row.activity.orders]
        return sorted(sold, key=lambda row: (-row.activity.gmv, row.cooperative.legal_name))[:TOP]

    @property
    def row_level(self) -> str | None:
        return self.rows[0].unit.level if self.rows else None


@dataclass
class ProductSales:
    product_id: int
    title: str
    cooperative: str
    quantity: int
    gmv: int
    orders: int


@dataclass
class CooperativeReport:
    cooperative: Cooperative
    period: Period
    as_of: datetime.date
    approved: bool
    listed_products: int
    activity: Activity
    trend: list[TrendPoint]
    products: list[ProductSales]
    linkage_models: list[LinkageModel]


# --- Units ----------------------------------------------------------------------


def province_unit() -> AdministrativeUnit:
    """The province the reports are about (``REPORTS_PROVINCE_CODE`` in the
    map edition ``REPORTS_EDITION``)."""
    return AdministrativeUnit.objects.get(
        edition=settings.REPORTS_EDITION, code=settings.REPORTS_PROVINCE_CODE, level=Level.PROVINCE
    )


def report_unit(*, pk) -> AdministrativeUnit:
    """A unit a report may be asked for: the province or a unit under it.
    Raises ``AdministrativeUnit.DoesNotExist`` for any other."""
    province = province_unit()
    unit = AdministrativeUnit.objects.select_related("parent__parent").get(pk=pk, edition=province.edition)
    if unit.pk != province.pk and unit.pk not in set(province.descendant_ids()):
        raise AdministrativeUnit.DoesNotExist
    return unit


def _in_force(unit: AdministrativeUnit, day: datetime.date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= day) and (
        unit.valid_until is None or unit.valid_until >= day
    )


class _Tree:
    """The units under a report's unit, fetched once."""

    def __init__(self, unit: AdministrativeUnit, as_of: datetime.date):
        self.unit = unit
        ids = unit.descendant_ids(include_self=True)
        self.units = {u.pk: u for u in AdministrativeUnit.objects.filter(pk__in=ids)}
        # Units are counted as the map stood on the report's day, or on the
        # map's last day once it was replaced (the three-level map of the
        # plan ended on 2025-06-30; later periods still read it).
        ends = [u.valid_until for u in self.units.values() if u.pk != unit.pk]
        self.as_of = min(as_of, max(ends)) if ends and None not in ends else as_of
        self.children: dict[int, list[AdministrativeUnit]] = {}
        for u in sorted(self.units.values(), key=lambda u: (u.name, u.code)):
            if u.parent_id in self.units and u.pk != unit.pk:
                self.children.setdefault(u.parent_id, []).append(u)

    def below(self, unit_id: int, *, include_self=True) -> list[AdministrativeUnit]:
        found = [self.units[unit_id]] if include_self else []
        frontier = [unit_id]
        while frontier:
            frontier = [child.pk for parent in frontier for child in self.children.get(parent, [])]
            found.extend(self.units[pk] for pk in frontier)
        return found

    def communes_below(self, unit_id: int) -> list[AdministrativeUnit]:
        """Every commune-level unit, in force or not (cooperatives may sit
        in any)."""
        return [u for u in self.below(unit_id) if u.level == Level.COMMUNE]

    def counted_communes_below(self, unit_id: int) -> list[AdministrativeUnit]:
        """The communes the plan counts: in force on the report's day, of the
        rural types."""
        types = tuple(settings.REPORTS_COMMUNE_TYPES)
        return [
            u
            for u in self.communes_below(unit_id)
            if _in_force(u, self.as_of) and (not types or u.unit_type in types)
        ]

    def districts_below(self, unit_id: int) -> list[AdministrativeUnit]:
        return [u for u in self.below(unit_id) if u.level == Level.DISTRICT and _in_force(u, self.as_of)]

    def district_of(self, commune_id: int) -> AdministrativeUnit | None:
        unit = self.units.get(commune_id)
        while unit is not None and unit.level != Level.DISTRICT:
            unit = self.units.get(unit.parent_id)
        return unit

    @property
    def rows(self) -> list[AdministrativeUnit]:
        return self.children.get(self.unit.pk, [])


# --- Facts --------------------------------------------------------------------


def _effective_groups(period: Period):
    """The cooperatives' parts of orders placed in the period that still
    stand: not cancelled, not refunded in full."""
    start, after = period.bounds()
    return (
        FulfilmentGroup.objects.filter(created_at__gte=start, created_at__lt=after)
        .exclude(status=FulfilmentGroup.Status.CANCELLED)
        .filter(merchandise_total__gt=F("refunded_total"))
    )


def _activity_aggregates(*, per_partner: bool = False, buyers: bool = True) -> dict:
    """Activity of a set of groups, read from the groups alone (each keeps
    its order's payment method and buyer). Without ``buyers`` they are not
    counted (a sort less, where no one reads them)."""
    # An order without a recorded method is cash, as everywhere in the shop.
    cash = Q(payment_method_code__in=["cod", ""])
    if per_partner:
        # One cooperative has one group per order: no DISTINCT needed.
        orders, cod = Count("order_id"), Count("order_id", filter=cash)
    else:
        orders, cod = Count("order_id", distinct=True), Count("order_id", distinct=True, filter=cash)
    aggregates = {
        "orders": orders,
        "gmv": Sum(F("merchandise_total") - F("refunded_total")),
        "cod_orders": cod,
    }
    if buyers:
        aggregates["buyers"] = Count("buyer_key", distinct=True)
    return aggregates


def _activity(row: dict | None) -> Activity:
    if not row:
        return Activity()
    orders, cod = row["orders"] or 0, row["cod_orders"] or 0
    return Activity(
        orders=orders,
        buyers=row.get("buyers") or 0,
        gmv=int(row["gmv"] or 0),
        # Every order is paid one way: what is not cash was paid online.
        online_orders=orders - cod,
        cod_orders=cod,
    )


def _activity_by_bucket(groups, buckets: dict[object, list[int]], *, few=False) -> dict[object, Activity]:
    """Activity of each bucket of partners, exact (an order with two
    cooperatives of one bucket counts once there), in one query. ``few``:
    the buckets hold a handful of partners, found faster by their ids."""
    buckets = {key: partners for key, partners in buckets.items() if partners}
    if not buckets:
        return {}
    keys = list(buckets)
    bucket = Case(
        *(When(partner_id__in=buckets[key], then=Value(index)) for index, key in enumerate(keys)),
        default=Value(-1),
        output_field=IntegerField(),
    )
    if few:
        groups = groups.filter(partner_id__in=[p for partners in buckets.values() for p in partners])
    rows = (
        groups.annotate(bucket=bucket)
        .filter(bucket__gte=0)
        .values("bucket")
        .order_by("bucket")
        .annotate(**_activity_aggregates())
    )
    return {keys[row["bucket"]]: _activity(row) for row in rows if row["bucket"] >= 0}


def _cooperatives(commune_ids, as_of: datetime.date) -> list[dict]:
    """Every cooperative in those communes, with its status on ``as_of``."""
    after = datetime.datetime.combine(
        as_of + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    status_then = (
        CooperativeStatusChange.objects.filter(cooperative=OuterRef("pk"), at__lt=after)
        .order_by("-at", "-pk")
        .values("status")[:1]
    )
    return list(
        Cooperative.objects.filter(commune_id__in=commune_ids)
        .annotate(status_then=Subquery(status_then))
        .only("pk", "legal_name", "slug", "commune_id", "partner_id", "status")
        .order_by("legal_name", "pk")
    )


def _listed_partners(partner_ids, as_of: datetime.date) -> set[int]:
    after = datetime.datetime.combine(
        as_of + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    return set(
        StockRecord.objects.filter(
            partner_id__in=partner_ids, product__is_public=True, date_created__lt=after
        )
        .values_list("partner_id", flat=True)
        .order_by()
        .distinct()
    )


def _target_for(code: str, targets: list[Target], as_of: datetime.date) -> Target | None:
    """The target of the plan running on ``as_of``: the first deadline not
    yet passed, else the last one."""
    own = sorted((t for t in targets if t.indicator == code), key=lambda t: t.deadline)
    if not own:
        return None
    return next((t for t in own if t.deadline >= as_of), own[-1])


def target_status(
    percent: float | None, target: Target | None, as_of: datetime.date
) -> tuple[str, float | None]:
    """Met, on track or behind ``target``, and the share expected by now if
    progress kept an even pace from the plan's start to its deadline."""
    if percent is None:
        return NOT_APPLICABLE, None
    if target is None:
        return NO_TARGET, None
    threshold = float(target.threshold_percent)
    if percent >= threshold:
        return MET, threshold
    if as_of >= target.deadline:
        return BEHIND, threshold
    span = (target.deadline - target.starts_on).days
    elapsed = max((as_of - target.starts_on).days, 0)
    expected = threshold * elapsed / span if span > 0 else threshold
    return (ON_TRACK if percent >= expected else BEHIND), expected


def _result(code, counted: list[Counted], targets, as_of, **extra) -> IndicatorResult:
    result = IndicatorResult(
        code=code,
        numerator=sum(1 for c in counted if c.counted),
        denominator=len(counted),
        behind=counted,
        target=_target_for(code, targets, as_of),
        extra=extra,
    )
    result.status, result.expected_percent = target_status(result.percent, result.target, as_of)
    return result


# --- The report -----------------------------------------------------------------


def unit_report(
    *, unit: AdministrativeUnit, period: Period, today: datetime.date | None = None
) -> UnitReport:
    """Every indicator of ``unit`` (a province, district or commune) for
    ``period``, its units one level down, its cooperatives, linkage models,
    pilots and monthly trend."""
    from cms.selectors import destination_promotion_by_district

    as_of = period.as_of(today)
    tree = _Tree(unit, as_of)
    all_communes = tree.communes_below(unit.pk)
    counted_communes = tree.counted_communes_below(unit.pk)
    districts = tree.districts_below(unit.pk)

    cooperatives = _cooperatives([c.pk for c in all_communes], as_of)
    partner_of = {c.pk: c.partner_id for c in cooperatives if c.partner_id}
    partner_ids = list(partner_of.values())
    listed = _listed_partners(partner_ids, as_of)
    # The unit's cooperatives as a subquery, not a list of ids: PostgreSQL
    # then hash-joins a year of groups instead of probing an index for each
    # of hundreds of partners (half the time of each statement).
    in_scope = Cooperative.objects.filter(
        commune_id__in=[c.pk for c in all_communes], partner_id__isnull=False
    ).values("partner_id")
    groups = _effective_groups(period).filter(partner_id__in=in_scope)
    by_partner = {
        row["partner_id"]: row
        for row in groups.values("partner_id")
        .order_by("partner_id")
        # The cooperatives' rows show orders and GMV; their buyers are
        # counted on each cooperative's own page.
        .annotate(**_activity_aggregates(per_partner=True, buyers=False))
    }
    approved = {c.pk for c in cooperatives if c.status_then == Cooperative.Status.APPROVED}
    online = {c.pk for c in cooperatives if c.partner_id in listed and c.partner_id in by_partner}

    communes_approved = {c.commune_id for c in cooperatives if c.pk in approved}
    communes_online = {c.commune_id for c in cooperatives if c.pk in online}

    linkage_rows = _linkage_rows(tree, all_communes, cooperatives, period, as_of)
    pilots = list(
        PilotProgramme.objects.filter(
            commune_id__in=[c.pk for c in all_communes],
            started_on__lte=as_of,
            status__in=[PilotProgramme.Status.ACTIVE, PilotProgramme.Status.COMPLETED],
        ).order_by("commune__name", "-started_on")
    )
    start, after = period.bounds()
    promotion = {
        row["district"].pk: row
        for row in destination_promotion_by_district(since=start, until=after)
        if row["promoted_online"] and row["first_published"] and row["first_published"] < after
    }

    targets = list(Target.objects.all())
    pilot_communes = {p.commune_id for p in pilots}
    districts_with_models = {d.pk for row in linkage_rows for d in row.districts}
    area_models = [row for row in linkage_rows if row.raw_material_area]
    districts_with_pilots = {
        tree.district_of(commune_id).pk for commune_id in pilot_communes if tree.district_of(commune_id)
    }

    indicators = [
        _result(
            Indicator.COMMUNES_WITH_COOPERATIVES,
            [Counted(c, c.pk in communes_approved) for c in counted_communes],
            targets,
            as_of,
        ),
        _result(
            Indicator.COMMUNES_SELLING_ONLINE,
            [Counted(c, c.pk in communes_online) for c in counted_communes],
            targets,
            as_of,
        ),
        _result(
            Indicator.DISTRICTS_WITH_LINKAGE_MODELS,
            [Counted(d, d.pk in districts_with_models) for d in districts],
            targets,
            as_of,
        ),
        _result(
            Indicator.DIGITAL_LINKAGE_MODELS,
            [Counted(row.linkage_model, row.digital) for row in area_models],
            targets,
            as_of,
            declared=sum(1 for row in area_models if row.declared_tools),
            declared_tools=_tool_counts(area_models),
        ),
        _result(
            Indicator.DISTRICTS_PROMOTED_ONLINE,
            [Counted(d, d.pk in promotion) for d in districts],
            targets,
            as_of,
        ),
        _result(
            Indicator.DISTRICTS_WITH_PILOTS,
            [Counted(d, d.pk in districts_with_pilots) for d in districts],
            targets,
            as_of,
            pilots=len(pilots),
        ),
    ]

    # One level down: districts of a province, communes of a district.
    row_units = tree.rows if unit.level != Level.COMMUNE else []
    row_communes = {row_unit.pk: {u.pk for u in tree.communes_below(row_unit.pk)} for row_unit in row_units}
    row_partners = {
        row_unit.pk: [
            partner_of[c.pk]
            for c in cooperatives
            if c.pk in partner_of and c.commune_id in row_communes[row_unit.pk]
        ]
        for row_unit in row_units
    }
    pilot_partners = {
        ("pilot", commune_id): [
            partner_of[c.pk] for c in cooperatives if c.pk in partner_of and c.commune_id == commune_id
        ]
        for commune_id in pilot_communes
    }
    # Two queries: a pilot commune's cooperatives are also in their district's row.
    bucketed = _activity_by_bucket(groups, row_partners)
    bucketed.update(_activity_by_bucket(groups, pilot_partners, few=True))
    activity = _activity(groups.aggregate(**_activity_aggregates()))
    indicators_by_code = {result.code: result for result in indicators}

    rows = []
    for row_unit in row_units:
        counted = {c.pk for c in tree.counted_communes_below(row_unit.pk)}
        every = row_communes[row_unit.pk]
        own = [c for c in cooperatives if c.commune_id in every]
        own_models = [r for r in linkage_rows if any(c.commune_id in every for c in r.cooperatives_here)]
        row = UnitRow(
            unit=row_unit,
            communes=len(counted),
            communes_with_cooperatives=len(counted & communes_approved),
            communes_selling_online=len(counted & communes_online),
            cooperatives=sum(1 for c in own if c.pk in approved),
            cooperatives_online=sum(1 for c in own if c.pk in online),
            linkage_models=len(own_models),
            area_linkage_models=sum(1 for r in own_models if r.raw_material_area),
            digital_linkage_models=sum(1 for r in own_models if r.digital),
            promoted_online=row_unit.pk in promotion,
            pilots=sum(1 for p in pilots if p.commune_id in every),
            activity=bucketed.get(row_unit.pk, Activity()),
        )
        row.status, _expected = target_status(
            row.communes_with_cooperatives_percent,
            indicators_by_code[Indicator.COMMUNES_WITH_COOPERATIVES].target,
            as_of,
        )
        rows.append(row)

    cooperative_rows = [
        CooperativeRow(
            cooperative=c,
            approved=c.pk in approved,
            listed=c.partner_id in listed,
            selling_online=c.pk in online,
            commune=tree.units.get(c.commune_id),
            activity=_activity(by_partner.get(c.partner_id)),
        )
        for c in cooperatives
        if c.pk in approved or c.partner_id in by_partner
    ]
    pilot_rows = [
        PilotRow(
            pilot=pilot,
            commune=tree.units[pilot.commune_id],
            district=tree.district_of(pilot.commune_id),
            cooperatives=sum(
                1 for c in cooperatives if c.commune_id == pilot.commune_id and c.pk in approved
            ),
            cooperatives_online=sum(
                1 for c in cooperatives if c.commune_id == pilot.commune_id and c.pk in online
            ),
            activity=bucketed.get(("pilot", pilot.commune_id), Activity()),
        )
        for pilot in pilots
    ]
    return UnitReport(
        unit=unit,
        period=period,
        as_of=as_of,
        ancestors=unit_ancestors(unit),
        indicators=indicators,
        activity=activity,
        rows=rows,
        cooperatives=cooperative_rows,
        linkage_models=linkage_rows,
        pilots=pilot_rows,
        trend=_trend(groups, period, unit),
        map_day=tree.as_of,
    )


def unit_ancestors(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The units above ``unit`` up to the province, top first (already
    fetched by ``report_unit``'s select_related)."""
    found, current = [], unit
    while current.parent_id is not None and current.level != Level.PROVINCE:
        current = current.parent
        found.append(current)
    return list(reversed(found))


def _tool_counts(rows: list[LinkageRow]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        for tool in row.declared_tools:
            counts[tool] = counts.get(tool, 0) + 1
    return counts


def _linkage_rows(tree, communes, cooperatives, period: Period, as_of) -> list[LinkageRow]:
    """Linkage models in force in the period with a cooperative under the
    report's unit, with what makes each digital."""
    Through = LinkageModel.cooperatives.through
    AreaThrough = LinkageModel.raw_material_areas.through
    models = {
        model.pk: model
        for model in LinkageModel.objects.filter(signed_on__lte=as_of)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=period.start))
        .filter(cooperatives__commune_id__in=[c.pk for c in communes])
        .select_related("product_category")
        .order_by()
        .distinct()
    }
    if not models:
        return []
    members: dict[int, list[int]] = {}
    partner_of: dict[int, int] = {}
    for model_id, cooperative_id, partner_id in Through.objects.filter(
        linkagemodel_id__in=models
    ).values_list("linkagemodel_id", "cooperative_id", "cooperative__partner_id"):
        members.setdefault(model_id, []).append(cooperative_id)
        if partner_id:
            partner_of[cooperative_id] = partner_id
    # Sales of every member, wherever it is: a model is digital or not
    # whichever unit's report shows it.
    sold = set(
        _effective_groups(period)
        .filter(partner_id__in=set(partner_of.values()))
        .values_list("partner_id", flat=True)
        .order_by()
        .distinct()
    )
    with_area = set(
        AreaThrough.objects.filter(linkagemodel_id__in=models).values_list("linkagemodel_id", flat=True)
    )
    member_ids = {pk for ids in members.values() for pk in ids}
    after = datetime.datetime.combine(
        as_of + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    # Category paths of the public products each cooperative has lots of.
    lot_paths: dict[int, set[str]] = {}
    for cooperative_id, path in (
        Lot.objects.filter(cooperative_id__in=member_ids, product__is_public=True, created_at__lt=after)
        .values_list("cooperative_id", "product__categories__path")
        .order_by()
        .distinct()
    ):
        lot_paths.setdefault(cooperative_id, set()).add(path or "")
    here = {c.pk: c for c in cooperatives}
    rows = []
    for pk, model in sorted(models.items(), key=lambda item: (-item[1].signed_on.toordinal(), item[0])):
        ids = members.get(pk, [])
        prefix = model.product_category.path if model.product_category_id else ""
        row = LinkageRow(
            linkage_model=model,
            districts=sorted(
                {d for d in (tree.district_of(here[i].commune_id) for i in ids if i in here) if d},
                key=lambda d: d.name,
            ),
            raw_material_area=pk in with_area,
            traceable_lots=any(
                path.startswith(prefix) for i in ids for path in lot_paths.get(i, ()) if path or not prefix
            ),
            sold_online=any(partner_of.get(i) in sold for i in ids),
            declared_tools=list(model.declared_digital_tools or []),
            cooperatives_here=[here[i] for i in ids if i in here],
        )
        rows.append(row)
    return rows


def _trend(groups, period: Period, unit) -> list[TrendPoint]:
    """Orders, GMV and cooperatives selling, month by month: from the
    month's snapshot where one was taken (whole months of the period only),
    from the live data otherwise. Only the months without a snapshot are
    counted again, so a year's trend reads little more than this month."""
    months = period.months()
    whole = [m for m in months if period.start <= m.start and m.end <= period.end]
    ends = {m.start: m.end for m in whole}
    snapshots = {}
    if unit is not None and whole:
        snapshots = {
            snapshot.period_start: snapshot
            for snapshot in IndicatorSnapshot.objects.filter(
                unit=unit,
                indicator=Indicator.ECOMMERCE_ACTIVITY,
                period_start__in=list(ends),
                period_end__in=list(ends.values()),
            )
            if ends[snapshot.period_start] == snapshot.period_end
        }
    live_months = [m for m in months if m.start not in snapshots]
    live = {}
    if live_months:
        first, _ = live_months[0].bounds()
        _, after = live_months[-1].bounds()
        live = {
            row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]: row
            for row in groups.filter(created_at__gte=first, created_at__lt=after)
            .annotate(month=TruncMonth("created_at"))
            .values("month")
            .order_by("month")
            .annotate(
                orders=Count("order_id", distinct=True),
                gmv=Sum(F("merchandise_total") - F("refunded_total")),
                cooperatives=Count("partner_id", distinct=True),
            )
        }
    points = []
    for month in months:
        snapshot = snapshots.get(month.start)
        if snapshot is not None:
            figures = snapshot.figures
            points.append(
                TrendPoint(
                    month=month.start,
                    orders=figures.get("orders", 0),
                    gmv=figures.get("gmv", 0),
                    cooperatives_online=figures.get("cooperatives_online", 0),
                    from_snapshot=True,
                )
            )
            continue
        row = live.get(month.start, {})
        points.append(
            TrendPoint(
                month=month.start,
                orders=row.get("orders", 0),
                gmv=int(row.get("gmv") or 0),
                cooperatives_online=row.get("cooperatives", 0),
            )
        )
    return points


# --- Products and cooperatives --------------------------------------------------


def unit_partner_ids(*, unit: AdministrativeUnit) -> list[int]:
    """The shop partners of every cooperative under ``unit``, whatever its
    status (a suspended one sold in earlier periods)."""
    return list(
        Cooperative.objects.filter(
            commune_id__in=unit.descendant_ids(include_self=True), partner_id__isnull=False
        )
        .order_by("partner_id")
        .values_list("partner_id", flat=True)
    )


def top_products(*, partner_ids, period: Period, limit: int = TOP) -> list[ProductSales]:
    """The best-selling products of those cooperatives in the period, by
    the value of their lines in parts that still stand (a partial refund
    is not split over the lines, so it is not taken off here)."""
    start, after = period.bounds()
    standing = (
        FulfilmentGroup.objects.filter(order_id=OuterRef("order_id"), partner_id=OuterRef("partner_id"))
        .exclude(status=FulfilmentGroup.Status.CANCELLED)
        .filter(merchandise_total__gt=F("refunded_total"))
    )
    rows = (
        Line.objects.filter(
            partner_id__in=list(partner_ids),
            order__date_placed__gte=start,
            order__date_placed__lt=after,
        )
        .filter(Exists(standing))
        .values("product_id", "title", "partner_name")
        .annotate(
            quantity=Sum("quantity"), gmv=Sum("line_price_incl_tax"), orders=Count("order_id", distinct=True)
        )
        .order_by("-gmv", "title")[:limit]
    )
    return [
        ProductSales(
            product_id=row["product_id"],
            title=row["title"],
            cooperative=row["partner_name"],
            quantity=row["quantity"] or 0,
            gmv=int(row["gmv"] or Decimal(0)),
            orders=row["orders"],
        )
        for row in rows
    ]


def cooperative_report(*, cooperative: Cooperative, period: Period, today=None) -> CooperativeReport:
    """One cooperative's figures for the period: the bottom of the drill-down."""
    as_of = period.as_of(today)
    after = datetime.datetime.combine(
        as_of + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    status_then = (
        CooperativeStatusChange.objects.filter(cooperative=cooperative, at__lt=after)
        .order_by("-at", "-pk")
        .values_list("status", flat=True)
        .first()
    )
    partner_ids = [cooperative.partner_id] if cooperative.partner_id else []
    groups = _effective_groups(period).filter(partner_id__in=partner_ids)
    listed = (
        StockRecord.objects.filter(
            partner_id__in=partner_ids, product__is_public=True, date_created__lt=after
        )
        .values("product_id")
        .order_by()
        .distinct()
        .count()
    )
    return CooperativeReport(
        cooperative=cooperative,
        period=period,
        as_of=as_of,
        approved=status_then == Cooperative.Status.APPROVED,
        listed_products=listed,
        activity=_activity(groups.aggregate(**_activity_aggregates(per_partner=True))),
        trend=_trend(groups, period, unit=None),
        products=top_products(partner_ids=partner_ids, period=period) if partner_ids else [],
        linkage_models=list(
            cooperative.linkage_models.filter(signed_on__lte=as_of)
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=period.start))
            .order_by("-signed_on")
        ),
    )
