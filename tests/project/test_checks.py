"""System checks tell a host site, with an id and a hint, how to finish wiring the package in."""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

from django.apps import apps
from django.conf import settings
from django.core.checks import WARNING
from django.core.management import call_command
from django.test import override_settings

from wagtail_conditions import checks


def ids(messages):
    return [message.id for message in messages]


def test_test_settings_have_every_required_app():
    assert checks.check_installed_apps(None) == []


def test_missing_app_is_reported_with_e001():
    installed = apps.is_installed
    with mock.patch.object(
        checks.apps,
        "is_installed",
        side_effect=lambda name: name != "wagtail_modeladmin" and installed(name),
    ):
        errors = checks.check_installed_apps(None)
    assert ids(errors) == ["wagtail_conditions.E001"]
    assert "'wagtail_modeladmin'" in errors[0].msg
    assert "INSTALLED_APPS" in errors[0].hint


def test_each_missing_app_is_reported():
    with mock.patch.object(checks.apps, "is_installed", return_value=False):
        errors = checks.check_installed_apps(None)
    assert len(errors) == len(checks.REQUIRED_APPS)
    assert set(ids(errors)) == {"wagtail_conditions.E001"}


def test_included_urls_pass():
    assert checks.check_urls_included(None) == []


@override_settings(ROOT_URLCONF="tests.urls_without_conditions")
def test_urls_missing_from_root_urlconf_are_reported_with_e002():
    errors = checks.check_urls_included(None)
    assert ids(errors) == ["wagtail_conditions.E002"]
    assert 'include("wagtail_conditions.urls")' in errors[0].hint


def test_default_settings_pass():
    assert checks.check_settings(None) == []


@override_settings(WAGTAIL_CONDITIONS={"BASE_TEMPLATE": "no/such/template.html"})
def test_missing_base_template_is_reported_with_e003():
    errors = checks.check_settings(None)
    assert ids(errors) == ["wagtail_conditions.E003"]
    assert "'no/such/template.html'" in errors[0].msg


@override_settings(WAGTAIL_CONDITIONS={"BASE_TEMPLATE": "host_base.html"})
def test_existing_host_base_template_passes():
    assert checks.check_settings(None) == []


def test_unknown_index_parent_page_type_is_reported_with_e004(subtests):
    for label in ("nosuchapp.Page", "wagtailcore.NoSuchPage", "not-a-label"):
        with (
            subtests.test(label=label),
            override_settings(
                WAGTAIL_CONDITIONS={"INDEX_PARENT_PAGE_TYPES": ["wagtailcore.Page", label]}
            ),
        ):
            errors = checks.check_settings(None)
            assert ids(errors) == ["wagtail_conditions.E004"]
            assert repr(label) in errors[0].msg


@override_settings(WAGTAIL_CONDITIONS={"INDEX_PARENT_PAGE_TYPES": ["wagtail_conditions.BodyArea"]})
def test_index_parent_type_that_is_not_a_page_is_reported_with_e004():
    assert ids(checks.check_settings(None)) == ["wagtail_conditions.E004"]


@override_settings(WAGTAIL_CONDITIONS={"INDEX_PARENT_PAGE_TYPES": ["testapp.HostPage"]})
def test_valid_index_parent_page_type_passes():
    assert checks.check_settings(None) == []


@override_settings(WAGTAIL_CONDITIONS={"CONDITIONS_PER_PAGES": 10, "BASE_TEMPLTE": "x.html"})
def test_unknown_keys_are_reported_with_w001():
    warnings = checks.check_settings(None)
    assert ids(warnings) == ["wagtail_conditions.W001", "wagtail_conditions.W001"]
    assert "'BASE_TEMPLTE'" in warnings[0].msg
    assert "'CONDITIONS_PER_PAGES'" in warnings[1].msg


def test_missing_request_context_processor_is_reported_with_w002():
    templates = [
        {**settings.TEMPLATES[0], "OPTIONS": {"context_processors": []}},
    ]
    with override_settings(TEMPLATES=templates):
        assert ids(checks.check_settings(None)) == ["wagtail_conditions.W002"]


