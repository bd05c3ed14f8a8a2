from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The log in the Django admin too, for superusers: read only, since
    an event is evidence of a change, never something to change."""

    list_display = ("occurred_at", "action", "actor_label", "subject_label")
    list_filter = ("action", "occurred_at")
    search_fields = ("subject_label", "actor_label")
    list_select_related = ("actor", "subject_type")
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # Platform admins only, whatever model permissions a staff account holds.
    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self.has_view_permission(request)
