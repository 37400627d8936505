"""The privacy desk (P33): staff pages beside the admin, under ``/admin/integritet/`` (so
the security layer's TOTP requirement for staff covers them).

Incoming requests with their one-month deadline, overdue first; a page per person (found by
e-mail address, user ID or account number) with the data map's view of what is held, the
export, the erasure preview and erasure, legal holds and staff rectification; Art. 19
notices; the last retention report; the audit log, searchable by person; the promise
report. Opening a person's page is itself written to the audit log.

A person is named in URLs by ``u<account id>``, ``r<request id>`` or, for an address with
no account, ``e<key>`` where the key maps to the address in the staff member's session, so
e-mail addresses never appear in URLs or server logs.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tillit.accounts import selectors as account_selectors
from tillit.marketing import services as marketing
from tillit.privacy import erasure, selectors, services
from tillit.privacy.datamap import Person
from tillit.privacy.models import PrivacyRequest, RecipientNotice
from tillit.privacy.promises import counts as promise_counts

from .forms import (
    AuditSearchForm,
    CloseRequestForm,
    ConsentEntryForm,
    DisclosureForm,
    HoldForm,
    NewRequestForm,
    PersonSearchForm,
    StaffAddressRectificationForm,
    StaffErasureForm,
    StaffExportForm,
    StaffRectificationForm,
)
from .pages import desk_view, ref_for, ref_for_user, remember, render_desk, resolve
from .person_page import open_request, person_context

# The front page -------------------------------------------------------------------------


@desk_view()
def index(request):
    report = selectors.last_retention_report()
    return render_desk(request, "desk/index.html", {
        "title": _("Privacy desk"),
        "rows": selectors.open_requests(),
        "unverified": selectors.unverified_count(),
        "notices": selectors.pending_notices().count(),
        "holds": [(h, ref_for(request, Person(user=h.user, email=h.email)))
                  for h in selectors.active_holds()],
        "report": report,
        "search_form": PersonSearchForm(),
        "closed": selectors.recently_closed(10),
    })


@desk_view(("GET", "HEAD", "POST"))
def request_new(request):
    form = NewRequestForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        received = timezone.make_aware(dt.datetime.combine(data["received_on"], dt.time(12)))
        req = services.open_request(
            data["kind"], channel=PrivacyRequest.Channel.STAFF,
            user=selectors.account_with_email(data["email"]), email=data["email"],
            received_at=min(received, timezone.now()), verified=data["verified"],
            handled_by=request.user, note=data["note"])
        messages.success(request, _("The request is registered."))
        return redirect("privacy_desk:request", pk=req.pk)
    return render_desk(request, "desk/request_new.html",
                   {"title": _("Register a request"), "form": form})


@desk_view()
def request_detail(request, pk: int):
    req = get_object_or_404(PrivacyRequest.objects.select_related("user", "handled_by"), pk=pk)
    return render_desk(request, "desk/request.html", _request_context(req, CloseRequestForm()))


def _request_context(req: PrivacyRequest, close_form) -> dict:
    return {"title": _("Request #%(pk)s") % {"pk": req.pk}, "req": req,
            "close_form": close_form, "person_ref": f"r{req.pk}",
            "days_left": (req.deadline - timezone.localdate()).days}


@desk_view(("POST",))
def request_verify(request, pk: int):
    req = get_object_or_404(PrivacyRequest, pk=pk)
    if req.verified_at is None:
        req.verified_at = timezone.now()
        req.status = (PrivacyRequest.Status.OPEN if req.status == PrivacyRequest.Status.UNVERIFIED
                      else req.status)
        req.handled_by = request.user
        req.save(update_fields=["verified_at", "status", "handled_by"])
        messages.success(request, _("The requester's identity is marked as verified."))
    return redirect("privacy_desk:request", pk=req.pk)


@desk_view(("POST",))
def request_close(request, pk: int):
    req = get_object_or_404(PrivacyRequest, pk=pk)
    form = CloseRequestForm(request.POST)
    if req.is_closed:
        messages.info(request, _("The request was already closed."))
    elif form.is_valid():
        services.close_request(req, status=form.cleaned_data["status"], actor=request.user,
                               note=form.cleaned_data["note"])
        messages.success(request, _("The request is closed."))
    else:
        return render_desk(request, "desk/request.html", _request_context(req, form),
                       status=400)
    return redirect("privacy_desk:request", pk=req.pk)


# Finding a person -----------------------------------------------------------------------


@desk_view(("GET", "HEAD", "POST"))
def search(request):
    """Find people by e-mail, user ID or account number. POST, so addresses stay out of
    URLs and logs."""
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    results, guest_ref = [], ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        results = [(ref_for_user(u), u) for u in selectors.find_accounts(query)]
        if "@" in query:
            guest_ref = remember(request, query)
    return render_desk(request, "desk/search.html", {
        "title": _("Find a person"), "form": form, "results": results,
        "guest_ref": guest_ref, "searched": form.is_bound and form.is_valid(),
    })


@desk_view()
def person(request, ref: str):
    who = resolve(request, ref)
    services.staff_view(who, actor=request.user, page="desk:person")
    return render_desk(request, "desk/person.html", person_context(request, ref, who))


@desk_view(("POST",))
def person_export(request, ref: str):
    who = resolve(request, ref)
    form = StaffExportForm(request.POST)
    if not form.is_valid():
        return render_desk(request, "desk/person.html",
                       person_context(request, ref, who, export_form=form), status=400)
    blob, filename = services.staff_export(
        who, actor=request.user, req=open_request(who, PrivacyRequest.Kind.ACCESS))
    response = HttpResponse(blob, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@desk_view(("POST",))
def person_erase(request, ref: str):
    who = resolve(request, ref)
    form = StaffErasureForm(request.POST, person=who)
    if not form.is_valid():
        return render_desk(request, "desk/person.html",
                       person_context(request, ref, who, erase_form=form), status=400)
    req = open_request(who, PrivacyRequest.Kind.ERASURE)
    try:
        plan = services.erase(who, actor=request.user, req=req,
                              override_reason=form.cleaned_data["override_reason"])
    except erasure.ErasureRefused as refused:
        return render_desk(request, "desk/person.html", person_context(
            request, ref, who, erase_form=form, erase_errors=refused.reasons), status=409)
    messages.success(request, _("Erased: %(n)d records deleted or anonymised, %(k)d kept.") % {
        "n": sum(s.count for s in plan.deleted + plan.anonymised),
        "k": sum(s.count for s in plan.kept)})
    return redirect("privacy_desk:index")


@desk_view(("POST",))
def person_hold(request, ref: str):
    who = resolve(request, ref)
    form = HoldForm(request.POST)
    if not form.is_valid():
        return render_desk(request, "desk/person.html",
                       person_context(request, ref, who, hold_form=form), status=400)
    services.set_hold(who, reason=form.cleaned_data["reason"],
                      until=form.cleaned_data["until"], actor=request.user,
                      secret=form.cleaned_data["secret"])
    messages.success(request, _("The legal hold is set."))
    return redirect("privacy_desk:person", ref=ref)


@desk_view(("POST",))
def person_disclosure(request, ref: str):
    who = resolve(request, ref)
    form = DisclosureForm(request.POST)
    if not form.is_valid():
        return render_desk(request, "desk/person.html",
                           person_context(request, ref, who, disclosure_form=form),
                           status=400)
    services.record_by_staff(who, actor=request.user, **form.cleaned_data)
    messages.success(request, _("The disclosure is recorded."))
    return redirect("privacy_desk:person", ref=ref)


@desk_view(("POST",))
def person_consent(request, ref: str):
    """A consent or withdrawal the person gave by phone or letter (P20.c)."""
    who = resolve(request, ref)
    form = ConsentEntryForm(request.POST)
    if not form.is_valid():
        return render_desk(request, "desk/person.html",
                           person_context(request, ref, who, consent_form=form), status=400)
    marketing.record_by_staff(topic_key=form.cleaned_data["topic"],
                              given=form.cleaned_data["given"], note=form.cleaned_data["note"],
                              staff=request.user, user=who.user, email=who.email)
    messages.success(request, _("The choice is recorded in the consent ledger."))
    return redirect("privacy_desk:person", ref=ref)


@desk_view(("POST",))
def hold_lift(request, ref: str, pk: int):
    who = resolve(request, ref)
    hold = get_object_or_404(selectors.holds_of(who), pk=pk)
    services.lift_hold(hold, actor=request.user)
    messages.success(request, _("The legal hold is lifted."))
    return redirect("privacy_desk:person", ref=ref)


def _account_of(request, ref: str):
    who = resolve(request, ref)
    if who.user is None:
        raise Http404
    return who, who.user


@desk_view(("GET", "HEAD", "POST"))
def person_rectify(request, ref: str):
    who, user = _account_of(request, ref)
    form = StaffRectificationForm(request.POST if request.method == "POST" else None,
                                  account=user, initial=account_selectors.profile_initial(user))
    if form.is_valid():
        try:
            changed = services.staff_rectify(
                user, form.account_data(), actor=request.user,
                reason=form.cleaned_data["reason"],
                req=open_request(who, PrivacyRequest.Kind.RECTIFICATION))
        except (ValidationError, IntegrityError):
            user.refresh_from_db()
            form.add_error(None, _("The change could not be saved: the e-mail address may "
                                   "belong to another account."))
        else:
            messages.success(request, _("Corrected: %(fields)s.") % {
                "fields": ", ".join(changed) or _("nothing changed")})
            return redirect("privacy_desk:person", ref=ref_for_user(user))
    # The form shows the person's details: each showing is logged.
    services.staff_view(who, actor=request.user, page="desk:rectify")
    return render_desk(request, "desk/rectify.html",
                   {"title": _("Correct details"), "form": form, "ref": ref, "account": user,
                    "addresses": account_selectors.addresses_for(user)},
                   status=400 if form.is_bound else 200)


@desk_view(("GET", "HEAD", "POST"))
def person_rectify_address(request, ref: str, pk: int):
    """Staff correct one address of the person's address book (Art. 16), with a reason;
    logged by field name and passed on to recipients of address data (Art. 19). An
    address of another account is not found."""
    who, user = _account_of(request, ref)
    address = get_object_or_404(account_selectors.addresses_for(user), pk=pk)
    form = StaffAddressRectificationForm(
        request.POST if request.method == "POST" else None,
        initial=account_selectors.address_initial(address))
    if form.is_valid():
        try:
            changed = services.staff_rectify(
                address, form.address_data(), actor=request.user,
                reason=form.cleaned_data["reason"],
                req=open_request(who, PrivacyRequest.Kind.RECTIFICATION))
        except ValidationError as invalid:
            address.refresh_from_db()
            for message in invalid.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Corrected: %(fields)s.") % {
                "fields": ", ".join(changed) or _("nothing changed")})
            return redirect("privacy_desk:person", ref=ref_for_user(user))
    services.staff_view(who, actor=request.user, page="desk:rectify-address")
    return render_desk(request, "desk/rectify.html",
                   {"title": _("Correct an address"), "form": form, "ref": ref,
                    "account": user, "address": address},
                   status=400 if form.is_bound else 200)


# Art. 19 notices, reports, the log ------------------------------------------------------


@desk_view()
def notices(request):
    return render_desk(request, "desk/notices.html", {
        "title": _("Notices to recipients (Art. 19)"),
        "pending": selectors.pending_notices(), "done": selectors.done_notices(),
    })


@desk_view(("POST",))
def notice_done(request, pk: int):
    services.notice_done(get_object_or_404(RecipientNotice, pk=pk), actor=request.user)
    messages.success(request, _("Marked as told."))
    return redirect("privacy_desk:notices")


@desk_view()
def retention_report(request):
    report = selectors.last_retention_report()
    return render_desk(request, "desk/retention.html", {
        "title": _("Retention report"), "report": report,
        "models": sorted((report.detail.get("models") or {}).items()) if report else [],
        "passes": sorted((report.detail.get("passes") or {}).items()) if report else [],
    })


@desk_view(("GET", "HEAD", "POST"))
def audit_log(request):
    form = AuditSearchForm(request.POST if request.method == "POST" else request.GET or None)
    who, action = None, ""
    if form.is_bound and form.is_valid():
        action = form.cleaned_data["action"]
        query = form.cleaned_data["q"].strip()
        if query:
            accounts = list(selectors.find_accounts(query))
            if accounts:
                user = accounts[0]
                who = Person(user=user, email=query if "@" in query else user.email)
            else:
                who = Person(email=query)
            services.staff_view(who, actor=request.user, page="desk:audit")
    events = selectors.audit_log(who, action=action)
    return render_desk(request, "desk/audit.html", {
        "title": _("Audit log"), "form": form, "events": events, "person": who,
    })


@desk_view()
def promises(request):
    report, written = selectors.promise_report(language=translation.get_language() or "sv")
    statuses = {"proven": _("proven"), "partial": _("partly proven"),
                "unproven": _("not proven"), "failing": _("failing")}
    rows = None if report is None else [
        {"promise": p, "status": statuses[p.status],
         "requirements": [(r, statuses[r.status]) for r in p.requirements]}
        for p in report]
    return render_desk(request, "desk/promises.html", {
        "title": _("Promise report"), "report": rows, "written": written,
        "path": selectors.promise_results_path(),
        "counts": promise_counts(report) if report else {},
    })
