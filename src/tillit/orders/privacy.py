"""Orders, receipts, credit notes and returns in the data map.

Retention, decided:

* Receipts and credit notes are verifikationer under Bokföringslagen: kept 7 years after
  the end of the calendar year in which the financial year ended (7 kap. 2 §), and kept
  through an erasure request, locked to bookkeeping (P23, P32). They hold only what the
  VAT act requires of an invoice: the buyer's name and address, not phone or e-mail
  (the stored e-mail is only the link that lets the buyer's access request find them).
  On erasure that link becomes a keyed hash and the document is stamped ``locked_at``:
  from then on no export, erasure, page or support search finds it; staff with the
  "view kept accounting records" permission (bookkeeping) still do, until the sweep
  deletes it.
* The order, its lines and returns underlie those documents (what was sold, delivered and
  returned), so they are accounting material with the same period. On erasure the order
  keeps its amounts and lines but loses every contact and delivery detail; the receipt
  keeps what the law requires.
* The buyer's IP address at checkout is kept raw for a short time, to look into fraud and
  payment disputes, then replaced by a keyed hash (P10, P35).
"""


from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tillit.privacy import datamap as dm
from tillit.privacy import retention
from tillit.privacy.erasure import register_blocker

from .blockers import open_orders
from .models import (
    CreditNote,
    NumberSeries,
    Order,
    OrderLine,
    Receipt,
    ReturnLine,
    ReturnRequest,
)

# Payment disputes and fraud reports reach the shop within weeks of a purchase.
BUYER_IP_DAYS = 90
# A guest's order page (name, addresses, phone, e-mail) opens from the link in the order
# e-mails while the order is open and for so many days after it was delivered or cancelled
# (beyond the 14-day return period, for questions about the delivery), or after a fresh link
# was asked for by e-mail; then the link answers 410 and offers a fresh one (orders.links).
GUEST_LINK_DAYS = 90

BOOKKEEPING = _("bookkeeping (the Swedish Bookkeeping Act, 7 ch. 2 §)")
PURCHASE = "user.behavior.purchase_history"
SUBJECT_KINDS = ("customer", "guest")

# The order's contact details are needed to deliver it and to handle returns and
# complaints: a consumer may complain for three years after receiving the goods
# (konsumentköplagen 23 §). Then they go, while the order stays for the books (the receipt,
# the accounting record, keeps the buyer's name as the law asks). The e-mail address
# becomes the same keyed hash an erasure writes, so a hold can still find the order.
CONTACT_DAYS = 365 * 3
_AFTER = ("delivered_at", "cancelled_at", "placed_at")
_AFTER_EVENT = _("the order was delivered (or cancelled)")
CONTACT_KEPT = dm.ClearAfter(_AFTER, days=CONTACT_DAYS, event=_AFTER_EVENT)
EMAIL_KEPT = dm.HashAfter(_AFTER, days=CONTACT_DAYS, event=_AFTER_EVENT,
                          purpose="erased:orders.Order:email")


def _contact(category: str) -> dm.Field:
    return dm.Field(category, hash_after=CONTACT_KEPT)


_BILLING = {
    "billing_name": _contact("user.name"),
    "billing_company": _contact("user.workplace"),
    "billing_org_nr": _contact("user.government_id"),
    # A company buyer's VAT number, printed on the receipt (a sole trader's derives from
    # their personal identity number, so it is personal data).
    "billing_vat_number": _contact("user.government_id"),
    "billing_street": _contact("user.contact.address.street"),
    "billing_street2": _contact("user.contact.address.street"),
    "billing_postal_code": _contact("user.contact.address.postal_code"),
    "billing_city": _contact("user.contact.address.city"),
    "billing_country": dm.Field("user.contact.address.country"),
    "billing_phone": _contact("user.contact.phone_number"),
}
_DELIVERY = {
    "shipping_name": _contact("user.name"),
    "shipping_company": _contact("user.workplace"),
    "shipping_street": _contact("user.contact.address.street"),
    "shipping_street2": _contact("user.contact.address.street"),
    "shipping_postal_code": _contact("user.contact.address.postal_code"),
    "shipping_city": _contact("user.contact.address.city"),
    "shipping_country": dm.Field("user.contact.address.country"),
    "shipping_phone": _contact("user.contact.phone_number"),
}
# What the carrier export sends (tillit.shipping.export); the phone falls back to billing.
CARRIER_FIELDS = (*_DELIVERY, "billing_phone", "email", "number")

