"""Reads for the newsletter pages."""

from tillit.privacy import consents


def choices_context(user, form=None) -> dict:
    """Each marketing topic with the person's state now, and their whole history."""
    state = consents.current(user)
    topics = [(t, state.get(k)) for k, t in consents.topics().items()
              if not k.startswith("cookies.")]
    return {"topics": topics, "history": consents.history(user), "form": form}


def guest_context(email: str) -> dict:
    """A guest's marketing topics with their state by e-mail address, and the history."""
    state = consents.current(email)
    topics = [(t, state.get(k)) for k, t in consents.topics().items()
              if not k.startswith("cookies.")]
    return {"topics": topics, "history": consents.history(email), "email": email}
