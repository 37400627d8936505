"""Error views Django cannot give the shop frame on its own."""

import logging

from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.template import loader

from .context_processors import frame

logger = logging.getLogger(__name__)

# What is left when even the template cannot be rendered (a broken template or static
# manifest): no frame, but never a second traceback.
_BARE_500 = ("<!DOCTYPE html><html lang=\"sv\"><title>Serverfel (500)</title>"
             "<h1>Serverfel (500)</h1><p>Server error (500)</p></html>")


def bad_request(request, exception):
    """``handler400``: the 400 page in the shop frame.

    Django's own view runs the CSRF check again to offer a token, which reads the body; a
    body that could not be read (a form declaring a charset other than UTF-8) is the
    reason for the 400, so reading it again turned the 400 into a 500. This view renders
    the same template with the request but never touches the body.
    """
    return HttpResponseBadRequest(loader.render_to_string("400.html", request=request))


def server_error(request):
    """``handler500``: the 500 page in the shop frame, rendered from settings alone.

    The database may be what failed, and the request may be half-processed, so the
    template gets no request context and must not query; the frame's category menu and
    language form are left out (see ``500.html``).
    """
    try:
        body = loader.render_to_string("500.html", frame())
    except Exception:
        logger.exception("The 500 page could not be rendered; sending the bare one.")
        body = _BARE_500
    return HttpResponseServerError(body)
