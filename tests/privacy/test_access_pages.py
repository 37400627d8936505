"""Access from the shop's pages (P04, P29): account holders from "My details", guests by
e-mail verification; one-time, expiring, personal download links; hostile input."""

import datetime as dt
import io
import json
import re
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.privacy.rights_fixtures import link_in
from tillit.privacy.models import AuditEvent, PrivacyRequest, RequestToken

pytestmark = pytest.mark.django_db


def _zip_data(response) -> dict:
    blob = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(zipfile.ZipFile(io.BytesIO(blob)).read("data.json"))


def _ask_for_copy(client) -> str:
    response = client.post(reverse("privacy:export_request"))
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.promise("P04.a")
def test_my_details_links_to_the_rights_without_contacting_staff(holder_client):
    page = holder_client.get(reverse("accounts:profile")).content.decode()
    assert reverse("privacy:export_request") in page
    assert reverse("privacy:erase_start") in page


@pytest.mark.promise("P29.a", "P04.a", "P33.b")
def test_an_account_holder_downloads_their_export_once(holder_client, holder, other):
    ready = _ask_for_copy(holder_client)
    page = holder_client.get(ready)
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    download = ready + "hamta/"
    assert download in page.content.decode()
    response = holder_client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    data = _zip_data(response)
    assert data["person"]["account"] == "maja"
    assert "olle@example.com" not in json.dumps(data)
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.subject == holder and event.detail["channel"] == "self_service"
    assert "Maja" not in json.dumps(event.detail)
    assert PrivacyRequest.objects.get(kind="access").status == PrivacyRequest.Status.DONE
    again = holder_client.get(download)
    assert again.status_code == 410
    assert "already been used" in again.content.decode() or "redan" in again.content.decode()


def test_another_account_gets_404_for_my_download_link(holder_client, other):
    ready = _ask_for_copy(holder_client)
    intruder = Client()
    intruder.force_login(other)
    assert intruder.get(ready).status_code == 404
    assert intruder.get(ready + "hamta/").status_code == 404
    # Not logged in: the same 404, and the owner's link still works.
    assert Client().get(ready + "hamta/").status_code == 404
    assert holder_client.get(ready + "hamta/").status_code == 200


def test_an_expired_download_link_answers_410(holder_client):
    ready = _ask_for_copy(holder_client)
    RequestToken.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert holder_client.get(ready).status_code == 410
    assert holder_client.get(ready + "hamta/").status_code == 410


def test_the_copy_page_needs_a_login(client):
    response = client.post(reverse("privacy:export_request"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not PrivacyRequest.objects.exists()


@pytest.mark.promise("P29.a", "P04.a")
def test_a_guest_gets_their_export_after_clicking_the_e_mailed_link(
        client, guest_disclosure, mailoutbox):
    response = client.post(reverse("privacy:rights"),
                           {"email": "gast@example.com", "kind": "access"})
    assert response.status_code == 302 and response["Location"] == reverse("privacy:sent")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["gast@example.com"]
    link = link_in(mailoutbox[0])
    # Opening the link changes nothing (mail scanners open links); the button uses it.
    assert client.get(link).status_code == 200
    assert RequestToken.objects.get(purpose="verify").used_at is None
    ready = client.post(link)
    assert ready.status_code == 302
    download = client.get(ready["Location"] + "hamta/")
    assert download.status_code == 200
    data = _zip_data(download)
    assert [d["reference"] for d in data["disclosures"]] == ["bring-77"]
    # The same browser cannot use the verification link twice; another browser cannot
    # use the download link.
    assert client.post(link).status_code == 410
    assert Client().get(ready["Location"]).status_code == 404


def test_the_guest_form_answers_the_same_for_known_and_unknown_addresses(
        client, holder, guest_disclosure, mailoutbox, no_rate_limit):
    answers = []
    for email in ("gast@example.com", "maja@example.com", "nobody-at-all@example.com"):
        response = client.post(reverse("privacy:rights"), {"email": email, "kind": "access"},
                               follow=True)
        # The CSRF token is masked afresh on every page; nothing else may differ.
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        answers.append((response.status_code, response.redirect_chain, page))
    assert answers[0] == answers[1] == answers[2]
    assert len(mailoutbox) == 3
    subjects = {m.subject for m in mailoutbox}
    assert len(subjects) == 1


def test_a_replayed_verification_link_gets_a_neutral_410(client, mailoutbox):
    client.post(reverse("privacy:rights"), {"email": "x@example.com", "kind": "access"})
    link = link_in(mailoutbox[0])
    client.post(link)
    replay = Client().get(link)
    assert replay.status_code == 410
    assert "x@example.com" not in replay.content.decode()


def test_an_expired_verification_link_answers_410(client, mailoutbox):
    client.post(reverse("privacy:rights"), {"email": "x@example.com", "kind": "access"})
    RequestToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    link = link_in(mailoutbox[0])
    assert client.get(link).status_code == 410
    assert client.post(link).status_code == 410
    assert PrivacyRequest.objects.get().status == PrivacyRequest.Status.UNVERIFIED


def test_the_guest_form_is_rate_limited_per_address_of_the_sender(client, mailoutbox):
    codes = [client.post(reverse("privacy:rights"),
                         {"email": f"a{n}@example.com", "kind": "access"}).status_code
             for n in range(7)]
    assert codes[:5] == [302] * 5 and codes[5:] == [429, 429]
    assert len(mailoutbox) == 5


@given(email=st.one_of(st.emails(), st.text(max_size=300)),
       kind=st.one_of(st.sampled_from(["access", "erasure"]), st.text(max_size=20)))
@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_guest_form_never_fails_on_hostile_input(client, no_rate_limit, email, kind):
    response = client.post(reverse("privacy:rights"), {"email": email, "kind": kind})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "errorlist" in response.content.decode()


@given(token=st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                            blacklist_characters="/?#%"),
                     min_size=1, max_size=200))
@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_forged_links_answer_404_and_never_data(client, holder, token):
    for name in ("privacy:verify", "privacy:export_ready", "privacy:export_download"):
        try:
            url = reverse(name, args=[token])
        except Exception:  # a token the URL pattern cannot even carry
            continue
        assert client.get(url).status_code == 404
    assert client.post(reverse("privacy:verify", args=["forged"])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
