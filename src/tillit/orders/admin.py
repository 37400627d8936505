"""Staff work on orders here: pack, ship (capture + tracking number), mark delivered,
cancel, export for carriers; receive and refund returns; read receipts and credit notes.

Orders and documents are read-only in the admin: every change goes through a service, so
the payment provider, stock, documents and e-mails stay in step. Opening a document as
issued is written to the audit log (P33), as change pages are by the staff middleware.

Documents locked by their buyer's erasure (P32) are for bookkeeping only: staff without
the "view kept accounting records" permission (support, order handling) find them in no
list, search or page; bookkeepers see them marked as locked, and can find them by the
buyer's e-mail address when it is given to them again (through its keyed hash).
"""

from __future__ import annotations

import io
import zipfile

from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tillit.core.admin import ReadOnlyAdmin
from tillit.core.money import format_sek
from tillit.orders import carrier_export
from tillit.privacy.datamap import registry
from tillit.privacy.erasure_actions import erased_hash
from tillit.privacy.hashing import is_hashed
from tillit.privacy.ledger import audit
from tillit.privacy.models import AuditEvent

from . import services
from .forms import DeliverForm, PackForm, ShipForm
from .models import (
    KEPT_RECORDS_PERMISSION,
    CreditNote,
    Order,
    OrderLine,
    Receipt,
    ReturnLine,
    ReturnRequest,
)


def _audit_document_view(request, doc) -> None:
    # Admin change pages are audited for every declared model by the staff middleware;
    # the document page is ours, so it logs itself. A locked document names nobody the
    # log could find again, so its hashed e-mail is not passed on as a person.
    audit(AuditEvent.Action.STAFF_VIEW, actor=request.user, subject=None,
          subject_email="" if is_hashed(doc.buyer_email) else doc.buyer_email,
          target=f"{doc._meta.label}:{doc.pk}",
          detail={"page": "admin:document", "model": doc._meta.label,
                  **({"locked": True} if doc.is_locked else {})})


