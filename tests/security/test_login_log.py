"""Logins and failed logins are logged (P11, P13) and shown to the account holder."""

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD
from tillit.privacy.datamap import registry
from tillit.security.models import FailedLogin, LoginRecord
from tillit.security.services import normalise_username

pytestmark = pytest.mark.django_db


@pytest.mark.promise("P10.a", "P11.a")
def test_successful_login_is_logged_with_time_ip_and_user_agent(login, customer):
    response = login("anna", PASSWORD, ip="198.51.100.7", ua="Firefox/140")
    assert response.status_code == 302
    record = LoginRecord.objects.get()
    assert (record.user, record.ip, record.user_agent) == (customer, "198.51.100.7",
                                                            "Firefox/140")
    assert record.created_at is not None


@pytest.mark.promise("P13.a")
def test_failed_login_is_logged_with_the_name_tried_account_ip_and_time(login, customer):
    login("Anna", "wrong-password-1", ip="198.51.100.8", ua="Chrome/130")
    failure = FailedLogin.objects.get()
    assert failure.username == "anna"
    assert failure.user == customer
    assert failure.reason == FailedLogin.Reason.CREDENTIALS
    assert (failure.ip, failure.user_agent) == ("198.51.100.8", "Chrome/130")
    assert failure.created_at is not None
    assert not LoginRecord.objects.exists()


@pytest.mark.promise("P13.a")
def test_a_login_with_an_unknown_name_is_logged_without_an_account(login, customer):
    login("nobody-here", "whatever-password")
    failure = FailedLogin.objects.get()
    assert (failure.username, failure.user) == ("nobody-here", None)


@pytest.mark.promise("P11.a", "P13.a")
def test_admin_logins_are_logged_too(client, staff):
    url = reverse("admin:login")
    client.post(url, {"username": "personal", "password": "wrong"}, REMOTE_ADDR="192.0.2.5")
    client.post(url, {"username": "personal", "password": PASSWORD}, REMOTE_ADDR="192.0.2.5")
    assert FailedLogin.objects.get().user == staff
    assert LoginRecord.objects.get().user == staff


def test_hostile_user_agent_is_stored_cleaned_and_bounded(login, customer):
    login("anna", "pw", ua="evil\x00agent\r\n" + "y" * 1000)
    failure = FailedLogin.objects.get()
    assert failure.user_agent.startswith("evilagent") and len(failure.user_agent) <= 300


@given(st.text(max_size=400))
@settings(max_examples=50, deadline=None)
def test_any_user_name_is_normalised_to_a_storable_key(value):
    key = normalise_username(value)
    assert len(key) <= 150 and key == key.lower() and key == key.strip()
    assert not any(ch < " " or ch == "\x7f" for ch in key)


@pytest.mark.promise("P11.a", "P13.a")
def test_the_account_page_shows_own_logins_and_failed_attempts(client, login, customer,
                                                             make_user):
    other = make_user(username="bertil")
    login("anna", "wrong-one", ip="203.0.113.77")
    login("bertil", "wrong-two", ip="192.0.2.99")
    login("anna", PASSWORD, ip="198.51.100.7", ua="Firefox/140")
    assert other.pk
    page = client.get(reverse("accounts:profile"))
    html = page.content.decode()
    assert "198.51.100.7" in html and "Firefox/140" in html
    # A failed attempt may come from someone else: only its network is shown.
    assert "203.0.113.x" in html and "203.0.113.77" not in html
    assert "192.0.2" not in html  # another account's attempt


def test_login_records_belong_to_the_person_in_the_data_map(login, customer):
    login("anna", "wrong-one")
    login("anna", PASSWORD)
    for model in (LoginRecord, FailedLogin):
        declaration = registry.get(model)
        assert declaration is not None
        assert declaration.subject.rows_for(model, customer).count() == 1
        assert declaration.fields["ip"].category == "user.device.ip_address"
        assert [u.purpose for u in declaration.uses] == ["essential.service.security"]
        assert declaration.retention.days == 365
    assert registry.get(FailedLogin).fields["username"].category == "user.account.username"


@pytest.mark.promise("P29.a")
def test_logins_and_failed_logins_are_in_the_persons_access_export(login, customer):
    from tillit.privacy import export

    login("anna", "wrong-one", ip="203.0.113.5")
    login("anna", PASSWORD, ip="198.51.100.7")
    records = {r["model"]: r for r in export.collect(customer)["records"]}
    logins = records["security.LoginRecord"]["rows"]
    failures = records["security.FailedLogin"]["rows"]
    assert [row["values"]["ip"] for row in logins] == ["198.51.100.7"]
    assert [row["values"]["username"] for row in failures] == ["anna"]
