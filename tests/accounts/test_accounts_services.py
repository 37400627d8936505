"""Account services: a race on a user ID or e-mail is a clear refusal, never a 500."""

import pytest

from tillit.accounts import services

pytestmark = pytest.mark.django_db


def test_register_account_refuses_a_taken_user_id_that_slipped_past_the_form(account):
    with pytest.raises(services.AccountTaken) as taken:
        services.register_account(username="ALVA", password="x", name="A",
                                  email="annan@example.com")
    assert taken.value.field == "username"


def test_register_account_refuses_a_taken_email_that_slipped_past_the_form(account):
    with pytest.raises(services.AccountTaken) as taken:
        services.register_account(username="annan", password="x", name="A",
                                  email="ALVA@example.com")
    assert taken.value.field == "email"


def test_activation_refuses_a_user_id_taken_since_and_discards_the_registration(make_user):
    from tillit.accounts.models import PendingRegistration

    paths = []
    services.register(username="robin", password="Ljus-Gitarr-Förstärkare-7", name="Robin",
                      email="robin@example.com", absolute_url=lambda p: paths.append(p) or p)
    make_user(username="Robin")  # another registration was activated first
    with pytest.raises(services.AccountTaken) as taken:
        services.activate(paths[-1].rstrip("/").rpartition("/")[2])
    assert taken.value.field == "username"
    assert not PendingRegistration.objects.exists()
