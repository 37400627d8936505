"""System checks: a model cannot hold personal data the data map does not declare.

Every concrete model must be declared (``datamap.declare``) or marked as holding none
(``datamap.no_personal_data``); the error names the fields that look personal (by name,
type, or a relation to the user or a declared model). In a declared model every column
must be declared, be the link to the person, or be listed as ``not_personal``, so a new
column cannot slip past the policy. A model marked as holding none may not link to a
person, and each of its columns whose name looks personal must be listed, with a reason,
in the marking's ``not_personal``. Errors name the model and the field.
"""

import re
import unicodedata

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import models
from django.db.models.functions import Upper

from . import hashing, taxonomy
from .datamap import CONSENT, LEGITIMATE_INTEREST, Anonymise, ClearAfter, Keep, registry

# Words that suggest personal data when they stand alone in a field name (``ip``,
# ``remoteIp``, ``dob``), English and Swedish. They are too short to look for inside other
# words: "ip" is in "shipping", "tel" in "hotel", "ort" in "sort".
_PERSONAL_WORDS = {
    "ip", "ipv", "ua", "agent", "tel", "dob", "ssn", "pnr", "zip", "city", "ort",
    "name", "user", "company", "org", "card", "pwd", "gender", "avatar",
}
# Stems distinctive enough to find anywhere in a name, so that joined names
# (``ipaddress``, ``useragent``, ``customerphone``, ``leveransadress``) are caught too.
_PERSONAL_STEMS = (
    "mail", "epost", "phone", "telefon", "mobil", "addr", "adress", "street", "gatu",
    "postal", "postnummer", "postnr", "zipcode", "remoteip", "clientip", "useragent",
    "birth", "fodelse", "fodd", "person", "namn", "username", "login", "passw", "losenord",
    "session", "iban", "orgnr", "vatnumber", "vatno", "vatnr", "vatid", "momsnr",
    "momsreg", "customer", "kund",
)
# Compounds ending in "name" usually name a person (fullname, firstname, reviewername);
# these few name a thing.
_THING_NAMES = {"filename", "hostname", "pathname", "classname", "codename"}
_PERSONAL_TYPES = (models.EmailField, models.GenericIPAddressField)


