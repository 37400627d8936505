"""Reads about accounts and address books. Nothing here writes."""

from django.db.models import QuerySet
from django.utils import timezone

from .models import Address, PendingEmailChange, User


def username_taken(username: str) -> bool:
    """Whether an account already has this user ID, in any letter case."""
    return User.objects.filter(username__iexact=username).exists()


def email_taken(email: str, *, exclude: User | None = None) -> bool:
    """Whether another account already has this e-mail address, in any letter case.

    ``exclude`` is the account being edited, which may keep its own address.
    """
    accounts = User.objects.filter(email__iexact=email)
    if exclude is not None and exclude.pk is not None:
        accounts = accounts.exclude(pk=exclude.pk)
    return accounts.exists()


def profile_initial(user: User) -> dict:
    """The account's editable details, as initial values for the profile form."""
    return {
        "name": user.name, "email": user.email, "phone": user.phone,
        "company": user.company, "org_nr": user.org_nr,
    }


def addresses_for(user: User) -> QuerySet[Address]:
    """The account's own address book, default first. Never anyone else's entries, so
    a lookup by id through this queryset cannot reach another customer's address."""
    return Address.objects.filter(user=user)


def default_address(user: User) -> Address | None:
    """The account's default address, or ``None`` when the book is empty."""
    if not user.is_authenticated:
        return None
    return addresses_for(user).filter(is_default=True).first()


def address_initial(address: Address) -> dict:
    """An entry's values, as initial values for the address form."""
    return {
        "name": address.name, "company": address.company, "street": address.street,
        "postal_code": address.postal_code, "city": address.city,
        "country": address.country, "phone": address.phone,
        "make_default": address.is_default,
    }


def pending_email_change(user: User) -> PendingEmailChange | None:
    """The account's new e-mail address waiting for its link, if any (not yet expired)."""
    return PendingEmailChange.objects.filter(user=user, expires_at__gt=timezone.now()).first()
