from django.conf import settings


def shop(request):
    """The controller identity (P03) and demo flag, for the header and footer of every page."""
    return {
        "controller": settings.TILLIT_CONTROLLER,
        "demo_mode": getattr(settings, "TILLIT_DEMO", False),
    }
