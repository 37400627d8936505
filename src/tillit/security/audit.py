"""Staff views of a customer's personal data go to the audit log (P33).

Which pages show personal data is not listed here: it follows from the data map. An admin
change page of any model the map declares writes ``AuditEvent.Action.STAFF_VIEW`` naming
who looked (actor), whose data it was (subject: the account, or the e-mail for guest
records) and what (the row and the page), never the data itself.

A list page of such a model (with or without a search), and the admin's autocomplete
lookups of one, show many people's names and addresses at once: each showing writes one
event naming the model, the page, how many rows were shown and how many matched, and the
names of the filters used. A search term is personal data itself, so it is kept only as a
keyed hash (``admin-search``), which tells whether a given term was searched to someone
who holds the key and nothing to anyone else; when the term is an e-mail address, the
event is also filed under that person (the same keyed hash of the address the log uses
for every event about them), so the person's audit trail on the privacy desk shows that
staff searched for them.

Other staff pages (the privacy desk) call :func:`record_staff_view` themselves.
"""

from __future__ import annotations

import json
from functools import lru_cache

from django.apps import apps
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import IGNORED_PARAMS, SEARCH_VAR
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist

from tillit.privacy.datamap import registry
from tillit.privacy.hashing import keyed_hash
from tillit.privacy.ledger import audit
from tillit.privacy.models import AuditEvent

SEARCH_PURPOSE = "admin-search"


@lru_cache(maxsize=2)
def _admin_pages(page: str) -> dict:
    """URL name of each registered model's admin ``page`` ("change", "changelist") -> model."""
    from django.contrib import admin

    return {f"{m._meta.app_label}_{m._meta.model_name}_{page}": m
            for m in admin.site._registry}


def _follow(obj, path: str):
    for step in path.split("__"):
        obj = getattr(obj, step, None)
        if obj is None:
            return None
    return obj


def subject_of(obj, declaration) -> tuple[object | None, str]:
    """The account and e-mail address a declared row belongs to (either may be empty)."""
    subject = declaration.subject
    user = obj if subject.person else (_follow(obj, subject.user) if subject.user else None)
    if user is not None and not isinstance(user, get_user_model()):
        user = None
    email = _follow(obj, subject.email) if subject.email else ""
    return user, email if isinstance(email, str) else ""


def record_staff_view(actor, obj, *, page: str) -> AuditEvent | None:
    """Log that staff member ``actor`` saw ``obj`` on ``page``, if the data map declares
    its model. A member of staff looking at their own account is not logged."""
    declaration = registry.get(type(obj))
    if declaration is None:
        return None
    user, email = subject_of(obj, declaration)
    if user is not None and user.pk == actor.pk:
        return None
    return audit(AuditEvent.Action.STAFF_VIEW, actor=actor, subject=user, subject_email=email,
                 target=f"{declaration.label}:{obj.pk}",
                 detail={"page": page, "model": declaration.label})


def record_staff_list_view(actor, model, *, page: str, shown: int, matched: int,
                           term: str = "", filters=()) -> AuditEvent | None:
    """Log that ``actor`` saw a list of ``model`` rows on ``page``, if the data map declares
    the model: how many rows were shown and matched, the filter names, and the search term
    only as a keyed hash (see the module's docstring)."""
    declaration = registry.get(model)
    if declaration is None:
        return None
    detail = {"page": page, "model": declaration.label, "shown": shown, "matched": matched}
    if filters:
        detail["filters"] = sorted(filters)
    term = term.strip()
    if term:
        detail["search"] = keyed_hash(term, SEARCH_PURPOSE)
    return audit(AuditEvent.Action.STAFF_VIEW, actor=actor,
                 subject_email=term if "@" in term else "",
                 target=f"{declaration.label} (list)", detail=detail)


def _list_view(request, response, model, url_name: str) -> None:
    changelist = (getattr(response, "context_data", None) or {}).get("cl")
    if changelist is None:
        return
    filters = [name for name in changelist.params
               if name not in IGNORED_PARAMS and name != SEARCH_VAR]
    record_staff_list_view(request.user, model, page=f"admin:{url_name}",
                           shown=len(changelist.result_list),
                           matched=changelist.result_count,
                           term=changelist.query or "", filters=filters)


def _autocomplete_view(request, response) -> None:
    """The admin's autocomplete answers a search with the names of the related rows."""
    params = request.GET
    try:
        source = apps.get_model(params.get("app_label", ""), params.get("model_name", ""))
        model = source._meta.get_field(params.get("field_name", "")).remote_field.model
        shown = len(json.loads(response.content)["results"])
    except (LookupError, ValueError, KeyError, TypeError, AttributeError,
            FieldDoesNotExist):
        return
    record_staff_list_view(request.user, model, page="admin:autocomplete", shown=shown,
                           matched=shown, term=params.get("term", "")[:200])


def record_staff_page_view(request, response) -> None:
    """Called by the staff middleware after every response; acts on admin change, list and
    autocomplete pages that were shown (GET, 200) to a member of staff."""
    match = getattr(request, "resolver_match", None)
    if (match is None or match.namespace != "admin" or request.method != "GET"
            or response.status_code != 200):
        return
    actor = request.user
    if not (actor.is_authenticated and actor.is_staff):
        return
    if match.url_name == "autocomplete":
        _autocomplete_view(request, response)
        return
    listed = _admin_pages("changelist").get(match.url_name)
    if listed is not None:
        _list_view(request, response, listed, match.url_name)
        return
    model = _admin_pages("change").get(match.url_name)
    if model is None or registry.get(model) is None:
        return
    try:
        obj = model._default_manager.filter(pk=unquote(match.kwargs.get("object_id", ""))).first()
    except (ValueError, TypeError):
        return
    if obj is not None:
        record_staff_view(actor, obj, page=f"admin:{match.url_name}")
