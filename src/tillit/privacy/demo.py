"""The demo shop's recipient register: the companies a real Teknikboden would name, each
in its role (entrys with their agreement's date, controllers with a link to their own
privacy notice; staff check the links against each company's site before going live).

Staff type the register in the shop's own language, Swedish, and in English beside it.
"""

import datetime as dt

from .models import Recipient

COMPANIES = [
    {"name": "Kustom (formerly Klarna Checkout)",
     "service": "Kassa och betalning", "service_en": "Checkout and payment",
     "recipient_kind": "payment_provider",
     "data_description": "Kontaktuppgifter, leveransadress, orderinnehåll och belopp",
     "data_description_en": "Contact details, delivery address, order contents and amounts",
     "location": "Sverige (EU)", "location_en": "Sweden (EU)",
     "role": "controller", "privacy_notice_url": "https://www.kustom.co/privacy-policy",
     "agreement_date": dt.date(2025, 9, 1), "is_checkout_provider": True},
    {"name": "Nordisk Drift AB",
     "service": "Drift av webbshoppen och dess databas",
     "service_en": "Hosting of the web shop and its database",
     "recipient_kind": "hosting",
     "data_description": "Alla uppgifter butiken har",
     "data_description_en": "All data the shop holds",
     "location": "Sverige (EU)", "location_en": "Sweden (EU)",
     "agreement_date": dt.date(2024, 3, 15)},
    {"name": "Postverket Mail AB",
     "service": "Utskick av order- och konto-e-post",
     "service_en": "Sending order and account e-mail",
     "recipient_kind": "email_provider",
     "data_description": "Namn, e-postadress och e-postens innehåll",
     "data_description_en": "Name, e-mail address and the e-mail's content",
     "location": "Tyskland (EU)", "location_en": "Germany (EU)",
     "agreement_date": dt.date(2024, 3, 15)},
    {"name": "46elks AB",
     "service": "Utskick av SMS med erbjudanden",
     "service_en": "Sending offers by SMS",
     "recipient_kind": "sms_gateway",
     "data_description": "Mobilnummer och SMS:ets text",
     "data_description_en": "Mobile number and the text of the SMS",
     "location": "Sverige (EU)", "location_en": "Sweden (EU)",
     "agreement_date": dt.date(2026, 11, 1)},
    {"name": "Exempeltryck AB",
     "service": "Tryck och utskick av erbjudanden per brev",
     "service_en": "Printing and posting offers by letter",
     "recipient_kind": "print_house",
     "data_description": "Namn och postadress",
     "data_description_en": "Name and postal address",
     "location": "Sverige (EU)", "location_en": "Sweden (EU)",
     "agreement_date": dt.date(2026, 11, 1)},
    {"name": "PostNord Sverige AB",
     "service": "Paketleverans", "service_en": "Parcel delivery",
     "recipient_kind": "carrier", "role": "controller",
     "privacy_notice_url": "https://www.postnord.se/integritetspolicy",
     "data_description": "Namn, leveransadress, telefonnummer, e-post för avisering",
     "data_description_en": "Name, delivery address, phone number, e-mail for notices",
     "location": "Sverige (EU)", "location_en": "Sweden (EU)",
     "agreement_date": dt.date(2024, 5, 1)},
    {"name": "DHL Freight (Sweden) AB",
     "service": "Paket- och godsleverans", "service_en": "Parcel and freight delivery",
     "recipient_kind": "carrier", "role": "controller",
     "privacy_notice_url": "https://www.dhl.com/se-sv/home/footer/privacy-notice.html",
     "data_description": "Namn, leveransadress, telefonnummer, e-post för avisering",
     "data_description_en": "Name, delivery address, phone number, e-mail for notices",
     "location": "Sverige (EU)", "location_en": "Sweden (EU)",
     "agreement_date": dt.date(2024, 5, 1)},
]


def load() -> None:
    """Fill an empty recipient register with the demo's companies.

    Once the register has rows it belongs to staff: a row they changed, renamed or
    deleted stays that way, since the policy must name exactly the companies the shop
    uses. Only what is still missing of an untouched demo row is added: its English texts,
    where the Swedish one still reads as the demo wrote it (demo databases made before the
    register had English, or the checkout provider's mark).
    """
    if not Recipient.objects.exists():
        for row in COMPANIES:
            Recipient.objects.create(**row)
        return
    for row in COMPANIES:
        for entry in Recipient.objects.filter(name=row["name"]):
            missing = [f"{field}_en" for field in Recipient.TRANSLATED
                       if f"{field}_en" in row and not getattr(entry, f"{field}_en")
                       and getattr(entry, field) == row[field]]
            if row.get("privacy_notice_url") and not entry.privacy_notice_url:
                missing.append("privacy_notice_url")  # made before the register had roles
            for name in missing:
                setattr(entry, name, row[name])
            if (row.get("is_checkout_provider")
                    and not Recipient.objects.filter(is_checkout_provider=True).exists()):
                entry.is_checkout_provider = True  # demo databases made before the flag
                missing.append("is_checkout_provider")
            if missing:
                entry.save(update_fields=missing)
