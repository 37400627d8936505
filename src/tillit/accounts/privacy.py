from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.privacy import datamap as dm

from .models import (
    AccountSession,
    Address,
    PasswordResetRequest,
    PendingEmailChange,
    PendingRegistration,
    User,
)

dm.declare(
    User,
    title=_("Your customer account"),
    subject=dm.Subject(person=True, kinds=("customer", "staff")),
    fields={
        "name": dm.Field("user.name"),
        "email": dm.Field("user.contact.email"),
        "phone": dm.Field("user.contact.phone_number"),
        "username": dm.Field("user.account.username"),
        "password": dm.Field("user.authorization.password"),
        "company": dm.Field("user.workplace"),
        "org_nr": dm.Field("user.government_id"),
        "date_joined": dm.Field("user.authorization", dm.GENERATED),
        "last_login": dm.Field("user.authorization", dm.GENERATED),
    },
    uses=[
        dm.Use("essential.service", dm.CONTRACT,
               _("to run your account and handle your orders")),
        dm.Use("essential.service.authentication", dm.CONTRACT,
               _("to let you log in"), fields=("username", "password", "last_login")),
        dm.Use("essential.service.notifications", dm.CONTRACT,
               _("to communicate with you about your account and orders"),
               fields=("name", "email", "phone")),
    ],
    retention=dm.WhileAccountExists(),
    on_erasure=dm.DELETE,
    recipients={"hosting": None, "email_provider": ("name", "email")},
    asked=dm.Asked(
        situation=_("When you create an account"),
        required=("name", "email", "username", "password"),
        why=_("to open your account, let you log in and write to you about it"),
        without=_("we cannot open an account; you can still buy as a guest")),
    # Roles and flags staff set; they say nothing about the person beyond the account.
    not_personal=("is_staff", "is_active", "is_superuser", "groups", "user_permissions"),
)

dm.declare(
    Address,
    title=_("Your address book"),
    subject=dm.Subject(user="user"),
    fields={
        "name": dm.Field("user.name"),
        "company": dm.Field("user.workplace"),
        "street": dm.Field("user.contact.address.street"),
        "postal_code": dm.Field("user.contact.address.postal_code"),
        "city": dm.Field("user.contact.address.city"),
        "country": dm.Field("user.contact.address.country"),
        "phone": dm.Field("user.contact.phone_number"),
    },
    uses=[dm.Use("essential.service", dm.CONTRACT, _("to deliver your orders")),
          dm.Use("marketing.communications.mail", dm.CONSENT,
                 _("to send you offers by letter, only if you asked for them"),
                 stoppable=True)],
    retention=dm.WhileAccountExists(),
    on_erasure=dm.DELETE,
    # The print house gets the name and address of those who asked for offers by letter
    # (marketing/letters.py records each file as a disclosure).
    recipients={"hosting": None, "print_house": ("name", "company", "street", "postal_code",
                                                 "city", "country")},
    not_personal=("is_default", "created_at", "updated_at"),
)

dm.declare(
    PendingRegistration,
    title=_("Your registration, waiting for you to confirm your e-mail address"),
    subject=dm.Subject(email="email", kinds=("visitor",)),
    fields={
        "name": dm.Field("user.name"),
        "email": dm.Field("user.contact.email"),
        "phone": dm.Field("user.contact.phone_number"),
        "username": dm.Field("user.account.username"),
        "password": dm.Field("user.authorization.password"),
        "company": dm.Field("user.workplace"),
        "org_nr": dm.Field("user.government_id"),
        "created_at": dm.Field("user.authorization", dm.GENERATED),
        "expires_at": dm.Field("system.operations", dm.GENERATED),
    },
    # Only a digest of the activation link is stored; the page to return to is a page of
    # the shop.
    not_personal=("digest", "next_url"),
    uses=[dm.Use("essential.service", dm.CONTRACT,
                 _("to open the account you asked for once you confirm your e-mail address"))],
    # Used, the registration becomes the account and is deleted at once; unused, it goes
    # when its link has expired.
    retention=dm.After("expires_at", days=1, event=_("the activation link expires")),
    on_erasure=dm.DELETE,
    recipients={"hosting": None, "email_provider": ("name", "email")},
)

