"""Migrations match the models and can be unapplied and reapplied."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from wagtail_conditions.models import BodyArea, ConditionPage


def test_models_have_no_changes_missing_from_migrations(db):
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:  # raised by --check when a migration is missing
        pytest.fail("Models have changes without a migration:\n" + out.getvalue())
    assert "No changes detected" in out.getvalue()


def _tables():
    return set(connection.introspection.table_names())


@pytest.mark.django_db(transaction=True)
def test_migrations_run_to_zero_and_back():
    recorder = MigrationRecorder(connection)
    applied = {name for app, name in recorder.applied_migrations() if app == "wagtail_conditions"}
    assert "0001_initial" in applied
    assert BodyArea._meta.db_table in _tables()

    try:
        call_command("migrate", "wagtail_conditions", "zero", verbosity=0)
        tables = _tables()
        assert BodyArea._meta.db_table not in tables
        assert ConditionPage._meta.db_table not in tables
        assert not any(
            app == "wagtail_conditions" for app, _name in MigrationRecorder(connection).applied_migrations()
        )
    finally:
        call_command("migrate", "wagtail_conditions", verbosity=0)

    assert {ConditionPage._meta.db_table, BodyArea._meta.db_table} <= _tables()
    BodyArea.objects.create(name="Back", slug="back")
    assert BodyArea.objects.get().slug == "back"