dm.declare(
    Order,
    title=_("Your orders"),
    subject=dm.Subject(user="user", email="email", kinds=SUBJECT_KINDS),
    fields={
        "email": dm.Field("user.contact.email", hash_after=EMAIL_KEPT),
        **_BILLING, **_DELIVERY,
        "number": dm.Field(PURCHASE, dm.GENERATED),
        "status": dm.Field(PURCHASE, dm.GENERATED),
        "total_ore": dm.Field(PURCHASE, dm.GENERATED),
        "refunded_ore": dm.Field(PURCHASE, dm.GENERATED),
        "placed_at": dm.Field(PURCHASE, dm.GENERATED),
        "packed_at": dm.Field(PURCHASE, dm.GENERATED),
        "exported_at": dm.Field(PURCHASE, dm.GENERATED),
        "shipped_at": dm.Field(PURCHASE, dm.GENERATED),
        "delivered_at": dm.Field(PURCHASE, dm.GENERATED),
        "cancelled_at": dm.Field(PURCHASE, dm.GENERATED),
        "carrier": dm.Field(PURCHASE, dm.GENERATED),
        "tracking_number": dm.Field(PURCHASE, dm.THIRD_PARTY, hash_after=CONTACT_KEPT),
        "klarna_order_id": dm.Field("user.financial", dm.THIRD_PARTY),
        "klarna_capture_id": dm.Field("user.financial", dm.THIRD_PARTY),
        "payment_method": dm.Field("user.financial", dm.THIRD_PARTY),
        # The language of the pages the buyer used, for the order's e-mails: not typed in.
        "language": dm.Field("user.account.settings", dm.GENERATED),
        "buyer_ip": dm.Field("user.device.ip_address", dm.GENERATED, hash_after=dm.HashAfter(
            "placed_at", days=BUYER_IP_DAYS, event=_("the order was placed"), purpose="ip")),
    },
    uses=[
        dm.Use("essential.service", dm.CONTRACT,
               _("to deliver your order and handle returns and complaints")),
        dm.Use("essential.service.payment_processing", dm.CONTRACT,
               _("to take and refund payment through the checkout provider"),
               fields=("number", "total_ore", "refunded_ore", "klarna_order_id",
                       "klarna_capture_id", "payment_method", "carrier", "tracking_number")),
        dm.Use("essential.service.notifications", dm.CONTRACT,
               _("to send you the order confirmation with your receipt, the shipping notice "
                 "with the tracking link, and refund notices"),
               fields=("email", "billing_name", "number", "status", "tracking_number",
                       "carrier", "language")),
        dm.Use("essential.legal_obligation", dm.LEGAL_OBLIGATION,
               _("the order underlies the receipt in our books"),
               fields=("number", "total_ore", "refunded_ore", "placed_at", "shipped_at",
                       "delivered_at", "cancelled_at", "klarna_order_id", "payment_method")),
        dm.Use("essential.service.security", dm.LEGITIMATE_INTEREST,
               _("to look into fraudulent orders and payment disputes"),
               fields=("buyer_ip",)),
        # MFL 19 §: the buyer was told at checkout and may say no at any time.
        dm.Use("marketing.communications.email", dm.LEGITIMATE_INTEREST,
               _("to offer you by e-mail our own products like those you bought, unless you "
                 "said no at checkout or later"), fields=("email",), stoppable=True),
    ],
    retention=dm.AccountingPeriod("placed_at"),
    # The e-mail becomes a keyed hash, so a later claim about the order can still be
    # matched to whoever makes it, without the shop keeping the address.
    on_erasure=dm.Anonymise(
        clear=("user", "tracking_number", "buyer_ip",
               *(f for f in (*_BILLING, *_DELIVERY) if not f.endswith("country"))),
        hash=("email",),
        hash_why=_("so that a later claim about the order (a complaint, a payment dispute) "
                   "can be matched to whoever makes it (GDPR art. 17.3 b and e)"),
    ),
    # What the checkout cannot do without (orders/placement.py refuses an order that lacks
    # them); the delivery address is the billing one unless the buyer gives another.
    asked=dm.Asked(
        situation=_("When you buy"),
        required=("email", "billing_name", "billing_street", "billing_postal_code",
                  "billing_city", "billing_country"),
        why=_("to deliver your order, send you the order e-mails and put your name and "
              "address on the receipt, as the law requires of it"),
        without=_("we cannot take your order: the checkout does not let you confirm it "
                  "without them")),
    recipients={
        "payment_provider": ("klarna_order_id", "total_ore", "refunded_ore", "carrier",
                             "tracking_number"),
        "carrier": CARRIER_FIELDS,
        "email_provider": ("email", "billing_name", "number", "tracking_number"),
        "hosting": None,
        "auditor": None,
    },
    not_personal=("total_vat_ore", "currency", "policy_version", "capture_idempotency_key",
                  "confirmation_sent_at", "updated_at"),
)

