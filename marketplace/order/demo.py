"""A year of demo orders, ending today, so the cooperatives' order pages,
their ledger and the province's reports have something to show.

The orders are placed the way checkout places them: an Oscar basket priced
by the partner strategy, the cooperative delivery method, Oscar's total
calculator and the project's OrderCreator, which takes the units from the
lots, first-expiring first, and splits the order into one fulfilment group
per cooperative. Each group then moves through its statuses with
``fulfilment_group_advance``, as its cooperative would have moved it; the
times are the simulated ones, written over the real ones afterwards.

Where a real service needs something the demo does not have, the demo
writes what that service would have written:

- Card orders: there is no Stripe account, so each gets a succeeded
  StripePayment (intent "pi_demo_…") and its ledger entries, as
  ``card_checkout_complete`` records them at capture. A card order's
  cooperative that cancels its part gives the money back through a
  refund written as Stripe would have confirmed it.
- E-mails: every e-mail the simulated history sent (order placed, new order
  for the cooperative, shipped, cancelled) is marked sent at its simulated
  time before the demo's transaction commits. The e-mail tasks, which run
  on commit, then find them sent and send nothing, whether they run in
  process (no broker: the demo's default) or on a worker; a swapped e-mail
  backend would only work in process. Groups still waiting are left
  unmarked, so shipping one in the demo sends its e-mail.
- Stock: a year of sales would empty the two lots on sale today, so each
  product gets lots from past harvests, sized to what the past orders
  took. They expire before the lots on sale, so first-expiring-first
  allocation takes the past orders' units from them and leaves them sold
  out; the lots on sale give only what the last days' orders took when no
  past harvest was fresh any more.

Everything comes from one seeded random generator, so every run plans the
same orders (relative to today). Safe to run again: once the demo orders
exist (numbers starting "DEMO-"), nothing is created.
"""

import bisect
import datetime
import random
import zoneinfo
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Case, F, Sum, Value, When
from django.utils import timezone
from oscar.apps.checkout.calculators import OrderTotalCalculator
from oscar.core.loading import get_class, get_model

from catalog import demo as catalog_demo
from catalog.models import Lot, Product
from cooperatives.models import AdministrativeUnit
from cooperatives.services import unidecode_vietnamese
from marketplace import demo as marketplace_demo
from marketplace import roles
from marketplace.checkout.forms import address_lines, address_units
from marketplace.checkout.services import payment_source_add, refundable_by_partner
from marketplace.ledger.models import LedgerEntry
from marketplace.ledger.services import ledger_record_order, ledger_record_refund
from marketplace.money import to_dong
from marketplace.payments.models import StripePayment, StripeRefund
from marketplace.shipping.selectors import DELIVERY_CODE

from .services import fulfilment_group_advance

Basket = get_model("basket", "Basket")
Country = get_model("address", "Country")
FulfilmentGroup = get_model("order", "FulfilmentGroup")
FulfilmentGroupEvent = get_model("order", "FulfilmentGroupEvent")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
Source = get_model("payment", "Source")
OrderCreator = get_class("order.utils", "OrderCreator")
Repository = get_class("shipping.repository", "Repository")
Selector = get_class("partner.strategy", "Selector")

Status = FulfilmentGroup.Status
Kind = LedgerEntry.Kind

LOCAL_TIME_ZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NUMBER_PREFIX = "DEMO-"
SEED = 20251123
# A few hundred orders: enough for every status, both payment methods and
# a visible Tết peak on each cooperative's pages. Each costs some 130
# queries (placing it, four status changes, its e-mail tasks), so this many
# keep the step to about half a minute on SQLite on a small machine.
ORDER_COUNT = 300
DAYS = 365
# The orders of the last days, as (hours ago, status of the first group):
# written out rather than drawn, so the cooperatives always find orders
# waiting at each step, whatever day the demo is loaded.
RECENT_ORDERS = (
    (0.5, Status.NEW),
    (1.5, Status.NEW),
    (3, Status.CONFIRMED),
    (6, Status.NEW),
    (9, Status.CONFIRMED),
    (15, Status.PACKED),
    (22, Status.CONFIRMED),
    (28, Status.PACKED),
    (36, Status.SHIPPED),
    (47, Status.PACKED),
    (56, Status.SHIPPED),
    (66, Status.SHIPPED),
    (78, Status.DELIVERED),
    (90, Status.SHIPPED),
)
# Older orders are placed at least this many days ago.
RECENT_DAYS = 4
CARD_SHARE = 0.4
GUEST_SHARE = 0.15
# Of the signed-in orders, the share of the demo buyer "nguoimua"; the
# rest go to the generated buyers.
DEMO_BUYER_SHARE = 0.6
GENERATED_BUYERS = 12
TWO_COOPERATIVES_SHARE = 0.2
CANCEL_SHARE = 0.06
# Of the units on sale today, the most the demo's last days may take.
ON_SALE_BUDGET_SHARE = 0.1

