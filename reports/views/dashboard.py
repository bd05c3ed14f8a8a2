"""The province's report pages: the overview, the report of any unit under
it (drill-down province → district → commune → cooperative), a unit's top
products, a cooperative's page, and the plan's targets.

The figures come from ``reports.selectors``; these views read the period
from the query, find the unit and render. A period the user typed wrong is
answered with 400 and the reason on the page, never with an error page.
"""

from django.contrib import messages
from django.contrib.messages.views import SuccessMessageMixin
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import CreateView, ListView, UpdateView, View

from cooperatives.models import AdministrativeUnit

from .. import selectors, services
from ..forms import TargetForm
from ..models import Target
from ..periods import CUSTOM, InvalidPeriod, Period
from .access import ReportsAccessMixin

# The picker offers the years of Plan 215 (2021–2025) onwards; older
# periods can still be asked for by dates.
FIRST_PLAN_YEAR = 2021
TOP_PRODUCTS = 20


def period_picker(period: Period | None, today) -> dict:
    """The choices of the period form: every year, then the quarters and
    months of the year on screen (picking another year lists its own)."""
    year = period.end.year if period is not None else today.year
    years = sorted(set(range(FIRST_PLAN_YEAR, today.year + 1)) | {year})
    custom = period is not None and period.kind == CUSTOM
    return {
        "groups": [
            (_("Years"), [Period.year(y) for y in years]),
            (_("Quarters of %(year)s") % {"year": year}, [Period.quarter(year, q) for q in range(1, 5)]),
            (_("Months of %(year)s") % {"year": year}, [Period.month(year, m) for m in range(1, 13)]),
        ],
        "selected": period.slug if period is not None and not custom else "",
        "start": period.start if custom else None,
        "end": period.end if custom else None,
    }


class ReportPageMixin(ReportsAccessMixin):
    """A report page of one unit for the period in the query; each page
    gives its ``figures(unit, period)``, a dict for its template."""

    def get_unit(self) -> AdministrativeUnit:
        # 404 outside the province, 403 outside a district reader's district.
        return self.report_unit(self.kwargs["pk"])

    def render(self, context: dict, *, status: int = 200):
        today = timezone.localdate()
        context.setdefault("period", None)
        context["picker"] = period_picker(context["period"], today)
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def trail(self, unit: AdministrativeUnit) -> list[AdministrativeUnit]:
        """The units the breadcrumb links to, above the page's own title."""
        return selectors.unit_ancestors(unit)

    def get(self, request, *args, **kwargs):
        unit = self.get_unit()
        context = {"unit": unit, "breadcrumb": self.trail(unit)}
        try:
            period = Period.from_query(request.GET)
        except InvalidPeriod as error:
            return self.render({**context, "period_error": str(error)}, status=400)
        return self.render({**context, "period": period, **self.figures(unit, period)})


class UnitReportView(ReportPageMixin, View):
    """Every indicator of a district or commune, the units one level down,
    its cooperatives, trends, pilots and linkage models."""

    template_name = "reports/unit_report.html"

    def figures(self, unit, period):
        report = selectors.unit_report(unit=unit, period=period)
        return {
            "report": report,
            "breadcrumb": report.ancestors,
            "is_commune": unit.level == AdministrativeUnit.Level.COMMUNE,
        }


class ProvinceOverviewView(UnitReportView):
    """The province's own report: where the drill-down starts. A district's
    readers start at their district instead."""

    template_name_districts = "reports/district_choice.html"

    def get_unit(self):
        try:
            return selectors.province_unit()
        except AdministrativeUnit.DoesNotExist:
            raise Http404(_("The province of the reports is not in the administrative map.")) from None

    def get(self, request, *args, **kwargs):
        if self.reads_whole_province:
            return super().get(request, *args, **kwargs)
        districts = list(
            AdministrativeUnit.objects.filter(pk__in=self.readable_district_ids).order_by("name", "code")
        )
        if len(districts) == 1:
            url = reverse("reports:unit", kwargs={"pk": districts[0].pk})
            query = request.GET.urlencode()
            return redirect(f"{url}?{query}" if query else url)
        return TemplateResponse(request, self.template_name_districts, {"districts": districts})


class UnitProductsView(ReportPageMixin, View):
    template_name = "reports/unit_products.html"

    def trail(self, unit):
        return [*selectors.unit_ancestors(unit), unit]

    def figures(self, unit, period):
        partner_ids = selectors.unit_partner_ids(unit=unit)
        return {
            "products": selectors.top_products(partner_ids=partner_ids, period=period, limit=TOP_PRODUCTS),
        }


class CooperativeReportView(ReportPageMixin, View):
    """One cooperative of the province: the bottom of the drill-down."""

    template_name = "reports/cooperative_report.html"

    def get_unit(self):
        # 404 for a cooperative of another province, 403 outside a district
        # reader's district; its commune comes with its parents.
        self.cooperative = self.report_cooperative(self.kwargs["pk"])
        return self.cooperative.commune

    def trail(self, unit):
        return [*selectors.unit_ancestors(unit), unit]

    def render(self, context, *, status=200):
        context["cooperative"] = self.cooperative
        return super().render(context, status=status)

    def figures(self, unit, period):
        return {"report": selectors.cooperative_report(cooperative=self.cooperative, period=period)}


# --- Targets ------------------------------------------------------------------


class TargetListView(ReportsAccessMixin, ListView):
    model = Target
    template_name = "reports/target_list.html"
    context_object_name = "targets"


class TargetEditMixin(ReportsAccessMixin, SuccessMessageMixin):
    """Targets are the province's: a district's readers may read them, never
    change them."""

    model = Target
    form_class = TargetForm
    template_name = "reports/target_form.html"
    success_url = reverse_lazy("reports:targets")

    def has_permission(self):
        # Every permission of ``permission_required``, whatever districts
        # the user may read.
        return self.reads_whole_province

    def get_success_message(self, cleaned_data):
        return _("Target saved: %(target)s. The reports measure against it from now on.") % {
            "target": self.object
        }

    def form_valid(self, form):
        # Saved by the service, which records the change in the audit log.
        self.object = services.target_save(target=form.instance, by=self.request.user)
        messages.success(self.request, self.get_success_message(form.cleaned_data))
        return redirect(self.get_success_url())


class TargetCreateView(TargetEditMixin, CreateView):
    permission_required = ("reports.view_reports", "reports.add_target")


class TargetUpdateView(TargetEditMixin, UpdateView):
    permission_required = ("reports.view_reports", "reports.change_target")
