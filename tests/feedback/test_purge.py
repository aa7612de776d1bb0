"""``purge_page_feedback``: answers past their retention (spam sooner) go; a dry run by
default, safe to repeat."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from wagtail_conditions.models import PageFeedback

pytestmark = pytest.mark.django_db


def purge(*args):
    out = StringIO()
    call_command("purge_page_feedback", *args, stdout=out)
    return out.getvalue()


def answer(page, days_ago, *, spam=False):
    return PageFeedback.objects.create(
        page=page,
        locale_id=page.locale_id,
        helpful=True,
        is_spam=spam,
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


@pytest.fixture
def answers(condition):
    return {
        "old": answer(condition, 400),
        "recent": answer(condition, 10),
        "old_spam": answer(condition, 40, spam=True),
        "new_spam": answer(condition, 5, spam=True),
    }


def test_dry_run_reports_and_deletes_nothing(answers):
    out = purge()

    assert "Dry run: 1 feedback answer held as spam older than 30 days would be deleted" in out
    assert "Dry run: 1 feedback answer older than 365 days would be deleted" in out
    assert PageFeedback.objects.count() == 4


def test_execute_deletes_what_is_past_retention_and_is_safe_to_repeat(answers):
    out = purge("--execute")

    assert "Deleted 1 feedback answer held as spam older than 30 days" in out
    assert "Deleted 1 feedback answer older than 365 days" in out
    assert set(PageFeedback.objects.values_list("pk", flat=True)) == {
        answers["recent"].pk,
        answers["new_spam"].pk,
    }
    again = purge("--execute")
    assert "nothing to delete" in again
    assert PageFeedback.objects.count() == 2


def test_the_retention_is_a_setting_and_an_option(answers, settings):
    settings.WAGTAIL_CONDITIONS = {"FEEDBACK_RETENTION_DAYS": 5, "FEEDBACK_SPAM_RETENTION_DAYS": 1}
    purge("--execute")
    assert PageFeedback.objects.count() == 0

    answer(answers["recent"].page, 3)
    purge("--execute", "--older-than", "2")
    assert PageFeedback.objects.count() == 0


@pytest.mark.parametrize("value", ["0", "abc", "36501"])
def test_bad_days_are_refused(answers, value):
    with pytest.raises(CommandError):
        purge("--older-than", value)


def test_a_bad_setting_is_refused(answers, settings):
    settings.WAGTAIL_CONDITIONS = {"FEEDBACK_RETENTION_DAYS": 0}
    with pytest.raises(CommandError, match="FEEDBACK_RETENTION_DAYS"):
        purge()
