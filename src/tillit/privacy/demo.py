"""The demo shop's processor register: the companies a real Teknikboden would name."""

import datetime as dt

from .models import Processor

PROCESSORS = [
    {"name": "Kustom (formerly Klarna Checkout)", "service": "Checkout and payments",
     "recipient_kind": "payment_provider",
     "data_description": "Contact details, delivery address, order contents and amounts",
     "location": "Sweden (EU)", "agreement_date": dt.date(2025, 9, 1)},
    {"name": "Nordisk Drift AB", "service": "Hosting of the webshop and its database",
     "recipient_kind": "hosting", "data_description": "All data the shop holds",
     "location": "Sweden (EU)", "agreement_date": dt.date(2024, 3, 15)},
    {"name": "Postverket Mail AB", "service": "Delivery of order and account e-mail",
     "recipient_kind": "email_provider",
     "data_description": "Name, e-mail address, the content of the e-mails",
     "location": "Germany (EU)", "agreement_date": dt.date(2024, 3, 15)},
    {"name": "PostNord Sverige AB", "service": "Parcel delivery", "recipient_kind": "carrier",
     "data_description": "Name, delivery address, phone number, e-mail for notices",
     "location": "Sweden (EU)", "agreement_date": dt.date(2024, 5, 1)},
    {"name": "DHL Freight (Sweden) AB", "service": "Parcel and freight delivery",
     "recipient_kind": "carrier",
     "data_description": "Name, delivery address, phone number, e-mail for notices",
     "location": "Sweden (EU)", "agreement_date": dt.date(2024, 5, 1)},
]


def load() -> None:
    for row in PROCESSORS:
        Processor.objects.update_or_create(name=row["name"], defaults=row)
