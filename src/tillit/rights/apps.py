from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    """The public privacy pages (the policy, and the rights for customers and guests):
    above the domains, whose pieces (the rate limiter) they use; the engines live in the
    privacy core."""

    name = "tillit.rights"
    label = "rights"
    verbose_name = _("Your rights")
