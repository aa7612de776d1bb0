"""
Indexes for the inbox at scale.

- The default order (newest first, then by id) gets an index of its own, so a page of the list
  is read off the index with its LIMIT instead of sorting the table; it replaces the index on
  ``created_at`` alone, which it covers.
- On PostgreSQL, the inbox's search (a case-insensitive substring of name, email or phone:
  ``UPPER(column) LIKE UPPER('%term%')``) gets trigram GIN indexes (``pg_trgm``) on exactly
  those expressions, so it no longer reads every row. Other databases keep the plain scan: the
  operation does nothing there, and the model state does not know these indexes (so
  ``makemigrations`` never asks for them elsewhere). ``CREATE EXTENSION pg_trgm`` needs a
  role allowed to create it (the database owner on PostgreSQL 13+, where it is trusted).

Depends on nothing beyond 0003, so it migrates on Wagtail 7.4 as on 8.
"""

from django.db import migrations, models

TRIGRAM_INDEXES = {
    "wc_appt_name_trgm": "name",
    "wc_appt_email_trgm": "email",
    "wc_appt_phone_trgm": "phone",
}
TABLE = "wagtail_conditions_appointmentrequest"


def add_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES.items():
        # The expression Django writes for ``icontains`` on a CharField, so the planner uses it.
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(TABLE)} "
            f"USING gin ((UPPER({quote(column)}::text)) gin_trgm_ops)"
        )


def remove_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        # The extension stays: something else in the database may use it.
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_conditions", "0003_appointment_request_log_entry"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="appointmentrequest",
            name="wc_appt_created",
        ),
        migrations.AddIndex(
            model_name="appointmentrequest",
            index=models.Index(fields=["-created_at", "-id"], name="wc_appt_created_id"),
        ),
        migrations.RunPython(add_trigram_indexes, remove_trigram_indexes, elidable=False),
    ]
