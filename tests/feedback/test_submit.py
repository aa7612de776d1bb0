"""
Sending "Was this page helpful?": without JavaScript (a form POST, then a 303 to the
thank-you) and as JSON (the form's script). Every bad input gets its exact status on both
faces, nothing half-saved, never a 500. Missing or invalid answers are a 422, as the
appointment endpoints' field errors are.
"""

import json
import time

import pytest
from django.db import DatabaseError
from django.test import Client

from tests.builders.feedback import (
    answer,
    api_url,
    configure,
    json_answer,
    post_form,
    post_json,
    sent_url,
    submit_url,
)
from tests.builders.pages import ConditionPageFactory
from wagtail_conditions.appointments.choices import SpamReason
from wagtail_conditions.models import ContentVersion, PageFeedback

pytestmark = pytest.mark.django_db

PERSONAL_DATA = "Remove your email address or phone number"


def assert_no_store(response):
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


# --- Without JavaScript ---------------------------------------------------------------------


def test_condition_and_therapy_pages_ask_whether_they_helped(client, condition, therapy):
    for page in (condition, therapy):
        html = client.get(page.url).content.decode()
        assert "<legend" in html and "Was this page helpful?" in html
        assert 'name="helpful" value="yes"' in html and 'name="helpful" value="no"' in html
        assert f'action="{submit_url()}#page-feedback"' in html
        assert "csrfmiddlewaretoken" not in html


def test_an_answer_redirects_to_the_thank_you_and_is_stored(client, condition):
    response = post_form(client, answer(condition, helpful="no", comment="Too long."))

    assert response.status_code == 303
    assert response["Location"] == f"{sent_url(condition)}#page-feedback"
    assert_no_store(response)
    stored = PageFeedback.objects.get()
    assert (stored.page_id, stored.locale_id) == (condition.pk, condition.locale_id)
    assert (stored.helpful, stored.comment, stored.is_spam) == (False, "Too long.", False)

    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert_no_store(thanks)
    assert thanks["X-Robots-Tag"] == "noindex"
    html = thanks.content.decode()
    assert "Thank you for your feedback." in html
    assert 'role="status"' in html
    assert "Too long." not in html  # the thank-you shows nothing the patient wrote
    assert "<h1>Muscle spasms</h1>" in html


def test_the_comment_is_optional(client, therapy):
    response = post_form(client, answer(therapy, comment=None))

    assert response.status_code == 303
    assert PageFeedback.objects.get().comment == ""


def test_storing_an_answer_moves_no_content_version(client, condition):
    before = ContentVersion.current()

    post_form(client, answer(condition))
    post_json(client, json_answer(condition))

    assert PageFeedback.objects.count() == 2
    assert ContentVersion.current() == before


def test_personal_data_shows_the_page_with_the_error_and_a_link_to_the_appointment_form(
    client, condition
):
    response = post_form(client, answer(condition, comment="Call me on 020 7946 0000"))

    assert response.status_code == 422
    assert_no_store(response)
    html = response.content.decode()
    assert "There is a problem" in html
    assert PERSONAL_DATA in html
    assert '<a href="#appointment">Go to the appointment form</a>' in html
    assert 'aria-invalid="true"' in html
    assert "Call me on 020 7946 0000</textarea>" in html  # their answer kept to correct
    assert PageFeedback.objects.count() == 0


def test_a_page_without_an_appointment_form_refuses_personal_data_without_a_link(
    client, therapy
):
    response = post_form(client, answer(therapy, comment="ann@example.com"))

    assert response.status_code == 422
    html = response.content.decode()
    assert PERSONAL_DATA in html
    assert "Go to the appointment form" not in html


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"helpful": None}, "Select yes if this page was helpful"),
        ({"helpful": "maybe"}, "Select yes if this page was helpful"),
        ({"comment": "x" * 501}, "Shorten your comment to 500 characters or fewer (it has 501)"),
        ({"comment": "bad\x00byte"}, "Null characters are not allowed"),
    ],
    ids=["missing-answer", "invalid-answer", "too-long", "nul"],
)
def test_invalid_answers_re_render_the_page_with_422(client, condition, overrides, message):
    response = post_form(client, answer(condition, **overrides))

    assert response.status_code == 422
    assert message in response.content.decode()
    assert PageFeedback.objects.count() == 0


