"""Restriction (GDPR art. 18) and objection (art. 21(1)) have a working path (issue 11 §3):
an account holder or a guest (verified by e-mail) asks in their own words, the request is
recorded with its one-month deadline, and staff see it, with the words, on the privacy
desk. The policy and the rights page name every right and how to use it here."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.privacy.rights_fixtures import link_in
from tillit.privacy.models import PrivacyRequest
from tillit.privacy.requests import one_month_after

pytestmark = pytest.mark.django_db
Kind = PrivacyRequest.Kind


@pytest.mark.promise("P04.a", "P33.a")
def test_an_account_holder_objects_and_staff_see_it_with_its_deadline(holder_client, holder,
                                                                       staff_client):
    page = holder_client.get(reverse("privacy:rights")).content.decode()
    assert reverse("privacy:restrict_or_object") in page
    done = holder_client.post(reverse("privacy:restrict_or_object"), {
        "kind": Kind.OBJECTION, "message": "Jag invänder mot att ni sparar min IP-adress."})
    assert done.status_code == 200 and "Vi svarar senast" in done.content.decode()
    req = PrivacyRequest.objects.get(kind=Kind.OBJECTION)
    assert (req.user, req.status, req.channel) == (holder, "open", "self_service")
    # Counted from the day in Sweden (received at 23:30 UTC is the next day there).
    assert req.deadline == one_month_after(timezone.localdate(req.received_at))
    assert req.message.startswith("Jag invänder")
    desk = staff_client.get(reverse("privacy_desk:index")).content.decode()
    assert str(req.pk) in desk
    detail = staff_client.get(reverse("privacy_desk:request", args=[req.pk])).content.decode()
    assert "Jag invänder mot att ni sparar min IP-adress." in detail


@pytest.mark.promise("P04.a")
def test_a_guest_asks_for_a_restriction_by_e_mail(client, mailoutbox):
    client.post(reverse("privacy:rights"), {
        "email": "gast@example.com", "kind": Kind.RESTRICTION,
        "message": "Spara men använd inte min adress medan ni rättar den."})
    req = PrivacyRequest.objects.get(kind=Kind.RESTRICTION)
    assert req.status == "unverified" and req.message.startswith("Spara men")
    assert "begränsa" in mailoutbox[-1].body
    answer = client.post(link_in(mailoutbox[-1]))
    assert answer.status_code == 200 and "Vi svarar senast" in answer.content.decode()
    req.refresh_from_db()
    assert req.status == "open" and req.verified_at is not None


@pytest.mark.parametrize("kind", [Kind.RESTRICTION, Kind.OBJECTION])
def test_a_restriction_or_objection_says_what_it_concerns(holder_client, client, kind):
    answer = holder_client.post(reverse("privacy:restrict_or_object"),
                                {"kind": kind, "message": "   "})
    assert answer.status_code == 400
    assert "message" in answer.context["restrict_form"].errors
    guest = client.post(reverse("privacy:rights"), {"email": "gast@example.com",
                                                    "kind": kind, "message": ""})
    assert guest.status_code == 200 and "message" in guest.context["form"].errors
    assert not PrivacyRequest.objects.exists()


def test_only_restriction_and_objection_go_through_that_form(holder_client):
    for kind in (Kind.ERASURE, Kind.ACCESS, "whatever"):
        answer = holder_client.post(reverse("privacy:restrict_or_object"),
                                    {"kind": kind, "message": "x"})
        assert answer.status_code == 400
    assert Client().post(reverse("privacy:restrict_or_object"),
                         {"kind": Kind.OBJECTION, "message": "x"}).status_code == 302
    assert not PrivacyRequest.objects.exists()


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.dictionaries(st.sampled_from(["kind", "message"]), st.text(max_size=3000)))
def test_any_post_answers_below_500(holder_client, values):
    assert holder_client.post(reverse("privacy:restrict_or_object"),
                              values).status_code in (200, 400, 429)


def test_the_policy_and_the_rights_page_name_every_right(client):
    policy = client.get("/integritetspolicy").content.decode()
    rights = policy.split('id="rights"', 1)[1].split("</section>", 1)[0]
    for word in ("Tillgång", "Rättelse", "Radering", "Begränsning", "Dataportabilitet",
                 "Invändning", "Återkalla samtycke", "Integritetsskyddsmyndigheten"):
        assert word in rights, word
    page = client.get(reverse("privacy:rights")).content.decode()
    assert "längst ner i varje utskick" not in page and "Begränsning" in page
