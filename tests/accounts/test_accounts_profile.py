"""'My details' (/konto/): the account's data, the profile edit and the password change."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from tillit.accounts.models import PendingEmailChange
from tillit.privacy.datamap import registry
from tillit.privacy.models import AuditEvent

User = get_user_model()
pytestmark = pytest.mark.django_db
EDIT = reverse("accounts:profile_edit")


def _details(**overrides):
    data = {"name": "Alva Andersson", "email": "alva@example.com", "phone": "",
            "company": "", "org_nr": ""}
    data.update(overrides)
    return data


@pytest.mark.parametrize("name", ["profile", "profile_edit", "password_change",
                                  "address_list", "address_create"])
def test_account_pages_require_login(client, name):
    url = reverse(f"accounts:{name}")
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert f"next={url}" in response.url


def test_profile_shows_the_accounts_own_data(account_client, account):
    account.phone, account.company, account.org_nr = "070-174 06 50", "Ljud AB", "556677-8899"
    account.save()
    html = account_client.get(reverse("accounts:profile")).content.decode()
    for value in ("Alva Andersson", "alva@example.com", "070-174 06 50", "alva",
                  "Ljud AB", "556677-8899"):
        assert value in html
    assert account.password not in html


def test_profile_shows_no_other_customers_data(account_client, make_user):
    other = make_user(username="bertil", email="bertil@example.com", name="Bertil Bengtsson")
    html = account_client.get(reverse("accounts:profile")).content.decode()
    assert other.email not in html and other.name not in html


def test_profile_edit_form_is_filled_with_the_current_details(account_client):
    form = account_client.get(EDIT).context["form"]
    assert form.initial["name"] == "Alva Andersson"
    assert "username" not in form.fields


def test_profile_edit_saves_normalised_details(account_client, account):
    response = account_client.post(EDIT, _details(
        name="Alva Berg", phone="036 12 34 56", company="Ljudbolaget AB",
        org_nr="5566778899"))
    assert response.url == reverse("accounts:profile")
    account.refresh_from_db()
    assert (account.name, account.email, account.phone, account.company, account.org_nr) == (
        "Alva Berg", "alva@example.com", "036 12 34 56", "Ljudbolaget AB", "556677-8899")


def test_profile_edit_cannot_change_the_user_id(account_client, account):
    account_client.post(EDIT, _details(username="ny-alva"))
    account.refresh_from_db()
    assert account.username == "alva"


def test_keeping_ones_own_email_in_another_case_is_saved_at_once(account_client, account,
                                                                 mailoutbox):
    response = account_client.post(EDIT, _details(email="ALVA@example.com"))
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.email == "ALVA@example.com"
    assert mailoutbox == [] and not PendingEmailChange.objects.exists()


# A new e-mail address: it needs the password, the account takes it only when the link sent
# to it is used, and whatever the requester can see is the same whether or not another
# account has the address (no user enumeration).

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
LINK = re.compile(r"https?://[^/\s]+(/konto/e-post/bekrafta/[^/\s]+/)")


def _link(message) -> str:
    return LINK.search(message.body)[1]


def _flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def move(account_client, password):
    """``move(email, **details)``: post the profile form with a new address."""

    def post(email, **details):
        return account_client.post(EDIT, _details(email=email, current_password=password,
                                                  **details))

    return post


@pytest.mark.promise("P30.a")
def test_a_new_email_waits_for_the_link_sent_to_it(account_client, account, move,
                                                    mailoutbox):
    response = move("Alva.Berg@EXAMPLE.com", name="Alva Berg")
    assert response.url == reverse("accounts:profile")
    account.refresh_from_db()
    assert (account.name, account.email) == ("Alva Berg", "alva@example.com")
    told, sent = mailoutbox
    assert told.to == ["alva@example.com"] and not LINK.search(told.body)
    assert "Alva.Berg" not in told.body  # the old address is told, not where to
    assert sent.to == ["Alva.Berg@example.com"] and "alva" in sent.body
    # How long the waiting address is kept, in the data map's words (not typed in the mail).
    kept = registry.get(PendingEmailChange).retention.describe()
    assert f"raderas {kept}." in sent.body
    pending = PendingEmailChange.objects.get(user=account)
    assert pending.email == "Alva.Berg@example.com"
    assert _link(sent).rstrip("/").rsplit("/", 1)[1] not in pending.digest  # digest only

    shown = account_client.get(reverse("accounts:profile")).content.decode()
    assert "Alva.Berg@example.com" in shown  # "changing to …, open the link"
    link = _link(sent)
    page = account_client.get(link)  # opening the link (a mail scanner too) changes nothing
    assert page.status_code == 200 and "Alva.Berg@example.com" in page.content.decode()
    account.refresh_from_db()
    assert account.email == "alva@example.com"

    done = account_client.post(link)
    assert done.url == reverse("accounts:profile")
    account.refresh_from_db()
    assert account.email == "Alva.Berg@example.com"
    assert not PendingEmailChange.objects.exists()
    notice = mailoutbox[-1]
    assert notice.to == ["alva@example.com"] and "Alva.Berg" not in notice.body
    first, last = AuditEvent.objects.filter(action=AuditEvent.Action.RECTIFICATION
                                            ).order_by("pk")
    assert (first.detail["fields"], last.detail["fields"]) == (["name"], ["email"])
    assert "Alva.Berg" not in str(last.detail)
    # The link works once.
    assert account_client.post(link).status_code == 404
    assert account_client.get(link).status_code == 404


@pytest.mark.parametrize("given", [None, "", "fel-lösenord"])
def test_a_new_email_needs_the_current_password(account_client, account, mailoutbox, given):
    data = _details(email="ny@example.com", name="Alva Berg")
    if given is not None:
        data["current_password"] = given
    response = account_client.post(EDIT, data)
    assert response.status_code == 200
    assert "current_password" in response.context["form"].errors
    account.refresh_from_db()
    assert (account.name, account.email) == ("Alva Andersson", "alva@example.com")
    assert mailoutbox == [] and not PendingEmailChange.objects.exists()


def test_password_guesses_through_the_profile_are_rate_limited(account_client, account,
                                                               settings):
    settings.TILLIT_RATE_LIMITS = {"password_check": (3, 3600)}
    wrong = _details(email="ny@example.com", current_password="gissning")
    assert [account_client.post(EDIT, wrong).status_code for _ in range(4)] == \
        [200, 200, 200, 429]
    # Edits that keep the address are not counted.
    assert account_client.post(EDIT, _details(name="Alva Berg")).status_code == 302


def test_the_link_works_without_being_logged_in(client, account, password, mailoutbox):
    client.force_login(account)
    client.post(EDIT, _details(email="ny@example.com", current_password=password))
    client.logout()
    response = client.post(_link(mailoutbox[-1]))
    assert response.url == reverse("accounts:login")
    account.refresh_from_db()
    assert account.email == "ny@example.com"


def test_the_link_is_refused_in_a_browser_logged_in_to_another_account(
        client, account, password, make_user, mailoutbox):
    client.force_login(account)
    client.post(EDIT, _details(email="ny@example.com", current_password=password))
    client.force_login(make_user(username="bertil", email="bertil@example.com"))
    link = _link(mailoutbox[-1])
    assert client.get(link).status_code == 403
    assert client.post(link).status_code == 403
    account.refresh_from_db()
    assert account.email == "alva@example.com"
    assert PendingEmailChange.objects.filter(user=account).exists()


def test_another_accounts_email_looks_the_same_to_the_requester(
        account_client, account, move, make_user, mailoutbox):
    bertil = make_user(username="bertil", email="bertil@example.com")
    seen = {}
    for email in ("ledig@example.com", "Bertil@example.com"):
        mailoutbox.clear()
        answer = move(email)
        profile = account_client.get(reverse("accounts:profile"))
        seen[email] = (answer.status_code, answer.url,
                       _flash(answer) + _flash(profile),
                       CSRF.sub("", profile.content.decode().replace(email, "X")),
                       [m.to for m in mailoutbox if m.to == [account.email]],
                       [m.subject for m in mailoutbox if m.to == [account.email]],
                       PendingEmailChange.objects.get(user=account).email == email)
        if email.startswith("Bertil"):
            to_owner = mailoutbox[-1]
    free, taken = seen.values()
    assert free == taken
    account.refresh_from_db()
    assert account.email == "alva@example.com"
    assert to_owner.to == [bertil.email]
    assert "alva" not in to_owner.body  # the owner learns nothing about the other account
    assert not LINK.search(to_owner.body)


def test_a_newer_request_replaces_the_older_link(account_client, account, move, mailoutbox):
    move("forsta@example.com")
    move("andra@example.com")
    first, second = (_link(m) for m in mailoutbox if LINK.search(m.body))
    assert account_client.post(first).status_code == 404
    assert account_client.post(second).status_code == 302
    account.refresh_from_db()
    assert account.email == "andra@example.com"


@pytest.mark.parametrize("how", ["change", "reset"])
def test_a_new_password_cancels_a_waiting_change(client, account, password, mailoutbox,
                                                 how):
    """Whoever asked for the change may have used a stolen password; the owner, told by
    e-mail, chooses a new one and the link stops working."""
    client.force_login(account)
    client.post(EDIT, _details(email="tjuv@example.com", current_password=password))
    link = _link(mailoutbox[1])
    new = "Helt-Nytt-Lösenord-2026"
    if how == "change":
        assert client.post(reverse("accounts:password_change"), {
            "old_password": password, "new_password1": new,
            "new_password2": new}).status_code == 302
    else:
        from django.contrib.auth.tokens import default_token_generator
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        url = reverse("accounts:password_reset_confirm", args=[
            urlsafe_base64_encode(force_bytes(account.pk)),
            default_token_generator.make_token(account)])
        form_url = client.get(url).url  # Django swaps the token for a session marker
        assert client.post(form_url, {"new_password1": new,
                                      "new_password2": new}).status_code == 302
    assert not PendingEmailChange.objects.exists()
    assert client.post(link).status_code == 404
    account.refresh_from_db()
    assert account.email == "alva@example.com"


def test_an_expired_link_is_refused_and_changes_nothing(account_client, account, move,
                                                         mailoutbox):
    move("sen@example.com")
    PendingEmailChange.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = account_client.post(_link(mailoutbox[-1]))
    assert response.status_code == 410
    account.refresh_from_db()
    assert account.email == "alva@example.com"


def test_an_address_taken_while_the_link_waited_is_refused(account_client, account, move,
                                                            make_user, mailoutbox):
    move("snabb@example.com")
    make_user(username="snabb", email="SNABB@example.com")
    response = account_client.post(_link(mailoutbox[-1]))
    assert response.status_code == 409
    account.refresh_from_db()
    assert account.email == "alva@example.com"
    assert not PendingEmailChange.objects.exists()  # it can never succeed


@pytest.mark.parametrize("token", ["x", "a" * 101, "..%2F..", "%00", "ä" * 40,
                                   "' OR 1=1 --"])
def test_forged_links_are_a_plain_404(client, account, token):
    url = reverse("accounts:email_confirm", args=["t"]).replace("/t/", f"/{token}/")
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_the_mails_a_day_to_one_address_are_capped(move, mailoutbox):
    answers = [move("flod@example.com") for _ in range(5)]
    assert [a.status_code for a in answers] == [302] * 5
    assert sum(m.to == ["flod@example.com"] for m in mailoutbox) == 3
    assert "inte ändrad" not in " ".join(_flash(answers[2]))
    assert any("för många" in m for m in _flash(answers[3]))


@pytest.mark.parametrize(("field", "value"), [
    ("name", ""), ("email", "inte-en-adress"), ("phone", "ring"), ("org_nr", "123"),
])
def test_profile_edit_refuses_bad_details_and_changes_nothing(account_client, account,
                                                              field, value):
    before = User.objects.values().get(pk=account.pk)
    response = account_client.post(EDIT, _details(**{field: value}))
    assert field in response.context["form"].errors
    assert User.objects.values().get(pk=account.pk) == before


def test_company_needs_its_org_nr_in_the_profile_too(account_client):
    response = account_client.post(EDIT, _details(company="Ljudbolaget AB"))
    assert "org_nr" in response.context["form"].errors


def test_password_change_keeps_the_session_and_stores_argon2id(argon2, account_client, account,
                                                               password):
    new = "Ny-Basförstärkare-2026"
    response = account_client.post(reverse("accounts:password_change"), {
        "old_password": password, "new_password1": new, "new_password2": new})
    assert response.url == reverse("accounts:profile")
    account.refresh_from_db()
    assert account.check_password(new)
    assert account.password.startswith("argon2$argon2id$")
    assert account_client.get(reverse("accounts:profile")).status_code == 200


def test_password_change_needs_the_old_password(account_client, account, password):
    new = "Ny-Basförstärkare-2026"
    response = account_client.post(reverse("accounts:password_change"), {
        "old_password": "fel-lösenord", "new_password1": new, "new_password2": new})
    assert "old_password" in response.context["form"].errors
    account.refresh_from_db()
    assert account.check_password(password)
