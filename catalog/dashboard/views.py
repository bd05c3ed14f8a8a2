"""The cooperative's products and lots inside Oscar's dashboard.

As in the cooperative's other tools, every object is looked up through the
signed-in user's cooperative: another cooperative's product or lot is simply
not found (404). Trace events are only ever appended; nothing here edits or
deletes one (a mistake is put right by a "correction" event).
"""

import datetime

from django.conf import settings
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView, TemplateView, View
from oscar.core.loading import get_model

from cooperatives.dashboard.views import CooperativeStaffMixin, ServiceFormMixin

from .. import selectors, services
from ..labels import lot_label_pdf
from ..models import Lot, Product
from .forms import LotForm, ProductForm, RecallForm, TraceEventForm

StockRecord = get_model("partner", "StockRecord")


class ProductListView(CooperativeStaffMixin, ListView):
    extra_context = {"section": "products"}
    template_name = "catalog/dashboard/product_list.html"
    context_object_name = "products"
    paginate_by = 50

    def get_queryset(self):
        return selectors.products_of_cooperative(cooperative=self.cooperative).prefetch_related(
            "stockrecords", "images"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for product in context["products"]:
            # The prefetched records hold every partner's; show this one's.
            product.own_stockrecord = next(
                (r for r in product.stockrecords.all() if r.partner_id == self.cooperative.partner_id), None
            )
        return context


class ProductFormView(CooperativeStaffMixin, ServiceFormMixin, FormView):
    extra_context = {"section": "products"}
    template_name = "catalog/dashboard/product_form.html"
    form_class = ProductForm
    success_message = _("The product is saved.")

    @cached_property
    def product(self):
        if "pk" not in self.kwargs:
            return Product()
        return get_object_or_404(
            selectors.products_of_cooperative(cooperative=self.cooperative), pk=self.kwargs["pk"]
        )

    @cached_property
    def stockrecord(self):
        if self.product.pk is None:
            return None
        return StockRecord.objects.filter(
            product=self.product, partner_id=self.cooperative.partner_id
        ).first()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.product, "cooperative": self.cooperative}

    def get_initial(self):
        initial = super().get_initial()
        if self.stockrecord is not None and self.stockrecord.price is not None:
            initial["price"] = int(self.stockrecord.price)
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(product=self.product, stockrecord=self.stockrecord, **kwargs)

    def save(self, form):
        self.saved = services.product_save_for_cooperative(
            product=form.save(commit=False),
            cooperative=self.cooperative,
            price=form.cleaned_data["price"],
            categories=form.cleaned_data["categories"],
            image=form.cleaned_data.get("image") or None,
        )

    def get_success_url(self):
        return reverse("cooperative-catalog:product-list")


class LotListView(CooperativeStaffMixin, ListView):
    extra_context = {"section": "lots"}
    template_name = "catalog/dashboard/lot_list.html"
    context_object_name = "lots"
    paginate_by = 50

    def get_queryset(self):
        return selectors.lots_of_cooperative(cooperative=self.cooperative)


class LotCreateView(CooperativeStaffMixin, ServiceFormMixin, FormView):
    extra_context = {"section": "lots"}
    template_name = "catalog/dashboard/lot_form.html"
    form_class = LotForm
    success_message = _("The lot is recorded and on sale.")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "cooperative": self.cooperative,
            "products": selectors.products_of_cooperative(cooperative=self.cooperative),
        }

    def get_initial(self):
        initial = super().get_initial()
        product = self.request.GET.get("product")
        if product and product.isdigit():
            initial["product"] = product
        return initial

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except IntegrityError:
            # Another lot took the same code between the form's check and
            # the save; the service's transaction left nothing behind.
            form.add_error("code", gettext("Another lot already has this code."))
            return self.form_invalid(form)

    def save(self, form):
        data = form.cleaned_data
        self.lot = services.lot_create(
            product=data["product"],
            cooperative=self.cooperative,
            produced_on=data["produced_on"],
            best_before=data["best_before"],
            quantity=data["quantity"],
            unit=data["unit"],
            raw_material_area=data["raw_material_area"],
            code=data["code"] or None,
            created_by=self.request.user,
        )

    def get_success_url(self):
        return reverse("cooperative-catalog:lot-detail", kwargs={"pk": self.lot.pk})


class OwnLotMixin(CooperativeStaffMixin):
    extra_context = {"section": "lots"}

    @cached_property
    def lot(self):
        return get_object_or_404(
            Lot.objects.select_related("product", "cooperative__partner", "raw_material_area"),
            pk=self.kwargs["pk"],
            cooperative=self.cooperative,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(lot=self.lot, **kwargs)


def _event_initial() -> dict:
    # Most events are recorded as they happen, often from a phone in the field.
    return {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)}


class LotDetailView(OwnLotMixin, TemplateView):
    template_name = "catalog/dashboard/lot_detail.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("event_form", TraceEventForm(initial=_event_initial()))
        kwargs.setdefault("recall_form", RecallForm())
        return super().get_context_data(
            events=self.lot.events.order_by("sequence"),
            verification=services.trace_chain_verify(lot=self.lot),
            trace_url=reverse("trace:lot", kwargs={"code": self.lot.code}),
            **kwargs,
        )


class TraceEventCreateView(OwnLotMixin, ServiceFormMixin, FormView):
    template_name = "catalog/dashboard/event_form.html"
    form_class = TraceEventForm
    success_message = _("The event is added to the lot's log.")

    def get_initial(self):
        return {**super().get_initial(), **_event_initial()}

    def save(self, form):
        data = form.cleaned_data
        services.trace_event_append(
            lot=self.lot,
            kind=data["kind"],
            # In UTC, as the database gives it back: the event's hash covers
            # occurred_at.isoformat(), and "08:30+07:00" read back as
            # "01:30+00:00" would make the log fail its own verification.
            occurred_at=data["occurred_at"].astimezone(datetime.UTC),
            place=data["place"],
            actor=data["actor"],
            note=data["note"],
            input_product=data["input_product"],
            pre_harvest_interval_days=data["pre_harvest_interval_days"],
            photo=data.get("photo") or None,
        )

    def get_success_url(self):
        return reverse("cooperative-catalog:lot-detail", kwargs={"pk": self.lot.pk})


class LotRecallView(OwnLotMixin, ServiceFormMixin, FormView):
    template_name = "catalog/dashboard/lot_recall.html"
    form_class = RecallForm
    success_message = _("The lot is recalled: it is off sale and its buyers are being e-mailed.")

    def save(self, form):
        services.lot_recall(lot=self.lot, reason=form.cleaned_data["reason"], recalled_by=self.request.user)

    def get_success_url(self):
        return reverse("cooperative-catalog:lot-detail", kwargs={"pk": self.lot.pk})


class LotLabelView(OwnLotMixin, View):
    """The lot's QR label as a PDF: one label, or an A4 sheet of them."""

    layout = "single"

    def get(self, request, *args, **kwargs):
        pdf = lot_label_pdf(self.lot, base_url=settings.SITE_URL, layout=self.layout)
        suffix = "-sheet" if self.layout == "sheet" else ""
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"lot-{self.lot.code}{suffix}.pdf"
        )
        return response