# Tết Nguyên Đán and Tết Trung thu (the 1st of the 1st and the 15th of the
# 8th lunar month) in the solar calendar. Buyers send tea, honey and cakes
# in the weeks before Tết; carriers and cooperatives rest for its first
# days. A year beyond the table simply has no peak.
TET = {
    2025: datetime.date(2025, 1, 29),
    2026: datetime.date(2026, 2, 17),
    2027: datetime.date(2027, 2, 6),
    2028: datetime.date(2028, 1, 26),
    2029: datetime.date(2029, 2, 13),
    2030: datetime.date(2030, 2, 3),
    2031: datetime.date(2031, 1, 23),
    2032: datetime.date(2032, 2, 11),
}
MID_AUTUMN = {
    2025: datetime.date(2025, 10, 6),
    2026: datetime.date(2026, 9, 25),
    2027: datetime.date(2027, 9, 15),
    2028: datetime.date(2028, 10, 3),
    2029: datetime.date(2029, 9, 22),
    2030: datetime.date(2030, 9, 12),
    2031: datetime.date(2031, 10, 1),
    2032: datetime.date(2032, 9, 19),
}
TET_RUSH_DAYS = 28
TET_HOLIDAY_DAYS = 6
MID_AUTUMN_RUSH_DAYS = 14
GIFT_CLASSES = {"tea", "honey", "processed-food"}
# How well each product sells, relative to the others.
POPULARITY = {
    "demo-cam-sanh-ham-yen": 1.4,
    "demo-buoi-soi-ha": 1.1,
    "demo-che-shan-tuyet-hong-thai": 1.0,
    "demo-che-xanh-ngoc-thuy": 1.2,
    "demo-mat-ong-huong-rung": 1.0,
    "demo-banh-gai-chiem-hoa": 0.7,
    "demo-bot-san-day-thuc-son": 0.8,
    "demo-gao-nep-lang-can": 1.0,
}
QUANTITIES = (1, 2, 3, 4, 5, 6)
QUANTITY_WEIGHTS = (50, 27, 12, 6, 3, 2)
# When in the day (local time) buyers order: lunch break and evening.
HOUR_WEIGHTS = (
    1, 1, 0, 0, 0, 1, 2, 4, 5, 6, 6, 8, 9, 7, 5, 5, 5, 6, 6, 8, 10, 11, 8, 4,
)  # fmt: skip

FAMILY_NAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý",
    "Ma", "Nông", "Hà", "Triệu", "Quan", "Lương", "Bàn", "Chu",
)  # fmt: skip
FAMILY_WEIGHTS = (30, 10, 8, 6, 8, 4, 3, 3, 3, 2, 2, 2, 4, 4, 4, 3, 2, 2, 2, 2)
WOMEN = (("Thị", "Thu", "Ngọc", "Minh"), ("Lan", "Hoa", "Hương", "Mai", "Thảo", "Trang", "Linh", "Yến", "Nga",
         "Phương", "Huyền", "Hằng", "Loan", "Dung", "Vân", "Hà"))  # fmt: skip
MEN = (("Văn", "Đức", "Minh", "Quang", "Hữu"), ("Hùng", "Dũng", "Tuấn", "Sơn", "Hải", "Long", "Bình", "Thắng",
       "Cường", "Nam", "Việt", "Khánh", "Tùng", "Trung", "Hiếu", "Đạt"))  # fmt: skip