def name_words(name: str) -> list[str]:
    """The words of a field name, lower case and without diacritics: split at ``_``,
    digits and camel-case humps (``remoteIPAddr2`` -> remote, ip, addr)."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name)
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return [w for w in re.split(r"[\W_\d]+", plain.lower()) if w]


def looks_personal(field: models.Field) -> bool:
    """Whether the field's type or name suggests personal data (e-mail, phone, name,
    address, IP, user agent, birth date, personnummer ...), in English or Swedish."""
    if isinstance(field, _PERSONAL_TYPES):
        return True
    words = name_words(field.name)
    if set(words) & _PERSONAL_WORDS:
        return True
    if any(w.endswith("name") and w not in _THING_NAMES for w in words):
        return True
    joined = "".join(words)
    return any(stem in joined for stem in _PERSONAL_STEMS)


def _relates_to(field: models.Field, targets: set) -> bool:
    return bool(field.is_relation and field.concrete and field.related_model in targets)


def _user_model():
    return apps.get_model(settings.AUTH_USER_MODEL)


def _concrete(model) -> list[models.Field]:
    return [f for f in model._meta.get_fields()
            if getattr(f, "concrete", False)
            and not (getattr(f, "primary_key", False) and f.auto_created)]


def _check_undeclared(model, declared_models) -> list[checks.CheckMessage]:
    suspects = [f.name for f in _concrete(model)
                if _relates_to(f, declared_models) or looks_personal(f)]
    why = (f" Its fields {', '.join(suspects)} look personal." if suspects else "")
    return [checks.Error(
        f"{model._meta.label} is not in the data map.{why}",
        hint="Declare it in the app's privacy.py with datamap.declare(), or mark the model "
             "with datamap.no_personal_data(model, reason).",
        obj=model, id="tillit.privacy.E001",
    )]


def _check_declaration(decl, declared_models) -> list[checks.CheckMessage]:
    """A declaration against its model, section by section; each section yields
    ``(message, id)``."""
    fields = {f.name: f for f in _concrete(decl.model)}
    sections = (_declared_fields, _every_column_accounted, _uses, _recipients,
                _subject_kinds, _retention_anchor, _anonymise_fits, _keep_fits,
                _hash_rules_fit)
    errors = [checks.Error(message, obj=decl.model, id=eid)
              for section in sections for message, eid in section(decl, fields)]
    return errors + _check_made_by(decl, set(fields))


def _declared_fields(decl, fields):
    label = decl.model._meta.label
    for name, spec in decl.fields.items():
        if name not in fields:
            yield (f"{label}: the data map declares '{name}', which the model lacks.",
                   "tillit.privacy.E002")
        if spec.category not in taxonomy.CATEGORIES:
            yield (f"{label}.{name}: unknown data category '{spec.category}'.",
                   "tillit.privacy.E003")
        if spec.source not in taxonomy.SOURCES:
            yield f"{label}.{name}: unknown source '{spec.source}'.", "tillit.privacy.E003"
    for name in decl.subject.link_fields() - set(fields):
        yield (f"{label}: the subject path starts at '{name}', which the model lacks.",
               "tillit.privacy.E002")


def _every_column_accounted(decl, fields):
    """Every column is declared, the link to the person, or not personal, and what is
    called not personal does not link to or hold personal data."""
    label, link = decl.model._meta.label, decl.subject.link_fields()
    for name in decl.not_personal:
        if name not in fields:
            yield (f"{label}: not_personal names '{name}', which the model lacks.",
                   "tillit.privacy.E002")
    for f in fields.values():
        if f.name in decl.fields or f.name in link or f.name in decl.not_personal:
            continue
        yield (f"{label}.{f.name} is not declared in the data map (declare it, or list it "
               f"in not_personal if it holds no personal data).", "tillit.privacy.E001")
    for name in decl.not_personal:
        f = fields.get(name)
        if f is not None and (_relates_to(f, {_user_model()}) or isinstance(f, _PERSONAL_TYPES)):
            yield (f"{label}.{name} is listed as not personal but links to or holds "
                   f"personal data.", "tillit.privacy.E007")


def _uses(decl, fields):
    label = decl.model._meta.label
    if not decl.uses:
        yield (f"{label}: the data map names no use (purpose and legal basis).",
               "tillit.privacy.E004")
    for use in decl.uses:
        if use.purpose not in taxonomy.PURPOSES:
            yield f"{label}: unknown purpose '{use.purpose}'.", "tillit.privacy.E004"
        if use.basis not in taxonomy.BASES:
            yield f"{label}: unknown legal basis '{use.basis}'.", "tillit.privacy.E004"
        for name in use.fields:
            if name not in decl.fields:
                yield (f"{label}: a use names '{name}', which is not a declared field.",
                       "tillit.privacy.E004")
        if is_optional_use(use) and not use.stoppable:
            yield (f"{label}: the use '{use.purpose}' is marketing or personalisation on "
                   f"{use.basis}: a restriction of processing must stop it "
                   f"(Use(..., stoppable=True)).", "tillit.privacy.E010")


def is_optional_use(use) -> bool:
    """Marketing and personalisation the shop may do but need not (consent or legitimate
    interest): what a person's restriction of processing stops (GDPR art. 18)."""
    optional = use.purpose.startswith(("marketing.communications", "marketing.advertising",
                                       "personalize"))
    return optional and use.basis in (CONSENT, LEGITIMATE_INTEREST)


def _recipients(decl, fields):
    label = decl.model._meta.label
    for recipient, names in decl.recipients.items():
        if recipient not in taxonomy.RECIPIENTS:
            yield f"{label}: unknown recipient '{recipient}'.", "tillit.privacy.E005"
        for name in names or ():
            if name not in decl.fields:
                yield (f"{label}: recipient '{recipient}' names '{name}', which is not a "
                       f"declared field.", "tillit.privacy.E005")


def _subject_kinds(decl, fields):
    for kind in decl.subject.kinds:
        if kind not in taxonomy.DATA_SUBJECTS:
            yield (f"{decl.model._meta.label}: unknown kind of data subject '{kind}'.",
                   "tillit.privacy.E005")


