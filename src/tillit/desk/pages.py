"""What every desk page shares: rendering inside the admin's frame, the staff-only
decorator, and how a person is named in URLs (``u<account id>``, ``r<request id>``, or
``e<key>`` for an address with no account, the key mapping to the address in the staff
member's session, so that e-mail addresses never appear in URLs or server logs)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tillit.privacy import selectors, services
from tillit.privacy.datamap import Person
from tillit.privacy.hashing import keyed_hash
from tillit.privacy.models import PrivacyRequest

_PEOPLE_KEY = "privacy_desk_people"
_MAX_ID_DIGITS = 18


def render_desk(request, template: str, context: dict, status: int = 200):
    return render(request, template, {**admin.site.each_context(request), **context},
                  status=status)


def desk_view(methods=("GET", "HEAD")):
    """Staff only (the admin's login), never cached, limited to ``methods``."""
    def decorate(view):
        return staff_member_required(never_cache(require_http_methods(list(methods))(view)))
    return decorate


def remember(request, email: str) -> str:
    """A URL-safe reference to ``email``, valid in this staff member's session."""
    key = keyed_hash(email, "privacy-desk-ref")[-16:]
    people = request.session.get(_PEOPLE_KEY, {})
    people[key] = email
    request.session[_PEOPLE_KEY] = people
    return f"e{key}"


def ref_for_user(user) -> str:
    return f"u{user.pk}"


def resolve(request, ref: str) -> Person:
    kind, rest = ref[:1], ref[1:]
    if kind in ("u", "r") and rest.isascii() and rest.isdigit() and len(rest) <= _MAX_ID_DIGITS:
        if kind == "u":
            user = selectors.account(int(rest))
            if user is None:
                raise Http404
            return Person.of(user)
        return services.person_of(get_object_or_404(PrivacyRequest, pk=int(rest)))
    if kind == "e":
        email = request.session.get(_PEOPLE_KEY, {}).get(rest)
        if email:
            return Person(email=email)
    raise Http404


def ref_for(request, person: Person) -> str:
    if person.user is not None and person.user.pk is not None:
        return ref_for_user(person.user)
    return remember(request, person.email)
