"""Staff pages need TOTP in production settings; staff views of personal data are audited."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tillit.accounts.models import Address
from tillit.privacy import selectors
from tillit.privacy.datamap import Person
from tillit.privacy.hashing import keyed_hash
from tillit.privacy.ledger import person_ref
from tillit.privacy.models import AuditEvent
from tillit.security import services
from tillit.security.models import LoginRecord

pytestmark = pytest.mark.django_db
ADMIN = "/admin/"


def _token(device, offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += offset
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def otp_on(settings):
    settings.TILLIT_STAFF_OTP_REQUIRED = True


def _enrol_url(staff):
    return reverse("security:enrol", args=[services.issue_enrolment(staff)])


def test_staff_without_a_second_factor_are_told_to_ask_for_an_enrolment_link(client, staff,
                                                                           otp_on):
    client.force_login(staff)
    response = client.get(ADMIN + "accounts/user/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("security:otp"))
    page = client.get(response.url)
    text = page.content.decode()
    assert page.status_code == 200 and "<svg" not in text and 'name="token"' not in text
    assert "enrolment link" in text or "kopplingslänk" in text


def test_a_password_alone_cannot_enrol_an_authenticator(client, staff, otp_on):
    # Whoever has the password (a session) but no enrolment link gets no key and cannot
    # confirm a device of their own.
    client.force_login(staff)
    client.get(reverse("security:otp"))
    assert client.post(reverse("security:otp"), {"token": "123456"}).status_code == 200
    assert not TOTPDevice.objects.exists()
    assert client.get(ADMIN).status_code == 302


def test_enrolling_with_a_link_and_a_right_code_opens_the_admin_for_the_session(client, staff,
                                                                               otp_on):
    client.force_login(staff)
    url = _enrol_url(staff)
    page = client.get(url)
    assert page.context["enrolling"] and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    wrong = client.post(url, {"token": "000000" if _token(device) != "000000"
                              else "111111", "next": ADMIN})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert client.get(ADMIN).status_code == 302
    # django-otp makes the next try wait a second after a wrong code: let it pass.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - dt.timedelta(seconds=5))
    done = client.post(url, {"token": _token(device), "next": ADMIN})
    assert done.status_code == 302 and done.url == ADMIN
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(ADMIN).status_code == 200
    # The link is used up.
    assert client.get(url).status_code == 410


def test_an_enrolment_link_works_only_for_its_own_staff_member(client, staff, make_user,
                                                              otp_on):
    other = make_user(username="annan", is_staff=True)
    url = _enrol_url(staff)
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert client.post(url, {"token": "123456"}).status_code == 404
    assert not TOTPDevice.objects.exists()


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 101, "..", "ä", "' OR 1=1 --"])
def test_a_forged_enrolment_link_is_a_404(client, staff, otp_on, token):
    _enrol_url(staff)
    client.force_login(staff)
    for method in (client.get, client.post):
        assert method(reverse("security:enrol", args=[token])).status_code == 404
    assert not TOTPDevice.objects.exists()


def test_an_expired_or_replaced_enrolment_link_is_refused(client, staff, otp_on):
    from tillit.security.models import EnrolmentToken

    old = _enrol_url(staff)
    new = _enrol_url(staff)  # issuing a new link revokes the old one
    client.force_login(staff)
    assert client.get(old).status_code == 404
    EnrolmentToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(new).status_code == 410
    assert not TOTPDevice.objects.exists()


def test_customers_get_no_enrolment_link(customer):
    with pytest.raises(ValueError):
        services.issue_enrolment(customer)


def test_the_command_line_prints_a_one_time_enrolment_link(staff, customer):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("security", "totp-enrol", "PERSONAL", stdout=out)
    link = out.getvalue().strip().splitlines()[-1]
    assert link.startswith("http") and "/admin/2fa/aktivera/" in link
    token = link.rstrip("/").rpartition("/")[2]
    assert services.enrolment_for(token, staff).user == staff
    for username in ("anna", "nobody"):
        with pytest.raises(CommandError):
            call_command("security", "totp-enrol", username, stdout=io.StringIO())


def test_a_superuser_issues_an_enrolment_link_in_the_admin(client, staff, make_user):
    from tillit.security.models import EnrolmentToken

    colleague = make_user(username="kollega", is_staff=True)
    client.force_login(staff)
    page = client.post(reverse("admin:security_enrolmenttoken_add"), {"user": colleague.pk})
    assert page.status_code == 200
    link = page.context["link"]
    token = EnrolmentToken.objects.get(user=colleague)
    assert token.created_by == staff and link.rpartition("/aktivera/")[2].strip("/")
    assert services.enrolment_for(link.rstrip("/").rpartition("/")[2], colleague) == token
    assert link.rstrip("/").rpartition("/")[2] not in token.digest


def test_only_superusers_issue_enrolment_links(client, make_user):
    from django.contrib.auth.models import Permission

    clerk = make_user(username="expedit", is_staff=True)
    clerk.user_permissions.set(Permission.objects.filter(
        codename__in=["add_enrolmenttoken", "view_enrolmenttoken"]))
    client.force_login(clerk)
    response = client.post(reverse("admin:security_enrolmenttoken_add"), {"user": clerk.pk})
    assert response.status_code == 403
    assert not services.EnrolmentToken.objects.exists()


def test_a_new_session_asks_for_the_code_again(client, staff, otp_on):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    page = client.get(reverse("security:otp"))
    assert page.status_code == 200 and not page.context["enrolling"]
    assert client.post(reverse("security:otp"),
                       {"token": _token(device), "next": ADMIN}).status_code == 302
    assert client.get(ADMIN).status_code == 200


@pytest.mark.parametrize("token", ["", "12345", "abcdef", "1" * 9, "12 34 56", "\x00" * 6])
def test_bad_codes_are_refused_without_an_error(client, staff, otp_on, token):
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    response = client.post(reverse("security:otp"), {"token": token})
    assert response.status_code == 200 and response.context["form"].errors
    assert client.get(ADMIN).status_code == 302


def test_customers_cannot_reach_the_second_factor_page(client, customer, otp_on):
    client.force_login(customer)
    assert client.get(reverse("security:otp")).status_code == 302
    assert not TOTPDevice.objects.exists()


def test_customer_pages_are_untouched(client, customer, otp_on):
    client.force_login(customer)
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_the_demo_relaxes_the_second_factor(client, staff, settings):
    settings.TILLIT_STAFF_OTP_REQUIRED = False
    client.force_login(staff)
    assert client.get(ADMIN).status_code == 200


def test_the_demo_says_so_when_it_starts():
    import io

    from tillit.core.management.commands.demo import Command
    out = io.StringIO()
    command = Command(stdout=out)
    command._print_welcome("http://127.0.0.1:8000/", "sqlite:///x")
    assert "two-factor" in out.getvalue() and "demo" in out.getvalue()


# Audit of staff views ----------------------------------------------------------------


def test_viewing_a_customer_in_the_admin_is_audited(client, staff, customer):
    client.force_login(staff)
    assert client.get(reverse("admin:accounts_user_change", args=[customer.pk])).status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.STAFF_VIEW)
    assert (event.actor, event.subject) == (staff, customer)
    assert event.target == f"accounts.User:{customer.pk}"
    assert event.detail == {"page": "admin:accounts_user_change", "model": "accounts.User"}
    assert "anna" not in str(event.detail)  # who and what, never the data itself


def test_viewing_a_record_that_belongs_to_a_customer_names_the_customer(client, staff,
                                                                       customer):
    address = Address.objects.create(user=customer, name="Anna", street="Gatan 1",
                                     postal_code="565 31", city="Mullsjö")
    login = LoginRecord.objects.create(user=customer, ip="198.51.100.1")
    client.force_login(staff)
    client.get(reverse("admin:accounts_address_change", args=[address.pk]))
    client.get(reverse("admin:security_loginrecord_change", args=[login.pk]))
    events = AuditEvent.objects.filter(action=AuditEvent.Action.STAFF_VIEW).order_by("id")
    assert [(e.subject, e.target) for e in events] == [
        (customer, f"accounts.Address:{address.pk}"),
        (customer, f"security.LoginRecord:{login.pk}"),
    ]


def test_own_account_and_missing_rows_are_not_audited(client, staff, customer):
    client.force_login(staff)
    client.get(reverse("admin:accounts_user_change", args=[staff.pk]))
    client.get(reverse("admin:accounts_user_change", args=[999999]))
    client.get(reverse("admin:accounts_user_change", args=["not-a-number"]))
    assert not AuditEvent.objects.exists()


def test_the_owner_sees_the_audit_log_in_the_admin(client, staff, customer):
    client.force_login(staff)
    client.get(reverse("admin:accounts_user_change", args=[customer.pk]))
    page = client.get(reverse("admin:privacy_auditevent_changelist"))
    assert page.status_code == 200
    assert f"accounts.User:{customer.pk}" in page.content.decode()


def test_staff_can_log_out_without_the_second_factor(client, staff, otp_on):
    client.force_login(staff)
    response = client.post(reverse("admin:logout"))
    assert not response.url.startswith(reverse("security:otp"))
    assert "_auth_user_id" not in client.session


# Lists and searches of personal data -------------------------------------------------


def _views():
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.STAFF_VIEW).order_by("id"))


@pytest.mark.promise("P33.b")
def test_a_list_of_customers_is_audited_once_with_its_count(client, staff, customer,
                                                           make_user):
    make_user(username="bo", email="bo@example.com", name="Bo Bengtsson")
    client.force_login(staff)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    [event] = _views()
    assert event.actor == staff and event.subject is None and not event.subject_ref
    assert event.target == "accounts.User (list)"
    assert event.detail == {"page": "admin:accounts_user_changelist",
                            "model": "accounts.User", "shown": 3, "matched": 3}
    assert "anna" not in str(event.detail).lower() + event.target.lower()


@pytest.mark.promise("P33.b")
def test_a_search_is_audited_with_a_keyed_hash_of_the_term_only(client, staff, customer):
    client.force_login(staff)
    client.get(reverse("admin:accounts_user_changelist"), {"q": "Andersson"})
    [event] = _views()
    assert event.detail["search"] == keyed_hash("Andersson", "admin-search")
    assert (event.detail["shown"], event.detail["matched"]) == (1, 1)
    stored = str(event.detail) + event.target + event.subject_ref
    assert "andersson" not in stored.lower()
    assert not event.subject_ref  # a name is not an identity to file the event under


@pytest.mark.promise("P33.b")
def test_a_search_by_e_mail_shows_in_that_persons_audit_trail(client, staff, customer):
    client.force_login(staff)
    client.get(reverse("admin:orders_order_changelist"), {"q": "ANNA@example.com"})
    [event] = _views()
    assert event.subject_ref == person_ref("anna@example.com")
    assert "anna" not in str(event.detail).lower() + event.target.lower()
    assert event in selectors.audit_log(Person(email="anna@example.com"))


@pytest.mark.promise("P33.b")
def test_a_filtered_list_names_its_filters_not_their_values(client, staff, customer):
    Address.objects.create(user=customer, name="Anna", street="Gatan 1",
                           postal_code="565 31", city="Mullsjö")
    client.force_login(staff)
    client.get(reverse("admin:accounts_address_changelist"),
               {"user__id__exact": customer.pk, "p": 0, "o": "1"})
    [event] = _views()
    assert event.detail["filters"] == ["user__id__exact"]
    assert event.detail["shown"] == 1 and "search" not in event.detail
    assert str(customer.pk) not in str(event.detail["filters"])


@pytest.mark.promise("P33.b")
def test_an_autocomplete_lookup_of_accounts_is_audited(client, staff, customer):
    client.force_login(staff)
    response = client.get(reverse("admin:autocomplete"), {
        "term": "ann", "app_label": "accounts", "model_name": "address",
        "field_name": "user"})
    assert response.status_code == 200
    [event] = _views()
    assert event.target == "accounts.User (list)"
    assert event.detail["page"] == "admin:autocomplete"
    assert event.detail["shown"] == 1
    assert event.detail["search"] == keyed_hash("ann", "admin-search")


def test_lists_of_models_without_personal_data_are_not_audited(client, staff, product):
    client.force_login(staff)
    client.get(reverse("admin:catalog_product_changelist"), {"q": "Mixer"})
    client.get(reverse("admin:autocomplete"), {
        "term": "x", "app_label": "nope", "model_name": "none", "field_name": "x"})
    assert _views() == []