def _retention_anchor(decl, fields):
    label = decl.model._meta.label
    anchor = getattr(decl.retention, "anchor", "")
    if anchor and anchor.split("__", 1)[0] not in fields:
        yield (f"{label}: the retention rule counts from '{anchor}', which the model lacks.",
               "tillit.privacy.E006")
    if isinstance(decl.on_erasure, Keep) and not anchor:
        yield (f"{label}: a record kept on erasure needs a retention rule that ends.",
               "tillit.privacy.E006")


def _anonymise_fits(decl, fields):
    """Against the real schema: what an anonymising erasure writes must fit the column."""
    if not isinstance(decl.on_erasure, Anonymise):
        return
    label = decl.model._meta.label
    for name in (*decl.on_erasure.clear, *decl.on_erasure.hash):
        if name not in fields:
            yield (f"{label}: erasure would clear '{name}', which the model lacks.",
                   "tillit.privacy.E006")
    for name in decl.on_erasure.clear:
        if name in fields and not _can_be_cleared(fields[name]):
            yield (f"{label}.{name}: erasure would clear it, but the column can be "
                   f"neither NULL nor empty.", "tillit.privacy.E006")
    for name in decl.on_erasure.hash:
        if name in fields and not _can_hold_hash(fields[name]):
            yield (f"{label}.{name}: erasure would write a keyed hash into it, but it is "
                   f"not a text field long enough ({HASH_LENGTH} characters).",
                   "tillit.privacy.E006")


def _keep_fits(decl, fields):
    """A kept record is detached on erasure: its e-mail becomes a keyed hash, its account
    link is emptied, and its lock field is stamped."""
    if not isinstance(decl.on_erasure, Keep):
        return
    label = decl.model._meta.label
    email = decl.subject.email
    if email in fields and not _can_hold_hash(fields[email]):
        yield (f"{label}.{email}: a kept record's e-mail becomes a keyed hash on "
               f"erasure, but the field is too short for one ({HASH_LENGTH} characters).",
               "tillit.privacy.E006")
    link = decl.subject.user
    if link in fields and not fields[link].null:
        yield (f"{label}.{link} must be nullable: erasure detaches kept records from "
               f"the account.", "tillit.privacy.E006")
    lock = decl.on_erasure.lock_field
    if lock and lock not in fields:
        yield f"{label}: the lock field '{lock}' is missing.", "tillit.privacy.E006"
    elif lock and not (isinstance(fields[lock], models.DateTimeField) and fields[lock].null):
        yield (f"{label}.{lock}: the lock field must be a nullable date-time field (empty "
               f"until an erasure locks the row).", "tillit.privacy.E006")


def _hash_rules_fit(decl, fields):
    label = decl.model._meta.label
    for name, rule in decl.field_rules():
        for anchor in rule.anchors:
            if anchor.split("__", 1)[0] not in fields:
                yield (f"{label}.{name}: the field's rule counts from '{anchor}', which the "
                       f"model lacks.", "tillit.privacy.E006")
        if isinstance(rule, ClearAfter):
            if name in fields and fields[name].null is False and not isinstance(
                    fields[name], models.CharField | models.TextField):
                yield (f"{label}.{name}: a field cleared after a period must be a text field "
                       f"(it is emptied).", "tillit.privacy.E008")
        elif name in fields and not _can_hold_hash(fields[name]):
            yield (f"{label}.{name}: a field hashed after a period must be a text field "
                   f"long enough for a keyed hash ({HASH_LENGTH} characters).",
                   "tillit.privacy.E008")


def _check_made_by(decl, field_names) -> list[checks.CheckMessage]:
    """Every link to an account is the subject's or a ``made_by`` link, each ``made_by``
    link is a relation to the account model, and the fields that copy who made the row can
    hold the keyed hash erasure writes into them."""
    model, label, errors = decl.model, decl.model._meta.label, []
    user_model = _user_model()
    subject_links = decl.subject.link_fields()
    for f in _concrete(model):
        if _relates_to(f, {user_model}) and f.name not in subject_links \
                and f.name not in decl.made_by:
            errors.append(checks.Error(
                f"{label}.{f.name} links to an account but is neither the subject's link "
                f"nor a made_by link: an erasure of that account would not know what to "
                f"do with it.", obj=model, id="tillit.privacy.E009"))
    for link, labels in decl.made_by.items():
        if link not in field_names or not _relates_to(model._meta.get_field(link),
                                                      {user_model}):
            errors.append(checks.Error(
                f"{label}: made_by names '{link}', which is not a link to an account.",
                obj=model, id="tillit.privacy.E009"))
        for name in labels:
            if name not in field_names or not _can_hold_hash(model._meta.get_field(name)):
                errors.append(checks.Error(
                    f"{label}.{name}: erasure hashes who made the row into it, but it is not "
                    f"a text field long enough ({HASH_LENGTH} characters).",
                    obj=model, id="tillit.privacy.E009"))
    return errors