HAMLETS = (
    "Đồng Mới", "Tân Lập", "Làng Chùa", "Nà Khá", "Bản Ba", "Khuôn Hà", "Đồng Tâm", "Tân Thành", "Cầu Cao",
    "Nà Mỏ", "Thắm Hon", "Cốc Phát", "Bản Khiển", "Phúc Lợi", "Đồng Bài", "Làng Ải", "Khuổi Phầy",
)  # fmt: skip
STREETS = (
    "Tân Trào", "17 tháng 8", "Bình Thuận", "Lê Lợi", "Quang Trung", "Trần Hưng Đạo", "Nguyễn Trãi",
    "Phan Thiết", "Chiến Thắng Sông Lô", "Lý Thái Tổ",
)  # fmt: skip
DELIVERY_NOTES = (
    "Gọi trước khi giao 15 phút.",
    "Giao giờ hành chính.",
    "Nếu không có nhà, gửi hàng ở nhà văn hoá thôn.",
    "Hàng biếu Tết, xin đóng gói cẩn thận.",
)
# Mobile prefixes of Viettel, VinaPhone and MobiFone (after 0 or +84)
# whose every number is a valid one; of 089 only some ranges are.
MOBILE_PREFIXES = (
    "86", "96", "97", "98", "32", "33", "34", "35", "36", "37", "38", "39",
    "88", "91", "94", "81", "82", "83", "84", "85", "90", "93", "70", "76", "77", "78", "79",
)  # fmt: skip
CARRIERS = ("Viettel Post", "VNPost", "GHN")
CARRIER_WEIGHTS = (45, 30, 25)
# GHN order codes: capitals and digits, without the easily misread ones.
GHN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# Why cooperatives cancel, by the status they cancel from.
CANCEL_NOTES = {
    Status.NEW: (
        "Khách gọi điện xin huỷ đơn.",
        "Khách đặt trùng đơn, huỷ đơn thừa.",
        "Không liên lạc được với khách để xác nhận đơn.",
    ),
    Status.CONFIRMED: (
        "Hết hàng loại 1, đã gọi báo khách.",
        "Khách đổi ý, đặt lại đơn khác.",
        "Địa chỉ giao hàng chưa rõ, khách không xác nhận lại.",
    ),
    Status.PACKED: (
        "Sản phẩm không đạt kiểm tra chất lượng trước khi gửi, đã báo khách.",
        "Khách xin huỷ vì đã mua ở chợ phiên.",
    ),
}
FLOW = (Status.NEW, Status.CONFIRMED, Status.PACKED, Status.SHIPPED, Status.DELIVERED)
_ON_SALE = "on sale"


@dataclass(frozen=True)
class BuyerProfile:
    """Who a planned order is for, and where it goes."""

    first_name: str
    last_name: str
    email: str
    phone: str
    line1: str
    commune_id: int
    username: str = ""  # the generated buyer's account; empty for a guest or the demo buyer


@dataclass(frozen=True)
class PlannedGroup:
    """One cooperative's part of a planned order: its lines (product code,
    quantity, the past harvest its units come from or _ON_SALE) and the
    statuses it went through, with their times."""

    cooperative: str
    lines: tuple[tuple[str, int, object], ...]
    steps: tuple[tuple[str, datetime.datetime], ...]
    carrier: str = ""
    tracking_number: str = ""
    cancel_note: str = ""

    @property
    def status(self) -> str:
        return self.steps[-1][0] if self.steps else Status.NEW

    def time_of(self, status: str) -> datetime.datetime | None:
        return next((at for step, at in self.steps if step == status), None)


@dataclass(frozen=True)
class PlannedOrder:
    """One order of the simulated year, before it is placed."""

    number: str
    placed_at: datetime.datetime
    buyer: BuyerProfile
    buyer_kind: str  # "demo", "generated" or "guest"
    payment: str  # payment provider code
    groups: tuple[PlannedGroup, ...]
    notes: str = ""


@dataclass
class OrdersResult:
    """What demo_orders_ensure did, for load_demo's summary."""

    created: int = 0
    existing: int = 0
    by_payment: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    two_cooperatives: int = 0
    guests: int = 0
    past_lots: int = 0


def demo_orders_count() -> int:
    """How many orders demo_orders_ensure handles (for a progress bar)."""
    return ORDER_COUNT


def demo_orders_ensure(*, on_progress: Callable[[int], None] | None = None) -> OrdersResult:
    """A year of orders across the demo cooperatives, ending now. Needs the
    demo users, cooperatives and products (marketplace.demo, cooperatives.demo,
    catalog.demo). Does nothing once the demo orders exist."""
    existing = Order.objects.filter(number__startswith=NUMBER_PREFIX).count()
    if existing:
        if on_progress:
            on_progress(ORDER_COUNT)
        return OrdersResult(existing=existing)
    # One transaction: the orders come all or not at all, and their e-mail
    # tasks run once it commits, when every e-mail is already marked sent.
    with transaction.atomic():
        return _orders_create(on_progress)


# --- Planning: pure Python, from the seeded generator ------------------------


@dataclass
class _Stock:
    """Where a product's units come from on a given day: the latest past
    harvest still fresh enough to sell, else the lots on sale today, once
    they were ready and while the demo's share of them lasts."""

    spec: catalog_demo.DemoProduct
    on_sale_from: datetime.date
    on_sale_budget: int
    harvests: list[datetime.date]
    ready: list[datetime.date] = field(init=False)

    def __post_init__(self):
        self.ready = [day + datetime.timedelta(days=self.spec.days_to_sale) for day in self.harvests]

    def source(self, day: datetime.date, quantity: int):
        index = bisect.bisect_right(self.ready, day) - 1
        # A shop sells a product with at least a quarter of its shelf life left.
        sell_within = self.spec.shelf_life_days - self.spec.shelf_life_days // 4
        if index >= 0 and day <= self.harvests[index] + datetime.timedelta(days=sell_within):
            return self.harvests[index]
        if day >= self.on_sale_from and self.on_sale_budget >= quantity:
            return _ON_SALE
        return None


