"""Public privacy pages: the generated policy, and the rights pages (P04, P29, P31).

Account holders use the rights from "My details" without contacting anyone: a one-time
download of their export, and erasure after re-entering their password. Guests ask by
e-mail address; every address gets the same answer and the same e-mail, and nothing is
looked up until the link in it is used. Links that are not (or not yours) answer 404; used
or expired links answer 410 with a page that says what to do; never a 500, never data.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from tillit.privacy import erasure, selectors, services
from tillit.privacy import policy as policy_module
from tillit.privacy.datamap import Person
from tillit.privacy.models import PrivacyRequest
from tillit.privacy.waiting import reasons_now
from tillit.security.ratelimit import rate_limited

from .forms import (
    ConfirmErasureForm,
    GuestRequestForm,
    PasswordCheckForm,
    RestrictOrObjectForm,
)

# How long a re-entered password opens the erasure confirmation.
REAUTH_MINUTES = 10
_REAUTH_KEY = "privacy_erasure_reauth"
_VERIFIED_KEY = "privacy_verified_requests"


def _posted(request):
    return request.POST if request.method == "POST" else None


def _language(request) -> str:
    return translation.get_language() or "sv"


LINK_REASONS = {
    "unknown": _("This link does not work. Check that you copied all of it, and that you "
                 "are logged in to the account or use the browser that asked for it."),
    "used": _("This link has already been used. Each link works once."),
    "expired": _("This link has expired."),
}


def _refused(request, exc: services.LinkRefused):
    return render(request, "rights/link_refused.html",
                  {"reason": exc.reason, "message": LINK_REASONS[exc.reason]},
                  status=exc.status)


@require_safe
def policy(request):
    """The privacy policy, generated from the data map (``/integritetspolicy``,
    ``/en/privacy-policy``)."""
    document, version = policy_module.current_version()
    return render(request, policy_module.TEMPLATE, {"policy": document, "version": version})


# Guests and everyone: ask by e-mail ------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("privacy_request")
def rights(request):
    """What you can do about your data, and the form to ask by e-mail address."""
    form = GuestRequestForm(_posted(request))
    if form.is_valid():
        services.ask_by_email(
            form.cleaned_data["email"], form.cleaned_data["kind"], language=_language(request),
            message=form.cleaned_data["message"].strip(),
            link=lambda token: request.build_absolute_uri(
                reverse("privacy:verify", args=[token])))
        return redirect("privacy:sent")
    return render(request, "rights/rights.html", {
        "form": form, "restrict_form": RestrictOrObjectForm() if request.user.is_authenticated
        else None})


@login_required
@require_http_methods(["POST"])
@rate_limited("privacy_request")
def restrict_or_object(request):
    """An account holder's restriction or objection, recorded for staff to answer."""
    form = RestrictOrObjectForm(request.POST)
    if not form.is_valid():
        return render(request, "rights/rights.html", {
            "form": GuestRequestForm(), "restrict_form": form}, status=400)
    req = services.ask_for_restriction_or_objection(
        request.user, form.cleaned_data["kind"], form.cleaned_data["message"].strip())
    return render(request, "rights/request_recorded.html", {"req": req})


@require_safe
def sent(request):
    """The same answer for every address, known or not."""
    return render(request, "rights/sent.html", {"hours": services.verify_hours()})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request, token: str):
    """The link in the verification e-mail. Opening it changes nothing (mail scanners open
    links too); the button below it uses it, once."""
    try:
        if request.method != "POST":
            found = services.check_verification(token)
            return render(request, "rights/verify.html", {"kind": found.request.kind})
        req = services.verify(token)
    except services.LinkRefused as exc:
        return _refused(request, exc)
    if req.kind in (PrivacyRequest.Kind.RESTRICTION, PrivacyRequest.Kind.OBJECTION):
        return render(request, "rights/request_recorded.html", {"req": req})
    if req.kind == PrivacyRequest.Kind.ACCESS:
        if not request.session.session_key:
            request.session.save()
            request.session.modified = True  # so the browser gets the session cookie
        download = services.grant_download(req, session_key=request.session.session_key)
        return redirect("privacy:export_ready", token=download)
    if selectors.account_with_email(req.email) is not None:
        # Only the holder of the mailbox sees this: an account's erasure asks for its
        # password, as the account page does.
        return render(request, "rights/use_account.html")
    verified = request.session.get(_VERIFIED_KEY, {})
    until = timezone.now() + dt.timedelta(minutes=services.VERIFIED_SESSION_MINUTES)
    verified[str(req.pk)] = until.isoformat()
    request.session[_VERIFIED_KEY] = verified
    return redirect("privacy:guest_erase", pk=req.pk)


