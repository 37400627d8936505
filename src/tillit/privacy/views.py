from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import policy as policy_module


@require_safe
def policy(request):
    """The privacy policy, generated from the data map (``/integritetspolicy``,
    ``/en/privacy-policy``)."""
    document, version = policy_module.current_version()
    return render(request, policy_module.TEMPLATE, {"policy": document, "version": version})
