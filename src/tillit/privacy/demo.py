"""The demo shop's processor register: the companies a real Teknikboden would name.

Staff type the register in the shop's own language, Swedish.
"""

import datetime as dt

from .models import Processor

PROCESSORS = [
    {"name": "Kustom (formerly Klarna Checkout)", "service": "Kassa och betalning",
     "recipient_kind": "payment_provider",
     "data_description": "Kontaktuppgifter, leveransadress, orderinnehåll och belopp",
     "location": "Sverige (EU)", "agreement_date": dt.date(2025, 9, 1),
     "is_checkout_provider": True},
    {"name": "Nordisk Drift AB", "service": "Drift av webbshoppen och dess databas",
     "recipient_kind": "hosting", "data_description": "Alla uppgifter butiken har",
     "location": "Sverige (EU)", "agreement_date": dt.date(2024, 3, 15)},
    {"name": "Postverket Mail AB", "service": "Utskick av order- och konto-e-post",
     "recipient_kind": "email_provider",
     "data_description": "Namn, e-postadress och e-postens innehåll",
     "location": "Tyskland (EU)", "agreement_date": dt.date(2024, 3, 15)},
    {"name": "PostNord Sverige AB", "service": "Paketleverans", "recipient_kind": "carrier",
     "data_description": "Namn, leveransadress, telefonnummer, e-post för avisering",
     "location": "Sverige (EU)", "agreement_date": dt.date(2024, 5, 1)},
    {"name": "DHL Freight (Sweden) AB", "service": "Paket- och godsleverans",
     "recipient_kind": "carrier",
     "data_description": "Namn, leveransadress, telefonnummer, e-post för avisering",
     "location": "Sverige (EU)", "agreement_date": dt.date(2024, 5, 1)},
]


def load() -> None:
    for row in PROCESSORS:
        Processor.objects.update_or_create(name=row["name"], defaults=row)
