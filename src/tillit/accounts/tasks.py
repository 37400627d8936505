"""Account work that runs as tasks (the Django tasks API), outside the request.

:func:`send_password_reset` does the whole lookup of a reset request, so that the request
itself does the same thing for every address: validate the form, store the address typed
(a :class:`~.models.PasswordResetRequest`, in the data map) and enqueue one task with that
row's id. Whether an account has the address is found out here, where no visitor can time
it; the task backend's records never see the address.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from tillit.core import mail

from .models import PasswordResetRequest, User

RESET_MAIL = "accounts/email/password_reset"


@task()
def send_password_reset(request_id: int) -> int:
    """E-mail a single-use link for choosing a new password to every active account whose
    address is the one in :class:`PasswordResetRequest` ``request_id`` (any letter case),
    then delete the request; returns how many were sent (0 too when the request is gone:
    erased, or past its retention). Without such an account the same mail is rendered and
    dropped, so that a backend running tasks at once (the demo) spends about the same time
    either way."""
    reset = PasswordResetRequest.objects.filter(pk=request_id).first()
    if reset is None:
        return 0
    email, protocol, domain, language = (reset.email, reset.protocol, reset.domain,
                                         reset.language)
    sent = 0
    # Django's rule for who may reset: active, a usable password, and the address equal to
    # the one typed under Unicode case folding (no look-alike letters).
    for user in PasswordResetForm().get_users(email):
        context = {
            "email": user.email, "domain": domain, "site_name": domain, "protocol": protocol,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)), "user": user,
            "token": default_token_generator.make_token(user),
        }
        mail.send(RESET_MAIL, context, [user.email], language=language)
        sent += 1
    if not sent:
        context = {"email": email, "domain": domain, "site_name": domain, "uid": "MA",
                   "protocol": protocol, "user": User(username="nobody", email=email),
                   "token": "x-x", "controller": settings.TILLIT_CONTROLLER}
        with translation.override(language):
            for name in (f"{RESET_MAIL}_subject.txt", f"{RESET_MAIL}.txt", f"{RESET_MAIL}.html"):
                render_to_string(name, context)
    reset.delete()
    return sent
