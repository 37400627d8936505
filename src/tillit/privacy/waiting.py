"""An erasure that must wait (P31.b): an open order, money held at the checkout provider or
a legal hold stands in the way. The person is told at once, by e-mail, what waits for what
and that the erasure is carried out by itself (the nightly sweep, ``sweep_waiting_erasures``
in ``services.py``) with a confirmation e-mail; an account holder sees the waiting request
on "My details" and may withdraw it there, a guest by the single-use link in that e-mail.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tillit.core import mail

from .ledger import staff_actor
from .models import PrivacyRequest, RequestToken
from .request_links import find_token, new_token, usable
from .requests import close_request, person_of

Kind, Status = PrivacyRequest.Kind, PrivacyRequest.Status
Purpose = RequestToken.Purpose

# A guest's withdrawal link lasts as long as an erasure may reasonably wait (an order's
# delivery and its 14-day return period, a dispute): after that the guest asks again.
WITHDRAW_LINK_DAYS = 180


def _public(path: str) -> str:
    return settings.TILLIT_PUBLIC_URL.rstrip("/") + path


def tell_waiting(req: PrivacyRequest, reasons: list[str], *, address: str, name: str = "",
                 language: str | None = None) -> None:
    """E-mail the person that their erasure ``req`` waits, and for what (``reasons``, as the
    person may be told them: a hold under legal secrecy is not described)."""
    if not address:
        return
    context = {"reasons": reasons, "name": name, "account": req.user_id is not None}
    if req.user_id is not None:
        context["page_url"] = _public(reverse("accounts:profile"))
    else:
        raw = new_token(req, Purpose.WITHDRAW, dt.timedelta(days=WITHDRAW_LINK_DAYS))
        context["withdraw_url"] = _public(reverse("privacy:erase_withdraw", args=[raw]))
    mail.send("privacy/email/erasure_waiting", context, [address], language=language)


def waiting_erasure(user) -> PrivacyRequest | None:
    """The account's erasure request that waits, if any."""
    if getattr(user, "pk", None) is None:
        return None
    return (PrivacyRequest.objects.filter(user=user, kind=Kind.ERASURE, status=Status.WAITING)
            .order_by("received_at").first())


def reasons_now(person) -> list[str]:
    """What the person's erasure waits for today, as the person may be told it."""
    from .erasure import preview, shown_reasons

    return shown_reasons(preview(person))


def withdraw(req: PrivacyRequest, *, actor=None) -> PrivacyRequest:
    """The person takes back their waiting erasure: closed as withdrawn, the sweep leaves
    it. One that is no longer waiting is returned as it is."""
    with transaction.atomic():
        req = PrivacyRequest.objects.select_for_update().get(pk=req.pk)
        if req.kind != Kind.ERASURE or req.status != Status.WAITING:
            return req
        req = close_request(req, status=Status.WITHDRAWN, actor=staff_actor(actor))
        # Told in writing, as the waiting was: nothing will be erased now.
        address = person_of(req).email
        if address:
            mail.send("privacy/email/erasure_withdrawn", {"received_at": req.received_at},
                      [address])
        return req


def check_withdrawal(raw: str) -> PrivacyRequest:
    """The waiting erasure a guest's withdrawal link stands for (does not use the link)."""
    return usable(find_token(raw, Purpose.WITHDRAW)).request


def withdraw_by_link(raw: str) -> PrivacyRequest:
    """Use a guest's withdrawal link: once, and only while the link lasts."""
    with transaction.atomic():
        token = usable(find_token(raw, Purpose.WITHDRAW, lock=True))
        token.used_at = timezone.now()
        token.save(update_fields=["used_at"])
        return withdraw(token.request)
