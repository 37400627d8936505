"""Writes to accounts and address books.

Callers pass values a form has already validated and normalised. Each function is one
transaction. The database's case-insensitive unique constraints are the last word on a
taken user ID or e-mail address: a race the form's check could not see surfaces as
:class:`AccountTaken`, never as a server error.

Registration answers alike whether or not an account has the address (no user
enumeration): :func:`register` hashes the password and sends one e-mail in both cases. A
new address gets an activation link (the account exists only once the link is used); an
address that has an account gets a notice to its owner instead. Activation links are
single-use, expire after ``TILLIT_ACTIVATION_HOURS`` (48), and are stored only as digests.

A new e-mail address for an existing account works the same way: the profile edit asks
for it (:func:`request_email_change`, after checking the password), and the account takes
it only when the link sent to it is used (:func:`confirm_email_change`); an address another
account has gets a notice to that account's owner instead, and everything the requester
can see (the page, the profile, their access export) is the same either way. The old
address is told when the change is asked for and when it is made; a new password cancels
a change that is still waiting (:func:`cancel_email_change`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from tillit.core import mail, tokens
from tillit.core.tokens import LinkRefused
from tillit.privacy import selectors as privacy_selectors
from tillit.privacy import services as privacy_services
from tillit.privacy.datamap import registry
from tillit.privacy.hashing import keyed_hash

from . import selectors
from .models import (
    Address,
    PasswordResetRequest,
    PendingEmailChange,
    PendingRegistration,
    User,
)
from .tasks import send_password_reset

# At most so many registration e-mails (activation links or notices) per address and day,
# so that the form cannot be used to flood someone's inbox. The cap is the same for every
# address, whether or not it has an account.
MAX_REGISTRATION_MAILS_PER_DAY = 3


def activation_hours() -> int:
    return int(getattr(settings, "TILLIT_ACTIVATION_HOURS", 48))


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
    only as a hash (Argon2id, the first of ``PASSWORD_HASHERS``). For staff and scripts:
    the shop's registration form goes through :func:`register` and :func:`activate`."""
    user = User(username=username, name=name, email=email, phone=phone,
                company=company, org_nr=org_nr)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise AccountTaken(_taken_field(username, email)) from exc
    return user


def _kept(model) -> str:
    """How long ``model``'s rows are kept, in the data map's words (for the e-mails that
    tell the person)."""
    return str(registry.get(model).retention.describe())


def _may_mail(email: str, purpose: str = "registration-mail") -> bool:
    """Count one registration (or e-mail change) e-mail to ``email``; False once today's
    cap is reached."""
    # The cache is no place for raw addresses: key by a keyed hash.
    key = f"tillit:accounts:{purpose}:{keyed_hash(email.lower(), purpose)[-32:]}"
    cache.add(key, 0, 24 * 3600)
    try:
        return cache.incr(key) <= MAX_REGISTRATION_MAILS_PER_DAY
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, 24 * 3600)
        return True


def register(*, username: str, password: str, name: str, email: str, phone: str = "",
             company: str = "", org_nr: str = "", next_url: str = "",
             absolute_url: Callable[[str], str]) -> None:
    """Handle a valid registration without telling the visitor whether ``email`` has an
    account: the same work (an Argon2id hash, one e-mail) either way.

    A new address gets a :class:`PendingRegistration` and an activation link; an address
    an account has gets a notice to that account instead ("someone tried to register with
    your address"). ``absolute_url(path)`` makes the links absolute; the mail is in the
    active language. ``next_url`` (already checked to be on this site) is where the
    activated account goes."""
    hashed = make_password(password)
    if not _may_mail(email):
        return
    owner = privacy_selectors.account_with_email(email)
    if owner is not None:
        mail.send("accounts/email/registration_attempt", {
            "owner": owner, "login_url": absolute_url(reverse("accounts:login")),
            "reset_url": absolute_url(reverse("accounts:password_reset")),
        }, [owner.email])
        return
    raw, digest = tokens.new()
    with transaction.atomic():
        PendingRegistration.objects.create(
            username=username, name=name, email=email, phone=phone, company=company,
            org_nr=org_nr, password=hashed, next_url=next_url, digest=digest,
            expires_at=timezone.now() + dt.timedelta(hours=activation_hours()),
        )
        # Sent inside the transaction: a registration whose link never went out is not kept.
        mail.send("accounts/email/activate", {
            "username": username, "hours": activation_hours(),
            "kept": _kept(PendingRegistration),
            "url": absolute_url(reverse("accounts:activate", args=[raw])),
        }, [email])


def _by_link(rows, raw: str):
    """The row of ``rows`` (with ``digest`` and ``expires_at``) that the emailed link
    ``raw`` stands for, or :class:`LinkRefused`: 404 unknown, 410 expired."""
    if not tokens.plausible(raw):
        raise LinkRefused(404, "unknown")
    pending = rows.filter(digest=tokens.digest(raw)).first()
    if pending is None:
        raise LinkRefused(404, "unknown")
    if pending.expires_at <= timezone.now():
        raise LinkRefused(410, "expired")
    return pending


def _pending(raw: str, *, lock: bool = False) -> PendingRegistration:
    rows = PendingRegistration.objects.all()
    return _by_link(rows.select_for_update() if lock else rows, raw)


def check_activation(raw: str) -> PendingRegistration:
    """The registration the activation link ``raw`` stands for, if it can still be used
    (does not use it), else :class:`LinkRefused`."""
    return _pending(raw)


