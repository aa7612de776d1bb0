"""Migrations match the models and can be unapplied and reapplied."""

import re
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from wagtail.models import ModelLogEntry

from tests.testapp.models import HostConditionPage
from wagtail_conditions.models import (
    AppointmentRequest,
    AppointmentRequestLogEntry,
    BodyArea,
    ConditionPage,
)


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
        # Every app: going to zero also unapplied the test app's host pages, which depend on us.
        call_command("migrate", verbosity=0)

    assert {ConditionPage._meta.db_table, BodyArea._meta.db_table} <= _tables()
    assert HostConditionPage._meta.db_table in _tables()
    BodyArea.objects.create(name="Back", slug="back")
    assert BodyArea.objects.get().slug == "back"


def _migrate(target):
    call_command("migrate", "wagtail_conditions", target, verbosity=0)
    from django.db.migrations.executor import MigrationExecutor

    return MigrationExecutor(connection).loader.project_state(("wagtail_conditions", target)).apps


@pytest.mark.django_db(transaction=True)
def test_data_migrations_keep_every_request_and_its_audit_trail_both_ways():
    """0002 swaps the UUID reference for a short one; 0003 moves request log entries to the
    request log model. Rows written before them survive the way there and back."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    try:
        old = _migrate("0001_initial")
        request = old.get_model("wagtail_conditions", "AppointmentRequest").objects.create(
            name="Ann", email="ann@example.com", consent_text="Yes",
            consent_given_at=timezone.now(), submission_key="k" * 64,
        )
        content_type = ContentType.objects.get_for_model(AppointmentRequest)
        old.get_model("wagtailcore", "ModelLogEntry").objects.create(
            content_type_id=content_type.pk, label="Appointment request", action="wagtail.edit",
            timestamp=timezone.now(), object_id=str(request.pk),
        )

        then = _migrate("0003_appointment_request_log_entry")
        row = then.get_model("wagtail_conditions", "AppointmentRequest").objects.get(pk=request.pk)
        assert re.fullmatch(r"AR-[2-9A-Z]{4}-[2-9A-Z]{2}", row.reference)
        moved = AppointmentRequestLogEntry.objects.get()
        assert (moved.object_id, moved.action) == (str(request.pk), "wagtail.edit")
        assert not ModelLogEntry.objects.filter(content_type=content_type).exists()

        back = _migrate("0001_initial")
        row = back.get_model("wagtail_conditions", "AppointmentRequest").objects.get(pk=request.pk)
        assert isinstance(row.reference, uuid.UUID)
        assert ModelLogEntry.objects.get(content_type=content_type).object_id == str(request.pk)
    finally:
        call_command("migrate", "wagtail_conditions", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_body_areas_become_translatable_in_the_default_locale_and_back():
    """0005–0007 make body areas translatable: areas written before them land in the default
    locale, each with a translation key of its own; unapplying drops both again."""
    from wagtail.models import Locale

    try:
        old = _migrate("0004_inbox_indexes")
        OldArea = old.get_model("wagtail_conditions", "BodyArea")
        OldArea.objects.create(name="Back", slug="back", sort_order=1)
        OldArea.objects.create(name="Neck", slug="neck", sort_order=2)

        _migrate("0007_translatable_body_areas_clinic_and_review")
        areas = list(BodyArea.objects.order_by("sort_order"))
        assert [area.name for area in areas] == ["Back", "Neck"]
        assert {area.locale_id for area in areas} == {Locale.get_default().pk}
        assert len({area.translation_key for area in areas}) == 2

        back = _migrate("0004_inbox_indexes")
        rows = back.get_model("wagtail_conditions", "BodyArea").objects.order_by("sort_order")
        assert [row.slug for row in rows] == ["back", "neck"]
        columns = {
            column.name
            for column in connection.introspection.get_table_description(
                connection.cursor(), BodyArea._meta.db_table
            )
        }
        assert not {"locale_id", "translation_key"} & columns
    finally:
        call_command("migrate", verbosity=0)
        BodyArea.objects.all().delete()
