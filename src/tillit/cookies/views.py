from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from tillit.privacy import consents
from tillit.security.origin import same_origin_post
from tillit.security.ratelimit import rate_limited

from . import choice, services
from .declarations import CATEGORIES, STORAGE_KEYS, declared
from .forms import ChoiceForm


def _page_context(request, form=None) -> dict:
    cookies = declared()
    made = choice.of(request)
    return {
        # This browser's answers in the consent ledger, under its consent id (P15.d).
        "history": consents.history("", visitor=made.visitor) if made.visitor else [],
        "cookies": cookies,
        "categories": [(category, [c for c in cookies if c.category == key])
                       for key, category in CATEGORIES.items()],
        "storage_keys": STORAGE_KEYS,
        "form": form,
    }


@require_safe
def page(request):
    """The cookie page (``/sidor/cookies``), generated from the cookie declarations (P15.b),
    with the settings to change the choice at any time (P15.d)."""
    return render(request, "cookies/page.html", _page_context(request))


@same_origin_post
@require_POST
@rate_limited("cookie_choice")
def choose(request):
    """The banner's and the cookie page's form: store the choice in its cookie and in the
    consent ledger, then back to the page the visitor was on (P15.d)."""
    form = ChoiceForm(request.POST)
    if not form.is_valid():
        return render(request, "cookies/page.html", _page_context(request, form), status=400)
    made = services.choose(request, form.allowed())
    target = form.cleaned_data["next"]
    if not (target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure())):
        target = reverse("cookies:page")
    response = HttpResponseRedirect(target, status=303)
    choice.store(request, response, made)
    return response
