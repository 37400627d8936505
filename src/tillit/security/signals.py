"""Every login, wherever it happens (the shop's form, the admin's), reaches the logs through
Django's auth signals; every change to the blocklist refreshes the blocklist snapshot."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import blocklist, conf, services
from .models import IPBlock


@receiver(user_logged_in, dispatch_uid="tillit.security.login")
def _logged_in(sender, request, user, **kwargs):
    if conf.enabled():
        services.record_login(request, user)


@receiver(user_login_failed, dispatch_uid="tillit.security.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Sent by authenticate(): the password was checked and refused.
    if conf.enabled():
        services.record_failed_login(request,
                                     credentials.get(get_user_model().USERNAME_FIELD, ""))


@receiver([post_save, post_delete], sender=IPBlock, dispatch_uid="tillit.security.blocks")
def _blocklist_changed(**kwargs):
    # Now for this process (same transaction), and again once committed for the others.
    blocklist.changed()
    transaction.on_commit(blocklist.changed)
