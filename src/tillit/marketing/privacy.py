"""The data map's declarations for the newsletter, and the topics of marketing consent.

The words of each topic are what the person is shown where they are asked, and what the
consent ledger keeps (``privacy.consents``): the sign-up form, the checkout box and the
account page all read them from here."""


from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tillit.privacy import consents, retention
from tillit.privacy import datamap as dm

from .models import (
    Campaign,
    CampaignSend,
    ContactImport,
    ImportedContact,
    PendingSignup,
    SmsSend,
)

NEWSLETTER = consents.topic(
    "newsletter.email",
    label=_("Newsletter and offers by e-mail"),
    ask=_("Yes, send me the shop's newsletter with news and offers by e-mail. I can "
          "unsubscribe at any time with the link in every newsletter, or on my account page "
          "if I have an account."),
    purpose="marketing.communications.email",
    # MFL 19 § 2 st.: a buyer told of this at checkout who does not object may get offers
    # of the shop's own similar products by e-mail, with a way to say no in every message.
    objection=_("As a customer you may get e-mail about our own products similar to those "
                "you bought. Tick the box if you do not want them; every such e-mail also "
                "has a link to say no."),
)
SMS = consents.topic(
    "offers.sms",
    label=_("Offers by SMS"),
    ask=_("Yes, send me offers by SMS to my mobile number. I can stop them at any time by "
          "replying STOPP or on my account page."),
    purpose="marketing.communications.sms",
)
LETTER = consents.topic(
    "offers.letter",
    label=_("Offers by letter"),
    ask=_("Yes, send me offers by letter to my address. I can stop them at any time on my "
          "account page or by contacting the shop."),
    purpose="marketing.communications.mail",
)
PERSONALISED = consents.topic(
    "offers.personalised",
    label=_("Suggestions from what I have bought"),
    ask=_("Yes, use what I have bought to suggest accessories and products for me, on my "
          "account page and in newsletters. Without this, everyone sees the same suggestions."),
    purpose="personalize",
)

# A confirmation link unused this long is deleted with its sign-up.
SIGNUP_DAYS = 7

dm.declare(
    PendingSignup,
    title=_("Newsletter sign-ups waiting for confirmation"),
    subject=dm.Subject(email="email", kinds=("customer", "guest", "visitor")),
    fields={
        "email": dm.Field("user.contact.email"),
        "created_at": dm.Field("system.operations", dm.GENERATED),
        "ip": dm.Field("user.device.ip_address", dm.GENERATED),
        "language": dm.Field("user.account.settings", dm.GENERATED),
    },
    not_personal=("token_hash", "text_digest"),
    uses=[dm.Use("marketing.communications.email", dm.CONSENT,
                 _("to ask you to confirm that you want the newsletter (double opt-in), so "
                   "that nobody can sign up an address that is not theirs"),
                 stoppable=True)],
    retention=dm.After("created_at", days=SIGNUP_DAYS,
                       event=_("you signed up, unless you confirm before (then at once)")),
    on_erasure=dm.DELETE,
    recipients={"hosting": None, "email_provider": ("email",)},
)

dm.no_personal_data(Campaign, "A campaign's text, the same for every recipient.",
                    not_personal={"subject": "the campaign's subject line",
                                  "body": "the campaign's text, written by staff"})

dm.declare(
    CampaignSend,
    title=_("Newsletters and offers we have sent you"),
    subject=dm.Subject(email="email", kinds=("customer", "guest", "visitor"),
                       finder=lambda model, person: _sends_of(model, person)),
    fields={
        "email": dm.Field("user.contact.email"),
        "queued_at": dm.Field("system.operations", dm.GENERATED),
        "handed_at": dm.Field("system.operations", dm.GENERATED),
        "refused": dm.Field("system.operations", dm.GENERATED),
        "campaign": dm.Field("user.behavior.purchase_history", dm.GENERATED),
    },
    not_personal=("consent",),
    uses=[dm.Use("marketing.communications.email", dm.CONSENT,
                 _("to send each newsletter once, and to answer which ones we sent you and "
                   "why"),
                 stoppable=True)],
    retention=dm.After("queued_at", days=365, event=_("the newsletter was sent")),
    on_erasure=dm.DELETE,
    recipients={"hosting": None, "email_provider": ("email",)},
)

