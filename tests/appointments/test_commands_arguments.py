"""
Every numeric argument of the data-lifecycle commands is range-checked: a bad value is a
CommandError (or, from the command line, a usage error) stating the allowed range, never a
traceback such as OverflowError.
"""

import io

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.test import override_settings

from tests.builders.pages import AppointmentRequestFactory
from wagtail_conditions.models import AppointmentRequest

pytestmark = pytest.mark.django_db

DAYS = "expected a whole number of days from 1 to 36500"
SECONDS = "expected a whole number of seconds from 0 to 3153600000"


def run(*args, **kwargs):
    call_command(*args, stdout=io.StringIO(), stderr=io.StringIO(), **kwargs)


@pytest.fixture
def one_request():
    return AppointmentRequestFactory(notification_status="pending")


@pytest.mark.parametrize("option", ["--older-than", "--spam-older-than"])
@pytest.mark.parametrize(
    "value,got",
    [
        ("1000000", "got 1000000."),
        ("99999999999999999999", "got 99999999999999999999."),
        ("36501", "got 36501."),
        ("0", "got 0."),
        ("-5", "got -5."),
        ("ten", "got 'ten'."),
        ("1.5", "got '1.5'."),
        ("", "got ''."),
    ],
)
def test_purge_days_out_of_range(one_request, option, value, got):
    with pytest.raises(CommandError) as error:
        run("purge_appointment_requests", option, value, "--execute")
    assert str(error.value) == f"Error: argument {option}: {DAYS}, {got}"
    assert AppointmentRequest.objects.count() == 1


@pytest.mark.parametrize("option", ["--older-than", "--spam-older-than"])
@pytest.mark.parametrize("value", ["1", "36500"])
def test_purge_days_limits_are_accepted(one_request, option, value):
    run("purge_appointment_requests", option, value, "--execute")
    assert AppointmentRequest.objects.count() == 1


@pytest.mark.parametrize(
    "keyword,option", [("older_than", "--older-than"), ("spam_older_than", "--spam-older-than")]
)
@pytest.mark.parametrize("value,got", [(10**6, "got 1000000."), (0, "got 0."), (True, "got True.")])
def test_purge_days_out_of_range_as_keyword(one_request, keyword, option, value, got):
    # call_command(older_than=...) bypasses argparse: handle() checks again.
    with pytest.raises(CommandError) as error:
        run("purge_appointment_requests", execute=True, **{keyword: value})
    assert str(error.value) == f"{option}: {DAYS}, {got}"
    assert AppointmentRequest.objects.count() == 1


@pytest.mark.parametrize(
    "setting", ["APPOINTMENT_RETENTION_DAYS", "APPOINTMENT_SPAM_RETENTION_DAYS"]
)
@pytest.mark.parametrize(
    "value,got", [(10**7, "got 10000000."), (0, "got 0."), (-1, "got -1."), (None, "got None.")]
)
def test_purge_retention_settings_out_of_range(one_request, setting, value, got):
    with override_settings(WAGTAIL_CONDITIONS={setting: value}):
        with pytest.raises(CommandError) as error:
            run("purge_appointment_requests", "--execute")
    assert str(error.value) == f"WAGTAIL_CONDITIONS['{setting}']: {DAYS}, {got}"
    assert AppointmentRequest.objects.count() == 1


def test_purge_option_overrides_a_bad_setting(one_request):
    with override_settings(WAGTAIL_CONDITIONS={"APPOINTMENT_RETENTION_DAYS": 10**7}):
        run("purge_appointment_requests", "--older-than", "30")


@pytest.mark.parametrize(
    "value,got",
    [
        ("99999999999", "got 99999999999."),
        ("3153600001", "got 3153600001."),
        ("-1", "got -1."),
        ("soon", "got 'soon'."),
    ],
)
def test_retry_min_age_out_of_range(one_request, value, got):
    with pytest.raises(CommandError) as error:
        run("retry_appointment_notifications", "--min-age", value)
    assert str(error.value) == f"Error: argument --min-age: {SECONDS}, {got}"
    one_request.refresh_from_db()
    assert one_request.notification_status == "pending"


@pytest.mark.parametrize("value,got", [(99999999999, "got 99999999999."), (-1, "got -1.")])
def test_retry_min_age_out_of_range_as_keyword(one_request, value, got):
    with pytest.raises(CommandError) as error:
        run("retry_appointment_notifications", min_age=value)
    assert str(error.value) == f"--min-age: {SECONDS}, {got}"
    one_request.refresh_from_db()
    assert one_request.notification_status == "pending"


def test_retry_min_age_upper_limit_is_accepted(one_request):
    run("retry_appointment_notifications", "--min-age", "3153600000")
    one_request.refresh_from_db()
    assert one_request.notification_status == "pending"  # too young for that age


@pytest.mark.parametrize(
    "argv,message",
    [
        (
            ["purge_appointment_requests", "--older-than", "1000000"],
            f"error: argument --older-than: {DAYS}, got 1000000.",
        ),
        (
            ["retry_appointment_notifications", "--min-age", "99999999999"],
            f"error: argument --min-age: {SECONDS}, got 99999999999.",
        ),
    ],
)
def test_from_the_command_line_a_usage_error_not_a_traceback(one_request, capsys, argv, message):
    command = load_command_class("wagtail_conditions", argv[0])
    with pytest.raises(SystemExit) as exit:
        command.run_from_argv(["manage.py", *argv])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
