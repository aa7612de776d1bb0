"""
Replace the UUID reference with a short, human-friendly one (``AR-7K3Q-9M``) and record why a
request was held as spam. Reversible: going back restores a UUID reference on every row.
"""

import uuid

from django.db import migrations, models

import wagtail_conditions.appointments.references


def fill_short_references(apps, schema_editor):
    AppointmentRequest = apps.get_model("wagtail_conditions", "AppointmentRequest")
    taken = set()
    for pk in AppointmentRequest.objects.filter(reference__isnull=True).values_list("pk", flat=True):
        reference = wagtail_conditions.appointments.references.new_reference()
        while reference in taken:
            reference = wagtail_conditions.appointments.references.new_reference()
        taken.add(reference)
        AppointmentRequest.objects.filter(pk=pk).update(reference=reference)


def fill_uuid_references(apps, schema_editor):
    AppointmentRequest = apps.get_model("wagtail_conditions", "AppointmentRequest")
    for pk in AppointmentRequest.objects.filter(reference__isnull=True).values_list("pk", flat=True):
        AppointmentRequest.objects.filter(pk=pk).update(reference=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ("wagtail_conditions", "0001_initial"),
    ]

    operations = [
        # 1. The UUID column loses its constraints, so that going back can refill it row by row.
        migrations.AlterField(
            model_name="appointmentrequest",
            name="reference",
            field=models.UUIDField(editable=False, null=True, verbose_name="reference"),
        ),
        migrations.RunPython(migrations.RunPython.noop, fill_uuid_references),
        migrations.RemoveField(model_name="appointmentrequest", name="reference"),
        # 2. The short reference: added empty, filled row by row, then made unique.
        migrations.AddField(
            model_name="appointmentrequest",
            name="reference",
            field=models.CharField(editable=False, max_length=12, null=True, verbose_name="reference"),
        ),
        migrations.RunPython(fill_short_references, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="appointmentrequest",
            name="reference",
            field=models.CharField(
                default=wagtail_conditions.appointments.references.new_reference,
                editable=False,
                help_text="Quote this reference to the patient, e.g. AR-7K3Q-9M.",
                max_length=12,
                unique=True,
                verbose_name="reference",
            ),
        ),
        migrations.AddField(
            model_name="appointmentrequest",
            name="spam_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("honeypot", "Hidden field filled in"),
                    ("too_fast", "Sent too quickly after the page loaded"),
                    ("site_check", "Flagged by the site's spam check"),
                ],
                help_text="Set when a spam check flagged the request. Such requests are stored but never notified, and are purged after a short retention period.",
                max_length=12,
                verbose_name="why it looks like spam",
            ),
        ),
    ]
