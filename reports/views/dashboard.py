# Being written (issue 8): the dashboard views.
from django.views.generic import View

ProvinceOverviewView = UnitReportView = UnitProductsView = CooperativeReportView = View
TargetListView = TargetCreateView = TargetUpdateView = View
