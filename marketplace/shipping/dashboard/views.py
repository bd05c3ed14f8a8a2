from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from cooperatives.dashboard.views import CooperativeStaffMixin, ServiceFormMixin

from .. import selectors, services
from .forms import ShippingPolicyForm


class ShippingPolicyUpdateView(CooperativeStaffMixin, ServiceFormMixin, FormView):
    """The signed-in staff's own cooperative's policy: there is no id in the
    URL, so there is no other cooperative's policy to reach."""

    template_name = "shipping/dashboard/policy_form.html"
    form_class = ShippingPolicyForm
    success_message = _("The shipping policy is saved.")

    @cached_property
    def policy(self):
        return selectors.shipping_policy_of(cooperative=self.cooperative)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.policy}

    def save(self, form):
        services.shipping_policy_update(
            policy=selectors.shipping_policy_of(cooperative=self.cooperative),
            data={name: form.cleaned_data[name] for name in form.fields},
        )

    def get_success_url(self):
        return reverse("cooperative-shipping:policy")
