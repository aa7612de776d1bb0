"""
The form lives in pages that a CDN or Wagtail's front-end cache may serve to everyone, so it
carries a signed form token instead of Django's per-session CSRF token, and the submit view
treats every request as anonymous. Personal responses are never cacheable.
"""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.builders.appointments import (
    configure,
    hidden_values,
    post_form,
    read_form,
    valid_answers,
)
from wagtail_conditions.models import AppointmentRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def assert_adds_no_cookie(response):
    assert not response.cookies, f"Set-Cookie: {list(response.cookies)}"
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.get("Vary", "").lower()


def assert_no_store(response):
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control
    assert "private" in cache_control


def without_tokens(html):
    return re.sub(r'name="token" value="[^"]*"', 'name="token" value=""', html)


# --- CSRF -----------------------------------------------------------------------------------


def test_csrf_enforcing_client_submits_with_only_the_form_token(csrf_client, form_page):
    page = csrf_client.get(form_page.page.url)
    assert "csrftoken" not in csrf_client.cookies  # nothing to send back

    hidden = hidden_values(read_form(page.content.decode()))
    response = post_form(csrf_client, {**hidden, **valid_answers()})

    assert response.status_code == 303
    assert AppointmentRequest.objects.count() == 1


def test_csrf_enforcing_client_without_a_form_token_gets_403_and_nothing_is_stored(
    csrf_client, form_page
):
    response = post_form(csrf_client, form_page.payload(token=None))

    assert response.status_code == 403
    assert AppointmentRequest.objects.count() == 0


def test_token_from_a_page_cached_an_hour_ago_still_works(csrf_client, form_page):
    response = post_form(csrf_client, form_page.payload(token_now=time.time() - 3600))

    assert response.status_code == 303
    assert AppointmentRequest.objects.count() == 1


def test_one_cached_page_serves_many_visitors(form_page):
    """Everyone who gets the same cached HTML submits with the same token."""
    token = form_page.payload()["token"]

    for n in range(3):
        visitor = Client(enforce_csrf_checks=True)
        response = post_form(
            visitor,
            form_page.payload(token=token, name=f"Visitor {n}", email=f"visitor{n}@example.com"),
        )
        assert response.status_code == 303

    assert AppointmentRequest.objects.count() == 3


# --- The page stays cacheable ---------------------------------------------------------------


def test_page_with_the_form_has_no_csrf_token(client, form_page):
    html = client.get(form_page.page.url).content.decode()

    assert "csrfmiddlewaretoken" not in html
    assert "csrftoken" not in html


def test_rendering_the_form_for_an_anonymous_visitor_sets_no_cookie_and_no_vary(client, form_page):
    response = client.get(form_page.page.url)

    assert response.status_code == 200
    assert_adds_no_cookie(response)
    assert "no-store" not in response.get("Cache-Control", "")
    assert "private" not in response.get("Cache-Control", "")


# --- Personal responses are never cached ----------------------------------------------------


def test_redirect_after_submission_is_no_store(client, form_page):
    assert_no_store(form_page.post(client))


def test_thank_you_response_is_no_store(client, form_page):
    response = client.get(form_page.post(client)["Location"])

    assert response.status_code == 200
    assert_no_store(response)
    assert_adds_no_cookie(response)


def test_re_rendered_page_with_errors_is_no_store(client, form_page):
    response = form_page.post(client, email="not-an-email")

    assert response.status_code == 422
    assert_no_store(response)
    assert_adds_no_cookie(response)


@pytest.mark.parametrize(
    "overrides,status",
    [({"token": "forged"}, 403), ({"page": "999999"}, 404)],
    ids=["403-bad-token", "404-unknown-page"],
)
def test_problem_responses_are_no_store(client, form_page, overrides, status):
    response = form_page.post(client, **overrides)

    assert response.status_code == status
    assert_no_store(response)


def test_rate_limited_response_is_no_store(client, form_page, settings):
    configure(settings, APPOINTMENT_RATE_LIMIT=0)

    response = form_page.post(client)

    assert response.status_code == 429
    assert_no_store(response)


# --- A staff session is ignored -------------------------------------------------------------


def test_requests_have_no_link_to_a_user_account():
    user_model = get_user_model()
    assert not [
        f.name for f in AppointmentRequest._meta.get_fields() if f.related_model is user_model
    ]


def test_logged_in_staff_session_is_ignored_on_success(client, staff_client, form_page):
    payload = form_page.payload()

    as_staff = post_form(staff_client, payload)
    as_anonymous = post_form(client, {**payload, "reason": "Another request."})

    assert as_staff.status_code == as_anonymous.status_code == 303
    assert as_staff["Location"].split("?")[0] == as_anonymous["Location"].split("?")[0]
    assert "cookie" not in as_staff.get("Vary", "").lower()  # the session was not read
    assert not as_staff.cookies
    assert AppointmentRequest.objects.count() == 2


def test_logged_in_staff_session_is_ignored_on_error(client, staff_client, form_page):
    payload = form_page.payload(email="not-an-email")

    as_staff = post_form(staff_client, payload)
    as_anonymous = post_form(client, payload)

    assert as_staff.status_code == as_anonymous.status_code == 422
    assert without_tokens(as_staff.content.decode()) == without_tokens(
        as_anonymous.content.decode()
    )
    assert "cookie" not in as_staff.get("Vary", "").lower()


def test_staff_session_does_not_bypass_the_form_token(staff_client, form_page):
    response = post_form(staff_client, form_page.payload(token=None))

    assert response.status_code == 403
    assert AppointmentRequest.objects.count() == 0
