"""An SMS gateway for the demo and the tests, answering as 46elks does.

``POST a1/sms`` (HTTP Basic auth) takes ``from``, ``to``, ``message`` and an optional
``whendelivered`` URL, keeps the message (``store``) and answers with its JSON; the
delivery report (``id``, ``status=delivered``, ``delivered``) is POSTed to that URL as
``TILLIT_SMS_EMULATOR_REPORTS`` says (the demo: from a thread, after the answer, as the
gateway would; the tests: "off", a test POSTs it itself). ``inbox/`` shows the messages
per number, as the people's phones would, with a reply box: a reply is POSTed to the
shop's incoming-SMS URL with 46elks' fields (``from``, ``to``, ``message``, ``id``,
``direction``, ``created``), as the gateway does with an answer such as STOPP.
"""

from __future__ import annotations

import base64
import hmac
import logging
import threading

import httpx
from django import forms
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from tillit.core.links import absolute
from tillit.core.phone import NotAMobileNumber, mobile_e164
from tillit.sms.client import MAX_LENGTH, SENDER_RE

from . import store

log = logging.getLogger("tillit.sms")


def _authorised(request) -> bool:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        user, _, password = base64.b64decode(header[6:]).partition(b":")
    except ValueError:
        return False
    return (hmac.compare_digest(user, settings.TILLIT_SMS_EMULATOR_USERNAME.encode())
            and hmac.compare_digest(password, settings.TILLIT_SMS_EMULATOR_PASSWORD.encode()))


class SendForm(forms.Form):
    sender = forms.CharField(max_length=16)
    to = forms.CharField(max_length=20)
    message = forms.CharField(max_length=MAX_LENGTH, strip=False)
    whendelivered = forms.URLField(required=False, max_length=500, assume_scheme="https")

    def clean_sender(self):
        if not SENDER_RE.fullmatch(self.cleaned_data["sender"]):
            raise forms.ValidationError("Invalid from")
        return self.cleaned_data["sender"]

    def clean_to(self):
        if not self.cleaned_data["to"].startswith("+"):
            raise forms.ValidationError("Invalid to number")
        try:
            return mobile_e164(self.cleaned_data["to"])
        except NotAMobileNumber:
            raise forms.ValidationError("Invalid to number") from None


@csrf_exempt
@require_POST
def send(request):
    if not _authorised(request):
        return HttpResponse("Unauthorized", status=401,
                            headers={"WWW-Authenticate": 'Basic realm="sms"'})
    data = request.POST.copy()
    data["sender"] = data.get("from", "")
    form = SendForm(data)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return HttpResponseBadRequest(f"{first}", content_type="text/plain")
    record = store.save(direction="outgoing", sender=form.cleaned_data["sender"],
                        to=form.cleaned_data["to"], message=form.cleaned_data["message"],
                        status="created")
    report_to = form.cleaned_data["whendelivered"]
    # Reports go only to the shop the emulator serves, never to any URL a caller names.
    if report_to and report_to.startswith(settings.TILLIT_PUBLIC_URL.rstrip("/") + "/"):
        _report(report_to, record["id"])
    return JsonResponse({k: record[k] for k in
                         ("id", "status", "direction", "from", "to", "message", "created",
                          "parts")})


def _post(url: str, data: dict) -> int | None:
    try:
        with httpx.Client(transport=settings.TILLIT_SMS.get("transport"), timeout=10) as http:
            return http.post(url, data=data).status_code
    except httpx.HTTPError as exc:
        log.warning("SMS emulator could not reach the shop: %s", type(exc).__name__)
        return None


def _report(url: str, message_id: str) -> None:
    mode = getattr(settings, "TILLIT_SMS_EMULATOR_REPORTS", "background")
    data = {"id": message_id, "status": "delivered", "delivered": timezone.now().isoformat()}
    if mode == "background":
        threading.Thread(target=_post, args=(url, data), name="sms-emulator-report",
                         daemon=True).start()


class ReplyForm(forms.Form):
    number = forms.CharField(max_length=20)
    message = forms.CharField(max_length=MAX_LENGTH)

    def clean_number(self):
        try:
            return mobile_e164(self.cleaned_data["number"])
        except NotAMobileNumber:
            raise forms.ValidationError("Ange ett mobilnummer.") from None


@require_GET
def inbox(request):
    return render(request, "sms/emulator_inbox.html", {
        "threads": store.threads(), "form": ReplyForm(), "max_length": MAX_LENGTH,
        "sent": request.GET.get("svar", "")})


@require_POST
def reply(request):
    """A person answers from their phone: the gateway POSTs it to the shop."""
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return render(request, "sms/emulator_inbox.html", {
            "threads": store.threads(), "form": form, "max_length": MAX_LENGTH},
            status=400)
    record = store.save(direction="incoming", sender=form.cleaned_data["number"],
                        to=settings.TILLIT_SMS.get("sender", ""),
                        message=form.cleaned_data["message"])
    status = _post(incoming_url(), {
        k: record[k] for k in ("id", "direction", "from", "to", "message", "created")})
    return redirect(f"{reverse('sms_emulator:inbox')}?svar={status or 'fel'}")


def incoming_url() -> str:
    """Where the gateway POSTs an SMS sent to the shop's number: the URL the shop gave it
    (at 46elks, set per number), with the shared secret in it."""
    return absolute(reverse("marketing:sms_incoming",
                            args=[settings.TILLIT_SMS["callback_secret"]]))
