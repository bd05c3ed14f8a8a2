"""The cooperative's own tools inside Oscar's dashboard.

Every object is looked up through the signed-in user's cooperative, so the
staff of one cooperative can never reach another's: a foreign id is simply
not found (404).
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DeleteView, FormView, ListView

from .. import selectors, services
from ..models import Certification, LinkageModel, RawMaterialArea
from .forms import CertificationForm, CooperativeProfileForm, LinkageModelForm, RawMaterialAreaForm


class CooperativeStaffMixin:
    """Lets in only the staff of an approved cooperative, and remembers it."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.cooperative = selectors.cooperative_of_user(user=request.user)
        if self.cooperative is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(cooperative=self.cooperative, **kwargs)


class ServiceFormMixin:
    """Saves a valid form through a service; the service's validation errors
    go back to the form, never to a 500."""

    success_message = _("Saved.")

    def form_valid(self, form):
        try:
            self.save(form)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


class ProfileUpdateView(CooperativeStaffMixin, ServiceFormMixin, FormView):
    template_name = "cooperatives/dashboard/profile_form.html"
    form_class = CooperativeProfileForm
    success_message = _("The cooperative's profile is saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.cooperative}

    def save(self, form):
        data = {name: form.cleaned_data[name] for name in form.fields if name != "product_categories"}
        services.cooperative_profile_update(
            cooperative=self.cooperative,
            data=data,
            product_categories=form.cleaned_data["product_categories"],
        )

    def get_success_url(self):
        return reverse("cooperative-dashboard:profile")


class AreaListView(CooperativeStaffMixin, ListView):
    template_name = "cooperatives/dashboard/area_list.html"
    context_object_name = "areas"

    def get_queryset(self):
        return (
            RawMaterialArea.objects.filter(cooperative=self.cooperative)
            .select_related("commune__parent")
            .prefetch_related("certifications")
        )


class AreaFormView(CooperativeStaffMixin, ServiceFormMixin, FormView):
    template_name = "cooperatives/dashboard/area_form.html"
    form_class = RawMaterialAreaForm
    success_message = _("The raw-material area is saved.")

    @cached_property
    def area(self):
        if "pk" not in self.kwargs:
            return RawMaterialArea(cooperative=self.cooperative)
        return get_object_or_404(RawMaterialArea, pk=self.kwargs["pk"], cooperative=self.cooperative)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.area}

    def get_context_data(self, **kwargs):
        return super().get_context_data(area=self.area, **kwargs)

    def save(self, form):
        area = form.save(commit=False)
        area.cooperative = self.cooperative
        services.raw_material_area_save(area=area)

    def get_success_url(self):
        return reverse("cooperative-dashboard:area-list")


class AreaDeleteView(CooperativeStaffMixin, DeleteView):
    template_name = "cooperatives/dashboard/area_confirm_delete.html"
    context_object_name = "area"

    def get_queryset(self):
        return RawMaterialArea.objects.filter(cooperative=self.cooperative)

    def form_valid(self, form):
        area = self.get_object()
        if area.linkage_models.exists():
            messages.error(self.request, _("This area is part of a linkage model; remove it there first."))
            return redirect("cooperative-dashboard:area-list")
        with transaction.atomic():
            area.delete()
        messages.success(self.request, _("The raw-material area is deleted."))
        return redirect("cooperative-dashboard:area-list")


class CertificationCreateView(CooperativeStaffMixin, ServiceFormMixin, FormView):
    template_name = "cooperatives/dashboard/certification_form.html"
    form_class = CertificationForm
    success_message = _("The certification is recorded.")

    @cached_property
    def area(self):
        return get_object_or_404(RawMaterialArea, pk=self.kwargs["area_pk"], cooperative=self.cooperative)

    def get_context_data(self, **kwargs):
        return super().get_context_data(area=self.area, **kwargs)

    def save(self, form):
        certification = form.save(commit=False)
        certification.raw_material_area = self.area
        services.certification_save(certification=certification)

    def get_success_url(self):
        return reverse("cooperative-dashboard:area-list")


class CertificationDeleteView(CooperativeStaffMixin, DeleteView):
    template_name = "cooperatives/dashboard/certification_confirm_delete.html"
    context_object_name = "certification"

    def get_queryset(self):
        return Certification.objects.filter(raw_material_area__cooperative=self.cooperative)

    def form_valid(self, form):
        self.get_object().delete()
        messages.success(self.request, _("The certification is deleted."))
        return redirect("cooperative-dashboard:area-list")


class LinkageModelListView(CooperativeStaffMixin, ListView):
    template_name = "cooperatives/dashboard/linkage_model_list.html"
    context_object_name = "linkage_models"

    def get_queryset(self):
        return (
            LinkageModel.objects.filter(cooperatives=self.cooperative)
            .select_related("product_category")
            .prefetch_related("raw_material_areas")
        )


class LinkageModelFormView(CooperativeStaffMixin, ServiceFormMixin, FormView):
    template_name = "cooperatives/dashboard/linkage_model_form.html"
    form_class = LinkageModelForm
    success_message = _("The linkage model is saved.")

    @cached_property
    def linkage_model(self):
        if "pk" not in self.kwargs:
            return LinkageModel()
        return get_object_or_404(LinkageModel, pk=self.kwargs["pk"], cooperatives=self.cooperative)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.linkage_model, "cooperative": self.cooperative}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(linkage_model=self.linkage_model, **kwargs)
        if self.linkage_model.pk:
            context["digital_evidence"] = selectors.linkage_model_digital_evidence(
                linkage_model=self.linkage_model
            )
        return context

    def save(self, form):
        linkage_model = form.save(commit=False)
        cooperatives = list(linkage_model.cooperatives.all()) if linkage_model.pk else []
        if self.cooperative not in cooperatives:
            cooperatives.append(self.cooperative)
        # Areas of partner cooperatives stay linked; this cooperative only
        # chooses among its own.
        others = (
            [a for a in linkage_model.raw_material_areas.all() if a.cooperative_id != self.cooperative.pk]
            if linkage_model.pk
            else []
        )
        services.linkage_model_save(
            linkage_model=linkage_model,
            cooperatives=cooperatives,
            raw_material_areas=others + list(form.cleaned_data["raw_material_areas"]),
        )

    def get_success_url(self):
        return reverse("cooperative-dashboard:linkage-model-list")