def test_the_comment_length_is_a_setting(client, condition, settings):
    configure(settings, FEEDBACK_COMMENT_MAX_LENGTH=10)

    assert post_form(client, answer(condition, comment="x" * 11)).status_code == 422
    assert post_form(client, answer(condition, comment="x" * 10)).status_code == 303
    assert 'maxlength="10"' in client.get(condition.url).content.decode()


@pytest.mark.parametrize(
    "token", [None, "forged", "eyJwIjoxfQ:bad:signature"], ids=["missing", "forged", "bad"]
)
def test_a_bad_token_is_403_with_the_form_again_and_a_fresh_token(client, condition, token):
    data = answer(condition)
    if token is None:
        del data["feedback_token"]
    else:
        data["feedback_token"] = token
    response = post_form(client, data)

    assert response.status_code == 403
    html = response.content.decode()
    assert "For your security this form timed out" in html
    assert 'name="feedback_token" value="' in html and f'value="{token}"' not in html
    assert PageFeedback.objects.count() == 0


def test_another_pages_token_is_refused(client, condition, therapy):
    data = answer(condition)
    data["page"] = str(therapy.pk)

    assert post_form(client, data).status_code == 403


def test_an_appointment_forms_token_is_refused(client, condition):
    from wagtail_conditions.appointments.tokens import make_form_token

    data = answer(condition, feedback_token=make_form_token(condition.pk, "1f0c6f1e"))

    assert post_form(client, data).status_code == 403


def test_csrf_enforcing_client_sends_with_only_the_form_token(condition):
    client = Client(enforce_csrf_checks=True)
    assert post_form(client, answer(condition)).status_code == 303
    assert post_json(client, json_answer(condition)).status_code == 201


@pytest.mark.parametrize(
    "page_id", ["999999", "abc", "", "-1", "99999999999999999999999"], ids=str
)
def test_an_unknown_page_is_404(client, condition, page_id):
    response = post_form(client, {**answer(condition), "page": page_id})

    assert response.status_code == 404
    assert_no_store(response)


def test_a_page_that_is_not_a_condition_or_therapy_is_404(client, condition, tree):
    data = answer(condition)
    data["page"] = str(tree.conditions.pk)  # the index page
    assert post_form(client, data).status_code == 404
    assert post_json(client, {**json_answer(condition), "page": tree.conditions.pk}).status_code == 404


def test_an_unpublished_page_is_404(client, condition):
    data = answer(condition)
    condition.unpublish()

    assert post_form(client, data).status_code == 404
    assert client.get(sent_url(condition)).status_code == 404
    assert PageFeedback.objects.count() == 0


def test_a_private_page_is_404_and_shows_no_form(client, condition):
    from django.contrib.auth import get_user_model
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=condition, restriction_type="login")

    assert post_form(client, answer(condition)).status_code == 404
    client.force_login(get_user_model().objects.create_user("staff", password="pw"))
    html = client.get(condition.url).content.decode()
    assert "Feedback cannot be sent from this page." in html
    assert 'name="feedback_token"' not in html


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_wrong_method_is_405(client, condition, method):
    for url in (submit_url(), api_url()):
        response = getattr(client, method)(url)
        assert response.status_code == 405
        assert response["Allow"] == "POST"


def test_wrong_content_type_is_415(client, condition):
    html = client.post(submit_url(), json.dumps(json_answer(condition)), content_type="application/json")
    assert html.status_code == 415
    as_text = client.post(api_url(), "helpful=yes", content_type="text/plain")
    assert as_text.status_code == 415
    form_to_json = post_form(client, answer(condition), url=api_url())
    assert form_to_json.status_code == 415
    assert PageFeedback.objects.count() == 0


