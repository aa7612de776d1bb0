"""``GET /api/appointments/token/`` (api/form_tokens.py): a fresh form token for a page a CDN
kept, counting from when the page was opened; exact answers for bad parameters; never cached."""

import datetime
import json
import time

import pytest
from django.urls import reverse

from tests.builders.appointments import configure
from wagtail_conditions.api.form_tokens import MAX_ELAPSED
from wagtail_conditions.appointments.tokens import read_form_token

pytestmark = pytest.mark.django_db


def url(**params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('wagtail_conditions:appointment_token')}?{query}"


def test_a_token_counts_from_when_the_page_was_opened(client, django_assert_num_queries):
    before = time.time()
    with django_assert_num_queries(0):  # nothing read: a token is checked when it is used
        response = client.get(url(page=42, block="form-a", elapsed="12.5"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    token = read_form_token(data["token"], page_id=42, block_id="form-a")
    assert int(before - 12.5) <= token.issued_at <= time.time() - 12  # whole seconds
    expires = datetime.datetime.fromisoformat(data["token_expires_at"]).timestamp()
    assert abs(expires - (int(token.issued_at) + 86400)) <= 1


def test_elapsed_is_capped_and_defaults_to_now(client, settings):
    configure(settings, APPOINTMENT_TOKEN_MAX_AGE=86400)
    capped = json.loads(client.get(url(page=1, block="b", elapsed=10**9)).content)
    token = read_form_token(capped["token"], page_id=1, block_id="b")
    assert token.age() == pytest.approx(MAX_ELAPSED, abs=2)
    now = json.loads(client.get(url(page=1, block="b")).content)
    assert read_form_token(now["token"], page_id=1, block_id="b").age() < 2


def test_each_answer_is_a_new_token(client):
    tokens = {json.loads(client.get(url(page=1, block="b")).content)["token"] for _ in range(3)}
    assert len(tokens) == 3


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"block": "b"}, "page"),
        ({"page": "x", "block": "b"}, "page"),
        ({"page": "-1", "block": "b"}, "page"),
        ({"page": "٣", "block": "b"}, "page"),  # a digit, but not an ASCII one
        ({"page": "1" * 19, "block": "b"}, "page"),
        ({"page": "1"}, "block"),
        ({"page": "1", "block": "a" * 65}, "block"),
        ({"page": "1", "block": "a b"}, "block"),
        ({"page": "1", "block": "b", "elapsed": "-3"}, "elapsed"),
        ({"page": "1", "block": "b", "elapsed": "nan"}, "elapsed"),
        ({"page": "1", "block": "b", "elapsed": "inf"}, "elapsed"),
        ({"page": "1", "block": "b", "elapsed": "soon"}, "elapsed"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client, params, where):
    response = client.get(url(**params))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = json.loads(response.content)
    assert problem["status"] == 400
    assert [error["loc"] for error in problem["errors"]] == [["query", where]]
    assert problem["detail"] == problem["errors"][0]["msg"]


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_other_methods_are_a_405(client, method):
    response = getattr(client, method)(url(page=1, block="b"))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert json.loads(response.content)["status"] == 405
