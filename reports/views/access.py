"""Who sees the province's reports."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.utils.cache import add_never_cache_headers


class ReportsAccessMixin(PermissionRequiredMixin):
    """Province officers and platform admins (superusers) only: anonymous
    visitors are sent to sign in, every other signed-in user gets 403."""

    permission_required = "reports.view_reports"

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        # Figures change with every order; never served from a cache.
        add_never_cache_headers(response)
        return response
