from django.contrib import admin

from . import services
from .models import DistrictReportViewer, IndicatorSnapshot, Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("indicator", "threshold_percent", "starts_on", "deadline", "source_document")
    list_filter = ("indicator",)

    # Through the services, so the audit log has every change made here too.
    def save_model(self, request, obj, form, change):
        services.target_save(target=obj, by=request.user)

    def delete_model(self, request, obj):
        services.target_delete(target=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for target in queryset:
            services.target_delete(target=target, by=request.user)


@admin.register(IndicatorSnapshot)
class IndicatorSnapshotAdmin(admin.ModelAdmin):
    """Snapshots are what the figures were: read here, never edited."""

    list_display = ("indicator", "unit", "period_start", "numerator", "denominator", "computed_at")
    list_filter = ("indicator", "period_start")
    search_fields = ("unit__name", "unit__code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DistrictReportViewer)
class DistrictReportViewerAdmin(admin.ModelAdmin):
    list_display = ("user", "district")
    autocomplete_fields = ("user",)
    list_select_related = ("user", "district")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district":
            from django.conf import settings

            from cooperatives.models import AdministrativeUnit

            kwargs["queryset"] = AdministrativeUnit.objects.filter(
                level=AdministrativeUnit.Level.DISTRICT, edition=settings.REPORTS_EDITION
            ).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