dm.declare(
    OrderLine,
    title=_("What you ordered"),
    subject=dm.Subject(user="order__user", email="order__email", kinds=SUBJECT_KINDS),
    fields={
        "product": dm.Field(PURCHASE),
        "sku": dm.Field(PURCHASE),
        "name": dm.Field(PURCHASE),
        "quantity": dm.Field(PURCHASE),
        "unit_price_ore": dm.Field(PURCHASE, dm.GENERATED),
        "total_ore": dm.Field(PURCHASE, dm.GENERATED),
    },
    uses=[
        dm.Use("essential.service", dm.CONTRACT, _("to deliver what you ordered")),
        dm.Use("essential.legal_obligation", dm.LEGAL_OBLIGATION,
               _("the lines of the sale in our books")),
        # A campaign about a category reaches only those who bought in it (P19), and
        # suggestions read a person's purchases only with their yes (P22).
        dm.Use("marketing.communications.email", dm.LEGITIMATE_INTEREST,
               _("to choose which offers of products like those you bought to send you"),
               stoppable=True),
        dm.Use("personalize", dm.CONSENT,
               _("to suggest products from what you have bought, only if you asked for it"),
               stoppable=True),
    ],
    retention=dm.AccountingPeriod("order__placed_at"),
    on_erasure=dm.Keep(dm.LEGAL_OBLIGATION, BOOKKEEPING),
    recipients={"payment_provider": ("sku", "name", "quantity", "unit_price_ore",
                                     "total_ore"),
                "hosting": None, "auditor": None},
    not_personal=("kind", "vat_rate", "vat_ore"),
)

_DOCUMENT_FIELDS = {
    "number": dm.Field("user.financial", dm.GENERATED),
    "issued_at": dm.Field("user.financial", dm.GENERATED),
    "buyer_name": dm.Field("user.name"),
    "buyer_email": dm.Field("user.contact.email"),
    "total_ore": dm.Field("user.financial", dm.GENERATED),
    "html": dm.Field("user.financial", dm.GENERATED),
    "data": dm.Field("user.financial", dm.GENERATED),
}
_DOCUMENT_USES = [
    dm.Use("essential.legal_obligation", dm.LEGAL_OBLIGATION,
           _("the verification of the sale that bookkeeping and VAT law require us to keep")),
    dm.Use("essential.service.notifications", dm.CONTRACT,
           _("to give you your receipt or credit note"),
           fields=("number", "buyer_email", "html")),
]
_DOCUMENT_RECIPIENTS = {"hosting": None, "auditor": None, "authority": None,
                        "email_provider": ("buyer_email", "html")}

dm.declare(
    Receipt,
    title=_("Receipts"),
    subject=dm.Subject(user="order__user", email="buyer_email", kinds=SUBJECT_KINDS),
    fields=_DOCUMENT_FIELDS,
    uses=_DOCUMENT_USES,
    retention=dm.AccountingPeriod("issued_at"),
    on_erasure=dm.Keep(dm.LEGAL_OBLIGATION, BOOKKEEPING, lock_field="locked_at"),
    recipients=_DOCUMENT_RECIPIENTS,
    not_personal=("locked_at",),
)

dm.declare(
    CreditNote,
    title=_("Credit notes"),
    subject=dm.Subject(user="receipt__order__user", email="buyer_email", kinds=SUBJECT_KINDS),
    fields={**_DOCUMENT_FIELDS, "return_request": dm.Field(PURCHASE, dm.GENERATED)},
    uses=_DOCUMENT_USES,
    retention=dm.AccountingPeriod("issued_at"),
    on_erasure=dm.Keep(dm.LEGAL_OBLIGATION, BOOKKEEPING, lock_field="locked_at"),
    recipients=_DOCUMENT_RECIPIENTS,
    not_personal=("locked_at",),
)

