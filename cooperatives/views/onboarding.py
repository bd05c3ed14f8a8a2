"""The cooperatives' onboarding: the public application, and its review by
the province's officers. The rules are in ``services``; these views only
collect input, call them and report."""

import posixpath

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from .. import selectors, services
from ..forms import CooperativeApplicationForm, RejectionForm, SuspensionForm
from ..models import Cooperative, CooperativeDocument

# --- The public application --------------------------------------------------


class CooperativeApplyView(FormView):
    """A cooperative applies, opening the account its staff will use.

    ``services.cooperative_apply`` always creates that account, so a visitor
    who is logged in is asked to log out first rather than ending up with a
    second account they did not ask for.
    """

    form_class = CooperativeApplicationForm
    template_name = "cooperatives/onboarding/apply.html"
    logged_in_template_name = "cooperatives/onboarding/apply_logged_in.html"
    success_url = reverse_lazy("cooperatives:apply-thanks")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return TemplateResponse(request, self.logged_in_template_name, {})
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.cooperative_apply(
                account=form.account(),
                details=form.details(),
                product_categories=form.cleaned_data.get("product_categories", ()),
                documents=form.documents(),
            )
        except ValidationError as error:
            form.add_service_error(error)
            return self.form_invalid(form)
        except IntegrityError:
            # Another application took the same registration number (or user
            # name) between the form's checks and the service's save; the
            # service's transaction has left nothing behind.
            form.validate_unique()
            if not form.errors:
                form.add_error(None, _("Your application could not be saved. Please send it again."))
            return self.form_invalid(form)
        return super().form_valid(form)


class CooperativeApplyThanksView(TemplateView):
    template_name = "cooperatives/onboarding/apply_thanks.html"


# --- The province's review ---------------------------------------------------


class ReviewerRequiredMixin(PermissionRequiredMixin):
    """Province officers, and platform admins (superusers), only.

    Django's AccessMixin sends anonymous visitors to LOGIN_URL and answers
    403 to logged-in users without the permission (it raises as soon as the
    user is authenticated), which is what these pages want.
    """

    permission_required = "cooperatives.review_cooperative"

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        # Applications hold personal and bank details: never kept in a cache.
        add_never_cache_headers(response)
        return response


STATUS_PARAMETER = "status"


class ApplicationListView(ReviewerRequiredMixin, ListView):
    template_name = "cooperatives/onboarding/review_list.html"
    context_object_name = "applications"
    paginate_by = 25

    def get_status(self) -> str:
        status = self.request.GET.get(STATUS_PARAMETER, "")
        return status if status in Cooperative.Status.values else ""

    def get_queryset(self):
        return selectors.cooperative_applications(status=self.get_status() or None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status"] = self.get_status()
        context["statuses"] = Cooperative.Status.choices
        context["waiting_count"] = Cooperative.objects.filter(status=Cooperative.Status.APPLIED).count()
        return context


class ApplicationDetailView(ReviewerRequiredMixin, DetailView):
    template_name = "cooperatives/onboarding/review_detail.html"
    context_object_name = "cooperative"

    def get_queryset(self):
        return Cooperative.objects.select_related(
            "commune__parent", "applicant", "approved_by", "partner"
        ).prefetch_related("documents", "product_categories")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("rejection_form", RejectionForm())
        kwargs.setdefault("suspension_form", SuspensionForm())
        return super().get_context_data(**kwargs)


class _DecisionView(ApplicationDetailView):
    """A decision on one cooperative: POST only; an invalid reason shows the
    detail page again with the error next to its field."""

    http_method_names = ["post"]

    def redirect_to_detail(self):
        return redirect("cooperatives:review-detail", pk=self.object.pk)

    def report_refusal(self, error: ValidationError):
        messages.error(self.request, " ".join(error.messages))
        return self.redirect_to_detail()

    def show_form_errors(self, **forms):
        messages.error(self.request, _("Nothing was changed: give the reason below."))
        return self.render_to_response(self.get_context_data(**forms))


class ApplicationApproveView(_DecisionView):
    def post(self, request, *args, **kwargs):
        self.object = cooperative = self.get_object()
        if cooperative.is_approved:
            # The service changes nothing then; say so rather than "approved".
            messages.info(request, _("%(name)s is already approved.") % {"name": cooperative.legal_name})
            return self.redirect_to_detail()
        try:
            services.cooperative_approve(cooperative=cooperative, approved_by=request.user)
        except ValidationError as error:
            return self.report_refusal(error)
        messages.success(
            request,
            _("%(name)s is approved: its shop is open and the cooperative is told by e-mail.")
            % {"name": cooperative.legal_name},
        )
        return self.redirect_to_detail()


class ApplicationRejectView(_DecisionView):
    def post(self, request, *args, **kwargs):
        self.object = cooperative = self.get_object()
        form = RejectionForm(request.POST)
        if not form.is_valid():
            return self.show_form_errors(rejection_form=form)
        try:
            services.cooperative_reject(
                cooperative=cooperative, rejected_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            return self.report_refusal(error)
        messages.success(
            request,
            _("The application of %(name)s is rejected; the cooperative is e-mailed the reason.")
            % {"name": cooperative.legal_name},
        )
        return self.redirect_to_detail()


class CooperativeSuspendView(_DecisionView):
    def post(self, request, *args, **kwargs):
        self.object = cooperative = self.get_object()
        form = SuspensionForm(request.POST)
        if not form.is_valid():
            return self.show_form_errors(suspension_form=form)
        try:
            services.cooperative_suspend(
                cooperative=cooperative, suspended_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            return self.report_refusal(error)
        messages.success(
            request,
            _("%(name)s is suspended: its staff can no longer sell until it is approved again.")
            % {"name": cooperative.legal_name},
        )
        return self.redirect_to_detail()


# Uploads are checked to be one of these (marketplace.uploads); anything else
# is served as bytes.
_SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
]


def _content_type(head: bytes) -> str:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return "application/octet-stream"


class ApplicationDocumentView(ReviewerRequiredMixin, View):
    """A paper sent with an application, for the reviewers only: served as an
    attachment with its type taken from its content, never from its name, so
    a crafted file cannot run as a page of the site."""

    http_method_names = ["get", "head"]

    def get(self, request, pk):
        document = get_object_or_404(CooperativeDocument, pk=pk)
        try:
            file = document.file.storage.open(document.file.name, "rb")
        except (FileNotFoundError, ValueError) as error:
            raise Http404 from error
        head = file.read(16)
        file.seek(0)
        response = FileResponse(
            file,
            as_attachment=True,
            filename=posixpath.basename(document.file.name),
            content_type=_content_type(head),
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
