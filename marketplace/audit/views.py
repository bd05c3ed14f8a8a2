"""The audit log in Oscar's dashboard, for platform admins: read only."""

from django.contrib.auth.mixins import UserPassesTestMixin
from django.views.generic import DetailView, ListView

from . import selectors
from .access import audit_access
from .forms import AuditEventFilterForm
from .models import AuditEvent

# A phone screen shows a few events at a time; fifty keeps the page light
# while an admin scrolls a busy day.
EVENTS_PER_PAGE = 50


class PlatformAdminMixin(UserPassesTestMixin):
    """Anonymous visitors are sent to log in; every other role gets 403."""

    def test_func(self):
        return audit_access(self.request.user)


class AuditEventListView(PlatformAdminMixin, ListView):
    template_name = "audit/event_list.html"
    context_object_name = "events"
    paginate_by = EVENTS_PER_PAGE

    def get(self, request, *args, **kwargs):
        self.filter_form = AuditEventFilterForm(request.GET or None)
        response = super().get(request, *args, **kwargs)
        if self.filter_form.is_bound and not self.filter_form.is_valid():
            # The reason is on the page; nothing unfiltered is shown as if
            # it were the answer.
            response.status_code = 400
        return response

    def get_queryset(self):
        form = self.filter_form
        if not form.is_bound:
            return selectors.audit_events()
        if not form.is_valid():
            return AuditEvent.objects.none()
        return selectors.audit_events(**form.cleaned_data)

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


class AuditEventDetailView(PlatformAdminMixin, DetailView):
    template_name = "audit/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return AuditEvent.objects.select_related("actor", "subject_type")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            related_events=selectors.subject_events(event=self.object)[:20], **kwargs
        )
