"""The demo's feedback: a few answers with comments on the demo pages, added once."""

import pytest

from wagtail_conditions import demo
from wagtail_conditions.feedback import counts
from wagtail_conditions.models import ConditionPage, PageFeedback

pytestmark = pytest.mark.django_db


def test_the_demo_pages_get_answers_with_comments_once(shared_demo):
    added = demo.feedback_demo()

    condition = ConditionPage.objects.get(slug="muscle-spasms")
    answers = PageFeedback.objects.filter(page=condition)
    assert counts.summary(answers) == {"yes": 4, "no": 2, "total": 6, "percent_helpful": 67}
    assert answers.exclude(comment="").count() == 4
    assert added == PageFeedback.objects.count() == 9  # no Spanish locale here: its two wait
    assert demo.feedback_demo() == 0
    assert PageFeedback.objects.count() == 9
