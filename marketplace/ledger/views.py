"""Statements: each cooperative sees its own account; platform admins see
all of them, export them, record settlements and give buyers' money back."""

import logging

import stripe
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView
from oscar.core.loading import get_model

from cooperatives.dashboard.views import CooperativeStaffMixin
from marketplace.checkout import services as checkout_services
from marketplace.exports import csv_response, xlsx_response
from marketplace.money import format_vnd
from marketplace.payments.providers import payment_providers

from . import selectors, services
from .forms import OrderRefundForm
from .models import LedgerAccount

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")

STATEMENT_PAGE_SIZE = 50


def _header():
    return [
        _("Cooperative"),
        _("Gross sales (đồng)"),
        _("Commission (đồng)"),
        _("Payment fees (đồng)"),
        _("Refunds (đồng)"),
        _("Net payable (đồng)"),
        _("Settled (đồng)"),
    ]


def _statement_rows(accounts):
    for account in accounts:
        yield [
            account.partner.name,
            account.gross,
            account.commission,
            account.fees,
            account.refunds,
            account.payable,
            account.settled,
        ]


class CooperativeStatementView(CooperativeStaffMixin, ListView):
    """The cooperative's own account: what it sold, what the platform kept
    and what it is still owed."""

    template_name = "ledger/cooperative_statement.html"
    context_object_name = "entries"
    paginate_by = STATEMENT_PAGE_SIZE

    def get_account(self):
        return LedgerAccount.objects.filter(partner_id=self.cooperative.partner_id).first()

    def get_queryset(self):
        account = self.get_account()
        return selectors.statement_entries(account=account) if account else LedgerAccount.objects.none()

    def get_context_data(self, **kwargs):
        account = self.get_account()
        totals = selectors.account_totals(account=account) if account else None
        return super().get_context_data(account=account, totals=totals, **kwargs)


class CooperativeStatementCsvView(CooperativeStaffMixin, View):
    def get(self, request):
        account = LedgerAccount.objects.filter(partner_id=self.cooperative.partner_id).first()
        rows = [[_("Date"), _("Order"), _("Kind"), _("Amount (đồng)"), _("Settlement")]]
        if account:
            for entry in selectors.statement_entries(account=account):
                rows.append(
                    [
                        timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M"),
                        entry.order.number,
                        entry.get_kind_display(),
                        entry.amount,
                        entry.settlement.reference if entry.settlement else "",
                    ]
                )
        return csv_response(rows, filename="sao-ke.csv")


class LedgerPermissionMixin(PermissionRequiredMixin):
    permission_required = "ledger.view_ledgeraccount"


class StatementListView(LedgerPermissionMixin, ListView):
    template_name = "ledger/statement_list.html"
    context_object_name = "accounts"

    def get_queryset(self):
        return selectors.statements()


class StatementExportView(LedgerPermissionMixin, View):
    """Every cooperative's statement as CSV or XLSX."""

    file_format = "csv"

    def get(self, request):
        rows = [_header(), *_statement_rows(selectors.statements())]
        if self.file_format == "csv":
            return csv_response(rows, filename="sao-ke-hop-tac-xa.csv")
        return xlsx_response(rows, filename="sao-ke-hop-tac-xa.xlsx", sheet_title=_("Statements"))


class SettlementCreateView(PermissionRequiredMixin, View):
    """Record that the open balance of one cooperative was paid out."""

    permission_required = "ledger.add_settlement"

    def post(self, request, pk):
        account = get_object_or_404(LedgerAccount, pk=pk)
        try:
            settlement = services.settlement_create(
                account=account, reference=request.POST.get("reference", "")[:100], created_by=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Settlement %(reference)s recorded for %(cooperative)s.")
                % {"reference": settlement.reference, "cooperative": account.partner.name},
            )
        return redirect("ledger:statement-list")


# Outside the per-request transaction: each cooperative's refund commits
# with the Stripe refund it records (see checkout.services.order_refund).
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class OrderRefundView(PermissionRequiredMixin, FormView):
    """Give a card order's money back, all of it or part of one cooperative's
    share, through checkout's order_refund, which refunds through the payment
    provider and books it to the cooperatives' accounts."""

    # Seeing the ledger is not enough: a refund adds entries to it.
    permission_required = ("ledger.view_ledgeraccount", "ledger.add_ledgerentry")
    template_name = "ledger/order_refund.html"
    form_class = OrderRefundForm

    @cached_property
    def order(self):
        return get_object_or_404(Order, number=self.kwargs["number"])

    @cached_property
    def shares(self) -> list[dict]:
        shares = selectors.order_shares(order=self.order)
        # What is left comes from the service that refunds, so the page
        # offers exactly what it will accept.
        left = checkout_services.refundable_by_partner(order=self.order)
        for share in shares:
            share["left"] = max(left.get(share["partner"].pk, 0), 0)
        return shares

    def left_total(self) -> int:
        return sum(share["left"] for share in self.shares)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partners": [share["partner"] for share in self.shares]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        posted = form.data if form.is_bound else {}
        for share in self.shares:
            # A refused form shows again in its own row, as it was typed.
            mine = posted.get("action") == OrderRefundForm.PARTNER and posted.get("partner") == str(
                share["partner"].pk
            )
            share["amount_value"] = posted.get("amount", "") if mine else share["left"]
            share["reason_value"] = posted.get("reason", "") if mine else ""
        full_posted = posted.get("action") == OrderRefundForm.FULL
        # An order with no method recorded is refunded as cash, as order_refund does.
        provider = payment_providers().get(self.order.payment_method_code or "cod")
        context.update(
            order=self.order,
            shares=self.shares,
            left_total=self.left_total(),
            payment_method=provider.name if provider else self.order.payment_method_code,
            refunds_online=bool(provider and provider.pays_online),
            full_reason_value=posted.get("reason", "") if full_posted else "",
            refunds=selectors.order_refund_entries(order=self.order),
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        partner = next(
            (share["partner"] for share in self.shares if share["partner"].pk == data["partner"]), None
        )
        left_before = self.left_total()
        try:
            refunded = checkout_services.order_refund(
                order=self.order, partner=partner, amount=data["amount"], by=self.request.user,
                reason=data["reason"],
            )  # fmt: skip
        except (ValidationError, stripe.StripeError) as error:
            if isinstance(error, stripe.StripeError):
                logger.warning("Stripe refused a refund on order %s: %s", self.order.number, error)
                form.add_error(
                    None,
                    _("Stripe refused the refund: %(error)s")
                    % {"error": error.user_message or error.code or type(error).__name__},
                )
            elif hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            # A full refund goes cooperative by cooperative, each in its own
            # transaction: those refunded before the error stay refunded and
            # booked, so the amounts are read again and the page says so.
            self.__dict__.pop("shares", None)
            if self.left_total() != left_before:
                form.add_error(
                    None, _("The cooperatives refunded before that are booked; the table shows what is left.")
                )
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(amount)s refunded on order %(number)s.")
            % {"amount": format_vnd(refunded), "number": self.order.number},
        )
        return redirect(self.request.path)
