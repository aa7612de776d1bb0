"""Fixtures of the API tests (the appointment form's fixtures are in tests/conftest.py)."""

import json

import pytest

from tests.builders import pages

page_set = pages.page_set  # the fixture, shared with tests/pages


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """POST to a JSON endpoint and run whatever would run after commit, so a stored row would
    send its email. A dict or list is sent as JSON; bytes and str as they are."""

    def send(url, body, content_type="application/json", client=client, **extra):
        if not isinstance(body, bytes | str):
            body = json.dumps(body)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, body, content_type=content_type, **extra)

    return send


@pytest.fixture
def get(client):
    """GET a JSON endpoint (with any headers as ``extra``); it must answer 200. The body."""

    def get(url, **extra):
        response = client.get(url, **extra)
        assert response.status_code == 200, response.content[:500]
        return response.json()

    return get