@override_settings(
    SILENCED_SYSTEM_CHECKS=[*settings.SILENCED_SYSTEM_CHECKS, "wagtail_conditions.W004"]
)
def test_check_command_is_clean_with_the_test_settings():
    out = StringIO()
    call_command("check", "--fail-level", "WARNING", stdout=out, stderr=out)
    assert "System check identified no issues" in out.getvalue()


def test_check_command_fails_on_a_misconfigured_site():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings_broken"}
    result = subprocess.run(
        [sys.executable, "-m", "django", "check"],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR.rsplit(os.sep, 1)[0],
        timeout=120,
    )
    assert result.returncode != 0
    assert "wagtail_conditions.E002" in result.stderr
    assert "wagtail_conditions.E003" in result.stderr
    assert "wagtail_conditions.W001" in result.stderr


@override_settings(WAGTAIL_CONDITIONS={"APPOINTMENT_RATE_LIMIT_CACHE": "nowhere"})
def test_unknown_rate_limit_cache_alias_is_an_error():
    from wagtail_conditions.checks import check_rate_limit_cache

    errors = check_rate_limit_cache(None)
    assert [error.id for error in errors] == ["wagtail_conditions.E005"]
    assert "'nowhere'" in errors[0].msg


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SMTP = "django.core.mail.backends.smtp.EmailBackend"


@override_settings(DEBUG=False, TASKS=IMMEDIATE)
def test_immediate_backend_in_production_is_warned_about_with_w004():
    [warning] = checks.check_notification_task_backend(None)
    assert warning.id == "wagtail_conditions.W004"
    assert "ImmediateBackend" in warning.msg
    assert "inside the web request" in warning.msg
    assert "django_tasks_db.DatabaseBackend" in warning.hint
    assert "db_worker" in warning.hint


def test_no_tasks_setting_means_the_immediate_backend():
    with override_settings(DEBUG=False):
        del settings.TASKS  # django-tasks' default is the immediate backend
        assert ids(checks.check_notification_task_backend(None)) == ["wagtail_conditions.W004"]


@override_settings(DEBUG=False, TASKS=DATABASE_TASKS)
def test_database_backend_passes():
    assert checks.check_notification_task_backend(None) == []


@override_settings(DEBUG=True, TASKS=IMMEDIATE)
def test_immediate_backend_is_fine_while_developing():
    assert checks.check_notification_task_backend(None) == []


@override_settings(
    DEBUG=False,
    TASKS={
        "default": IMMEDIATE["default"],
        "mail": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    },
)
def test_the_backend_alias_of_the_notification_task_is_the_one_checked():
    mail_backend = checks._task_backend_path(SimpleNamespace(backend="mail"))
    assert mail_backend == "django_tasks_db.DatabaseBackend"
    assert ids(checks.check_notification_task_backend(None)) == ["wagtail_conditions.W004"]


@override_settings(DEBUG=False, TASKS={"default": {"BACKEND": "no.such.Backend"}})
def test_an_unknown_backend_is_left_to_django_tasks():
    assert checks.check_notification_task_backend(None) == []


@override_settings(DEBUG=False, EMAIL_BACKEND=SMTP, EMAIL_TIMEOUT=None)
def test_smtp_without_timeout_in_production_is_warned_about_with_w005():
    [warning] = checks.check_email_timeout(None)
    assert warning.id == "wagtail_conditions.W005"
    assert "EMAIL_TIMEOUT" in warning.msg
    assert "EMAIL_TIMEOUT" in warning.hint


@override_settings(DEBUG=False, EMAIL_BACKEND=SMTP, EMAIL_TIMEOUT=10)
def test_smtp_with_a_timeout_passes():
    assert checks.check_email_timeout(None) == []


@override_settings(DEBUG=True, EMAIL_BACKEND=SMTP, EMAIL_TIMEOUT=None)
def test_no_timeout_is_fine_while_developing():
    assert checks.check_email_timeout(None) == []


@override_settings(
    DEBUG=False,
    EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    EMAIL_TIMEOUT=None,
)
def test_backends_that_do_not_talk_smtp_pass():
    assert checks.check_email_timeout(None) == []


LOOPBACK = {"SOURCES_CHECK_ALLOW_LOOPBACK": True}


