"""The demo shop's processor register: the companies a real Teknikboden would name.

Staff type the register in the shop's own language, Swedish, and in English beside it.
"""

import datetime as dt

from .models import Processor

PROCESSORS = [
    {"name": "Kustom (formerly Klarna Checkout)",
     "service": "Kassa och betalning", "service_en": "Checkout and payment",
     "recipient_kind": "payment_provider",
     "data_description": "Kontaktuppgifter, leveransadress, orderinnehåll och belopp",
     "data_description_en": "Contact details, delivery address, order contents and amounts",
     "location": "Sverige (EU)", "location_en": "Sweden (EU)",
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
    {"name": "PostNord Sverige AB",
     "service": "Paketleverans", "service_en": "Parcel delivery",
     "recipient_kind": "carrier",
     "data_description": "Namn, leveransadress, telefonnummer, e-post för avisering",
     "data_description_en": "Name, delivery address, phone number, e-mail for notices",
     "location": "Sverige (EU)", "location_en": "Sweden (EU)",
     "agreement_date": dt.date(2024, 5, 1)},
    {"name": "DHL Freight (Sweden) AB",
     "service": "Paket- och godsleverans", "service_en": "Parcel and freight delivery",
     "recipient_kind": "carrier",
     "data_description": "Namn, leveransadress, telefonnummer, e-post för avisering",
     "data_description_en": "Name, delivery address, phone number, e-mail for notices",
     "location": "Sverige (EU)", "location_en": "Sweden (EU)",
     "agreement_date": dt.date(2024, 5, 1)},
]


def load() -> None:
    """Fill an empty processor register with the demo's processors.

    Once the register has rows it belongs to staff: a row they changed, renamed or
    deleted stays that way, since the policy must name exactly the processors the shop
    uses. Only what is still missing of an untouched demo row is added: its English texts,
    where the Swedish one still reads as the demo wrote it (demo databases made before the
    register had English, or the checkout provider's mark).
    """
    if not Processor.objects.exists():
        for row in PROCESSORS:
            Processor.objects.create(**row)
        return
    for row in PROCESSORS:
        for processor in Processor.objects.filter(name=row["name"]):
            missing = [f"{field}_en" for field in Processor.TRANSLATED
                       if f"{field}_en" in row and not getattr(processor, f"{field}_en")
                       and getattr(processor, field) == row[field]]
            for name in missing:
                setattr(processor, name, row[name])
            if (row.get("is_checkout_provider")
                    and not Processor.objects.filter(is_checkout_provider=True).exists()):
                processor.is_checkout_provider = True  # demo databases made before the flag
                missing.append("is_checkout_provider")
            if missing:
                processor.save(update_fields=missing)
