"""Writes for the cookie choice: the cookie and the consent ledger, together."""

from __future__ import annotations

from django.db import transaction

from tillit.privacy import consents
from tillit.privacy.models import Consent
from tillit.security.clientip import client_ip

from . import choice as choices
from .declarations import optional
from .privacy import TOPICS


def choose(request, allowed: set[str]) -> choices.Choice:
    """The visitor allows the optional categories in ``allowed`` and no other: append each
    category whose answer is new (a first choice, a change, or new words) to the ledger,
    under the consent id and the account if logged in, and return the choice to store."""
    before = choices.of(request)
    now = choices.Choice(True, before.visitor or choices.new_visitor(),
                         frozenset(allowed) & {c.key for c in optional()})
    user = request.user if request.user.is_authenticated else None
    with transaction.atomic():
        for category in optional():
            given = category.key in now.allowed
            if before.made and (category.key in before.allowed) == given:
                continue
            topic = TOPICS[category.key]
            consents.record(topic.key, given=given, method=Consent.Method.BANNER, user=user,
                            visitor=now.visitor, words=str(topic.ask), ip=client_ip(request))
    return now
