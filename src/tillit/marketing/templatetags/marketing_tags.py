from django import template

from ..forms import SignupForm
from ..privacy import NEWSLETTER, PERSONALISED

register = template.Library()


@register.inclusion_tag("marketing/_signup_form.html", takes_context=True)
def newsletter_form(context):
    """The footer's sign-up form, with the words the ledger keeps when it is confirmed."""
    return {"form": SignupForm(), "words": NEWSLETTER.ask, "csrf_token": context.get("csrf_token"),
            "footer": True}


@register.inclusion_tag("marketing/_consents_panel.html", takes_context=True)
def consents_panel(context, user):
    """"My details"' box: each marketing topic on or off, the cookie choice of this
    browser, and the ways to change them."""
    from ..selectors import choices_context

    return {**choices_context(user), "cookie_choice": context.get("cookie_choice"),
            "cookie_categories": context.get("cookie_categories", [])}


@register.inclusion_tag("marketing/_suggestions.html")
def suggestions_panel(user):
    """"My details"' suggestions: from the person's purchases with their yes to
    personalised offers, the same as everyone's without it (P22)."""
    from ..suggestions import for_person

    return {"suggestions": for_person(user), "topic": PERSONALISED}
