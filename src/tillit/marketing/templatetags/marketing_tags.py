from django import template

from ..forms import SignupForm
from ..privacy import NEWSLETTER

register = template.Library()


@register.inclusion_tag("marketing/_signup_form.html", takes_context=True)
def newsletter_form(context):
    """The footer's sign-up form, with the words the ledger keeps when it is confirmed."""
    return {"form": SignupForm(), "words": NEWSLETTER.ask, "csrf_token": context.get("csrf_token"),
            "footer": True}


@register.inclusion_tag("marketing/_consents_panel.html")
def consents_panel(user):
    """"My details"' box: each marketing topic on or off, and the way to change it."""
    from ..selectors import choices_context

    return choices_context(user)
