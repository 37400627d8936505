"""The newsletter's pages: sign-up (double opt-in), confirmation, the one-click unsubscribe
link of every campaign e-mail (RFC 8058), the account page's consents (P20), and the SMS
gateway's callbacks (answers such as STOPP, delivery reports)."""

import hmac

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from tillit.privacy import consents
from tillit.security.clientip import client_ip
from tillit.security.origin import same_origin_post
from tillit.security.ratelimit import rate_limited

from . import selectors, services, sms
from .forms import ChoiceForm, SignupForm
from .privacy import NEWSLETTER, SIGNUP_DAYS


@same_origin_post
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("newsletter")
def signup(request):
    """The footer's and the page's sign-up form. Every valid address gets the same answer
    and a confirmation e-mail, subscribed or not."""
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.sign_up(form.cleaned_data["email"], ip=client_ip(request))
        return render(request, "marketing/signup_sent.html", {"days": SIGNUP_DAYS})
    status = 400 if request.method == "POST" else 200
    return render(request, "marketing/signup.html", {"form": form, "words": NEWSLETTER.ask},
                  status=status)


@require_http_methods(["GET", "POST"])
@rate_limited("newsletter_link", methods=("GET", "POST"))
def confirm(request, token):
    """The confirmation link: GET asks (mail scanners open links), POST confirms."""
    try:
        row = services.pending(token)
    except services.LinkInvalid:
        return render(request, "marketing/link_invalid.html", status=404)
    if request.method == "POST":
        services.confirm(token, ip=client_ip(request))
        return render(request, "marketing/confirmed.html")
    return render(request, "marketing/confirm.html", {"email": row.email,
                                                      "words": NEWSLETTER.ask})


@csrf_exempt  # RFC 8058: the mail client posts "List-Unsubscribe=One-Click", no token
@require_http_methods(["GET", "POST"])
@rate_limited("newsletter_link", methods=("GET", "POST"))
def unsubscribe(request, token):
    """The link in every campaign e-mail, and its List-Unsubscribe-Post target. Both
    withdraw at once; the page says so and offers to undo."""
    try:
        row = services.unsubscribe(token, ip=client_ip(request))
    except services.LinkInvalid:
        return render(request, "marketing/link_invalid.html", status=404)
    return render(request, "marketing/unsubscribed.html", {
        "token": token, "topic": consents.get(row.topic)})


@require_POST
@rate_limited("newsletter_link")
def undo(request, token):
    try:
        row = services.undo_unsubscribe(token, ip=client_ip(request))
    except services.LinkInvalid:
        return render(request, "marketing/link_invalid.html", status=404)
    return render(request, "marketing/resubscribed.html", {"topic": consents.get(row.topic)})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def choices(request):
    """The account page's consents: each topic with its state, a one-click yes or no, and
    the history of every choice (P20.a, P20 withdrawal as easy as giving)."""
    if request.method == "POST":
        form = ChoiceForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, "marketing/choices.html",
                          selectors.choices_context(request.user, form=form), status=400)
        services.choose(request.user, form.cleaned_data["topic"], form.cleaned_data["given"],
                        ip=client_ip(request))
        messages.success(request, _("Your choice is saved."))
        return redirect("marketing:choices")
    return render(request, "marketing/choices.html", selectors.choices_context(request.user))


def _gateway(secret: str) -> bool:
    expected = settings.TILLIT_SMS.get("callback_secret", "")
    return bool(expected) and hmac.compare_digest(secret.encode(), expected.encode())


class _IncomingForm(forms.Form):
    sender = forms.CharField(max_length=40)
    message = forms.CharField(max_length=1600)


@csrf_exempt
@require_POST
def sms_incoming(request, secret):
    """The SMS gateway passes on an SMS sent to the shop's number (46elks' fields ``from``,
    ``to``, ``message``). A STOPP withdraws the SMS consent; the empty answer sends no
    reply SMS."""
    if not _gateway(secret):
        raise Http404
    form = _IncomingForm({"sender": request.POST.get("from", ""),
                          "message": request.POST.get("message", "")})
    if not form.is_valid():
        return HttpResponseBadRequest("from and message are required", content_type="text/plain")
    sms.incoming(form.cleaned_data["sender"], form.cleaned_data["message"])
    return HttpResponse("", content_type="text/plain")


@csrf_exempt
@require_POST
def sms_delivery(request, secret):
    """The gateway's delivery report for one SMS (``id``, ``status``)."""
    if not _gateway(secret):
        raise Http404
    gateway_id, status = request.POST.get("id", ""), request.POST.get("status", "")
    if (not gateway_id or len(gateway_id) > 64 or "\x00" in gateway_id
            or status not in sms.REPORTED):
        return HttpResponseBadRequest("id and a known status are required",
                                      content_type="text/plain")
    sms.delivery_report(gateway_id, status)
    return HttpResponse("", content_type="text/plain")


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("newsletter")
def guest_request(request):
    """Without an account: ask for a link to the page of one's consents, by e-mail."""
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.send_guest_link(form.cleaned_data["email"], ip=client_ip(request))
        return render(request, "marketing/guest_sent.html",
                      {"hours": services.GUEST_LINK_HOURS})
    status = 400 if request.method == "POST" else 200
    return render(request, "marketing/guest_request.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@rate_limited("newsletter_link", methods=("GET", "POST"))
def guest_choices(request, token):
    """A guest's consents and their history, each withdrawn in one click (P20)."""
    try:
        email = services.guest_email(token)
    except services.LinkInvalid:
        return render(request, "marketing/link_invalid.html", status=404)
    if request.method == "POST":
        topic = request.POST.get("topic", "")
        if topic not in consents.topics() or topic.startswith("cookies."):
            return render(request, "marketing/guest_choices.html",
                          {**selectors.guest_context(email), "error": True}, status=400)
        services.withdraw_as_guest(email, topic, ip=client_ip(request))
        messages.success(request, _("Your choice is saved."))
        return redirect("marketing:guest_choices", token=token)
    return render(request, "marketing/guest_choices.html", selectors.guest_context(email))
