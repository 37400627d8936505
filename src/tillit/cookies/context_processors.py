from . import choice
from .declarations import CATEGORIES, NECESSARY, optional


def cookie_choice(request) -> dict:
    """Whether the banner shows, and what the settings form starts from: read from the
    choice cookie alone (no database, no session)."""
    made = choice.of(request)
    return {"cookie_choice": made,
            "cookie_categories": [(c, c.key in made.allowed) for c in optional()],
            "cookie_necessary": CATEGORIES[NECESSARY]}
