"""The desk's pages for restrictions of processing (GDPR art. 18): staff put one in force
for a person, answering their request, and lift it when its ground has passed
(``privacy.restrictions``; the person is told both times)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from tillit.privacy import restrictions, services
from tillit.privacy.models import PrivacyRequest

from .forms import RestrictionForm
from .pages import desk_view, render_desk, resolve
from .person_page import open_request, person_context


@desk_view(("POST",))
def place(request, ref: str):
    who = resolve(request, ref)
    form = RestrictionForm(request.POST)
    if not form.is_valid():
        return render_desk(request, "desk/person.html",
                           person_context(request, ref, who, restriction_form=form),
                           status=400)
    if restrictions.is_restricted(who):
        messages.info(request, _("A restriction is already in force for this person."))
        return redirect("privacy_desk:person", ref=ref)
    services.place_restriction(who, ground=form.cleaned_data["ground"], actor=request.user,
                               req=open_request(who, PrivacyRequest.Kind.RESTRICTION))
    messages.success(request, _("The restriction is in force, and the person is told by "
                                "e-mail."))
    return redirect("privacy_desk:person", ref=ref)


@desk_view(("POST",))
def lift(request, ref: str, pk: int):
    who = resolve(request, ref)
    restriction = get_object_or_404(restrictions.of(who), pk=pk)
    if restriction.lifted_at is not None:
        messages.info(request, _("The restriction was already lifted."))
    else:
        services.lift_restriction(restriction, actor=request.user)
        messages.success(request, _("The restriction is lifted, and the person is told by "
                                    "e-mail."))
    return redirect("privacy_desk:person", ref=ref)
