from django.conf import settings


def frame() -> dict:
    """What the shop frame (header and footer) needs, from settings alone: the controller
    identity (P03) and the demo flag. No database and no request, so the server-error
    page can show it when nothing else works."""
    return {
        "controller": settings.TILLIT_CONTROLLER,
        "demo_mode": getattr(settings, "TILLIT_DEMO", False),
    }


def shop(request):
    """The shop frame's context for every page rendered with a request."""
    return frame()
