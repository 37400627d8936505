"""Writes to accounts and address books.

Callers pass values a form has already validated and normalised. Each function is one
transaction. The database's case-insensitive unique constraints are the last word on a
taken user ID or e-mail address: a race the form's check could not see surfaces as
:class:`AccountTaken`, never as a server error.
"""

from django.db import IntegrityError, transaction

from tillit.privacy import services as privacy_services

from . import selectors
from .models import Address, User


class AccountTaken(Exception):
    """Another account took the user ID or e-mail address between check and save.

    ``field`` names the form field to attach the error to.
    """

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


def _taken_field(username: str, email: str, exclude: User | None = None) -> str:
    if username and selectors.username_taken(username):
        return "username"
    if selectors.email_taken(email, exclude=exclude):
        return "email"
    return "__all__"


def register_account(*, username: str, password: str, name: str, email: str,
                     phone: str = "", company: str = "", org_nr: str = "") -> User:
    """Create a customer account holding exactly the P06 details; the password is stored
    only as a hash (Argon2id, the first of ``PASSWORD_HASHERS``)."""
    user = User(username=username, name=name, email=email, phone=phone,
                company=company, org_nr=org_nr)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise AccountTaken(_taken_field(username, email)) from exc
    return user


def update_profile(user: User, *, name: str, email: str, phone: str, company: str,
                   org_nr: str) -> User:
    """Change the account's own details (rectification, P30). The user ID stays. The
    names of the changed fields go to the audit log."""
    fields = {"name": name, "email": email, "phone": phone, "company": company,
              "org_nr": org_nr}
    changed = privacy_services.changed_fields(user, fields)
    for attr, value in fields.items():
        setattr(user, attr, value)
    try:
        with transaction.atomic():
            user.save(update_fields=list(fields))
            privacy_services.record_self_service_change(user, user, changed)
    except IntegrityError as exc:
        user.refresh_from_db(fields=list(fields))
        raise AccountTaken(_taken_field("", email, exclude=user)) from exc
    return user


def _lock_book(user: User) -> None:
    """Serialise address-book writes per account, so "one default" holds under races."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk").first()


def _make_default(address: Address) -> None:
    Address.objects.filter(user_id=address.user_id, is_default=True).exclude(
        pk=address.pk).update(is_default=False)
    if not address.is_default:
        address.is_default = True
        address.save(update_fields=["is_default", "updated_at"])


@transaction.atomic
def create_address(user: User, *, make_default: bool = False, **fields) -> Address:
    """Add an entry to ``user``'s address book. The first entry becomes the default."""
    _lock_book(user)
    first = not selectors.addresses_for(user).exists()
    address = Address.objects.create(user=user, **fields)
    if make_default or first:
        _make_default(address)
    privacy_services.record_self_service_change(
        user, address, [k for k, v in fields.items() if v], change="added")
    return address


@transaction.atomic
def update_address(address: Address, *, make_default: bool = False, **fields) -> Address:
    """Change an entry. Unticking "default" does not leave the book without a default."""
    _lock_book(address.user)
    changed = privacy_services.changed_fields(address, fields)
    for attr, value in fields.items():
        setattr(address, attr, value)
    address.save()
    privacy_services.record_self_service_change(address.user, address, changed)
    if make_default:
        _make_default(address)
    return address


@transaction.atomic
def set_default_address(address: Address) -> Address:
    """Make ``address`` its owner's default; the previous default stops being one."""
    _lock_book(address.user)
    _make_default(address)
    return address


@transaction.atomic
def delete_address(address: Address) -> None:
    """Remove an entry. If it was the default, the oldest remaining entry takes over."""
    _lock_book(address.user)
    was_default, user = address.is_default, address.user
    privacy_services.record_self_service_change(
        user, address, ["name", "street", "postal_code", "city"], change="removed")
    address.delete()
    if was_default:
        successor = selectors.addresses_for(user).order_by("created_at", "pk").first()
        if successor is not None:
            _make_default(successor)
