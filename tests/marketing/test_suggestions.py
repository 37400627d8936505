"""Suggestions from purchases (issue 12 §5, P22): shown on "Mina uppgifter" and usable in
campaigns; from the person's own orders only with their yes to personalised offers, the
same for everyone without it, and then nothing of their orders is read."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tillit.marketing.models import Campaign
from tillit.marketing.privacy import NEWSLETTER, PERSONALISED
from tillit.marketing.suggestions import for_everyone, for_person
from tillit.privacy import consents
from tillit.privacy.datamap import LEGITIMATE_INTEREST
from tillit.privacy.models import Consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(make_product, make_user, place):
    """A mixer bought with a cable and a stand by others; our buyer has only the mixer."""
    mixer, cable, stand, mic, lamp = (
        make_product(name=n, stock=50) for n in ("Mixer", "XLR-kabel", "Mikrofonstativ",
                                                 "Mikrofon", "Lampa"))
    others = [make_user() for _ in range(3)]
    place([(mixer, 1), (cable, 1)], user=others[0])
    place([(mixer, 1), (cable, 1), (stand, 1)], user=others[1])
    place([(lamp, 1)], user=others[2])
    buyer = make_user()
    place([(mixer, 1)], user=buyer)
    return buyer, {"mixer": mixer, "cable": cable, "stand": stand, "mic": mic, "lamp": lamp}


def _yes(user):
    consents.record(PERSONALISED.key, given=True, method=Consent.Method.ACCOUNT, user=user)


@pytest.mark.promise("P22.a")
def test_with_the_yes_suggestions_come_from_what_buyers_of_the_same_bought(shop):
    buyer, p = shop
    _yes(buyer)
    found = for_person(buyer)
    assert found.personal
    assert [x.name for x in found.products[:2]] == ["XLR-kabel", "Mikrofonstativ"]
    assert p["mixer"] not in found.products  # not what they already have
    # As the customer sees them on "Mina uppgifter", in that order.
    client = Client()
    client.force_login(buyer)
    panel = client.get(reverse("accounts:profile")).content.decode().split(
        'id="suggestions"')[1]
    assert panel.index("XLR-kabel") < panel.index("Mikrofonstativ")
    assert ">Mixer<" not in panel


@pytest.mark.promise("P22.a")
def test_without_the_yes_nothing_of_their_orders_is_read_and_all_see_the_same(shop):
    buyer, _ = shop
    client = Client()
    client.force_login(buyer)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("accounts:profile"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Samma förslag som alla ser" in text
    read = [q["sql"] for q in queries.captured_queries if "orders_order" in q["sql"]]
    assert read == [], read
    assert for_person(buyer).products == for_everyone().products
    # Withdrawn again: back to the same as everyone.
    _yes(buyer)
    assert for_person(buyer).personal
    consents.record(PERSONALISED.key, given=False, method=Consent.Method.ACCOUNT, user=buyer)
    assert not for_person(buyer).personal


@pytest.mark.promise("P22.a")
def test_the_account_page_shows_the_personal_suggestions_after_the_yes(shop):
    buyer, _ = shop
    client = Client()
    client.force_login(buyer)
    assert client.post(reverse("marketing:choices"),
                       {"topic": PERSONALISED.key, "given": "1"}).status_code == 302
    text = client.get(reverse("accounts:profile")).content.decode()
    assert "Förslag utifrån det du har köpt" in text and "XLR-kabel" in text


@pytest.mark.promise("P22.a")
def test_a_campaign_with_suggestions_personalises_only_for_those_who_said_yes(send_campaign, shop,
                                                                             make_user):
    buyer, _ = shop
    _yes(buyer)
    consents.record(NEWSLETTER.key, given=True, method=Consent.Method.ACCOUNT, user=buyer)
    other = make_user()
    consents.record(NEWSLETTER.key, given=True, method=Consent.Method.ACCOUNT, user=other)
    mail.outbox.clear()
    send_campaign(Campaign.objects.create(subject="Nytt", body="Hej", with_suggestions=True))
    by = {m.to[0]: m.body for m in mail.outbox}

    def names(body):
        return re.findall(r"^- ([^:]+):", body, re.M)

    assert names(by[buyer.email])[:2] == ["XLR-kabel", "Mikrofonstativ"]
    assert names(by[other.email]) == [p.name for p in for_everyone().products]
    buyers = next(m for m in mail.outbox if m.to == [buyer.email])
    html = next(b for b, kind in buyers.alternatives if kind == "text/html")
    assert "Förslag till dig" in html
    assert re.search(r'<li><a href="https?://[^"]+">XLR-kabel</a></li>', html)


@pytest.mark.promise("P19.a", "P22.a")
def test_a_segment_by_category_reads_purchases_only_where_the_basis_allows(send_campaign,
        shop, make_user, place, make_product, category):
    buyer, p = shop  # bought the mixer, in the shop's category
    other_category = type(category).objects.create(name="Belysning", slug="belysning")
    lamp_buyer = make_user()
    place([(make_product(name="Lampa 2", stock=5, category=other_category), 1)],
          user=lamp_buyer)
    subscriber, fan = make_user(), make_user()
    place([(p["mixer"], 1)], user=subscriber)
    place([(p["mixer"], 1)], user=fan)
    for user, basis in ((buyer, LEGITIMATE_INTEREST), (lamp_buyer, LEGITIMATE_INTEREST),
                        (subscriber, "consent"), (fan, "consent")):
        consents.record(NEWSLETTER.key, given=True, basis=basis,
                        method=Consent.Method.CHECKOUT if basis != "consent"
                        else Consent.Method.ACCOUNT, user=user)
    _yes(fan)
    mail.outbox.clear()
    send_campaign(Campaign.objects.create(subject="Mixrar", body="Nytt",
                                            audience=Campaign.Audience.BOTH, segment=category))
    # The rule's customer who bought in the category, and the subscriber who said yes to
    # the use of their purchases; not the one who did not, nor the buyer of lamps only.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([buyer.email, fan.email])