def _harvests(spec, first: datetime.date, before: datetime.date) -> list[datetime.date]:
    """Past harvest days of a product, in its season, from early enough to
    supply the first order up to the day before its oldest lot on sale.
    Perishable products are harvested (or made) more often, but at most
    weekly: each lot is one more trace log to write."""
    step = min(28, max(7, spec.shelf_life_days // 2))
    days_of_month = set(range(1, 29, step))
    day = first - datetime.timedelta(days=spec.shelf_life_days + spec.days_to_sale)
    harvests = []
    while day < before:
        if day.day in days_of_month and (not spec.season_months or day.month in spec.season_months):
            harvests.append(day)
        day += datetime.timedelta(days=1)
    return harvests


def _day_weight(day: datetime.date, first: datetime.date) -> float:
    # The marketplace grows over the year, and sells more at weekends.
    weight = 0.7 + 0.6 * (day - first).days / DAYS
    if day.weekday() >= 5:
        weight *= 1.2
    tet = TET.get(day.year + 1) if day.month >= 11 else TET.get(day.year)
    if tet:
        before = (tet - day).days
        if 0 < before <= TET_RUSH_DAYS:
            weight *= 1 + 4 * (TET_RUSH_DAYS - before) / TET_RUSH_DAYS
        elif -TET_HOLIDAY_DAYS <= before <= 0:
            weight *= 0.2
    mid_autumn = MID_AUTUMN.get(day.year)
    if mid_autumn and 0 < (mid_autumn - day).days <= MID_AUTUMN_RUSH_DAYS:
        weight *= 1.5
    return weight


def _before_tet(day: datetime.date) -> bool:
    tet = TET.get(day.year + 1) if day.month >= 11 else TET.get(day.year)
    return bool(tet) and 0 < (tet - day).days <= TET_RUSH_DAYS


def _person(rng: random.Random) -> tuple[str, str]:
    middles, givens = rng.choice((WOMEN, MEN))
    family = rng.choices(FAMILY_NAMES, FAMILY_WEIGHTS)[0]
    return rng.choice(givens), f"{family} {rng.choice(middles)}"


def _phone(rng: random.Random) -> str:
    return f"+84{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"


def _line1(rng: random.Random, commune) -> str:
    if commune.unit_type == "Phường":
        return f"Số {rng.randint(2, 180)} đường {rng.choice(STREETS)}, tổ {rng.randint(1, 25)}"
    if commune.unit_type == "Thị trấn":
        return f"Tổ dân phố {rng.randint(1, 15)}"
    return f"Thôn {rng.choice(HAMLETS)}" if rng.random() < 0.6 else f"Thôn {rng.randint(1, 12)}"


def _profile(rng: random.Random, communes: list, weights: list, username_taken: set | None = None):
    first_name, last_name = _person(rng)
    commune = rng.choices(communes, weights)[0]
    family = last_name.split()[0]
    local = unidecode_vietnamese(f"{first_name}.{family}").lower() + str(rng.randint(70, 99))
    if username_taken is not None:
        while local in username_taken:
            local += str(rng.randrange(10))
        username_taken.add(local)
    return BuyerProfile(
        first_name=first_name,
        last_name=last_name,
        email=f"{local}@mail.example",
        phone=_phone(rng),
        line1=_line1(rng, commune),
        commune_id=commune.pk,
        username=local if username_taken is not None else "",
    )


def _tracking_number(rng: random.Random, carrier: str) -> str:
    if carrier == "VNPost":
        # A domestic EMS item number (UPU S10): two letters, eight digits,
        # a check digit, VN.
        digits = [rng.randrange(10) for _ in range(8)]
        check = 11 - sum(d * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7), strict=True)) % 11
        check = {10: 0, 11: 5}.get(check, check)
        return f"E{rng.choice('BLP')}{''.join(map(str, digits))}{check}VN"
    if carrier == "GHN":
        return "".join(rng.choice(GHN_ALPHABET) for _ in range(8))
    return f"{rng.randint(1, 9)}{rng.randrange(10**11):011d}"


def _hours(rng: random.Random, low: float, high: float) -> datetime.timedelta:
    return datetime.timedelta(hours=rng.uniform(low, high))


