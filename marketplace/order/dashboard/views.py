"""The cooperative's fulfilment groups: its own lines of each order, the
address to ship to, and the buttons that move a group along.

A group is always looked up through the signed-in user's cooperative, so
another cooperative's group is not found (404). Nothing here shows the
buyer's e-mail or another cooperative's lines or prices."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView
from oscar.core.loading import get_model

from cooperatives.dashboard.views import CooperativeStaffMixin, ServiceFormMixin
from marketplace.payments.providers import payment_providers

from .. import selectors, services
from .forms import ACTION_LABELS, FulfilmentGroupTransitionForm, StatusFilterForm

FulfilmentGroup = get_model("order", "FulfilmentGroup")


def _payment_method_name(order) -> str:
    """How the buyer pays, as checkout named it; empty for an order placed
    without a payment method (made by hand, or before methods were kept)."""
    provider = payment_providers().get(order.payment_method_code)
    return str(provider.name) if provider else ""


class FulfilmentGroupListView(CooperativeStaffMixin, ListView):
    template_name = "order/dashboard/group_list.html"
    context_object_name = "groups"
    paginate_by = 25

    def get_queryset(self):
        self.filter_form = StatusFilterForm(self.request.GET or None)
        status = self.filter_form.cleaned_data["status"] if self.filter_form.is_valid() else None
        return selectors.fulfilment_groups_of_partner(partner=self.cooperative.partner, status=status)

    def get_context_data(self, **kwargs):
        status = self.filter_form.cleaned_data["status"] if self.filter_form.is_valid() else ""
        context = super().get_context_data(filter_form=self.filter_form, status=status, **kwargs)
        # The page's groups are fetched once, here; the template iterates the
        # same cached rows.
        for group in context["groups"]:
            group.payment_method_name = _payment_method_name(group.order)
        return context


class FulfilmentGroupDetailView(CooperativeStaffMixin, ServiceFormMixin, FormView):
    template_name = "order/dashboard/group_detail.html"
    form_class = FulfilmentGroupTransitionForm
    success_message = _("The order's status is updated.")

    @cached_property
    def group(self):
        return get_object_or_404(
            FulfilmentGroup.objects.select_related("order__shipping_address"),
            pk=self.kwargs["pk"],
            partner_id=self.cooperative.partner_id,
        )

    @cached_property
    def cash_due(self) -> int | None:
        """What a cash order's buyer pays this cooperative at the door; None for other orders."""
        if not self.group.pays_cash_on_delivery:
            return None
        return selectors.fulfilment_group_amount_due(group=self.group)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "group": self.group, "cash_due": self.cash_due}

    def get_context_data(self, **kwargs):
        Status = FulfilmentGroup.Status
        actions = [
            (status, ACTION_LABELS[status]) for status in services.TRANSITIONS[Status(self.group.status)]
        ]
        return super().get_context_data(
            group=self.group,
            order=self.group.order,
            shipping_address=self.group.order.shipping_address,
            lines=selectors.fulfilment_group_lines(group=self.group),
            events=self.group.events.select_related("by"),
            actions=actions,
            cash_due=self.cash_due,
            payment_method=_payment_method_name(self.group.order),
            **kwargs,
        )

    def save(self, form):
        data = form.cleaned_data
        services.fulfilment_group_advance(
            group=self.group,
            to_status=data["to_status"],
            by=self.request.user,
            carrier=data["carrier"],
            tracking_number=data["tracking_number"],
            note=data["note"],
            cash_received=data["cash_received"],
        )

    def get_success_url(self):
        return reverse("cooperative-orders:group-detail", kwargs={"pk": self.group.pk})