@override_settings(DEBUG=False, WAGTAIL_CONDITIONS=LOOPBACK)
def test_the_link_checker_asking_loopback_in_production_is_warned_about_with_w011():
    [warning] = checks.check_sources_loopback(None)
    assert warning.id == "wagtail_conditions.W011"
    assert warning.level == WARNING
    assert "WAGTAIL_CONDITIONS['SOURCES_CHECK_ALLOW_LOOPBACK'] is on with DEBUG off" in warning.msg
    assert "127.0.0.1" in warning.msg
    assert "outside tests" in warning.hint


@override_settings(DEBUG=True, WAGTAIL_CONDITIONS=LOOPBACK)
def test_the_link_checker_may_ask_loopback_while_developing():
    assert checks.check_sources_loopback(None) == []


@override_settings(DEBUG=False, WAGTAIL_CONDITIONS={"SOURCES_CHECK_ALLOW_LOOPBACK": False})
def test_the_link_checker_refusing_loopback_passes():
    assert checks.check_sources_loopback(None) == []


@override_settings(DEBUG=False, WAGTAIL_CONDITIONS=LOOPBACK)
def test_w011_is_reported_by_the_check_command():
    out = StringIO()
    call_command("check", "--tag", "security", stdout=out, stderr=out)
    assert "wagtail_conditions.W011" in out.getvalue()


def caches(backend):
    return {"default": {"BACKEND": backend, "LOCATION": "somewhere"}}


def test_caches_without_atomic_increments_are_warned_about_with_w006(subtests):
    for backend in (
        "django.core.cache.backends.filebased.FileBasedCache",
        "django.core.cache.backends.db.DatabaseCache",
    ):
        with subtests.test(backend=backend), override_settings(DEBUG=False, CACHES=caches(backend)):
            [warning] = checks.check_rate_limit_cache_is_atomic(None)
            assert warning.id == "wagtail_conditions.W006"
            assert backend.rsplit(".", 1)[-1] in warning.msg
            assert "Redis" in warning.hint


def test_atomic_and_per_process_caches_are_not_w006(subtests):
    # Per-process caches get W003 instead.
    for backend in (
        "django.core.cache.backends.redis.RedisCache",
        "django.core.cache.backends.memcached.PyMemcacheCache",
        "django.core.cache.backends.locmem.LocMemCache",
    ):
        with subtests.test(backend=backend), override_settings(DEBUG=False, CACHES=caches(backend)):
            assert checks.check_rate_limit_cache_is_atomic(None) == []


@override_settings(
    DEBUG=True, CACHES={"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache"}}
)
def test_any_cache_is_fine_while_developing():
    assert checks.check_rate_limit_cache_is_atomic(None) == []


@override_settings(
    DEBUG=False,
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
)
def test_w003_says_the_limit_does_not_hold_across_processes():
    [warning] = checks.check_rate_limit_cache(None)
    assert warning.id == "wagtail_conditions.W003"
    assert "does not share its counts between processes" in warning.msg
    assert "the limit does not hold" in warning.msg


@override_settings(
    DEBUG=False, EMAIL_BACKEND=SMTP, EMAIL_TIMEOUT=None, TASKS=IMMEDIATE, WAGTAIL_CONDITIONS=LOOPBACK
)
def test_messages_and_hints_go_through_gettext():
    with mock.patch.object(checks, "_", side_effect=lambda text: f"«{text}»"):
        messages = [
            *checks.check_notification_task_backend(None),
            *checks.check_email_timeout(None),
            *checks.check_sources_loopback(None),
        ]
    for message in messages:
        assert message.msg.startswith("«"), message.msg
        assert message.hint.startswith("«"), message.hint


def test_the_readme_names_every_check_id():
    """The README's range of ids (E001–E007, W001–W006) covers exactly the ids the checks use."""
    readme = (Path(settings.BASE_DIR).parent / "README.md").read_text()
    source = Path(checks.__file__).read_text()
    used = set(re.findall(r'id="wagtail_conditions\.([EW]\d{3})"', source))
    listed = set()
    for first, last in re.findall(r"`(?:wagtail_conditions\.)?([EW]\d{3})`–`([EW]\d{3})`", readme):
        listed |= {f"{first[0]}{number:03d}" for number in range(int(first[1:]), int(last[1:]) + 1)}
    assert listed == used