def _steps_as_it_went(rng: random.Random, placed: datetime.datetime, now: datetime.datetime) -> list:
    """A group's statuses at the pace cooperatives keep (confirmed within
    the day, packed and handed to the carrier within one or two days,
    delivered in one to four), or cancelled on the way; only those already
    reached by now. The whole way is drawn first, so how far a group got
    does not change what is drawn for the next one."""
    delays = {
        Status.CONFIRMED: (2, 12),
        Status.PACKED: (3, 30),
        Status.SHIPPED: (2, 24),
        Status.DELIVERED: (20, 96),
    }
    cancel_from = None
    if rng.random() < CANCEL_SHARE:
        cancel_from = rng.choices((Status.NEW, Status.CONFIRMED, Status.PACKED), (40, 35, 25))[0]
    steps, at = [], placed
    for status in FLOW:
        if status != Status.NEW:
            at = _in_working_hours(rng, at + _hours(rng, *delays[status]))
            steps.append((status, at))
        if status == cancel_from:
            at = _in_working_hours(rng, at + _hours(rng, 1, 12))
            steps.append((Status.CANCELLED, at))
            break
    return [(status, at) for status, at in steps if at <= now]


# Cooperatives and carriers work from 7:00 to 20:00, local time.
WORKING_HOURS = (7, 20)


def _in_working_hours(rng: random.Random, at: datetime.datetime) -> datetime.datetime:
    """``at``, or if it falls at night, some time in the next working day."""
    local = at.astimezone(LOCAL_TIME_ZONE)
    start, end = WORKING_HOURS
    if start <= local.hour < end:
        return at
    day = local.date() if local.hour < start else local.date() + datetime.timedelta(days=1)
    morning = datetime.datetime.combine(day, datetime.time(start), tzinfo=LOCAL_TIME_ZONE)
    return morning + datetime.timedelta(minutes=rng.randrange((end - start) * 60))


def _steps_up_to(rng: random.Random, placed, now, status: str) -> list:
    """The steps to ``status``, spread over the time since the order."""
    reached = FLOW.index(status)
    span = now - placed
    return [
        (FLOW[index], placed + span * (index / (reached + 1)) * rng.uniform(0.85, 1.0))
        for index in range(1, reached + 1)
    ]


def _placed_times(rng: random.Random, now: datetime.datetime) -> list[tuple[datetime.datetime, str | None]]:
    """When the orders were placed, oldest first, each with the status its
    first group must have reached if it is one of the last days' orders."""
    first = timezone.localdate(now, LOCAL_TIME_ZONE) - datetime.timedelta(days=DAYS)
    days = [first + datetime.timedelta(days=offset) for offset in range(DAYS - RECENT_DAYS + 1)]
    day_weights = [_day_weight(day, first) for day in days]
    times = []
    for day in sorted(rng.choices(days, day_weights, k=ORDER_COUNT - len(RECENT_ORDERS))):
        hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
        local = datetime.datetime.combine(day, datetime.time(hour, rng.randrange(60), rng.randrange(60)))
        times.append((local.replace(tzinfo=LOCAL_TIME_ZONE), None))
    for hours, status in RECENT_ORDERS[:ORDER_COUNT]:
        times.append((now - datetime.timedelta(hours=hours, minutes=rng.randrange(20)), status))
    return sorted(times, key=lambda pair: pair[0])


def _group_plan(rng: random.Random, *, cooperative: str, line: tuple, steps: list) -> PlannedGroup:
    reached = {status for status, _at in steps}
    carrier = rng.choices(CARRIERS, CARRIER_WEIGHTS)[0]
    cancel_note = ""
    if Status.CANCELLED in reached:
        cancelled_from = steps[-2][0] if len(steps) > 1 else Status.NEW
        cancel_note = rng.choice(CANCEL_NOTES[cancelled_from])
    shipped = Status.SHIPPED in reached
    return PlannedGroup(
        cooperative=cooperative,
        lines=(line,),
        steps=tuple(steps),
        carrier=carrier if shipped else "",
        tracking_number=_tracking_number(rng, carrier) if shipped else "",
        cancel_note=cancel_note,
    )