def test_a_body_too_large_is_413(client, condition, settings):
    big = answer(condition, comment="x" * 9000)
    assert post_form(client, big).status_code == 413
    assert post_json(client, {**json_answer(condition), "comment": "x" * 9000}).status_code == 413
    configure(settings, FEEDBACK_MAX_BODY_BYTES=100)
    assert post_form(client, answer(condition)).status_code == 413
    assert PageFeedback.objects.count() == 0


def test_repeated_fields_are_400(client, condition):
    data = answer(condition)
    body = "&".join(f"{key}={value}" for key, value in data.items()) + "&helpful=no"
    response = client.post(submit_url(), body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400


def test_rate_limit_is_429_with_its_own_counter(client, condition, settings):
    configure(settings, FEEDBACK_RATE_LIMIT=2, APPOINTMENT_RATE_LIMIT=0)

    assert post_form(client, answer(condition)).status_code == 303
    assert post_json(client, json_answer(condition)).status_code == 201
    limited = post_form(client, answer(condition))
    assert limited.status_code == 429
    assert limited["Retry-After"] == "600"
    assert_no_store(limited)
    assert post_json(client, json_answer(condition)).status_code == 429
    assert PageFeedback.objects.count() == 2


def test_a_rate_limit_cache_that_is_down_lets_answers_through(client, condition, settings, caplog):
    from tests.builders.faults import DOWN_REDIS_CACHE

    settings.CACHES = {**settings.CACHES, "down": DOWN_REDIS_CACHE}
    configure(settings, APPOINTMENT_RATE_LIMIT_CACHE="down", FEEDBACK_RATE_LIMIT=0)

    started = time.monotonic()
    assert post_form(client, answer(condition)).status_code == 303
    assert time.monotonic() - started < 5
    assert "Feedback rate limit not applied" in caplog.text
    assert PageFeedback.objects.count() == 1


@pytest.mark.parametrize(
    "overrides,reason",
    [({"website": "http://spam.example"}, SpamReason.HONEYPOT), ({}, SpamReason.TOO_FAST)],
    ids=["honeypot", "too-fast"],
)
def test_spam_gets_the_same_answer_and_is_stored_as_spam(
    client, condition, settings, overrides, reason
):
    configure(settings, APPOINTMENT_MIN_FILL_SECONDS=3 if not overrides else 0)

    assert post_form(client, answer(condition, **overrides)).status_code == 303
    assert post_json(client, json_answer(condition, **overrides)).status_code == 201
    assert list(PageFeedback.objects.values_list("is_spam", "spam_reason")) == [
        (True, reason),
        (True, reason),
    ]


def test_a_database_failure_is_503_and_nothing_is_stored(client, condition, monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("down")

    monkeypatch.setattr(PageFeedback, "save", fail)

    html = post_form(client, answer(condition))
    assert html.status_code == 503
    assert html["Retry-After"] == "60"
    assert post_json(client, json_answer(condition)).status_code == 503


def test_a_staff_session_is_ignored(condition, staff_client):
    from django.contrib.auth import get_user_model

    response = post_form(staff_client, answer(condition))

    assert response.status_code == 303
    assert "cookie" not in response.get("Vary", "").lower()  # the session was not read
    user_model = get_user_model()
    assert not [f for f in PageFeedback._meta.get_fields() if f.related_model is user_model]


# --- With JavaScript (JSON) -----------------------------------------------------------------


def test_json_answer_is_201_with_the_thank_you(client, condition):
    response = post_json(client, json_answer(condition, helpful=False, comment="Unclear."))

    assert response.status_code == 201
    assert_no_store(response)
    assert response.json() == {
        "status": "received",
        "message": "Thank you for your feedback.",
        "detail": "We read every answer to improve our pages. We cannot reply to comments.",
    }
    stored = PageFeedback.objects.get()
    assert (stored.helpful, stored.comment) == (False, "Unclear.")


def test_json_accepts_yes_and_no_and_booleans(client, condition):
    for value in ("yes", "no", True, False):
        assert post_json(client, json_answer(condition, helpful=value)).status_code == 201
    assert list(PageFeedback.objects.order_by("pk").values_list("helpful", flat=True)) == [
        True,
        False,
        True,
        False,
    ]


def test_json_personal_data_is_422_naming_the_field(client, condition):
    response = post_json(client, json_answer(condition, comment="mail ann@example.com"))

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    error = response.json()["errors"][0]
    assert error["loc"] == ["body", "comment"]
    assert error["type"] == "personal_data"
    assert error["msg"].startswith(PERSONAL_DATA)


@pytest.mark.parametrize(
    "body,status,loc",
    [
        ({"helpful": None}, 422, ["body", "helpful"]),
        ({"helpful": "maybe"}, 422, ["body", "helpful"]),
        ({"helpful": 1}, 422, ["body", "helpful"]),
        ({"comment": "x" * 501}, 422, ["body", "comment"]),
        ({"comment": 5}, 422, ["body", "comment"]),
        ({"page": "12"}, 422, ["body", "page"]),
        ({"page": None}, 422, ["body", "page"]),
        ({"id": 5}, 422, ["body", "id"]),
        ({"is_spam": False}, 422, ["body", "is_spam"]),
    ],
    ids=[
        "missing-answer",
        "invalid-answer",
        "number-answer",
        "too-long",
        "comment-not-text",
        "page-as-text",
        "page-missing",
        "unknown-key",
        "spam-flag",
    ],
)
def test_json_invalid_bodies_are_422(client, condition, body, status, loc):
    payload = {**json_answer(condition), **body}
    if body.get("page", 0) is None:
        del payload["page"]
    response = post_json(client, payload)

    assert response.status_code == status
    assert loc in [error["loc"] for error in response.json()["errors"]]
    assert PageFeedback.objects.count() == 0


@pytest.mark.parametrize(
    "raw", ["{", "[1,", '{"page": NaN}', b"\xff\xfe", '{"page": 1, "page": 2}'],
    ids=["open", "list", "nan", "not-utf8", "repeated-key"],
)
def test_json_unreadable_bodies_are_400(client, condition, raw):
    response = post_json(client, raw)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_json_not_an_object_is_422(client, condition):
    assert post_json(client, [1, 2]).status_code == 422


def test_json_bad_token_is_403_with_a_fresh_token(client, condition):
    response = post_json(client, json_answer(condition, token="forged"))

    assert response.status_code == 403
    fresh = response.json()["token"]
    assert post_json(client, json_answer(condition, token=fresh)).status_code == 201


def test_json_unknown_page_is_404(client, condition):
    assert post_json(client, {**json_answer(condition), "page": 999999}).status_code == 404


def test_an_expired_token_from_a_cached_page_still_works_within_its_lifetime(client, condition):
    data = answer(condition, token_now=time.time() - 3600)

    assert post_form(client, data).status_code == 303


def test_the_slashless_urls_take_a_post_too(client, condition):
    assert post_form(client, answer(condition), url=submit_url().rstrip("/")).status_code == 303
    response = client.post(
        api_url().rstrip("/"), json.dumps(json_answer(condition)), content_type="application/json"
    )
    assert response.status_code == 201


def test_a_host_page_type_can_turn_feedback_off(client, tree, feedback_settings, monkeypatch):
    page = ConditionPageFactory(parent=tree.conditions, slug="quiet")
    page.save_revision().publish()
    monkeypatch.setattr(type(page), "accepts_feedback", False)

    assert post_form(client, answer(page)).status_code == 404
    assert "Was this page helpful?" not in client.get(page.url).content.decode()


def test_an_answer_costs_a_fixed_number_of_queries(client, condition, django_assert_num_queries):
    # The page (live, public, accepting feedback: one query), the insert in its savepoint.
    with django_assert_num_queries(4):
        assert post_json(client, json_answer(condition)).status_code == 201
    with django_assert_num_queries(4):
        assert post_form(client, answer(condition)).status_code == 303
