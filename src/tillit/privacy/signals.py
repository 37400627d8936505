from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Processor
from .policy import forget_current_version


@receiver([post_save, post_delete], sender=Processor)
def processor_register_changed(**kwargs):
    """The policy lists the processors: a change makes a new policy version."""
    forget_current_version()
