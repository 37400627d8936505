"""System checks: a model cannot hold personal data the data map does not declare.

Any concrete model that relates to the user model or to a declared model, or that has a
field whose name or type suggests personal data, must be declared (``datamap.declare``) or
marked as holding none (``datamap.no_personal_data``). In a declared model, every field
that looks personal must be declared, be the link to the person, or be listed as
``not_personal``. Errors name the model and the field.
"""

import re

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import models

from . import taxonomy
from .datamap import Anonymise, Keep, registry

_PERSONAL_WORDS = {
    "email", "mail", "phone", "mobile", "name", "address", "street", "postal", "zip",
    "city", "ip", "agent", "birth", "ssn", "personnummer", "username", "password",
    "session", "company", "org", "vat", "iban", "card", "login",
}
_PERSONAL_TYPES = (models.EmailField, models.GenericIPAddressField)


def looks_personal(field: models.Field) -> bool:
    if isinstance(field, _PERSONAL_TYPES):
        return True
    words = set(re.split(r"[_\d]+", field.name.lower()))
    return bool(words & _PERSONAL_WORDS)


def _relates_to(field: models.Field, targets: set) -> bool:
    return bool(field.is_relation and field.concrete and field.related_model in targets)


def _user_model():
    return apps.get_model(settings.AUTH_USER_MODEL)


def _check_undeclared(model, declared_models) -> list[checks.CheckMessage]:
    errors = []
    for f in model._meta.get_fields():
        if not f.concrete:
            continue
        if _relates_to(f, declared_models) or looks_personal(f):
            errors.append(checks.Error(
                f"{model._meta.label}.{f.name} may hold personal data, but "
                f"{model._meta.label} is not in the data map.",
                hint="Declare it in the app's privacy.py with datamap.declare(), or mark "
                     "the model with datamap.no_personal_data(model, reason).",
                obj=model, id="tillit.privacy.E001",
            ))
    return errors


def _check_declaration(decl, declared_models) -> list[checks.CheckMessage]:
    model, errors = decl.model, []
    label = model._meta.label

    def error(msg, eid):
        errors.append(checks.Error(msg, obj=model, id=eid))

    field_names = {f.name for f in model._meta.get_fields() if f.concrete}
    link = decl.subject.link_fields()
    for name, spec in decl.fields.items():
        if name not in field_names:
            error(f"{label}: the data map declares '{name}', which the model lacks.",
                  "tillit.privacy.E002")
        if spec.category not in taxonomy.CATEGORIES:
            error(f"{label}.{name}: unknown data category '{spec.category}'.",
                  "tillit.privacy.E003")
        if spec.source not in taxonomy.SOURCES:
            error(f"{label}.{name}: unknown source '{spec.source}'.", "tillit.privacy.E003")
    for name in link - field_names:
        error(f"{label}: the subject path starts at '{name}', which the model lacks.",
              "tillit.privacy.E002")
    for f in model._meta.get_fields():
        if not f.concrete or f.name in decl.fields or f.name in link:
            continue
        if f.name in decl.not_personal:
            continue
        if _relates_to(f, declared_models) or looks_personal(f):
            error(f"{label}.{f.name} may hold personal data but is not declared in the "
                  f"data map.", "tillit.privacy.E001")
    if not decl.uses:
        error(f"{label}: the data map names no use (purpose and legal basis).",
              "tillit.privacy.E004")
    for use in decl.uses:
        if use.purpose not in taxonomy.PURPOSES:
            error(f"{label}: unknown purpose '{use.purpose}'.", "tillit.privacy.E004")
        if use.basis not in taxonomy.BASES:
            error(f"{label}: unknown legal basis '{use.basis}'.", "tillit.privacy.E004")
    for recipient in decl.recipients:
        if recipient not in taxonomy.RECIPIENTS:
            error(f"{label}: unknown recipient '{recipient}'.", "tillit.privacy.E005")
    for kind in decl.subject.kinds:
        if kind not in taxonomy.DATA_SUBJECTS:
            error(f"{label}: unknown kind of data subject '{kind}'.", "tillit.privacy.E005")
    anchor = getattr(decl.retention, "anchor", "")
    if anchor and anchor.split("__", 1)[0] not in field_names:
        error(f"{label}: the retention rule counts from '{anchor}', which the model lacks.",
              "tillit.privacy.E006")
    if isinstance(decl.on_erasure, Anonymise):
        for name in (*decl.on_erasure.clear, *decl.on_erasure.hash):
            if name not in field_names:
                error(f"{label}: erasure would clear '{name}', which the model lacks.",
                      "tillit.privacy.E006")
    if isinstance(decl.on_erasure, Keep) and not anchor:
        error(f"{label}: a record kept on erasure needs a retention rule that ends.",
              "tillit.privacy.E006")
    return errors


def check_models(models_to_check, reg=registry) -> list[checks.CheckMessage]:
    """Check ``models_to_check`` against the data map ``reg``."""
    user_model = _user_model()
    declared = set(reg.declarations) | {user_model}
    errors = []
    for model in models_to_check:
        if model._meta.abstract or model._meta.proxy or not model._meta.managed:
            continue
        if model in reg.declarations:
            errors += _check_declaration(reg.declarations[model], declared)
        elif model in reg.none:
            for f in model._meta.get_fields():
                if _relates_to(f, {user_model}):
                    errors.append(checks.Error(
                        f"{model._meta.label} is marked as holding no personal data but "
                        f"{f.name} links it to a person.", obj=model, id="tillit.privacy.E007"))
        else:
            errors += _check_undeclared(model, declared)
    return errors


@checks.register("privacy")
def check_data_map(app_configs=None, **kwargs):
    return check_models(apps.get_models())
