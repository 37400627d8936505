"""The address book (P12): only the owner's entries, exactly one default."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tillit.accounts import services
from tillit.accounts.models import Address

pytestmark = pytest.mark.django_db


def _entry(**overrides):
    data = {"name": "Alva Andersson", "company": "", "street": "Storgatan 1",
            "postal_code": "56531", "city": "Mullsjö", "country": "SE", "phone": ""}
    data.update(overrides)
    return data


@pytest.fixture
def make_address():
    def make(user, **overrides):
        return services.create_address(user, **_entry(postal_code="565 31", **overrides))

    return make


@pytest.fixture
def strangers_address(make_user, make_address):
    stranger = make_user(username="bertil", name="Bertil Bengtsson")
    return make_address(stranger, name="Bertil Bengtsson", street="Hemliga vägen 9")


def test_new_address_is_saved_normalised_and_first_one_becomes_default(account_client,
                                                                       account):
    response = account_client.post(reverse("accounts:address_create"), _entry())
    assert response.url == reverse("accounts:address_list")
    address = Address.objects.get(user=account)
    assert address.postal_code == "565 31"
    assert address.is_default


def test_address_list_shows_only_the_owners_entries(account_client, account, make_address,
                                                    strangers_address):
    make_address(account)
    html = account_client.get(reverse("accounts:address_list")).content.decode()
    assert "Storgatan 1" in html
    assert "Hemliga vägen 9" not in html and "Bertil" not in html


@pytest.mark.parametrize("name", ["address_update", "address_delete"])
def test_another_customers_address_is_not_found(account_client, strangers_address, name):
    url = reverse(f"accounts:{name}", args=[strangers_address.pk])
    assert account_client.get(url).status_code == 404
    assert account_client.post(url, _entry(street="Stulen väg 1")).status_code == 404
    strangers_address.refresh_from_db()
    assert strangers_address.street == "Hemliga vägen 9"


def test_another_customers_address_cannot_be_made_default(account_client, account,
                                                          make_address, strangers_address):
    url = reverse("accounts:address_set_default", args=[strangers_address.pk])
    assert account_client.post(url).status_code == 404
    assert Address.objects.filter(pk=strangers_address.pk).exists()


def test_unknown_or_huge_address_id_is_not_found(account_client):
    for pk in (999999, 2**70):
        url = reverse("accounts:address_update", args=[pk])
        assert account_client.get(url).status_code == 404


def test_address_is_edited(account_client, account, make_address):
    address = make_address(account)
    form = account_client.get(reverse("accounts:address_update", args=[address.pk]))
    assert form.context["form"].initial["street"] == "Storgatan 1"
    response = account_client.post(reverse("accounts:address_update", args=[address.pk]),
                                   _entry(street="Kyrkvägen 2", make_default="on"))
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.street == "Kyrkvägen 2"


def test_bad_address_is_refused_and_nothing_saved(account_client, account):
    response = account_client.post(reverse("accounts:address_create"),
                                   _entry(postal_code="ABC", street=""))
    assert {"postal_code", "street"} <= set(response.context["form"].errors)
    assert not Address.objects.exists()


def test_making_another_address_default_moves_the_mark(account_client, account,
                                                      make_address):
    first = make_address(account)
    second = make_address(account, street="Andra gatan 2")
    assert first.is_default and not second.is_default
    response = account_client.post(reverse("accounts:address_set_default", args=[second.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_default and not first.is_default


def test_set_default_by_get_is_refused(account_client, account, make_address):
    address = make_address(account)
    url = reverse("accounts:address_set_default", args=[address.pk])
    assert account_client.get(url).status_code == 405


def test_new_address_marked_default_takes_over(account_client, account, make_address):
    first = make_address(account)
    account_client.post(reverse("accounts:address_create"),
                        _entry(street="Nya vägen 3", make_default="on"))
    first.refresh_from_db()
    assert not first.is_default
    assert Address.objects.get(user=account, is_default=True).street == "Nya vägen 3"


def test_delete_asks_first_then_removes(account_client, account, make_address):
    address = make_address(account)
    url = reverse("accounts:address_delete", args=[address.pk])
    assert account_client.get(url).status_code == 200
    assert Address.objects.filter(pk=address.pk).exists()
    assert account_client.post(url).status_code == 302
    assert not Address.objects.filter(pk=address.pk).exists()


def test_deleting_the_default_hands_it_to_the_oldest_remaining(account, make_address):
    default = make_address(account)
    older = make_address(account, street="Äldre gatan 1")
    make_address(account, street="Nyare gatan 2")
    services.delete_address(default)
    assert Address.objects.get(user=account, is_default=True) == older


def test_a_second_default_is_refused_by_the_database(account, make_address):
    make_address(account)
    with pytest.raises(IntegrityError), transaction.atomic():
        Address.objects.create(user=account, is_default=True, **_entry(postal_code="565 31"))


def test_addresses_go_with_the_account(account, make_address):
    make_address(account)
    account.delete()
    assert not Address.objects.exists()
