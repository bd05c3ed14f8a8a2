"""Oscar's stock record formset, with every change platform staff make to
a stock record by hand recorded in the audit log (the page saves inside the
request's transaction, so the event commits with the change)."""

from oscar.apps.dashboard.catalogue import formsets as oscar_formsets

from marketplace.audit import services as audit

# What a stock adjustment is about; Oscar's own bookkeeping (num_allocated,
# timestamps) changes with orders, not by hand.
AUDITED_FIELDS = ("partner", "partner_sku", "num_in_stock", "low_stock_threshold", "price", "price_currency")


class StockRecordFormSet(oscar_formsets.StockRecordFormSet):
    def _record(self, stock_record, before: dict, after: dict):
        changes = audit.field_changes(before, after)
        if changes:
            audit.record(
                action=audit.Action.STOCK_ADJUSTED, actor=self.user, subject=stock_record,
                subject_label=f"{stock_record.product.get_title()} · {stock_record.partner.name}",
                changes=changes,
            )  # fmt: skip

    def save_new(self, form, commit=True):
        stock_record = super().save_new(form, commit=commit)
        if commit:
            self._record(stock_record, {}, audit.instance_values(stock_record, AUDITED_FIELDS))
        return stock_record

    def save_existing(self, form, obj, commit=True):
        # The form's initial values are the record as it was loaded.
        before = {name: form.initial.get(name) for name in AUDITED_FIELDS}
        stock_record = super().save_existing(form, obj, commit=commit)
        if commit:
            self._record(stock_record, before, audit.instance_values(stock_record, AUDITED_FIELDS))
        return stock_record

    def delete_existing(self, obj, commit=True):
        if commit:
            self._record(obj, audit.instance_values(obj, AUDITED_FIELDS), {})
        super().delete_existing(obj, commit=commit)
