"""Changes to a cooperative's shipping policy."""

from django.db import transaction

from .models import CooperativeShippingPolicy


def shipping_policy_update(*, policy: CooperativeShippingPolicy, data: dict) -> CooperativeShippingPolicy:
    """Set the fields in ``data`` and save; the first save creates the
    cooperative's policy. Raises ``ValidationError`` for bad values."""
    for name, value in data.items():
        setattr(policy, name, value)
    if not policy.allows_pickup:
        # Kept instructions would linger unseen and resurface, stale, the
        # day pickup is turned back on.
        policy.pickup_instructions = ""
    policy.pickup_instructions = policy.pickup_instructions.strip()
    with transaction.atomic():
        policy.full_clean()
        policy.save()
    return policy
