"""Province officers find any cooperative's lot and recall it.

Cooperative staff recall their own lots from their dashboard; these pages
are for the province (permission ``catalogue.recall_any_lot``), for example
after a food-safety inspection finds a problem.
"""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView

from cooperatives.dashboard.views import ServiceFormMixin

from .. import selectors, services
from ..dashboard.forms import LotSearchForm, RecallForm
from ..models import Lot


class RecallerRequiredMixin(PermissionRequiredMixin):
    """Anonymous visitors go to log in; logged-in users without the
    permission get 403 (Django's AccessMixin)."""

    permission_required = "catalogue.recall_any_lot"

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response


class LotReviewListView(RecallerRequiredMixin, ListView):
    template_name = "catalog/dashboard/review_lot_list.html"
    context_object_name = "lots"
    paginate_by = 25

    def get_query(self) -> str:
        form = LotSearchForm(self.request.GET)
        return form.cleaned_data["q"].strip() if form.is_valid() else ""

    def get_queryset(self):
        return selectors.lot_search(query=self.get_query())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            query=self.get_query(), search_form=LotSearchForm(self.request.GET or None), **kwargs
        )


class LotReviewRecallView(RecallerRequiredMixin, ServiceFormMixin, FormView):
    template_name = "catalog/dashboard/review_lot_recall.html"
    form_class = RecallForm

    def get_lot(self):
        return get_object_or_404(Lot.objects.select_related("product", "cooperative"), pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(self.permission_required):
            self.lot = self.get_lot()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(lot=self.lot, **kwargs)

    def save(self, form):
        services.lot_recall(lot=self.lot, reason=form.cleaned_data["reason"], recalled_by=self.request.user)

    @property
    def success_message(self):
        return _("Lot %(code)s is recalled: it is off sale and its buyers are being e-mailed.") % {
            "code": self.lot.code
        }

    def get_success_url(self):
        return f"{reverse('lot-review:list')}?{urlencode({'q': self.lot.code})}"
