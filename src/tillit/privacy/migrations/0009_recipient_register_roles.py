"""The processor register becomes the recipient register: each company in its true role.

Companies of the kinds that decide their own purposes (the checkout provider, carriers,
suppliers, auditors, authorities) become controllers; hosting and mail delivery stay
processors. Staff add each controller's privacy-notice link in the admin."""

from django.db import migrations, models

CONTROLLER_KINDS = ("payment_provider", "carrier", "supplier", "auditor", "authority")


def set_roles(apps, schema_editor):
    Recipient = apps.get_model("privacy", "Recipient")
    Recipient.objects.filter(recipient_kind__in=CONTROLLER_KINDS).update(role="controller")


class Migration(migrations.Migration):

    dependencies = [
        ("privacy", "0008_checkout_provider_and_guest_disclosures"),
    ]

    operations = [
        migrations.RenameModel("Processor", "Recipient"),
        migrations.AlterModelOptions(
            name="recipient",
            options={"ordering": ["recipient_kind", "name"], "verbose_name": "recipient",
                     "verbose_name_plural": "recipient register"},
        ),
        migrations.RenameField("disclosure", "processor", "registered"),
        migrations.AlterField(
            model_name="disclosure",
            name="registered",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=models.deletion.PROTECT,
                                    to="privacy.recipient",
                                    verbose_name="entry in the recipient register"),
        ),
        migrations.AddField(
            model_name="recipient",
            name="role",
            field=models.CharField(choices=[("processor", "Processor: acts only on our instructions"), ("controller", "Controller in its own right")], default="processor", max_length=20, verbose_name="role"),
        ),
        migrations.AddField(
            model_name="recipient",
            name="privacy_notice_url",
            field=models.URLField(blank=True, help_text="Required for a controller: where people read how it handles what it receives.", verbose_name="its own privacy notice"),
        ),
        migrations.AlterField(
            model_name="recipient",
            name="agreement_date",
            field=models.DateField(blank=True, help_text="Required for a processor (GDPR art. 28).", null=True, verbose_name="data processing agreement signed"),
        ),
        migrations.RunPython(set_roles, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="recipient",
            constraint=models.CheckConstraint(condition=models.Q(models.Q(("role", "processor"), _negated=True), ("agreement_date__isnull", False), _connector="OR"), name="processor_has_agreement_date"),
        ),
    ]
