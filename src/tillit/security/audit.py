"""Staff views of a customer's personal data go to the audit log (P33).

Which pages show personal data is not listed here: it follows from the data map. An admin
change page of any model the map declares writes ``AuditEvent.Action.STAFF_VIEW`` naming
who looked (actor), whose data it was (subject: the account, or the e-mail for guest
records) and what (the row and the page), never the data itself. Other staff pages (the
privacy desk) call :func:`record_staff_view` themselves.
"""

from __future__ import annotations

from functools import lru_cache

from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model

from tillit.privacy.datamap import registry
from tillit.privacy.ledger import audit
from tillit.privacy.models import AuditEvent


@lru_cache(maxsize=1)
def _admin_change_pages() -> dict:
    """URL name of each registered model's admin change page -> model."""
    from django.contrib import admin

    return {f"{m._meta.app_label}_{m._meta.model_name}_change": m for m in admin.site._registry}


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


def record_staff_page_view(request, response) -> None:
    """Called by the staff middleware after every response; acts on admin change pages
    that were shown (GET, 200) to a member of staff."""
    match = getattr(request, "resolver_match", None)
    if (match is None or match.namespace != "admin" or request.method != "GET"
            or response.status_code != 200):
        return
    model = _admin_change_pages().get(match.url_name)
    if model is None or registry.get(model) is None:
        return
    actor = request.user
    if not (actor.is_authenticated and actor.is_staff):
        return
    try:
        obj = model._default_manager.filter(pk=unquote(match.kwargs.get("object_id", ""))).first()
    except (ValueError, TypeError):
        return
    if obj is not None:
        record_staff_view(actor, obj, page=f"admin:{match.url_name}")
