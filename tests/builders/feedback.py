"""Shared set-up for the page feedback tests: a valid answer for a page, posted as a browser
(form-encoded) or the form's script (JSON) sends it."""

import json
from urllib.parse import urlencode

from django.urls import reverse

from wagtail_conditions.appointments.tokens import make_form_token
from wagtail_conditions.feedback.pipeline import FORM_ID

# The appointment tests' defaults (no minimum fill time, the render cache off) with a feedback
# rate limit no test reaches unless it sets its own.
BASE_SETTINGS = {
    "APPOINTMENT_MIN_FILL_SECONDS": 0,
    "APPOINTMENT_RATE_LIMIT": 10_000,
    "FEEDBACK_RATE_LIMIT": 10_000,
    "RENDER_CACHE": False,
}


def configure(settings, **overrides):
    settings.WAGTAIL_CONDITIONS = {**BASE_SETTINGS, **overrides}


def submit_url():
    return reverse("wagtail_conditions:feedback_submit")


def api_url():
    return reverse("wagtail_conditions:feedback_api_submit")


def sent_url(page):
    return reverse("wagtail_conditions:feedback_sent", kwargs={"page_id": page.pk})


def token_for(page, now=None):
    return make_form_token(page.pk, FORM_ID, now=now)


def answer(page, *, token_now=None, **overrides):
    """A valid form body for ``page``; pass ``field=None`` to leave a field out."""
    data = {
        "page": str(page.pk),
        "feedback_token": token_for(page, token_now),
        "helpful": "yes",
        "comment": "Clear and useful, thank you.",
        "website": "",
        **overrides,
    }
    return {key: value for key, value in data.items() if value is not None}


def post_form(client, data, url=None, **extra):
    return client.post(
        url or submit_url(),
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
        **extra,
    )


def json_answer(page, *, token_now=None, **overrides):
    """A valid JSON body for ``page`` (its token under "token")."""
    body = {
        "page": page.pk,
        "token": token_for(page, token_now),
        "helpful": "yes",
        "comment": "Clear and useful, thank you.",
        "website": "",
        **overrides,
    }
    return {key: value for key, value in body.items() if value is not None}


def post_json(client, body, **extra):
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(api_url(), raw, content_type="application/json", **extra)