dm.declare(
    PendingEmailChange,
    title=_("A new e-mail address for your account, waiting for you to confirm it"),
    # The account's holder, and the owner of the new address (who may have no account).
    subject=dm.Subject(user="user", email="email", kinds=("customer", "staff", "visitor")),
    fields={
        "email": dm.Field("user.contact.email"),
        "created_at": dm.Field("user.authorization", dm.GENERATED),
        "expires_at": dm.Field("system.operations", dm.GENERATED),
    },
    # Only a digest of the confirmation link is stored.
    not_personal=("digest",),
    uses=[dm.Use("essential.service", dm.CONTRACT,
                 _("to change your account's e-mail address once you confirm the new one"))],
    # Used, the new address moves into the account and this row is deleted at once; unused,
    # it goes when its link has expired.
    retention=dm.After("expires_at", days=1, event=_("the confirmation link expires")),
    on_erasure=dm.DELETE,
    recipients={"hosting": None, "email_provider": ("email",)},
)

def sessions_of(model, person):
    """The live sessions an account is logged in with.

    A session names its account only inside its encoded data; ``accounts.AccountSession``
    holds the same fact in an indexed column, so the candidates are found by index (the
    time does not grow with the shop's traffic), and each is confirmed against its own
    data, so a row that no longer says what the session says cannot bring in a session
    that is not the account's."""
    if person.user is None or person.user.pk is None:
        return model.objects.none()
    candidates = model.objects.filter(
        session_key__in=AccountSession.objects.filter(user=person.user).values("session_id"),
        expire_date__gt=timezone.now())
    account = str(person.user.pk)
    keys = [s.session_key for s in candidates
            if s.get_decoded().get(SESSION_KEY) == account]
    return model.objects.filter(session_key__in=keys)


dm.declare(
    Session,
    title=_("Sessions"),
    subject=dm.Subject(session="session_key", kinds=("customer", "guest", "visitor"),
                       finder=sessions_of),
    # session_data holds the logged-in account's id, the cart's id and item count, and
    # one-off notices; an account's sessions are found through accounts.AccountSession.
    fields={
        "session_key": dm.Field("user.device.cookie_id", dm.GENERATED),
        "session_data": dm.Field("user.authorization", dm.GENERATED),
        "expire_date": dm.Field("user.authorization", dm.GENERATED),
    },
    uses=[
        dm.Use("essential.service", dm.CONTRACT,
               _("to keep you logged in and remember your cart between pages")),
    ],
    retention=dm.SessionLifetime(days=settings.SESSION_COOKIE_AGE // 86400),
    on_erasure=dm.DELETE,
    recipients=("hosting",),
)

dm.declare(
    AccountSession,
    title=_("Which of your sessions are logged in"),
    subject=dm.Subject(user="user", kinds=("customer", "staff")),
    fields={"session": dm.Field("user.device.cookie_id", dm.GENERATED)},
    uses=[dm.Use("essential.service", dm.CONTRACT,
                 _("to find the sessions you are logged in with when you ask for your data "
                   "or its erasure"))],
    # It lives exactly as long as its session.
    retention=dm.SessionLifetime(days=settings.SESSION_COOKIE_AGE // 86400,
                                 anchor="session__expire_date"),
    on_erasure=dm.DELETE,
    recipients=("hosting",),
)

dm.declare(
    PasswordResetRequest,
    title=_("Your request for a new password, waiting to be handled"),
    subject=dm.Subject(email="email", kinds=("customer", "visitor")),
    fields={
        "email": dm.Field("user.contact.email"),
        "created_at": dm.Field("user.authorization", dm.GENERATED),
    },
    # How the link in the e-mail is built: the shop's own address and the page's language.
    not_personal=("protocol", "domain", "language"),
    uses=[dm.Use("essential.service.authentication", dm.CONTRACT,
                 _("to send a link for choosing a new password to the account with this "
                   "address, if there is one"))],
    # Handled within moments by the task, which deletes it; one left behind (a worker that
    # was down) goes with the next sweep after a day.
    retention=dm.After("created_at", days=1, event=_("the request was made")),
    on_erasure=dm.DELETE,
    recipients=("hosting",),
)
