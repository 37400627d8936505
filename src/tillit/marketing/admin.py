"""Campaigns in the admin: write, preview, send a test to oneself, send (e-mail and SMS),
or export the recipients of a letter for the print house."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import campaigns, imports, letters, sms
from .models import Campaign, ContactImport, ImportedContact


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ("channel", "subject", "body", "audience", "segment", "with_suggestions")

    def clean(self):
        data = super().clean()
        if data.get("channel") == Campaign.Channel.SMS:
            if not sms.can_be_answered():
                self.add_error("channel", _(
                    "Set SMS_SENDER to the shop's own number at the SMS gateway first: an "
                    "answer such as STOPP can only reach a number."))
            if len(data.get("body") or "") > sms.MAX_TEXT:
                self.add_error("body", _("An SMS text is at most %(n)d characters; how to "
                                         "stop is added after it.") % {"n": sms.MAX_TEXT})
            if data.get("audience") != Campaign.Audience.SUBSCRIBERS:
                self.add_error("audience", _("Offers by SMS and letter go only to people "
                                             "who agreed to them."))
        if data.get("segment") and data.get("channel") != Campaign.Channel.EMAIL:
            self.add_error("segment", _("A segment by purchases is for e-mail campaigns."))
        if (data.get("channel") == Campaign.Channel.LETTER
                and data.get("audience") != Campaign.Audience.SUBSCRIBERS):
            self.add_error("audience", _("Offers by SMS and letter go only to people who "
                                         "agreed to them."))
        return data


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    list_display = ("subject", "channel", "audience", "status", "created_at", "sent_at",
                    "recipients")
    list_filter = ("channel", "status", "audience")
    fields = ("channel", "subject", "body", "audience", "segment", "with_suggestions",
              "status", "sent_at")
    readonly_fields = ("status", "sent_at")
    actions = ("preview", "send_test", "send", "export_letter")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            recipient_count=Count("sends", distinct=True),
            sms_count=Count("sms_sends", distinct=True))

    @admin.display(description=_("recipients so far"))
    def recipients(self, obj):
        return obj.recipient_count + obj.sms_count

    def has_change_permission(self, request, obj=None):
        # A campaign being sent or sent is what its recipients got: it stays as it was.
        if obj is not None and obj.status != Campaign.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    @admin.action(description=_("Preview"))
    def preview(self, request, queryset):
        shown = [(c, *(campaigns.render_body(c.body) if c.channel == Campaign.Channel.EMAIL
                       else sms.preview(c))) for c in queryset[:5]]
        return TemplateResponse(request, "marketing/admin_preview.html", {
            **self.admin_site.each_context(request), "title": _("Preview"), "shown": shown,
            "opts": self.model._meta})

    @admin.action(description=_("Send a test to me"))
    def send_test(self, request, queryset):
        chosen = list(queryset[:5])
        if any(c.channel == Campaign.Channel.SMS for c in chosen):
            try:
                number = sms.send_test([c for c in chosen if c.channel == "sms"], request.user)
            except sms.NoMobileNumber:
                self.message_user(request, _("Your staff account has no mobile number."),
                                  messages.ERROR)
                return
            except sms.SmsError:
                self.message_user(request, _("The SMS gateway did not take the test; try "
                                             "again later."), messages.ERROR)
                return
            self.message_user(request, _("A test SMS is on its way to %(number)s.")
                              % {"number": number})
        chosen = [c for c in chosen if c.channel == Campaign.Channel.EMAIL]
        if not chosen:
            return
        if not request.user.email:
            self.message_user(request, _("Your staff account has no e-mail address."),
                              messages.ERROR)
            return
        for campaign in chosen:
            campaigns.send_test(campaign, request.user)
        self.message_user(request, _("A test is on its way to %(email)s.")
                          % {"email": request.user.email})

    @admin.action(description=_("Send to the audience"), permissions=["change"])
    def send(self, request, queryset):
        started = [c for c in queryset if campaigns.start(c)]
        if len(started) < queryset.count():
            self.message_user(request, _("Only drafts by e-mail or SMS are sent; the others "
                                         "were left (a letter is exported for the print "
                                         "house)."), messages.WARNING)
        if started:
            self.message_user(request, ngettext(
                "Sending started for %(n)d campaign, only to people who agreed.",
                "Sending started for %(n)d campaigns, only to people who agreed.",
                len(started)) % {"n": len(started)})

    @admin.action(description=_("Export the letter's recipients for the print house (CSV)"),
                  permissions=["change"])
    def export_letter(self, request, queryset):
        chosen = list(queryset[:2])
        if len(chosen) != 1 or chosen[0].channel != Campaign.Channel.LETTER \
                or chosen[0].status != Campaign.Status.DRAFT:
            self.message_user(request, _("Choose one letter campaign that is still a draft."),
                              messages.ERROR)
            return None
        try:
            letter = letters.export(chosen[0], staff=request.user)
        except ValueError:
            self.message_user(request, _("Choose one letter campaign that is still a draft."),
                              messages.ERROR)
            return None
        response = HttpResponse(letter.data, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{letter.filename}"'
        response["X-Tillit-Without-Address"] = str(letter.without_address)
        return response


class ImportForm(forms.Form):
    supplier = forms.CharField(label=_("Supplier the file came from"), max_length=200)
    file = forms.FileField(label=_("CSV file"), help_text=_(
        "Columns: email, name, phone, channel (e-post or sms), proof_reference, proof_text, "
        "proof_date (YYYY-MM-DD). Rows without the proof are refused and nothing of them "
        "is kept."))


@admin.register(ContactImport)
class ContactImportAdmin(admin.ModelAdmin):
    """Contacts from suppliers (P16): the add page is the import, with its report."""

    list_display = ("supplier", "filename", "imported_at", "accepted", "refused")

    def has_change_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        report, status = None, 200
        if request.method == "POST":
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    report = imports.run(upload.read(imports.MAX_BYTES + 1),
                                         supplier=form.cleaned_data["supplier"],
                                         filename=upload.name, staff=request.user)
                except imports.FileRefused as refused:
                    form.add_error("file", str(refused))
            if form.errors:
                status = 400
        return TemplateResponse(request, "marketing/admin_import.html", {
            **self.admin_site.each_context(request), "title": _("Import contacts from a "
                                                                "supplier"),
            "form": form, "report": report, "opts": self.model._meta}, status=status)


@admin.register(ImportedContact)
class ImportedContactAdmin(admin.ModelAdmin):
    list_display = ("source", "channel", "proof_date", "imported_at", "notified_at")
    list_filter = ("channel", "source")
    readonly_fields = [f.name for f in ImportedContact._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