def activate(raw: str) -> tuple[User, str]:
    """Use the activation link ``raw``: the registration becomes an account, and the link
    is gone (a second use is an unknown link). Returns the account and the page to go to.

    :class:`LinkRefused` for an unknown or expired link; :class:`AccountTaken` when another
    account took the user ID or address since (the registration is then discarded, as it
    can never succeed)."""
    with transaction.atomic():
        pending = _pending(raw, lock=True)
        user = User(username=pending.username, name=pending.name, email=pending.email,
                    phone=pending.phone, company=pending.company, org_nr=pending.org_nr,
                    password=pending.password)
        next_url = pending.next_url
        pending.delete()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            taken = _taken_field(user.username, user.email)
        else:
            taken = None
    if taken is not None:
        raise AccountTaken(taken)
    return user, next_url


def update_profile(user: User, *, name: str, email: str, phone: str, company: str,
                   org_nr: str) -> User:
    """Change the account's own details (rectification, P30). The user ID stays. The
    names of the changed fields go to the audit log."""
    fields = {"name": name, "email": email, "phone": phone, "company": company,
              "org_nr": org_nr}
    if email.lower() != user.email.lower():
        # A new mailbox is the account's only once its owner confirms it (see the module).
        raise ValueError("A new e-mail address goes through request_email_change().")
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


def request_email_change(user: User, email: str, *,
                         absolute_url: Callable[[str], str]) -> bool:
    """Ask to move ``user``'s account to the address ``email`` (the caller has checked the
    password), doing the same visible work whether or not another account has it: a
    :class:`PendingEmailChange` replaces any earlier one of the account, the account's
    current address is told, and one e-mail goes to ``email``: the single-use link if the
    address is free, else a notice to the account that has it (whose pending row then has
    a link nobody was sent, so it can never be used). Capped per address and day, as
    registration's, and per account: False when a cap stopped it (the same for every
    address, so saying so tells nobody who has which address)."""
    # Capped per address and per account, so a logged-in visitor cannot use the form
    # to flood inboxes.
    if not (_may_mail(f"account:{user.pk}", "email-change-account")
            and _may_mail(email, "email-change-mail")):
        return False
    raw, digest = tokens.new()
    with transaction.atomic():
        # One request at a time per account (a double submit must not collide).
        User.objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
        owner = privacy_selectors.account_with_email(email)
        PendingEmailChange.objects.filter(user=user).delete()
        PendingEmailChange.objects.create(
            user=user, email=email, digest=digest,
            expires_at=timezone.now() + dt.timedelta(hours=activation_hours()))
        # Sent inside the transaction: a request whose mail never went out is not kept.
        mail.send("accounts/email/email_change_requested", {
            "username": user.get_username(),
            "password_url": absolute_url(reverse("accounts:password_change")),
        }, [user.email])
        if owner is None:
            mail.send("accounts/email/email_change", {
                "username": user.get_username(), "hours": activation_hours(),
                "kept": _kept(PendingEmailChange),
                "url": absolute_url(reverse("accounts:email_confirm", args=[raw])),
            }, [email])
        elif owner.pk != user.pk:
            mail.send("accounts/email/email_change_attempt", {
                "owner": owner, "login_url": absolute_url(reverse("accounts:login")),
            }, [owner.email])
    return True


def cancel_email_change(user: User) -> bool:
    """Drop ``user``'s waiting e-mail change, if any (a new password was chosen: whoever
    asked for the change may have used the old one); True if there was one."""
    deleted, _rows = PendingEmailChange.objects.filter(user=user).delete()
    return bool(deleted)


def _pending_change(raw: str, *, lock: bool = False) -> PendingEmailChange:
    rows = PendingEmailChange.objects.select_related("user")
    return _by_link(rows.select_for_update(of=("self",)) if lock else rows, raw)


def check_email_change(raw: str) -> PendingEmailChange:
    """The e-mail change the link ``raw`` stands for, if it can still be used (does not use
    it), else :class:`LinkRefused`."""
    return _pending_change(raw)


def confirm_email_change(raw: str) -> User:
    """Use the confirmation link ``raw``: the account takes the new address (rectification,
    P30, in the audit log), the link is gone, and the old address is told of the change.

    :class:`LinkRefused` for an unknown or expired link; :class:`AccountTaken` when another
    account took the address since (the request is then discarded: it can never succeed)."""
    with transaction.atomic():
        pending = _pending_change(raw, lock=True)
        user, new = pending.user, pending.email
        old = user.email
        pending.delete()
        try:
            with transaction.atomic():
                user.email = new
                user.save(update_fields=["email"])
                privacy_services.record_self_service_change(user, user, ["email"])
        except IntegrityError:
            taken = True
        else:
            taken = False
    if taken:
        raise AccountTaken("email")
    mail.send("accounts/email/email_changed", {"username": user.get_username()}, [old])
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


def request_password_reset(email: str, *, protocol: str, domain: str) -> None:
    """Store the address typed on the reset form and enqueue the task that looks it up and
    mails the link (``tasks.send_password_reset``, given only the row's id): the request's
    work is the same whether or not an account has the address."""
    reset = PasswordResetRequest.objects.create(
        email=email, protocol=protocol, domain=domain,
        language=translation.get_language() or settings.LANGUAGE_CODE)
    send_password_reset.enqueue(reset.pk)