# Access: one-time download --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def export_request(request):
    if request.method == "POST":
        token = services.request_export(request.user)
        return redirect("privacy:export_ready", token=token)
    return render(request, "rights/export_request.html",
                  {"days": services.export_link_days()})


@never_cache
@require_safe
def export_ready(request, token: str):
    try:
        found = services.check_download(token, user=request.user,
                                        session_key=request.session.session_key)
    except services.LinkRefused as exc:
        return _refused(request, exc)
    return render(request, "rights/export_ready.html",
                  {"token": token, "expires_at": found.expires_at})


@never_cache
@require_safe
def export_download(request, token: str):
    try:
        blob, filename = services.take_download(
            token, user=request.user, session_key=request.session.session_key,
            language=_language(request))
    except services.LinkRefused as exc:
        return _refused(request, exc)
    response = HttpResponse(blob, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Erasure --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("privacy_request")
def erase_start(request):
    """Step 1: re-enter the password."""
    form = PasswordCheckForm(_posted(request), user=request.user)
    if form.is_valid():
        request.session[_REAUTH_KEY] = timezone.now().isoformat()
        return redirect("privacy:erase_confirm")
    return render(request, "rights/erase_start.html", {"form": form})


def _reauthenticated(request) -> bool:
    try:
        when = dt.datetime.fromisoformat(request.session.get(_REAUTH_KEY, ""))
    except (TypeError, ValueError):
        return False
    return timezone.now() - when < dt.timedelta(minutes=REAUTH_MINUTES)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def erase_confirm(request):
    """Step 2: the preview (what goes, what stays, why, until when), then confirm."""
    if not _reauthenticated(request):
        return redirect("privacy:erase_start")
    form = ConfirmErasureForm(_posted(request))
    if form.is_valid():
        try:
            services.request_erasure(request.user, language=_language(request))
        except erasure.ErasureRefused:
            # A page of its own, so reloading it asks nothing again.
            return redirect("privacy:erase_waiting")
        logout(request)
        return redirect("privacy:goodbye")
    return render(request, "rights/erase_preview.html", {
        "plan": erasure.preview(request.user), "form": form,
    })


def _verified_request(request, pk: int) -> PrivacyRequest:
    """The guest's verified erasure request ``pk``, only in the browser that verified it."""
    until = request.session.get(_VERIFIED_KEY, {}).get(str(pk), "")
    try:
        valid = dt.datetime.fromisoformat(until) > timezone.now()
    except (TypeError, ValueError):
        valid = False
    if not valid:
        raise Http404
    return get_object_or_404(PrivacyRequest, pk=pk, kind=PrivacyRequest.Kind.ERASURE,
                             channel=PrivacyRequest.Channel.EMAIL, user__isnull=True,
                             status__in=(PrivacyRequest.Status.OPEN,
                                         PrivacyRequest.Status.WAITING))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def guest_erase(request, pk: int):
    """A verified guest's preview and confirmation."""
    req = _verified_request(request, pk)
    person = Person(email=req.email)
    form = ConfirmErasureForm(_posted(request))
    if form.is_valid():
        try:
            services.erase(person, req=req, language=_language(request))
        except erasure.ErasureRefused as refused:
            return render(request, "rights/erase_waiting.html",
                          {"reasons": refused.shown})
        request.session.pop(_VERIFIED_KEY, None)
        return redirect("privacy:goodbye")
    return render(request, "rights/erase_preview.html", {
        "plan": erasure.preview(person), "form": form, "guest": True,
    })


@never_cache
@login_required
@require_safe
def erase_waiting(request):
    """The account holder's erasure waits: for what, and that it happens by itself."""
    if services.waiting_erasure(request.user) is None:
        return redirect("accounts:profile")
    return render(request, "rights/erase_waiting.html",
                  {"reasons": reasons_now(Person.of(request.user))})


@login_required
@require_http_methods(["POST"])
def erase_withdraw_mine(request):
    """An account holder takes back their waiting erasure, from "My details"."""
    req = services.waiting_erasure(request.user)
    if req is not None:
        services.withdraw(req, actor=request.user)
        messages.success(request, _("Your erasure request is withdrawn. Your account stays "
                                    "as it is."))
    return redirect("accounts:profile")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def erase_withdraw(request, token: str):
    """A guest's link to withdraw a waiting erasure. Opening it changes nothing (mail
    scanners open links too); the button uses it, once."""
    try:
        if request.method != "POST":
            services.check_withdrawal(token)
            return render(request, "rights/erase_withdraw.html")
        req = services.withdraw_by_link(token)
    except services.LinkRefused as exc:
        return _refused(request, exc)
    return render(request, "rights/erase_withdraw.html", {"done": True, "req": req})


@require_safe
def goodbye(request):
    return render(request, "rights/goodbye.html")
