"""The demo mailbox pages: a list of sent mail and each message with clickable links.

Only in the demo: the URLs are mounted only when ``TILLIT_DEMO`` is true, and every view
checks it again, so a settings change at run time cannot expose mail.
"""

from functools import wraps

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from . import store
from .text import linkify

# The HTML part is shown in a sandboxed frame: no scripts, no plugins, no requests out;
# links still open in a new tab or the top window when clicked.
_SANDBOX = "allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"
_HTML_CSP = f"sandbox {_SANDBOX}; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def demo_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not getattr(settings, "TILLIT_DEMO", False):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _message_or_404(message_id: str) -> store.Message:
    message = store.get_message(message_id)
    if message is None:
        raise Http404
    return message


@require_safe
@demo_only
def index(request):
    sms_inbox = ""
    if getattr(settings, "TILLIT_SMS_EMULATOR", False):
        sms_inbox = reverse("sms_emulator:inbox")
    return render(request, "mailbox/index.html", {"mails": store.list_messages(),
                                                  "sms_inbox": sms_inbox})


@require_safe
@demo_only
def message(request, message_id: str):
    mail = _message_or_404(message_id)
    body = linkify(mail.text) if mail.text is not None else None
    return render(request, "mailbox/message.html",
                  {"message": mail, "body": body, "sandbox": _SANDBOX})


@require_safe
@demo_only
@xframe_options_sameorigin
def message_html(request, message_id: str):
    mail = _message_or_404(message_id)
    if mail.html is None:
        raise Http404
    response = HttpResponse(mail.html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = _HTML_CSP
    response["Referrer-Policy"] = "no-referrer"
    return response
