from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import policy as policy_module


@require_safe
def policy(request):
    """The privacy policy, generated from the data map (``/integritetspolicy``,
    ``/en/privacy-policy``)."""
    document, version = policy_module.current_version()
    return render(request, "privacy/policy.html", {"policy": document, "version": version})
