"""Who sees the province's reports, and which of them."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property

from cooperatives.models import AdministrativeUnit, Cooperative
from reports import selectors
from reports.models import DistrictReportViewer


class ReportsAccessMixin(PermissionRequiredMixin):
    """Province officers and platform admins (superusers) read every
    report; a district's readers (``DistrictReportViewer``) read their
    district's, its communes' and cooperatives'. Anonymous visitors are sent
    to sign in, every other signed-in user gets 403."""

    permission_required = "reports.view_reports"

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        # Figures change with every order; never served from a cache.
        add_never_cache_headers(response)
        return response

    def has_permission(self):
        return self.reads_whole_province or bool(self.readable_district_ids)

    @cached_property
    def reads_whole_province(self) -> bool:
        return super().has_permission()

    @cached_property
    def readable_district_ids(self) -> set[int]:
        user = self.request.user
        if not user.is_authenticated:
            return set()
        return set(DistrictReportViewer.objects.filter(user=user).values_list("district_id", flat=True))

    def unit_readable(self, unit: AdministrativeUnit) -> bool:
        if self.reads_whole_province:
            return True
        current = unit
        while current is not None:
            if current.pk in self.readable_district_ids:
                return True
            current = current.parent
        return False

    def report_unit(self, pk) -> AdministrativeUnit:
        """The unit ``pk`` if it is in the province (else 404) and this user
        may read it (else 403)."""
        try:
            unit = selectors.report_unit(pk=pk)
        except AdministrativeUnit.DoesNotExist:
            raise Http404 from None
        if not self.unit_readable(unit):
            raise PermissionDenied
        return unit

    def report_cooperative(self, pk) -> Cooperative:
        """A cooperative of the province this user may read."""
        cooperative = (
            Cooperative.objects.select_related("commune__parent__parent", "partner").filter(pk=pk).first()
        )
        if cooperative is None:
            raise Http404
        try:
            commune = self.report_unit(cooperative.commune_id)
        except Http404:
            raise Http404 from None
        cooperative.commune = commune
        return cooperative
