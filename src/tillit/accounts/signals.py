"""Keep :class:`~tillit.accounts.models.AccountSession` in step with the sessions."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import AccountSession


@receiver(post_save, sender=Session, dispatch_uid="tillit.accounts.session_account")
def remember_the_sessions_account(sender, instance: Session, raw=False, **kwargs):
    """Record the account a saved session is logged in as (one upsert; nothing for a
    visitor's session). A logout deletes the session and, with it, the row."""
    if raw:
        return
    user_id = instance.get_decoded().get(SESSION_KEY)
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return
    AccountSession.objects.bulk_create(
        [AccountSession(session_id=instance.session_key, user_id=user_id)],
        update_conflicts=True, unique_fields=["session"], update_fields=["user"])
