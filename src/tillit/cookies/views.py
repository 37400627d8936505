from django.shortcuts import render
from django.views.decorators.http import require_safe

from .declarations import CATEGORIES, declared


@require_safe
def page(request):
    """The cookie page (``/sidor/cookies``), generated from the cookie declarations (P15)."""
    cookies = declared()
    return render(request, "cookies/page.html", {
        "cookies": cookies,
        "categories": [(key, label, [c for c in cookies if c.category == key])
                       for key, label in CATEGORIES.items()],
    })