def _plan(*, now, stocks: dict, communes: list, demo_buyer: BuyerProfile) -> list[PlannedOrder]:
    """The orders to place, oldest first: who buys what from which
    cooperatives, how they pay, and how far each cooperative got."""
    rng = random.Random(SEED)
    weights = [(3 if unit.unit_type == "Phường" else 1) for unit in communes]
    usernames = set()
    members = [_profile(rng, communes, weights, usernames) for _ in range(GENERATED_BUYERS)]
    orders = []
    for placed, recent_status in _placed_times(rng, now):
        day = timezone.localdate(placed, LOCAL_TIME_ZONE)
        gifts = _before_tet(day)
        cooperatives = 2 if rng.random() < TWO_COOPERATIVES_SHARE else 1
        groups = []
        for index in range(cooperatives):
            quantity = rng.choices(QUANTITIES, QUANTITY_WEIGHTS)[0]
            if gifts and rng.random() < 0.35:
                quantity += 1
            taken = {group.cooperative for group in groups}
            candidates = [
                (code, stock)
                for code, stock in stocks.items()
                if stock.spec.cooperative not in taken and stock.source(day, quantity) is not None
            ]
            if not candidates:
                break
            popularity = [
                POPULARITY.get(code, 1.0) * (2 if gifts and stock.spec.product_class in GIFT_CLASSES else 1)
                for code, stock in candidates
            ]
            code, stock = rng.choices(candidates, popularity)[0]
            source = stock.source(day, quantity)
            if source == _ON_SALE:
                stock.on_sale_budget -= quantity
            if recent_status is None:
                steps = _steps_as_it_went(rng, placed, now)
            else:
                # A second cooperative may be a step behind the first.
                status = recent_status
                if index and status != Status.NEW and rng.random() < 0.5:
                    status = FLOW[FLOW.index(status) - 1]
                steps = _steps_up_to(rng, placed, now, status)
            groups.append(
                _group_plan(
                    rng, cooperative=stock.spec.cooperative, line=(code, quantity, source), steps=steps
                )
            )
        if not groups:
            continue
        roll = rng.random()
        if roll < GUEST_SHARE:
            kind, buyer = "guest", _profile(rng, communes, weights)
        elif roll < GUEST_SHARE + (1 - GUEST_SHARE) * DEMO_BUYER_SHARE:
            kind, buyer = "demo", demo_buyer
        else:
            kind, buyer = "generated", rng.choice(members)
        orders.append(
            PlannedOrder(
                number=f"{NUMBER_PREFIX}{len(orders) + 1:06d}",
                placed_at=placed,
                buyer=buyer,
                buyer_kind=kind,
                payment="stripe" if rng.random() < CARD_SHARE else "cod",
                groups=tuple(groups),
                notes=rng.choice(DELIVERY_NOTES) if rng.random() < 0.12 else "",
            )
        )
    return orders


def _stocks(today: datetime.date) -> dict[str, _Stock]:
    first = today - datetime.timedelta(days=DAYS)
    stocks = {}
    for spec in catalog_demo.DEMO_PRODUCTS:
        on_sale = Lot.objects.filter(product__code=spec.code, status=Lot.Status.OPEN)
        oldest = on_sale.order_by("produced_on").first()
        if oldest is None:
            raise ValueError(
                f"The demo product {spec.code} has no lot on sale: load the demo products first."
            )
        available = on_sale.aggregate(total=Sum("quantity_available"))["total"]
        stocks[spec.code] = _Stock(
            spec=spec,
            on_sale_from=oldest.produced_on + datetime.timedelta(days=spec.days_to_sale),
            on_sale_budget=int(available * ON_SALE_BUDGET_SHARE),
            harvests=_harvests(spec, first, oldest.produced_on),
        )
    return stocks


# --- Creating: through the checkout's own parts -------------------------------


def _orders_create(on_progress) -> OrdersResult:
    now = timezone.now()
    today = timezone.localdate(now, LOCAL_TIME_ZONE)
    User = get_user_model()
    demo_account = next(a for a in marketplace_demo.DEMO_ACCOUNTS if a.role == roles.BUYER)
    demo_user = User.objects.filter(username=demo_account.username).first()
    if demo_user is None:
        raise ValueError("The demo buyer is missing: load the demo users first.")
    # The communes a buyer can choose at checkout.
    communes = list(
        address_units(AdministrativeUnit.Level.COMMUNE).select_related("parent__parent").order_by("code")
    )
    stocks = _stocks(today)
    rng = random.Random(SEED)
    home = next((unit for unit in communes if unit.name == "Phường Minh Xuân"), communes[0])
    demo_buyer = BuyerProfile(
        first_name=demo_user.first_name,
        last_name=demo_user.last_name,
        email=demo_user.email,
        phone="+84912000318",
        line1=_line1(rng, home),
        commune_id=home.pk,
    )
    plan = _plan(now=now, stocks=stocks, communes=communes, demo_buyer=demo_buyer)

    result = OrdersResult()
    result.past_lots = _past_lots_create(plan, stocks)
    context = _Context(
        communes={unit.pk: unit for unit in communes},
        products={product.code: product for product in Product.objects.filter(code__in=stocks)},
        users=_buyers_ensure(plan, demo_user),
        staff={},
        country=Country.objects.get(iso_3166_1_a2="VN"),
    )
    for planned in plan:
        order = _order_create(planned, context)
        result.created += 1
        result.by_payment[order.payment_method_code] += 1
        result.by_status.update(group.status for group in planned.groups)
        result.two_cooperatives += len(planned.groups) > 1
        result.guests += planned.buyer_kind == "guest"
        if on_progress:
            on_progress(1)
    return result


