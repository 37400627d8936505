"""Writes of the newsletter: signing up (double opt-in), confirming, unsubscribing, the
account page's choices, and staff entries. Every yes and no goes to the consent ledger
(``privacy.consents.record``); these functions only decide which row to write."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tillit.core import mail, tokens
from tillit.core.links import absolute
from tillit.core.phone import same_mobile
from tillit.privacy import consents
from tillit.privacy.datamap import CONSENT, LEGITIMATE_INTEREST
from tillit.privacy.models import Consent

from .models import PendingSignup
from .privacy import NEWSLETTER, SIGNUP_DAYS, SMS

_UNSUBSCRIBE_SALT = "tillit.marketing.unsubscribe"


class LinkInvalid(Exception):
    """A confirmation or unsubscribe link that is forged, used or expired."""


def sign_up(email: str, *, ip: str = "") -> None:
    """Start a newsletter sign-up: a confirmation e-mail goes to ``email`` whether or not
    it already gets the newsletter (the page answers the same either way: nobody learns who
    subscribes). Nothing is recorded as consent until the link is followed."""
    email = email.strip()
    words = str(NEWSLETTER.ask)
    raw, digest = tokens.new()
    with transaction.atomic():
        PendingSignup.objects.create(
            email=email, token_hash=digest, ip=ip,
            text_digest=consents.text_for(words).digest,
            language=translation.get_language() or settings.LANGUAGE_CODE)
        mail.send("marketing/email/confirm", {
            "link": absolute(reverse("marketing:confirm", args=[raw])),
            "days": SIGNUP_DAYS, "words": words,
        }, [email])


def pending(raw: str) -> PendingSignup:
    """The sign-up a confirmation link belongs to, if it is still waiting."""
    if not tokens.plausible(raw):
        raise LinkInvalid
    cutoff = timezone.now() - dt.timedelta(days=SIGNUP_DAYS)
    row = PendingSignup.objects.filter(token_hash=tokens.digest(raw),
                                       created_at__gte=cutoff).first()
    if row is None:
        raise LinkInvalid
    return row


def confirm(raw: str, *, ip: str = "") -> str:
    """Follow a confirmation link: the consent is recorded with the words shown at sign-up
    and the sign-up row goes. Returns the address."""
    with transaction.atomic():
        row = pending(raw)
        text = consents.ConsentText.objects.get(digest=row.text_digest)
        consents.record(NEWSLETTER.key, given=True, method=Consent.Method.FORM,
                        email=row.email, words=text.text, ip=ip)
        PendingSignup.objects.filter(email__iexact=row.email).delete()
    return row.email


def unsubscribe_token(row: Consent) -> str:
    """The signed, login-free token of a message's unsubscribe link: it names the ledger
    row that allowed the message, never the address."""
    return signing.dumps({"c": row.pk, "t": row.topic}, salt=_UNSUBSCRIBE_SALT)


def allowing_row(token: str) -> Consent:
    try:
        data = signing.loads(token or "", salt=_UNSUBSCRIBE_SALT)
        row = Consent.objects.get(pk=int(data["c"]), topic=str(data["t"]))
    except (signing.BadSignature, Consent.DoesNotExist, KeyError, TypeError, ValueError):
        raise LinkInvalid from None
    return row


def unsubscribe(token: str, *, method: str = Consent.Method.LINK, ip: str = "") -> Consent:
    """Withdraw the consent (or object, under the existing-customer rule) that a message's
    link names. Saying no twice records nothing new."""
    allowed = allowing_row(token)
    # Judged as campaigns judge: by the newest row under the address (or number) the
    # message went to, not by the account's own rows.
    key = ({"phone": allowed.phone} if allowed.phone and not allowed.email
           else {"email__iexact": allowed.email})
    now = Consent.objects.filter(topic=allowed.topic, **key).order_by(
        "-occurred_at", "-id").first()
    if now is not None and not now.given:
        return now
    return consents.withdraw_everywhere(
        allowed.topic, user=allowed.user, email=allowed.email, method=method, ip=ip,
        words=str(_("Unsubscribe")))[0]


def undo_unsubscribe(token: str, *, ip: str = "") -> Consent:
    """The unsubscribe page's undo: the consent as it was, given again by the person."""
    allowed = allowing_row(token)
    return consents.record(allowed.topic, given=True, method=Consent.Method.LINK,
                           basis=allowed.basis, user=allowed.user, email=allowed.email,
                           phone=allowed.phone, ip=ip,
                           words=allowed.text.text if allowed.text else None)


