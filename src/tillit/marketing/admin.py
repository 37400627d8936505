"""Campaigns in the admin: write (Markdown), preview, send a test to oneself, send."""

from django.contrib import admin, messages
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import campaigns
from .models import Campaign


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("subject", "audience", "status", "created_at", "sent_at", "recipients")
    list_filter = ("status", "audience")
    fields = ("subject", "body", "audience", "status", "sent_at")
    readonly_fields = ("status", "sent_at")
    actions = ("preview", "send_test", "send")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(recipient_count=Count("sends"))

    @admin.display(description=_("recipients so far"), ordering="recipient_count")
    def recipients(self, obj):
        return obj.recipient_count

    def has_change_permission(self, request, obj=None):
        # A campaign being sent or sent is what its recipients got: it stays as it was.
        if obj is not None and obj.status != Campaign.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    @admin.action(description=_("Preview"))
    def preview(self, request, queryset):
        shown = [(c, *campaigns.render_body(c.body)) for c in queryset[:5]]
        return TemplateResponse(request, "marketing/admin_preview.html", {
            **self.admin_site.each_context(request), "title": _("Preview"), "shown": shown,
            "opts": self.model._meta})

    @admin.action(description=_("Send a test to me"))
    def send_test(self, request, queryset):
        if not request.user.email:
            self.message_user(request, _("Your staff account has no e-mail address."),
                              messages.ERROR)
            return
        for campaign in queryset[:5]:
            campaigns.send_test(campaign, request.user)
        self.message_user(request, _("A test is on its way to %(email)s.")
                          % {"email": request.user.email})

    @admin.action(description=_("Send to the audience"), permissions=["change"])
    def send(self, request, queryset):
        started = [c for c in queryset if campaigns.start(c)]
        if len(started) < queryset.count():
            self.message_user(request, _("Only drafts can be sent; the others were left."),
                              messages.WARNING)
        if started:
            self.message_user(request, ngettext(
                "Sending started for %(n)d campaign, only to people who agreed.",
                "Sending started for %(n)d campaigns, only to people who agreed.",
                len(started)) % {"n": len(started)})