@dataclass
class _Context:
    communes: dict
    products: dict
    users: dict
    staff: dict
    country: object


def _past_lots_create(plan: list[PlannedOrder], stocks: dict) -> int:
    """The past harvests' lots, each holding what the orders it supplied
    kept (a cancelled part gives its units back)."""
    needed = Counter()
    for planned in plan:
        for group in planned.groups:
            if group.status == Status.CANCELLED:
                continue
            for code, quantity, source in group.lines:
                if source != _ON_SALE:
                    needed[(code, source)] += quantity
    for (code, produced_on), quantity in sorted(needed.items()):
        catalog_demo.demo_past_lot_create(spec=stocks[code].spec, produced_on=produced_on, quantity=quantity)
    return len(needed)


def _buyers_ensure(plan: list[PlannedOrder], demo_user) -> dict:
    """The accounts of the generated buyers, who joined before their first
    order; the demo buyer too cannot have ordered before she joined."""
    User = get_user_model()
    buyers = Group.objects.get(name=roles.BUYER)
    first_orders = {}
    for planned in plan:
        if planned.buyer_kind != "guest":
            first_orders.setdefault(planned.buyer, planned.placed_at)
    users = {}
    for profile, first_order in first_orders.items():
        joined = first_order - datetime.timedelta(days=3 + first_order.toordinal() % 40)
        if not profile.username:
            users[profile] = demo_user
            if demo_user.date_joined > joined:
                User.objects.filter(pk=demo_user.pk).update(date_joined=joined)
            continue
        user = User.objects.filter(username=profile.username).first()
        if user is None:
            user = User(
                username=profile.username,
                email=profile.email,
                first_name=profile.first_name,
                last_name=profile.last_name,
                date_joined=joined,
            )
            # No password: nobody signs in as a generated buyer.
            user.set_unusable_password()
            user.full_clean()
            user.save()
            user.groups.add(buyers)
        users[profile] = user
    return users


def _staff_of(partner, context: _Context):
    if partner.pk not in context.staff:
        context.staff[partner.pk] = partner.users.order_by("pk").first()
    return context.staff[partner.pk]


def _order_create(planned: PlannedOrder, context: _Context):
    user = context.users.get(planned.buyer) if planned.buyer_kind != "guest" else None
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    for group in planned.groups:
        for code, quantity, _source in group.lines:
            basket.add_product(context.products[code], quantity)
    address = _address_create(planned, context)
    methods = Repository().get_shipping_methods(basket=basket, user=user, shipping_addr=address)
    method = next(method for method in methods if method.code == DELIVERY_CODE)
    charge = method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)
    extra = {"guest_email": planned.buyer.email} if user is None else {}
    order = OrderCreator().place_order(
        basket=basket, total=total, shipping_method=method, shipping_charge=charge, user=user,
        shipping_address=address, order_number=planned.number, date_placed=planned.placed_at, **extra,
    )  # fmt: skip
    basket.submit()
    Basket.objects.filter(pk=basket.pk).update(
        date_created=planned.placed_at - datetime.timedelta(minutes=6), date_submitted=planned.placed_at
    )

    payment = _payment_record(order, planned)
    groups = {group.partner.cooperative.registration_number: group for group in _groups_of(order)}
    for plan_group in planned.groups:
        group = groups[plan_group.cooperative]
        staff = _staff_of(group.partner, context)
        for status, _at in plan_group.steps:
            if status == Status.CANCELLED and payment is not None:
                _card_refund_record(order=order, group=group, payment=payment, reason=plan_group.cancel_note)
            fulfilment_group_advance(
                group=group, to_status=status, by=staff, carrier=plan_group.carrier,
                tracking_number=plan_group.tracking_number, note=plan_group.cancel_note,
                cash_received=status == Status.DELIVERED and planned.payment == "cod",
            )  # fmt: skip
        _group_dates_set(group, plan_group, planned)
    if payment is not None:
        last = max(
            [planned.placed_at] + [g.time_of(Status.CANCELLED) or planned.placed_at for g in planned.groups]
        )
        StripePayment.objects.filter(pk=payment.pk).update(
            created_at=planned.placed_at - datetime.timedelta(minutes=2), updated_at=last
        )
    return order


def _groups_of(order):
    return order.fulfilment_groups.select_related("partner__cooperative")


