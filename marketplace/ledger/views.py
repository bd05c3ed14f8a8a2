"""Statements: each cooperative sees its own account; platform admins see
all of them, export them and record settlements."""

import io

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView
from openpyxl import Workbook

from cooperatives.dashboard.views import CooperativeStaffMixin
from marketplace.exports import csv_response, spreadsheet_safe

from . import selectors, services
from .models import LedgerAccount

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
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Statements")[:31]
        for row in rows:
            sheet.append([cell if isinstance(cell, int) else spreadsheet_safe(cell) for cell in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="sao-ke-hop-tac-xa.xlsx"'
        return response


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
