"""Every change of a cooperative's status is kept, so the province's
reports know who was approved on any past day."""

from cooperatives import services
from cooperatives.models import Cooperative, CooperativeStatusChange
from tests.factories import administrative_tree, approved_cooperative


def history(cooperative):
    return list(
        CooperativeStatusChange.objects.filter(cooperative=cooperative).values_list("status", flat=True)
    )


def test_applying_approving_suspending_and_reinstating_are_each_kept_in_order(db):
    units = administrative_tree()
    cooperative = approved_cooperative(legal_name="HTX Chè Hồng Thái", commune=units["02254"])
    services.cooperative_suspend(cooperative=cooperative, suspended_by=None, reason="Giấy phép hết hạn")
    services.cooperative_approve(cooperative=cooperative, approved_by=None)

    assert history(cooperative) == ["applied", "approved", "suspended", "approved"]
    cooperative.refresh_from_db()
    approval = CooperativeStatusChange.objects.filter(cooperative=cooperative, status="approved").last()
    assert approval.at == cooperative.approved_at


def test_saving_without_changing_the_status_adds_nothing(db):
    units = administrative_tree()
    cooperative = approved_cooperative(legal_name="HTX Cam Phù Lưu", commune=units["02395"])
    cooperative = Cooperative.objects.get(pk=cooperative.pk)
    cooperative.phone = "0987654321"
    cooperative.save()
    # A change made elsewhere (the Django admin) is kept too.
    cooperative.status = Cooperative.Status.SUSPENDED
    cooperative.save()

    assert history(cooperative) == ["applied", "approved", "suspended"]
