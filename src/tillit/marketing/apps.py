from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    name = "tillit.marketing"
    label = "marketing"
    verbose_name = _("Marketing")

    def ready(self):
        from tillit.core import mail

        from . import campaigns, sms

        # `tillit mail retry` sets going again a campaign whose worker died mid-way.
        mail.resumes("e-mail campaign(s)", campaigns.resume_stalled)
        mail.resumes("SMS campaign(s)", sms.resume_stalled)