dm.declare(
    ReturnRequest,
    title=_("Returns"),
    subject=dm.Subject(user="order__user", email="order__email", kinds=SUBJECT_KINDS),
    fields={
        "reason": dm.Field("user.content.private"),
        "status": dm.Field(PURCHASE, dm.GENERATED),
        "created_at": dm.Field(PURCHASE, dm.GENERATED),
        "received_at": dm.Field(PURCHASE, dm.GENERATED),
        "refunded_at": dm.Field(PURCHASE, dm.GENERATED),
        "refund_ore": dm.Field("user.financial", dm.GENERATED),
        "klarna_refund_id": dm.Field("user.financial", dm.THIRD_PARTY),
    },
    uses=[
        dm.Use("essential.service", dm.CONTRACT,
               _("to handle your return under the 14-day right of withdrawal")),
        dm.Use("essential.service.payment_processing", dm.CONTRACT,
               _("to refund you through the checkout provider"),
               fields=("refund_ore", "klarna_refund_id")),
        dm.Use("essential.legal_obligation", dm.LEGAL_OBLIGATION,
               _("the return underlies the credit note in our books"),
               fields=("status", "created_at", "received_at", "refunded_at", "refund_ore")),
    ],
    # It goes with its order (CASCADE), so it counts from the order's date.
    retention=dm.AccountingPeriod("order__placed_at"),
    on_erasure=dm.Anonymise(clear=("reason",)),
    recipients={"payment_provider": ("refund_ore",), "hosting": None, "auditor": None},
    not_personal=("refund_idempotency_key",),
)

dm.declare(
    ReturnLine,
    title=_("Returned items"),
    subject=dm.Subject(user="return_request__order__user",
                       email="return_request__order__email", kinds=SUBJECT_KINDS),
    fields={
        "order_line": dm.Field(PURCHASE),
        "quantity": dm.Field(PURCHASE),
    },
    uses=[dm.Use("essential.service", dm.CONTRACT, _("to handle your return"))],
    retention=dm.AccountingPeriod("return_request__order__placed_at"),
    on_erasure=dm.Keep(dm.LEGAL_OBLIGATION, BOOKKEEPING),
    recipients={"payment_provider": None, "hosting": None, "auditor": None},
)

dm.no_personal_data(NumberSeries, "Counters of the order, receipt and credit-note numbers.")

# The words for what a receipt or credit note keeps in its data (``receipts._document``),
# so the person's report reads them as the document does.
dm.words(
    keys={"schema": _("version of the document's format"), "kind": _("kind"),
          "number": _("serial number"), "display_number": _("number"),
          "issued_at": _("issued"), "issue_date": _("date of issue"),
          "currency": _("currency"), "language": _("language"), "seller": _("seller"),
          "buyer": _("buyer"), "name": _("name"), "shop_name": _("shop"),
          "org_nr": _("org.nr"), "vat_number": _("VAT registration number"),
          "company": _("company"), "street": _("street address"),
          "street2": _("address line 2"), "postal_code": _("postal code"),
          "city": _("city"), "country": _("country"), "email": _("e-mail"),
          "website": _("website"), "order_number": _("order number"),
          "order_date": _("order date"), "payment_method": _("payment method"),
          "lines": _("lines"), "sku": _("article number"), "quantity": _("quantity"),
          "unit_price_ore": _("unit price incl. VAT"), "vat_rate_bp": _("VAT rate"),
          "unit_net_ore": _("unit price excl. VAT"),
          "total_ore": _("total incl. VAT"), "vat_ore": _("VAT"),
          "net_ore": _("excl. VAT"), "vat": _("VAT per rate"), "rate_bp": _("VAT rate"),
          "gross_ore": _("incl. VAT"), "total_net_ore": _("total excl. VAT"),
          "total_vat_ore": _("total VAT"), "supply_date": _("date of supply"),
          "supply_at_dispatch": _("supplied when dispatched"),
          "digital_supply_date": _("date of supply of licences and cloud services"),
          "credits": _("credits"), "receipt_number": _("receipt number"),
          "receipt_date": _("date of the receipt")},
    values={"kind": {"receipt": _("receipt"), "credit_note": _("credit note"),
                     **{str(k): v for k, v in OrderLine.Kind.choices}}},
)

# An order not delivered, or still returnable, makes an erasure wait (staff may override).
register_blocker(open_orders)

# The carrier files `tillit shipping export` writes (names, addresses, phones of the
# parcels' recipients) are kept in TILLIT_CARRIER_FILES_DIR only as long as staff need to
# hand them to the carrier's portal; the nightly sweep deletes them then.
CARRIER_FILE_DAYS = 7


retention.register_file_pass("carrier files", lambda: settings.TILLIT_CARRIER_FILES_DIR,
                            CARRIER_FILE_DAYS)
