from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Recipient
from .policy import forget_current_version
from .selectors import forget_checkout_provider


@receiver([post_save, post_delete], sender=Recipient)
def processor_register_changed(**kwargs):
    """The policy lists the processors: a change makes a new policy version, and may name
    another checkout provider."""
    forget_current_version()
    forget_checkout_provider()
