"""The cookie categories a visitor can say yes or no to, as consent topics (P15.d).

Each optional category of ``declarations.CATEGORIES`` is the topic ``cookies.<key>``; the
banner's words for it are its description, and those are what the ledger keeps. The ledger
rows themselves are declared with the ledger (``privacy/privacy.py``: the visitor's random
id, hashed after its period like the IP)."""

from django.utils.translation import gettext_lazy as _

from tillit.privacy import consents

from .declarations import optional

TOPICS = {
    category.key: consents.topic(
        f"cookies.{category.key}",
        label=_("Cookies: %(category)s") % {"category": category.label},
        ask=category.description,
        purpose="functional.storage",
    )
    for category in optional()
}