def choose(user, topic_key: str, given: bool, *, ip: str = "") -> Consent:
    """A choice on the account page: a yes for the account's own address (and mobile
    number, for SMS); a no for every address and number whose yes is the account's."""
    topic = consents.get(topic_key)
    if not given:
        return consents.withdraw_everywhere(topic_key, user=user, email=user.email,
                                            method=Consent.Method.ACCOUNT, ip=ip,
                                            words=str(_("Withdraw")))[0]
    return consents.record(topic_key, given=given, method=Consent.Method.ACCOUNT, user=user,
                           phone=same_mobile(user.phone) if topic_key == SMS.key else "",
                           basis=CONSENT, ip=ip,
                           words=str(topic.ask) if given else str(_("Withdraw")))


def record_by_staff(*, topic_key: str, given: bool, note: str, staff, user=None,
                    email: str = "", phone: str = "") -> Consent:
    """A yes or no received by phone or letter (P20.c), with the staff member's note; a no
    covers every address and number whose yes is the person's."""
    if not given:
        return consents.withdraw_everywhere(topic_key, user=user, email=email, phone=phone,
                                            method=Consent.Method.STAFF, note=note,
                                            recorded_by=staff, words="")[0]
    return consents.record(topic_key, given=given, method=Consent.Method.STAFF, user=user,
                           email=email, phone=phone, note=note, recorded_by=staff,
                           words=None if given else "")


# The boxes the checkout shows inside the provider's frame (Klarna's
# ``options.additional_checkboxes``), both unticked: a yes to the newsletter (a sign-up,
# confirmed by e-mail as every sign-up is), and a no to offers under the existing-customer
# rule (MFL 19 § 2 st.), whose notice is the box's own text.
NEWSLETTER_BOX = "newsletter"
NO_OFFERS_BOX = "no_offers"


def checkout_boxes() -> list[tuple[str, str]]:
    """(id, words) of each box, in the active language."""
    return [(NEWSLETTER_BOX, str(NEWSLETTER.ask)), (NO_OFFERS_BOX, str(NEWSLETTER.objection))]


def checkout_choices(answers: dict[str, bool], *, user, email: str, reference: str,
                     ip: str = "") -> None:
    """Record what a buyer answered in the checkout's boxes (``answers`` by box id).

    A tick in *no offers* is an objection, recorded under the existing-customer rule. No
    tick there: the buyer was told and did not object, so the rule applies, recorded with
    the notice's words, unless the ledger already holds their answer (a consent, or an
    earlier no, which a purchase does not undo). A tick in *newsletter* starts a sign-up:
    the confirmation e-mail goes to the checkout's address, and only its link makes it a
    consent. ``reference`` (the order number) is the row's proof."""
    if NO_OFFERS_BOX not in answers:
        return  # a checkout opened before the boxes existed
    if answers[NO_OFFERS_BOX]:
        consents.record(NEWSLETTER.key, given=False, basis=LEGITIMATE_INTEREST,
                        method=Consent.Method.CHECKOUT, user=user, email=email, ip=ip,
                        proof=reference, words=str(NEWSLETTER.objection))
    elif all(consents.current(who).get(NEWSLETTER.key) is None
             for who in filter(None, (user, email))):
        consents.record(NEWSLETTER.key, given=True, basis=LEGITIMATE_INTEREST,
                        method=Consent.Method.CHECKOUT, user=user, email=email, ip=ip,
                        proof=reference)
    if answers.get(NEWSLETTER_BOX) and email:
        sign_up(email, ip=ip)


# A guest's page of consents: reached by a signed link sent to the address, valid this long.
GUEST_LINK_HOURS = 24
_GUEST_SALT = "tillit.marketing.guest-choices"


def send_guest_link(email: str, *, ip: str = "") -> None:
    """Send a link to the page of ``email``'s consents, if the ledger holds any for it;
    the page that asks answers the same either way."""
    email = email.strip()
    if not consents.history(email):
        return
    token = signing.dumps({"e": email.lower()}, salt=_GUEST_SALT)
    mail.send("marketing/email/guest_link", {
        "link": absolute(reverse("marketing:guest_choices", args=[token])),
        "hours": GUEST_LINK_HOURS}, [email])


def guest_email(token: str) -> str:
    """The address a guest's link was sent to; :class:`LinkInvalid` when it is forged or
    older than :data:`GUEST_LINK_HOURS`."""
    try:
        return str(signing.loads(token or "", salt=_GUEST_SALT,
                                 max_age=GUEST_LINK_HOURS * 3600)["e"])
    except (signing.BadSignature, KeyError, TypeError):
        raise LinkInvalid from None


def withdraw_as_guest(email: str, topic_key: str, *, ip: str = "") -> Consent | None:
    """A guest's one-click no on their page; nothing new when it is already no."""
    now = consents.current(email).get(topic_key)
    if now is None or not now.given:
        return now
    return consents.withdraw_everywhere(topic_key, email=email, method=Consent.Method.LINK,
                                        ip=ip, words=str(_("Turn off")))[0]
