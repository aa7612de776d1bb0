"""
A log entry model of our own for appointment requests, so that only users with the "view"
permission see their audit trail (Wagtail's ModelLogEntry shows it to anyone with any
permission on the model). Existing request entries move across, and back when reversed.

Depends on wagtailcore 0097, not the 0098 that Wagtail 8 generates: 0098 does not exist on
Wagtail 7.4, and nothing here needs it.
"""

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


FIELDS = [
    "content_type_id",
    "label",
    "action",
    "data",
    "timestamp",
    "uuid",
    "user_id",
    "revision_id",
    "content_changed",
    "deleted",
    "object_id",
]


def _request_content_type(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.filter(
        app_label="wagtail_conditions", model="appointmentrequest"
    ).first()


def _move(source, target, content_type, batch_size=1000):
    rows = source.objects.filter(content_type=content_type).order_by("pk")
    while True:
        batch = list(rows[:batch_size])
        if not batch:
            return
        target.objects.bulk_create(
            [target(**{name: getattr(row, name) for name in FIELDS}) for row in batch]
        )
        source.objects.filter(pk__in=[row.pk for row in batch]).delete()


def forwards(apps, schema_editor):
    content_type = _request_content_type(apps)
    if content_type is not None:
        _move(
            apps.get_model("wagtailcore", "ModelLogEntry"),
            apps.get_model("wagtail_conditions", "AppointmentRequestLogEntry"),
            content_type,
        )


def backwards(apps, schema_editor):
    content_type = _request_content_type(apps)
    if content_type is not None:
        _move(
            apps.get_model("wagtail_conditions", "AppointmentRequestLogEntry"),
            apps.get_model("wagtailcore", "ModelLogEntry"),
            content_type,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('wagtail_conditions', '0002_short_reference_and_spam_reason'),
        ('wagtailcore', '0097_baselogentry_uuid_action_timestamp_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AppointmentRequestLogEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.TextField()),
                ('action', models.CharField(blank=True, db_index=True, max_length=255)),
                ('data', models.JSONField(blank=True, default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder)),
                ('timestamp', models.DateTimeField(db_index=True, verbose_name='timestamp (UTC)')),
                ('uuid', models.UUIDField(blank=True, editable=False, help_text='Log entries that happened as part of the same user action are assigned the same UUID', null=True)),
                ('content_changed', models.BooleanField(db_index=True, default=False)),
                ('deleted', models.BooleanField(default=False)),
                ('object_id', models.CharField(db_index=True, max_length=255)),
                ('content_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='contenttypes.contenttype', verbose_name='content type')),
                ('revision', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='wagtailcore.revision')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'appointment request log entry',
                'verbose_name_plural': 'appointment request log entries',
                'ordering': ['-timestamp', '-id'],
                'abstract': False,
                'indexes': [models.Index(fields=['uuid', 'action', '-timestamp'], name='wagtail_con_uuid_c6f12d_idx')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
