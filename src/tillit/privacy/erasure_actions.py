"""What erasure does to one declaration's rows (the per-model actions under
``erasure.execute``): detach a kept record from every identifier of the person
(:func:`detach`), hash and clear the declared fields (:func:`anonymise`), take an erased
member of staff out of the rows they made (:func:`unname`), and find the rows an earlier
erasure kept (:func:`kept_rows_for`). Each writes one UPDATE per distinct value, however
many rows the person has.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .datamap import Anonymise, Declaration, Keep, Person
from .hashing import is_hashed, keyed_hash

# The account that stands in for erased members of staff in records that must name an
# account (Django's admin change log): a user ID no one can register (the validators allow
# no parentheses), no password, not active, no personal data.
STAND_IN_USERNAME = "(raderad personal)"


def stand_in(user_model):
    """The stand-in account for erased staff, made the first time it is needed."""
    manager = user_model._default_manager
    found = manager.filter(**{user_model.USERNAME_FIELD: STAND_IN_USERNAME}).first()
    if found is not None:
        return found
    account = user_model(**{user_model.USERNAME_FIELD: STAND_IN_USERNAME}, is_active=False)
    account.set_unusable_password()
    account.save()
    return account


def is_stand_in(user) -> bool:
    return user is not None and user.get_username() == STAND_IN_USERNAME


def made_by_rows(decl: Declaration, person: Person) -> dict[str, models.QuerySet]:
    """Per ``made_by`` link of ``decl``, the rows the person made as staff."""
    if person.account is None:
        return {}
    manager = decl.model._default_manager
    return {link: manager.filter(**{link: person.account}) for link in decl.made_by}


def erased_hash(decl: Declaration, name: str, value: str) -> str:
    """What an erasure writes in place of ``value`` in ``decl``'s field ``name``: a keyed
    hash, its own per model and field, so that a kept or anonymised row can still be
    matched to whoever makes a claim about it, by someone who is given the value again,
    without the shop keeping the value."""
    return keyed_hash(str(value), f"erased:{decl.label}:{name}")


def own_field(path: str) -> str:
    """The model's own field a subject path names, or "" for a path through a relation
    (that link is cut by the related row's own action)."""
    return path if path and "__" not in path else ""


def kept_rows_for(decl: Declaration, who):
    """The rows of ``decl`` kept and locked by an earlier erasure of ``who``, found through
    the keyed hash of the e-mail: for bookkeeping and legal holds only, never for the
    person's rights or pages."""
    person = Person.of(who)
    manager = decl.model._default_manager
    email = own_field(decl.subject.email)
    if not (isinstance(decl.on_erasure, Keep) and decl.subject.locked and email
            and person.email):
        return manager.none()
    return manager.filter(**{f"{decl.subject.locked}__isnull": False,
                             email: erased_hash(decl, email, person.email)})


def detach(decl: Declaration, rows, now) -> int:
    """Cut a kept row from every identifier of the person: its own account link is
    cleared, its own e-mail field replaced by :func:`erased_hash`, and the lock stamped.
    One UPDATE per distinct e-mail value (a person's rows share it), however many rows."""
    action: Keep = decl.on_erasure
    manager = decl.model._default_manager
    pks = list(rows.values_list("pk", flat=True))
    if not pks:
        return 0
    mine = manager.filter(pk__in=pks)
    changes = {}
    if user := own_field(decl.subject.user):
        changes[user] = None
    if action.lock_field:
        changes[action.lock_field] = now

    def write(queryset, values):
        # Write-once rows (issued receipts) accept exactly this change, through lock_kept.
        writer = getattr(queryset, "lock_kept", None) or queryset.update
        if values:
            writer(**values)

    email = own_field(decl.subject.email)
    if email:
        blank = Q(**{email: ""}) | Q(**{f"{email}__isnull": True})
        for value in list(mine.exclude(blank).order_by().values_list(email, flat=True)
                          .distinct()):
            write(mine.filter(**{email: value}),
                  {**changes, email: erased_hash(decl, email, value)})
        write(mine.filter(blank), changes)
    else:
        write(mine, changes)
    return len(pks)


def anonymise(decl: Declaration, rows) -> int:
    """Hash, then clear, the declared fields of ``rows``: one UPDATE per distinct value to
    hash (a person's rows share their e-mail) and one for the cleared fields, however many
    rows the person has."""
    action: Anonymise = decl.on_erasure
    meta = decl.model._meta
    manager = decl.model._default_manager
    pks = list(rows.values_list("pk", flat=True))
    if not pks:
        return 0
    mine = manager.filter(pk__in=pks)
    for name in action.hash:
        values = (mine.exclude(**{f"{name}__isnull": True}).exclude(**{name: ""})
                  .order_by().values_list(name, flat=True).distinct())
        for value in list(values):
            mine.filter(**{name: value}).update(**{name: erased_hash(decl, name, value)})
    clears = {}
    for name in action.clear:
        f = meta.get_field(name)
        clears[f.attname] = None if f.null else ("" if f.empty_strings_allowed
                                                 else f.get_default())
    if clears:
        mine.update(**clears)
    return len(pks)


def unname(decl: Declaration, person: Person) -> int:
    """Cut the person out of the rows they made as staff (:attr:`Declaration.made_by`):
    the link emptied, or moved to the stand-in account where the column cannot be empty,
    and the fields that copy who they were replaced by :func:`erased_hash`."""
    done = 0
    for link, rows in made_by_rows(decl, person).items():
        pks = list(rows.values_list("pk", flat=True))
        if not pks:
            continue
        mine = decl.model._default_manager.filter(pk__in=pks)
        for name in decl.made_by[link]:
            for value in list(mine.exclude(**{name: ""}).order_by()
                              .values_list(name, flat=True).distinct()):
                if not is_hashed(value):
                    mine.filter(**{name: value}).update(
                        **{name: erased_hash(decl, name, value)})
        f = decl.model._meta.get_field(link)
        mine.update(**{f.attname: None if f.null else stand_in(f.related_model).pk})
        done += len(pks)
    return done