def _sms_sends_of(model, person):
    """A person's SMS sends: those allowed by their ledger rows (account or e-mail), and
    those to the mobile number on their account that no one else's row allowed."""
    from tillit.core.phone import same_mobile
    from tillit.privacy.models import Consent

    rows = model.objects.filter(consent__in=Consent.objects.filter(person.q()))
    phone = same_mobile(getattr(person.account, "phone", ""))
    if not phone:
        return rows
    return rows | model.objects.filter(phone=phone, consent__email="",
                                       consent__user__isnull=True)


def _sends_of(model, person):
    """Campaign messages the ledger allowed by the person's account's own rows, whatever
    address the row names (the existing-customer rule under a checkout's address)."""
    if person.account is None:
        return model.objects.none()
    return model.objects.filter(consent__user=person.account)


dm.declare(
    SmsSend,
    title=_("Offers by SMS we have sent you"),
    subject=dm.Subject(kinds=("customer", "guest", "visitor"), finder=_sms_sends_of),
    fields={
        "phone": dm.Field("user.contact.phone_number"),
        "queued_at": dm.Field("system.operations", dm.GENERATED),
        "handed_at": dm.Field("system.operations", dm.GENERATED),
        "status": dm.Field("system.operations", dm.GENERATED),
        "campaign": dm.Field("user.behavior.purchase_history", dm.GENERATED),
    },
    not_personal=("consent", "gateway_id"),
    uses=[dm.Use("marketing.communications.sms", dm.CONSENT,
                 _("to send each SMS offer once, to know it arrived, and to answer which "
                   "ones we sent you and why"),
                 stoppable=True)],
    retention=dm.After("queued_at", days=365, event=_("the SMS was sent")),
    on_erasure=dm.DELETE,
    recipients={"hosting": None, "sms_gateway": ("phone",)},
)


# The letter files staff export for the print house (names and addresses) are kept in
# TILLIT_LETTER_FILES_DIR only while the print house may ask for them again; then the
# nightly sweep deletes them.
LETTER_FILE_DAYS = 14


retention.register_file_pass("letter files", lambda: settings.TILLIT_LETTER_FILES_DIR,
                            LETTER_FILE_DAYS)


# Contacts from suppliers (P16). The notice telling each one where we got their details
# (GDPR art. 14(3)(a): within a month) goes when they are imported.
IMPORTED_KEPT_DAYS = 365 * 3

dm.no_personal_data(ContactImport, "A file of contacts: its supplier and its counts.",
                    not_personal={"supplier": "the supplier's company name",
                                  "filename": "the name of the file staff imported"})

dm.declare(
    ImportedContact,
    title=_("Contact details we received from a supplier"),
    subject=dm.Subject(email="email", kinds=("supplier_contact",)),
    fields={
        "email": dm.Field("user.contact.email", dm.THIRD_PARTY),
        "name": dm.Field("user.name", dm.THIRD_PARTY),
        "phone": dm.Field("user.contact.phone_number", dm.THIRD_PARTY),
        "source": dm.Field("system.operations", dm.THIRD_PARTY),
        "channel": dm.Field("user.account.settings", dm.THIRD_PARTY),
        "proof_reference": dm.Field("user.unique_id", dm.THIRD_PARTY),
        "proof_date": dm.Field("user.account.settings", dm.THIRD_PARTY),
        "imported_at": dm.Field("system.operations", dm.GENERATED),
        "notified_at": dm.Field("system.operations", dm.GENERATED),
    },
    not_personal=("batch", "consent"),
    uses=[dm.Use("marketing.communications.email", dm.CONSENT,
                 _("to send you the offers you agreed to get from us when you gave your "
                   "details to our supplier, by the channel you chose there, and to tell you "
                   "where we got them"),
                 stoppable=True)],
    retention=dm.After("imported_at", days=IMPORTED_KEPT_DAYS,
                       event=_("we received your details")),
    on_erasure=dm.DELETE,
    recipients={"hosting": None, "email_provider": ("email", "name"),
                "sms_gateway": ("phone",)},
)
