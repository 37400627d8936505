"""Requests, their deadline and their links (P29, P33): services without HTTP."""

import datetime as dt
import hashlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from tillit.privacy import retention, services
from tillit.privacy.models import PrivacyRequest, RequestToken
from tillit.privacy.services import LinkRefused, one_month_after

pytestmark = pytest.mark.django_db
Kind, Status = PrivacyRequest.Kind, PrivacyRequest.Status


def _link(token):
    return f"https://shop.example/dina-uppgifter/bekrafta/{token}/"


# The deadline (Art. 12(3)) ---------------------------------------------------------------


@pytest.mark.parametrize(("received", "deadline"), [
    (dt.date(2025, 1, 15), dt.date(2025, 2, 15)),
    (dt.date(2025, 1, 31), dt.date(2025, 2, 28)),
    (dt.date(2024, 1, 31), dt.date(2024, 2, 29)),
    (dt.date(2025, 3, 31), dt.date(2025, 4, 30)),
    (dt.date(2025, 12, 20), dt.date(2026, 1, 20)),
])
def test_the_deadline_is_one_calendar_month_after_receipt(received, deadline):
    assert one_month_after(received) == deadline


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)))
@settings(max_examples=60, deadline=None)
def test_the_deadline_is_in_the_next_month_and_never_later_than_its_day(day):
    deadline = one_month_after(day)
    assert (deadline.year * 12 + deadline.month) - (day.year * 12 + day.month) == 1
    assert deadline.day <= day.day
    assert 28 <= (deadline - day).days <= 31


def test_a_request_carries_its_deadline(holder):
    received = timezone.make_aware(dt.datetime(2025, 1, 31, 23, 30))
    req = services.open_request(Kind.RECTIFICATION, channel=PrivacyRequest.Channel.STAFF,
                                user=holder, received_at=received)
    assert req.deadline == dt.date(2025, 2, 28)
    assert req.email == "maja@example.com"


# Tokens ----------------------------------------------------------------------------------


def test_only_a_digest_of_a_link_is_stored(holder):
    token = services.request_export(holder)
    stored = RequestToken.objects.get()
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(RequestToken.objects.values()))


def test_a_download_link_works_once(holder):
    token = services.request_export(holder)
    blob, name = services.take_download(token, user=holder, session_key=None)
    assert blob.startswith(b"PK") and name.endswith(".zip")
    with pytest.raises(LinkRefused) as refused:
        services.take_download(token, user=holder, session_key=None)
    assert (refused.value.status, refused.value.reason) == (410, "used")


def test_an_expired_download_link_is_refused(holder):
    token = services.request_export(holder)
    RequestToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(LinkRefused) as refused:
        services.take_download(token, user=holder, session_key=None)
    assert (refused.value.status, refused.value.reason) == (410, "expired")


def test_a_download_link_opens_nothing_for_another_account(holder, other):
    token = services.request_export(holder)
    with pytest.raises(LinkRefused) as refused:
        services.take_download(token, user=other, session_key=None)
    assert refused.value.status == 404
    assert RequestToken.objects.get().used_at is None  # still usable by its owner


def test_the_export_link_lasts_the_configured_days(holder, settings):
    settings.TILLIT_EXPORT_LINK_DAYS = 3
    services.request_export(holder)
    lasts = RequestToken.objects.get().expires_at - timezone.now()
    assert dt.timedelta(days=2, hours=23) < lasts <= dt.timedelta(days=3)


# Guests ----------------------------------------------------------------------------------


def test_known_and_unknown_addresses_get_the_same_treatment(guest_disclosure, mailoutbox):
    def ask(email):
        with CaptureQueriesContext(connection) as queries:
            services.ask_by_email(email, Kind.ACCESS, link=_link)
        return len(queries), mailoutbox[-1]

    known_queries, known_mail = ask("gast@example.com")
    unknown_queries, unknown_mail = ask("nobody@example.com")
    # Same work (no lookup of the address's data), same e-mail apart from the link.
    assert known_queries == unknown_queries
    assert known_mail.subject == unknown_mail.subject
    assert re.sub(r"https?://\S+", "", known_mail.body) == \
        re.sub(r"https?://\S+", "", unknown_mail.body)
    assert PrivacyRequest.objects.filter(status=Status.UNVERIFIED).count() == 2


def test_one_address_cannot_be_flooded(mailoutbox):
    for _ in range(services.MAX_UNVERIFIED_PER_DAY + 2):
        services.ask_by_email("target@example.com", Kind.ACCESS, link=_link)
    assert len(mailoutbox) == services.MAX_UNVERIFIED_PER_DAY


def test_a_verification_link_works_once_and_verifies_the_request(mailoutbox):
    services.ask_by_email("gast@example.com", Kind.ACCESS, link=_link)
    token = mailoutbox[0].body.split("/bekrafta/")[1].split("/")[0]
    req = services.verify(token)
    assert req.status == Status.OPEN and req.verified_at is not None
    with pytest.raises(LinkRefused) as refused:
        services.verify(token)
    assert refused.value.status == 410


def test_a_guest_download_link_works_only_in_the_session_that_verified(mailoutbox):
    services.ask_by_email("gast@example.com", Kind.ACCESS, link=_link)
    req = services.verify(mailoutbox[0].body.split("/bekrafta/")[1].split("/")[0])
    token = services.grant_download(req, session_key="session-a")
    with pytest.raises(LinkRefused) as refused:
        services.check_download(token, user=None, session_key="session-b")
    assert refused.value.status == 404
    with pytest.raises(LinkRefused):
        services.check_download(token, user=None, session_key=None)
    blob, _name = services.take_download(token, user=None, session_key="session-a")
    assert blob.startswith(b"PK")


@given(st.text(max_size=300))
@settings(max_examples=50, deadline=None)
def test_forged_tokens_are_refused_with_404(token):
    for check in (services.check_verification,
                  lambda t: services.check_download(t, user=None, session_key="s")):
        with pytest.raises(LinkRefused) as refused:
            check(token)
        assert refused.value.status == 404


# The sweep's passes ----------------------------------------------------------------------


@pytest.mark.promise("P23.a")
def test_unverified_requests_are_swept_after_their_period(mailoutbox):
    services.ask_by_email("old@example.com", Kind.ACCESS, link=_link)
    services.ask_by_email("new@example.com", Kind.ACCESS, link=_link)
    PrivacyRequest.objects.filter(email="old@example.com").update(
        received_at=timezone.now() - dt.timedelta(days=services.UNVERIFIED_KEPT_DAYS + 1))
    report = retention.run()
    assert report.passes["unverified privacy requests"] == 1
    assert list(PrivacyRequest.objects.values_list("email", flat=True)) == ["new@example.com"]
    assert not RequestToken.objects.filter(request__email="old@example.com").exists()