def _address_create(planned: PlannedOrder, context: _Context):
    # Written as the checkout's address form writes it: the house or hamlet,
    # then the names of the commune and the units above it.
    lines, _district, _province = address_lines(context.communes[planned.buyer.commune_id])
    return ShippingAddress.objects.create(
        first_name=planned.buyer.first_name,
        last_name=planned.buyer.last_name,
        line1=planned.buyer.line1,
        **lines,
        country=context.country,
        phone_number=planned.buyer.phone,
        notes=planned.notes,
    )


def _payment_record(order, planned: PlannedOrder):
    """The order's payment. Cash is taken by each cooperative on delivery;
    a card payment is captured at once, which enters the order in the
    ledger (as card_checkout_complete does, less the calls to Stripe)."""
    if planned.payment == "cod":
        payment_source_add(order=order, provider_code="cod", amount=order.total_incl_tax)
        return None
    amount = to_dong(order.total_incl_tax)
    payment = StripePayment.objects.create(
        order_number=order.number,
        intent_id=f"pi_demo_{order.number.removeprefix(NUMBER_PREFIX)}",
        amount=amount,
        status=StripePayment.Status.SUCCEEDED,
    )
    payment_source_add(
        order=order, provider_code="stripe", amount=order.total_incl_tax, reference=payment.intent_id,
        debited=amount,
    )  # fmt: skip
    ledger_record_order(
        order=order, shipping_by_partner={group.partner: group.shipping_charge for group in _groups_of(order)}
    )
    return payment


def _card_refund_record(*, order, group, payment, reason: str) -> None:
    """A card order's cooperative cancels its part: what order_refund
    records when StripeCard.refund succeeds, with the refund written as
    Stripe would have confirmed it. Done before the cancel, which then
    finds nothing left to refund and calls no Stripe."""
    amount = refundable_by_partner(order=order).get(group.partner_id, 0)
    if amount <= 0:
        return
    StripeRefund.objects.create(
        payment=payment,
        refund_id=f"re_demo_{order.number.removeprefix(NUMBER_PREFIX)}_{group.partner_id}",
        amount=amount,
        partner=group.partner,
        reason=reason[:255],
    )
    StripePayment.objects.filter(pk=payment.pk).update(amount_refunded=F("amount_refunded") + amount)
    ledger_record_refund(order=order, partner=group.partner, amount=amount, description=reason[:255])
    Source.objects.filter(order=order).update(amount_refunded=F("amount_refunded") + amount)


# The e-mails go out within a minute of what they tell.
_EMAIL_DELAY = datetime.timedelta(seconds=40)
_CAPTURE_DELAY = datetime.timedelta(minutes=1)


def _group_dates_set(group, plan_group: PlannedGroup, planned: PlannedOrder) -> None:
    """The simulated times over the real ones, and every e-mail the
    simulated history sent marked sent, so none goes out now."""
    placed = planned.placed_at
    times = dict(plan_group.steps)
    fields = {
        "created_at": placed,
        "buyer_placed_email_at": placed + _EMAIL_DELAY,
        "seller_new_email_at": placed + _EMAIL_DELAY,
    }
    for status, at in times.items():
        fields[f"{status}_at"] = at
    if Status.SHIPPED in times:
        fields["buyer_shipped_email_at"] = times[Status.SHIPPED] + _EMAIL_DELAY
    if Status.CANCELLED in times:
        fields["buyer_cancelled_email_at"] = times[Status.CANCELLED] + _EMAIL_DELAY
    delivered = times.get(Status.DELIVERED)
    if delivered and planned.payment == "cod":
        fields["cash_received_at"] = delivered
    FulfilmentGroup.objects.filter(pk=group.pk).update(**fields)
    if times:
        FulfilmentGroupEvent.objects.filter(group=group).update(
            at=Case(
                *(When(to_status=status, then=Value(at)) for status, at in times.items()), default=F("at")
            )
        )
    # A card sale enters the ledger at capture, a cash sale when the cash is
    # taken; a refund when the part is cancelled.
    sold = delivered if planned.payment == "cod" else placed + _CAPTURE_DELAY
    whens = [When(kind__in=(Kind.SALE, Kind.COMMISSION, Kind.PAYMENT_FEE), then=Value(sold))] if sold else []
    if Status.CANCELLED in times:
        whens.append(
            When(kind__in=(Kind.REFUND, Kind.COMMISSION_REVERSAL), then=Value(times[Status.CANCELLED]))
        )
        StripeRefund.objects.filter(payment__order_number=planned.number, partner=group.partner).update(
            created_at=times[Status.CANCELLED]
        )
    if whens:
        LedgerEntry.objects.filter(order_id=group.order_id, account__partner_id=group.partner_id).update(
            created_at=Case(*whens, default=F("created_at"))
        )
