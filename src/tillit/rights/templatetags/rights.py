"""Template tags of the rights pages, for the pages of other apps that show them ("My
details" shows the account's waiting erasure)."""

from django import template

from tillit.privacy import services
from tillit.privacy.datamap import Person
from tillit.privacy.waiting import reasons_now

register = template.Library()


@register.simple_tag
def waiting_erasure(user) -> dict | None:
    """The account's waiting erasure request and what it waits for now, or None."""
    req = services.waiting_erasure(user)
    if req is None:
        return None
    return {"request": req, "reasons": reasons_now(Person.of(user))}


@register.simple_tag
def restriction_in_force(user) -> dict | None:
    """The account's restriction of processing in force, and what it stops, or None."""
    from tillit.privacy import restrictions

    found = restrictions.current(user)
    if found is None:
        return None
    return {"restriction": found, "stopped": restrictions.stopped_texts()}
