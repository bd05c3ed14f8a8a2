"""The reports' part of the demo: a year of visits and shares of the demo
destinations (so indicator 6.5 has something to measure), and the monthly
snapshots of every closed month since the first demo order."""

import datetime
import random
from collections.abc import Callable

from django.utils import timezone

from . import services
from .periods import Period

DEMO_VISITOR_PREFIX = "demo-"
SEED = 215


def demo_engagements_ensure(*, now: datetime.datetime | None = None) -> int:
    """Views and Facebook/Zalo shares of the demo destinations of about half the districts
    over the past year, as the share links would have counted them.
    Returns how many were created (none on a second run)."""
    from cms.models import DestinationEngagement, DestinationPage
    from cms.services import ENGAGEMENT_WINDOW

    if DestinationEngagement.objects.filter(visitor__startswith=DEMO_VISITOR_PREFIX).exists():
        return 0
    now = now or timezone.now()
    rng = random.Random(SEED)
    destinations = list(DestinationPage.objects.live().filter(alias_of__isnull=True).order_by("path"))
    # The destinations of about half the districts are promoted, the others
    # not: the indicator is met by some districts, not all.
    districts = sorted({page.district_id for page in destinations})
    promoted_districts = {district for district in districts if rng.random() < 0.5}
    promoted = [page for page in destinations if page.district_id in promoted_districts]
    Channel = DestinationEngagement.Channel
    engagements, number = [], 0
    for page in promoted:
        for _ in range(rng.randint(20, 120)):
            at = now - datetime.timedelta(minutes=rng.randint(60, 365 * 24 * 60))
            channel = rng.choices([Channel.VIEW, Channel.FACEBOOK, Channel.ZALO], weights=[85, 10, 5])[0]
            number += 1
            engagements.append(
                DestinationEngagement(
                    destination=page,
                    channel=channel,
                    visitor=f"{DEMO_VISITOR_PREFIX}{number}",
                    window=int(at.timestamp() // ENGAGEMENT_WINDOW.total_seconds()),
                    occurred_at=at,
                )
            )
    DestinationEngagement.objects.bulk_create(engagements)
    return len(engagements)


def demo_snapshot_months() -> list[Period]:
    return services.snapshot_months()


def demo_snapshots_ensure(*, months: list[Period], on_progress: Callable[[int], None] | None = None) -> int:
    """Snapshots of the closed months the demo's orders span; months
    already stored are kept."""
    return services.snapshots_backfill(months=months, progress=on_progress)
