import pytest
from django.core.exceptions import ValidationError

from marketplace.shipping import selectors, services
from marketplace.shipping.models import CooperativeShippingPolicy

pytestmark = pytest.mark.django_db


def test_the_first_update_creates_the_policy(cooperatives):
    tea_coop, _ = cooperatives
    policy = selectors.shipping_policy_of(cooperative=tea_coop)
    assert policy.pk is None and policy.flat_fee == 30_000

    services.shipping_policy_update(
        policy=policy, data={"flat_fee": 15_000, "free_shipping_threshold": 400_000}
    )

    saved = CooperativeShippingPolicy.objects.get(cooperative=tea_coop)
    assert (saved.flat_fee, saved.free_shipping_threshold) == (15_000, 400_000)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"flat_fee": -1}, "flat_fee"),
        ({"fee_per_kg": 100_000_001}, "fee_per_kg"),
        ({"free_shipping_threshold": -500}, "free_shipping_threshold"),
        ({"allows_pickup": True, "pickup_instructions": "   "}, "pickup_instructions"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_saved(cooperatives, data, field):
    tea_coop, _ = cooperatives
    policy = selectors.shipping_policy_of(cooperative=tea_coop)

    with pytest.raises(ValidationError) as error:
        services.shipping_policy_update(policy=policy, data=data)

    assert field in error.value.message_dict
    assert not CooperativeShippingPolicy.objects.exists()


def test_turning_pickup_off_drops_the_instructions(cooperatives):
    tea_coop, _ = cooperatives
    policy = services.shipping_policy_update(
        policy=selectors.shipping_policy_of(cooperative=tea_coop),
        data={"allows_pickup": True, "pickup_instructions": "  Kho HTX  "},
    )
    assert policy.pickup_instructions == "Kho HTX"

    services.shipping_policy_update(policy=policy, data={"allows_pickup": False})

    policy.refresh_from_db()
    assert policy.pickup_instructions == ""
