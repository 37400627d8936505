"""Without an account (issue 12 §1): a person sees what they have said yes or no to under
their e-mail address, through a link sent to that address, and says no to each in one
click; the page that asks answers the same for any address."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tillit.marketing.privacy import NEWSLETTER, SMS
from tillit.privacy import consents
from tillit.privacy.models import Consent

pytestmark = pytest.mark.django_db

ASK = reverse("marketing:guest_request")


def _link(client, email: str) -> str:
    mail.outbox.clear()
    page = client.post(ASK, {"email": email})
    assert page.status_code == 200 and "Kolla din e-post" in page.content.decode()
    [message] = mail.outbox
    return re.search(r"/nyhetsbrev/mina-val/[^/\s]+/", message.body).group(0)


@pytest.mark.promise("P20.a")
def test_a_guest_sees_their_consents_and_says_no_in_one_click(client):
    consents.record(NEWSLETTER.key, given=True, method=Consent.Method.FORM,
                    email="gast@example.com")
    consents.record(SMS.key, given=True, method=Consent.Method.IMPORT, email="gast@example.com",
                    phone="+46701234567", proof="Leverantör: R-1", words="Ja till sms")
    page_url = _link(client, "Gast@Example.com")
    page = client.get(page_url).content.decode()
    assert "gast@example.com" in page and page.count("Stäng av") == 2
    assert "import från leverantör" in page and "Ja till sms" in page
    assert client.post(page_url, {"topic": SMS.key}).status_code == 302
    assert not consents.allows("gast@example.com", SMS.key)
    # The no counts for the number too: no SMS goes to it.
    assert not consents.holders(SMS.key, by="phone").exists()
    assert consents.allows("gast@example.com", NEWSLETTER.key)
    client.post(page_url, {"topic": SMS.key})  # a second no records nothing
    assert Consent.objects.filter(given=False).count() == 1


def test_the_asking_page_answers_the_same_for_any_address(client):
    answer = client.post(ASK, {"email": "okand@example.com"})
    assert answer.status_code == 200 and "Kolla din e-post" in answer.content.decode()
    assert mail.outbox == []
    assert client.post(ASK, {"email": "inte en adress"}).status_code == 400


def test_a_forged_link_opens_nothing(client):
    assert client.get("/nyhetsbrev/mina-val/eyJlIjoiYUBiLnNlIn0:abc:def/").status_code == 404


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(topic=st.text(max_size=60))
def test_hostile_topics_get_a_400_and_change_nothing(topic):
    cache.clear()  # the asking page is rate limited per address and hour
    consents.record(NEWSLETTER.key, given=True, method=Consent.Method.FORM,
                    email="gast@example.com")
    client = Client()
    page_url = _link(client, "gast@example.com")
    answer = client.post(page_url, {"topic": topic.replace("\x00", "")})
    assert answer.status_code in (302, 400)
    if topic not in (NEWSLETTER.key, "offers.sms", "offers.letter", "offers.personalised"):
        assert consents.allows("gast@example.com", NEWSLETTER.key)


def test_the_policy_and_the_rights_page_say_how_to_say_no_to_marketing(client):
    for url in (reverse("privacy:policy"), reverse("privacy:rights")):
        page = client.get(url).content.decode()
        assert "svara STOPP" in page and ASK in page
        assert "skickar ingen marknadsföring" not in page
