"""An account's live sessions are known by an indexed row (accounts.AccountSession), kept in
step with the session through login, a new session key and logout, so the rights find a
person's sessions without decoding everyone else's (issue 5, part 6)."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse

from tillit.accounts.models import AccountSession
from tillit.privacy import erasure, export
from tillit.privacy.datamap import Person, registry

pytestmark = pytest.mark.django_db


def _log_in(client, password):
    response = client.post(reverse("accounts:login"),
                           {"username": "alva", "password": password})
    assert response.status_code == 302
    return client.session.session_key


def _logged_in_session(user) -> str:
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    return store.session_key


def _sessions_found_for(user) -> set[str]:
    decl = registry.get(Session)
    return set(decl.subject.rows_for(Session, Person.of(user))
               .values_list("session_key", flat=True))


def test_logging_in_links_the_session_to_the_account(client, account, password):
    key = _log_in(client, password)
    assert AccountSession.objects.get(session_id=key).user == account


def test_a_visitors_session_is_not_linked_to_anyone(client, product):
    client.post(reverse("cart:add"), {"product": product.pk, "quantity": 1})
    assert client.session.session_key
    assert not AccountSession.objects.exists()


def test_the_link_follows_the_new_session_key_after_a_password_change(client, account,
                                                                        password):
    old_key = _log_in(client, password)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": password, "new_password1": "Ny-Gitarr-Förstärkare-8",
        "new_password2": "Ny-Gitarr-Förstärkare-8"})
    assert response.status_code == 302
    new_key = client.session.session_key
    assert new_key != old_key
    assert list(AccountSession.objects.values_list("session_id", flat=True)) == [new_key]
    assert _sessions_found_for(account) == {new_key}


def test_logging_out_removes_the_link(client, account, password):
    _log_in(client, password)
    client.post(reverse("accounts:logout"))
    assert not AccountSession.objects.exists()
    assert _sessions_found_for(account) == set()


def test_finding_an_accounts_sessions_decodes_only_its_own(account, make_user, monkeypatch):
    mine = {_logged_in_session(account), _logged_in_session(account)}
    for _ in range(25):
        _logged_in_session(make_user())
        SessionStore(None).create()  # a visitor
    decoded = []
    real_decode = SessionStore.decode

    def counting_decode(self, session_data):
        decoded.append(session_data)
        return real_decode(self, session_data)

    monkeypatch.setattr(SessionStore, "decode", counting_decode)
    assert _sessions_found_for(account) == mine
    assert len(decoded) == len(mine)


def test_a_link_that_no_longer_matches_its_session_brings_nothing_in(account, make_user):
    key = _logged_in_session(make_user())
    # A row naming the wrong account (it cannot happen through the signal) is not trusted.
    AccountSession.objects.filter(session_id=key).update(user=account)
    assert _sessions_found_for(account) == set()


@pytest.mark.promise("P29.a")
def test_the_access_export_lists_the_accounts_live_sessions(account):
    key = _logged_in_session(account)
    records = {r["model"]: r for r in export.collect(account)["records"]}
    assert [row["id"] for row in records["sessions.Session"]["rows"]] == [key]
    assert [row["id"] for row in records["accounts.AccountSession"]["rows"]] == [key]


@pytest.mark.promise("P31.a")
def test_erasure_ends_the_accounts_sessions_and_their_links(account, make_user):
    _logged_in_session(account)
    _logged_in_session(account)
    other = _logged_in_session(make_user())
    erasure.execute(account)
    assert list(Session.objects.values_list("session_key", flat=True)) == [other]
    assert list(AccountSession.objects.values_list("session_id", flat=True)) == [other]
