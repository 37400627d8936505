"""The vocabulary of the data map, kept as data.

Category and purpose keys are those of the open Fides taxonomy (fideslang), limited to the
keys Tillit uses, so the map speaks a language privacy tools already know. Each key carries
its plain-language label (Swedish through gettext, English in the source).
"""

from django.utils.translation import gettext_lazy as _

# Data categories (fideslang ``data_categories``).
CATEGORIES = {
    "user.name": _("Name"),
    "user.contact.email": _("E-mail address"),
    "user.contact.phone_number": _("Phone number"),
    "user.contact.address.street": _("Street address"),
    "user.contact.address.postal_code": _("Postal code"),
    "user.contact.address.city": _("City"),
    "user.contact.address.country": _("Country"),
    "user.account.username": _("User ID"),
    "user.authorization.password": _("Password (stored only as a one-way hash)"),
    # Staff's authenticator apps: the shared secret the codes are made from. It is kept as
    # it is (the codes are checked against it), never shown, and goes with the account.
    "user.authorization.credentials": _("Secret key of the authenticator app of staff"),
    "user.workplace": _("Company"),
    "user.government_id": _("Company registration number (org.nr)"),
    "user.unique_id": _("Customer number and internal identifiers"),
    "user.device.ip_address": _("Public IP address"),
    "user.device.cookie_id": _("Session identifier (cookie)"),
    "user.device.device_type": _("Browser and device (user agent)"),
    "user.behavior.browsing_history": _("What you do in the webshop"),
    "user.behavior.purchase_history": _("Carts and purchases"),
    "user.account.settings": _("Account settings and preferences"),
    "user.authorization": _("Logins and account activity"),
    "user.content.private": _("Messages and other content you give us"),
    "user.content": _("E-mail we send you: its subject, text and attachments"),
    "user.financial": _("Payment and invoice details"),
    "system.operations": _("Records of what staff did in the system"),
}

# Values never handed out, not even to the person in their own export: they would only
# help an attacker (the export says whether one is set).
WITHHELD = frozenset({"user.authorization.password", "user.authorization.credentials"})

# Data uses (fideslang ``data_uses``).
PURPOSES = {
    "essential.service": _("To provide our services and handle our contract with you"),
    "essential.service.payment_processing": _("To take payment for your order"),
    "essential.service.notifications": _(
        "To send you order, delivery and invoice information and to tell you about your account"
    ),
    "essential.service.operations.support": _("To help you when you report a problem"),
    "essential.service.security": _(
        "To protect our services and your data, find violations and block misuse"
    ),
    "essential.legal_obligation": _("To meet our legal obligations, such as bookkeeping law"),
    "essential.service.authentication": _("To let you log in to your account"),
    "marketing.communications.email": _("To send you newsletters and offers you asked for"),
    "marketing.communications.sms": _("To send you offers by SMS, when you asked for them"),
    "marketing.communications.mail": _("To send you offers by letter, when you asked for them"),
    "personalize": _("To suggest products from what you have bought, when you asked for it"),
    "functional.storage": _("To remember your choices in your browser"),
    "marketing.consent": _("To keep track of what you have agreed to, and what you have said "
                           "no to"),
    "analytics.reporting": _("For statistics and analysis at an aggregate level"),
    "essential.legal_claims": _("To establish, exercise or defend legal claims"),
}

# Legal bases (GDPR Art. 6(1)); the article reference is printed beside the label.
BASES = {
    "contract": (_("Contract"), "GDPR art. 6.1 b"),
    "legal_obligation": (_("Legal obligation"), "GDPR art. 6.1 c"),
    "legitimate_interest": (_("Legitimate interest"), "GDPR art. 6.1 f"),
    "consent": (_("Consent"), "GDPR art. 6.1 a"),
}

# Where data comes from.
SOURCES = {
    "given": _("Given by you"),
    "generated": _("Generated automatically when you use the webshop"),
    "third_party": _("From third parties, such as manufacturers and suppliers"),
}

# A recipient's role (GDPR art. 4(7)-(8), 28): a processor acts only on the shop's
# instructions under an art. 28 agreement; a controller decides its own purposes and
# answers for its processing under its own privacy notice.
PROCESSOR, CONTROLLER = "processor", "controller"
ROLES = {
    PROCESSOR: _("Processor: acts only on our instructions"),
    CONTROLLER: _("Controller in its own right"),
}

# Kinds of recipient a declaration may name; the recipient register says who they are.
RECIPIENTS = {
    "payment_provider": _("The checkout and payment provider"),
    "carrier": _("Carriers that deliver your order"),
    "hosting": _("Our hosting and IT infrastructure provider"),
    "email_provider": _("Our e-mail delivery provider"),
    "sms_gateway": _("Our SMS delivery provider"),
    "print_house": _("The print house that sends our letters"),
    "supplier": _("Manufacturers and suppliers (licences, cloud services, support)"),
    "auditor": _("External auditors"),
    "authority": _("Authorities, when the law requires it"),
}

# The role each kind of recipient has unless staff register a company otherwise: the
# checkout provider and carriers decide their own purposes (Kustom's and PostNord's own
# policies say so), hosting and mail delivery act on the shop's instructions.
USUAL_ROLE = {
    "payment_provider": CONTROLLER,
    "carrier": CONTROLLER,
    "hosting": PROCESSOR,
    "email_provider": PROCESSOR,
    "sms_gateway": PROCESSOR,
    "print_house": PROCESSOR,
    "supplier": CONTROLLER,
    "auditor": CONTROLLER,
    "authority": CONTROLLER,
}

# Who the data is about (GDPR Art. 30(1)(c)).
DATA_SUBJECTS = {
    "customer": _("Customers with an account"),
    "guest": _("Customers who buy without an account"),
    "visitor": _("Visitors to the webshop"),
    "staff": _("Staff of the shop"),
    "supplier_contact": _("People whose contact details a supplier passed on to us"),
}
