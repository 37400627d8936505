"""A whole shop life for the access-export tests (P29): a person's account, logins, address
book, two orders (one through the provider's checkout all the way to a refund, where the
first person types another e-mail address than her account's, one as a company buyer), a
cart, the newsletter signed up for, received and left, consents given and withdrawn, a
downloaded copy of their data, a staff correction, a legal hold, and a password
reset and an e-mail waiting for the mail worker, all made through the shop's own flows.
Every test module may use the fixtures (``pytest_plugins`` in tests/conftest.py).

:func:`lives` returns the first person's account and, for both people, the primary keys
per declared model of the rows that came into being while their life was lived: which rows
are theirs is judged by creation, independently of the code that finds rows for a right.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail as sent_mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.checkout.checkout_fixtures import emulator_path
from tests.orders.orders_fixtures import address as provider_address
from tests.orders.orders_fixtures import checkout, klarna_line, klarna_order
from tillit.accounts import services as account_services
from tillit.core import mail
from tillit.core.phone import same_mobile
from tillit.marketing import campaigns, imports
from tillit.marketing import services as marketing
from tillit.marketing.models import Campaign
from tillit.orders import carrier_export
from tillit.orders import services as order_services
from tillit.orders.models import Order
from tillit.privacy import services
from tillit.privacy.datamap import Person, registry
from tillit.privacy.models import PrivacyRequest
from tillit.shipping.services import ensure_default_carriers

PASSWORD = "Korrekt-Häst-Batteri-9"


@dataclass(frozen=True)
class Life:
    """What is different between the two people."""

    username: str
    email: str
    name: str
    given: str
    family: str
    street: str
    street2: str
    city: str
    postal_code: str
    phone: str
    company: str
    org_nr: str
    ip: str
    user_agent: str
    reason: str
    # The address typed at checkout, when it is not the account's.
    checkout_email: str = ""


MAJA = Life("maja", "maja@example.com", "Maja Mätare", "Maja", "Mätare", "Hemvägen 2",
            "Port 3", "Hemby", "123 45", "070-111 22 33", "Mätbolaget AB", "556677-8899",
            "198.51.100.4", "Testwebbläsare/1.0 (Maja)", "Fel upplaga",
            checkout_email="maja.jobb@example.com")
OLLE = Life("olle", "olle@example.com", "Olle Okänd", "Olle", "Okänd", "Bortagatan 5",
            "Trappa 9", "Bortby", "999 88", "070-999 88 77", "Okändgruppen HB", "969696-1234",
            "192.0.2.99", "Annanläsare/7.0 (Olle)", "Ångrade köpet")


def _ids_by_model() -> dict[str, set]:
    return {decl.label: set(decl.model._default_manager.values_list("pk", flat=True))
            for decl in registry}


def _live(life: Life, *, make_user, product, staff, pay) -> dict[str, set]:
    """Live ``life`` through the shop's flows; returns, per declared model, the primary
    keys of the rows that came into being meanwhile."""
    before = _ids_by_model()
    # They registered twice before opening either link: the first link made the account
    # (``make_user`` below stands for it), the second registration waits until it expires.
    account_services.register(
        username=f"{life.username}2", password=PASSWORD, name=life.name, email=life.email,
        phone=life.phone, company=life.company, org_nr=life.org_nr,
        absolute_url=lambda path: f"https://shop.example{path}")
    user = make_user(username=life.username, email=life.email, name=life.name,
                     phone=life.phone, company=life.company, org_nr=life.org_nr,
                     password=PASSWORD)
    browser = Client(REMOTE_ADDR=life.ip, HTTP_USER_AGENT=life.user_agent)
    login = reverse("accounts:login")
    assert browser.post(login, {"username": life.username,
                                "password": "fel"}).status_code == 200
    for _ in range(2):
        assert browser.post(login, {"username": life.username,
                                    "password": PASSWORD}).status_code == 302
        browser.post(reverse("accounts:logout"))
    browser.post(login, {"username": life.username, "password": PASSWORD})
    for default, street in ((True, life.street), (False, f"Jobbgatan {len(life.name)}")):
        account_services.create_address(
            user, make_default=default, name=life.name, company=life.company, street=street,
            postal_code=life.postal_code, city=life.city, country="SE", phone=life.phone)

    # The first order: through the provider's checkout, then the whole way to a refund.
    browser.post(reverse("cart:add"), {"product": product.pk, "quantity": 2})
    answer = pay(browser, browser.get(reverse("checkout:start")),
                 email=life.checkout_email or life.email,
                 given_name=life.given, family_name=life.family,
                 street_address=life.street, postal_code=life.postal_code.replace(" ", ""),
                 city=life.city, phone=life.phone)
    assert answer.status_code == 303
    browser.get(emulator_path(answer["Location"]))
    first = Order.objects.get(user=user)
    postnord = next(c for c in ensure_default_carriers() if c.code == "postnord")
    first = order_services.mark_packed(first, carrier=postnord)
    carrier_export.export([first], recorded_by=staff)
    first = order_services.ship_order(Order.objects.get(pk=first.pk), carrier=postnord,
                                      tracking_number=f"PN{user.pk:08d}SE")
    first = order_services.mark_delivered(first)
    goods = next(line for line in first.lines.all() if line.is_goods)
    returned = order_services.start_return(first, {goods.pk: 1}, life.reason)
    order_services.refund_return(order_services.mark_return_received(returned))

    # The second: a company purchase whose provider sent the company and a second line.
    company_address = provider_address(
        email=life.email, given_name=life.given, family_name=life.family,
        street_address=life.street, street_address2=life.street2,
        postal_code=life.postal_code, city=life.city, phone=life.phone,
        organization_name=life.company)
    order_services.place_order_from_klarna(
        klarna_order([klarna_line(product)], billing=company_address,
                     shipping={**company_address, "organization_name": ""},
                     customer={"organization_registration_id": life.org_nr,
                               "vat_id": f"SE{life.org_nr.replace('-', '')}01"},
                     initial_payment_method={"description": "Faktura 30 dagar"}),
        checkout=checkout(user, buyer_ip=life.ip))

    # A cart again, after the orders emptied it.
    browser.post(reverse("cart:add"), {"product": product.pk, "quantity": 1})

    # A supplier passes on their address with the proof of a yes given at its stand; staff
    # import it, and the notice of where the shop got it goes to that address.
    report = imports.run(
        (f"email;name;phone;channel;proof_reference;proof_text;proof_date\n"
         f"{life.email};{life.name};{life.phone};e-post;"
         f"MASSA-2026-{len(life.name):04d};Ja till erbjudanden från Teknikboden;2026-11-01\n"
         ).encode(),
        supplier="Ljudgrossisten AB", filename="kontakter.csv", staff=staff)
    assert (report.accepted, report.refused) == (1, []), report.refused

    # The newsletter: signed up in the footer and confirmed by the link, then signed up
    # once more and left that link unopened. Offers by SMS turned on on the account page; a
    # campaign received and unsubscribed from by its link (so the next person's campaign
    # reaches only them); an SMS offer answered with STOPP; a no to letters given by phone
    # and recorded by staff.
    assert browser.post(reverse("marketing:signup"), {"email": life.email}).status_code == 200
    confirm = re.search(r"/nyhetsbrev/bekrafta/[^/\s]+/", sent_mail.outbox[-1].body).group(0)
    assert browser.post(confirm).status_code == 200
    browser.post(reverse("marketing:signup"), {"email": life.email})  # and again, unopened
    assert browser.post(reverse("marketing:choices"), {
        "topic": "offers.sms", "given": "1"}).status_code == 302
    # An SMS offer reaches them through the gateway, and they answer STOPP from the phone.
    sms_campaign = Campaign.objects.create(channel="sms", subject="SMS-rea",
                                           body="Kablar -20 % i helgen.")
    campaigns.start(sms_campaign)
    assert Client().post(reverse("marketing:sms_incoming", args=[
        settings.TILLIT_SMS["callback_secret"]]), {
        "from": same_mobile(life.phone), "to": "Teknikboden",
        "message": "Stopp tack"}).status_code == 200
    campaign = Campaign.objects.create(subject="Vinternyheter", body="# Hej")
    campaigns.start(campaign)
    unsubscribe = re.search(r"/nyhetsbrev/avregistrera/[^/\s]+/", sent_mail.outbox[-1].body)
    assert browser.get(unsubscribe.group(0)).status_code == 200
    marketing.record_by_staff(topic_key="offers.letter", given=False, staff=staff, user=user,
                              note=f"Ringde, vill inte ha brev ({life.name})")

    # They asked to move the account to a new address and have not opened the link yet.
    account_services.request_email_change(
        user, f"{life.username}.ny@example.com",
        absolute_url=lambda path: f"https://shop.example{path}")

    # Rights: a copy asked for and downloaded; staff correct the phone and set a hold.
    ready = browser.post(reverse("privacy:export_request"))
    token = ready["Location"].rstrip("/").rsplit("/", 1)[1]
    assert browser.get(reverse("privacy:export_download", args=[token])).status_code == 200
    services.staff_rectify(user, {"phone": life.phone.replace("-", "")}, actor=staff,
                           reason="Bad om rättelse per telefon")
    services.set_hold(Person.of(user), reason=f"Tvist om order {first.number}",
                      until=timezone.localdate() + dt.timedelta(days=90), actor=staff)
    # And they object, in their own words, to a use of their data.
    assert browser.post(reverse("privacy:restrict_or_object"), {
        "kind": "objection", "message": f"Invänder mot inloggningsloggen, {life.name}"},
    ).status_code == 200
    # They asked for a restriction while a correction was checked: staff placed it on the
    # desk, answering the request, and lifted it when the check was done.
    assert browser.post(reverse("privacy:restrict_or_object"), {
        "kind": "restriction", "message": f"Kontrollera mitt telefonnummer, {life.name}"},
    ).status_code == 200
    asked = PrivacyRequest.objects.filter(user=user, kind="restriction").latest("pk")
    services.lift_restriction(services.place_restriction(
        Person.of(user), ground="accuracy", actor=staff, req=asked), actor=staff)
    # While production's mail worker is down, they ask for a new password and staff send
    # them a note: the request and the e-mail wait in the queue (``tillit db_worker``).
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                              "QUEUES": ["default"]}}):
        assert Client(REMOTE_ADDR=life.ip).post(
            reverse("accounts:password_reset"), {"email": life.email}).status_code == 302
        mail.send("accounts/email/registration_attempt", {
            "owner": user, "login_url": "https://shop.example/konto/logga-in/",
            "reset_url": "https://shop.example/konto/losenord/"}, [life.email],
            headers={"Reply-To": "support@shop.example"},
            attachments=[("anteckning.txt", f"Till {life.name}", "text/plain")])
    after = _ids_by_model()
    return {label: after[label] - before[label] for label in after}


@pytest.fixture
def lives(make_user, product, staff, pay, push_inline):
    maja = _live(MAJA, make_user=make_user, product=product, staff=staff, pay=pay)
    olle = _live(OLLE, make_user=make_user, product=product, staff=staff, pay=pay)
    return get_user_model().objects.get(username="maja"), maja, olle
