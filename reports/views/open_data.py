# Being written (issue 8): the open-data views.
from django.views.generic import View


class IndicatorsView(View):
    file_format = "json"


OpenDataDocsView = OpenApiView = View