def _can_be_cleared(field: models.Field) -> bool:
    """Whether erasure can empty the column: NULL, an empty string, or a default."""
    if field.null:
        return True
    if field.is_relation:
        return False
    return field.empty_strings_allowed or field.has_default()


def _check_marked_none(model, marking, declared_models) -> list[checks.CheckMessage]:
    """A model marked as holding no personal data may not link to a person or hold an
    e-mail or IP address at all; a column whose name looks personal must be listed in the
    marking's ``not_personal`` with the reason it is not."""
    label, errors = model._meta.label, []
    fields = {f.name: f for f in _concrete(model)}
    for name in marking.not_personal:
        if name not in fields:
            errors.append(checks.Error(
                f"{label}: not_personal names '{name}', which the model lacks.",
                obj=model, id="tillit.privacy.E002"))
    for f in fields.values():
        if _relates_to(f, declared_models) or isinstance(f, _PERSONAL_TYPES):
            errors.append(checks.Error(
                f"{label} is marked as holding no personal data but {f.name} links to or "
                f"holds personal data.", obj=model, id="tillit.privacy.E007"))
        elif looks_personal(f) and f.name not in marking.not_personal:
            errors.append(checks.Error(
                f"{label} is marked as holding no personal data but {f.name} looks "
                f"personal.",
                hint="Declare the model with datamap.declare(), or, if the column holds "
                     "no personal data, list it in no_personal_data(..., not_personal="
                     "{name: reason}).",
                obj=model, id="tillit.privacy.E007"))
    return errors


HASH_LENGTH = len(hashing.PREFIX) + 64


def _can_hold_hash(field: models.Field) -> bool:
    return (isinstance(field, models.CharField | models.TextField)
            and (field.max_length is None or field.max_length >= HASH_LENGTH))


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
            errors += _check_marked_none(model, reg.none[model], declared)
        else:
            errors += _check_undeclared(model, declared)
    return errors


@checks.register("privacy")
def check_data_map(app_configs=None, **kwargs):
    return check_models(apps.get_models())


def _email_field(model, path: str):
    """The model and field at the end of a subject's e-mail path (``order__email``)."""
    *steps, name = path.split("__")
    for step in steps:
        model = model._meta.get_field(step).related_model
    return model, model._meta.get_field(name)


def _has_case_insensitive_index(model, field) -> bool:
    for index in model._meta.indexes:
        for expression in getattr(index, "expressions", ()):
            # iexact compares UPPER(...) on PostgreSQL, so only that index serves it.
            if (isinstance(expression, Upper) and len(expression.source_expressions) == 1
                    and getattr(expression.source_expressions[0], "name", None)
                    in (field.name, field.attname)):
                return True
    return False


def check_email_lookups(reg=registry) -> list[checks.CheckMessage]:
    """A person's rows are found by e-mail in any letter case (``iexact``: ``UPPER(email)``
    in SQL). Without an index on that expression the database reads the whole table for
    every access export and erasure, so their time grows with the size of the shop."""
    warnings, seen = [], set()
    for decl in reg:
        if not decl.subject.email:
            continue
        model, field = _email_field(decl.model, decl.subject.email)
        if (model, field.name) in seen or _has_case_insensitive_index(model, field):
            continue
        seen.add((model, field.name))
        warnings.append(checks.Warning(
            f"{model._meta.label}.{field.name} is how the rights find a person's rows by "
            f"e-mail, but it has no case-insensitive index: every export and erasure would "
            f"read the whole table.",
            hint=f"Add models.Index(Upper(\"{field.name}\"), name=...) to "
                 f"{model._meta.label}'s Meta.indexes.",
            obj=model, id="tillit.privacy.W001"))
    return warnings


@checks.register("privacy")
def check_email_lookup_indexes(app_configs=None, **kwargs):
    return check_email_lookups()