def sees_kept_records(request) -> bool:
    return request.user.has_perm(KEPT_RECORDS_PERMISSION)


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ("sku", "name", "kind", "quantity", "unit_price", "vat_rate", "total")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("unit price incl. VAT"))
    def unit_price(self, line):
        return format_sek(line.unit_price_ore)

    @admin.display(description=_("total incl. VAT"))
    def total(self, line):
        return format_sek(line.total_ore)


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ("number", "placed_at", "status", "billing_name", "total", "carrier",
                    "tracking_number", "exported_at")
    list_filter = ("status", "carrier", "placed_at")
    list_select_related = ("carrier",)
    search_fields = ("=number", "email", "billing_name", "shipping_name", "klarna_order_id",
                     "tracking_number")
    date_hierarchy = "placed_at"
    inlines = [OrderLineInline]
    actions = ["pack", "deliver", "export_for_carriers", "cancel"]
    fieldsets = [
        (None, {"fields": ("number", "status", "ship_link", "placed_at", "packed_at",
                           "exported_at", "shipped_at", "delivered_at", "cancelled_at",
                           "language", "policy_version")}),
        (_("Buyer"), {"fields": ("user", "email", "billing_name", "billing_company",
                                 "billing_org_nr", "billing_vat_number", "billing_street",
                                 "billing_street2",
                                 "billing_postal_code", "billing_city", "billing_country",
                                 "billing_phone")}),
        (_("Delivery"), {"fields": ("shipping_name", "shipping_company", "shipping_street",
                                    "shipping_street2", "shipping_postal_code",
                                    "shipping_city", "shipping_country", "shipping_phone",
                                    "carrier", "tracking_number", "tracking_link")}),
        (_("Payment"), {"fields": ("total", "total_vat_ore", "refunded_ore", "payment_method",
                                   "klarna_order_id", "klarna_capture_id",
                                   "capture_idempotency_key", "receipt_link")}),
    ]
    readonly_fields = [f for _t, spec in fieldsets for f in spec["fields"]]

    def has_fulfil_permission(self, request):
        """Packing, shipping, delivering, cancelling and exporting need the right to
        change orders; the order itself is never edited in place."""
        return request.user.has_perm("orders.change_order")

    def get_urls(self):
        return [path("<int:pk>/ship/", self.admin_site.admin_view(self.ship_view),
                     name="orders_order_ship"), *super().get_urls()]

    @admin.display(description=_("total incl. VAT"), ordering="total_ore")
    def total(self, order):
        return format_sek(order.total_ore)

    @admin.display(description=_("tracking page"))
    def tracking_link(self, order):
        url = order.tracking_url
        return format_html('<a href="{}" rel="noreferrer">{}</a>', url, url) if url else "–"

    @admin.display(description=_("receipt"))
    def receipt_link(self, order):
        receipt = getattr(order, "receipt", None)
        if receipt is None:
            return "–"
        if receipt.is_locked:
            # Opened from the receipts list by bookkeepers only; no link for the rest.
            return format_html("{} ({})", receipt.display_number,
                               _("locked for bookkeeping"))
        url = reverse("admin:orders_receipt_document", args=[receipt.pk])
        return format_html('<a href="{}">{}</a>', url, receipt.display_number)

    @admin.display(description=_("ship"))
    def ship_link(self, order):
        if order.status not in (Order.Status.PLACED, Order.Status.PACKED):
            return "–"
        url = reverse("admin:orders_order_ship", args=[order.pk])
        return format_html('<a class="button" href="{}">{}</a>', url,
                           _("Ship: capture payment and enter tracking number"))

    def ship_view(self, request, pk):
        order = get_object_or_404(Order, pk=pk)
        if not self.has_fulfil_permission(request):
            return HttpResponse(status=403)
        initial = {"carrier": order.carrier_id, "tracking_number": order.tracking_number}
        form = ShipForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.ship_order(order, carrier=form.cleaned_data["carrier"],
                                    tracking_number=form.cleaned_data["tracking_number"],
                                    recorded_by=request.user)
            except services.OrderError as error:
                form.add_error(None, str(error.message))
            else:
                self.message_user(request, _("Order %(number)s shipped; the buyer has been "
                                             "e-mailed the tracking link.")
                                  % {"number": order.number}, messages.SUCCESS)
                return redirect("admin:orders_order_change", order.pk)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "order": order, "form": form, "title": _("Ship order %(number)s")
                   % {"number": order.number}}
        return TemplateResponse(request, "admin/orders/order/ship.html", context)

    def _each(self, request, queryset, service, done_message, **kwargs):
        done = 0
        for order in queryset.order_by("number"):
            try:
                service(order, **kwargs)
            except services.OrderError as error:
                self.message_user(request, str(error.message), messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Mark packed (choose the carrier)"),
                  permissions=["fulfil"])
    def pack(self, request, queryset):
        if not queryset.exists():  # e.g. deleted meanwhile, or ids that match nothing
            self.message_user(request, _("None of the selected orders exist."),
                              messages.WARNING)
            return None
        form = PackForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._each(request, queryset, services.mark_packed,
                       lambda n: ngettext("%(n)d order packed.", "%(n)d orders packed.", n)
                       % {"n": n}, carrier=form.cleaned_data["carrier"])
            return None
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "orders": queryset, "form": form, "title": _("Mark packed"),
                   "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME}
        return TemplateResponse(request, "admin/orders/order/pack.html", context)

    @admin.action(description=_("Mark delivered (starts the 14-day return period)"),
                  permissions=["fulfil"])
    def deliver(self, request, queryset):
        if not queryset.exists():
            self.message_user(request, _("None of the selected orders exist."),
                              messages.WARNING)
            return None
        form = DeliverForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._each(request, queryset, services.mark_delivered,
                       lambda n: ngettext("%(n)d order marked delivered.",
                                          "%(n)d orders marked delivered.", n) % {"n": n},
                       when=form.delivered_at())
            return None
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "orders": queryset, "form": form, "title": _("Mark delivered"),
                   "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME}
        return TemplateResponse(request, "admin/orders/order/deliver.html", context)

    @admin.action(description=_("Cancel (releases the payment, restocks the goods)"),
                  permissions=["fulfil"])
    def cancel(self, request, queryset):
        self._each(request, queryset, services.cancel_order,
                   lambda n: ngettext("%(n)d order cancelled.", "%(n)d orders cancelled.", n)
                   % {"n": n})

    @admin.action(description=_("Export for carriers (CSV, one file per carrier)"),
                  permissions=["fulfil"])
    def export_for_carriers(self, request, queryset):
        orders = list(queryset.filter(status__in=[Order.Status.PLACED, Order.Status.PACKED])
                      .select_related("carrier", "user"))
        skipped = len(queryset) - len([o for o in orders if o.carrier_id])
        files = carrier_export.export(orders, recorded_by=request.user)
        if skipped:
            self.message_user(request, ngettext(
                "%(n)d order was left out: not waiting for shipment, or no carrier chosen "
                "(mark it packed first).",
                "%(n)d orders were left out: not waiting for shipment, or no carrier chosen "
                "(mark them packed first).", skipped) % {"n": skipped}, messages.WARNING)
        if not files:
            return None
        if len(files) == 1:
            response = HttpResponse(files[0].data, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{files[0].filename}"'
            return response
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in files:
                archive.writestr(file.filename, file.data)
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="carrier-export.zip"'
        return response


class ReturnLineInline(admin.TabularInline):
    model = ReturnLine
    fields = ("order_line", "quantity")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReturnRequest)
class ReturnRequestAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "order", "status", "created_at", "value", "refunded")
    list_filter = ("status",)
    list_select_related = ("order",)
    search_fields = ("=order__number", "order__email")
    fields = ("order", "status", "reason", "created_at", "received_at", "refunded_at",
              "refund_ore", "klarna_refund_id", "refund_idempotency_key")
    readonly_fields = fields
    inlines = [ReturnLineInline]
    actions = ["receive", "refund"]

    def has_refund_permission(self, request):
        return request.user.has_perm("orders.change_returnrequest")

    @admin.display(description=_("value of the goods"))
    def value(self, ret):
        return format_sek(ret.amount_ore())

    @admin.display(description=_("refunded"))
    def refunded(self, ret):
        return format_sek(ret.refund_ore) if ret.refund_ore else "–"

    def _each(self, request, queryset, service, done_text):
        done = 0
        for ret in queryset:
            try:
                service(ret)
            except services.OrderError as error:
                self.message_user(request, str(error.message), messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_text % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Mark the goods received"), permissions=["refund"])
    def receive(self, request, queryset):
        self._each(request, queryset, services.mark_return_received,
                   _("%(n)d return(s) marked received."))

    @admin.action(description=_("Refund (through the payment provider) and write the "
                                "credit note"), permissions=["refund"])
    def refund(self, request, queryset):
        self._each(request, queryset, services.refund_return,
                   _("%(n)d return(s) refunded; credit notes written and buyers e-mailed."))


class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("display_number", "issued_at", "buyer_name", "amount", "document_link")
    search_fields = ("=number", "buyer_name", "buyer_email")
    date_hierarchy = "issued_at"
    fields = ("display_number", "issued_at", "buyer_name", "buyer_email", "amount",
              "document_link")
    readonly_fields = fields

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [path("<int:pk>/document/", self.admin_site.admin_view(self.document_view),
                     name="{}_{}_document".format(*info)), *super().get_urls()]

    def get_queryset(self, request):
        documents = super().get_queryset(request)
        return documents if sees_kept_records(request) else documents.unlocked()

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return (*shown, "locked_at") if sees_kept_records(request) else shown

    def get_fields(self, request, obj=None):
        shown = super().get_fields(request, obj)
        return (*shown, "locked_at") if sees_kept_records(request) else shown

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_search_results(self, request, queryset, search_term):
        """Bookkeepers also find a locked document by its buyer's e-mail address, through
        the keyed hash the erasure left in its place."""
        found, may_have_duplicates = super().get_search_results(request, queryset,
                                                                search_term)
        term = search_term.strip()
        if sees_kept_records(request) and "@" in term and len(term) <= 254:
            ref = erased_hash(registry.get(self.model), "buyer_email", term)
            found = found | queryset.filter(locked_at__isnull=False, buyer_email=ref)
        return found, may_have_duplicates

    @admin.display(description=_("number"), ordering="number")
    def display_number(self, doc):
        return doc.display_number

    @admin.display(description=_("total incl. VAT"), ordering="total_ore")
    def amount(self, doc):
        return format_sek(doc.total_ore)

    @admin.display(description=_("document"))
    def document_link(self, doc):
        info = self.model._meta.app_label, self.model._meta.model_name
        url = reverse("admin:{}_{}_document".format(*info), args=[doc.pk])
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("Open as issued"))

    def document_view(self, request, pk):
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        doc = get_object_or_404(self.get_queryset(request), pk=pk)
        _audit_document_view(request, doc)
        response = HttpResponse(doc.html, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        response["Cache-Control"] = "private, no-store"
        return response


@admin.register(Receipt)
class ReceiptAdmin(DocumentAdmin):
    pass


@admin.register(CreditNote)
class CreditNoteAdmin(DocumentAdmin):
    pass
