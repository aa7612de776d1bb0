"""Fixtures of the appointment pipeline tests (the form page's fixtures, shared with the API
tests, are in tests/conftest.py)."""

import pytest

from tests.builders.appointments import post_form


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """
    Make a request and run whatever would run after commit, so any stored row would send
    email. A dict is POSTed form-encoded, as a browser sends it.
    """

    def send(method="post", url=None, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            if method == "post" and isinstance(data, dict) and "content_type" not in kwargs:
                return post_form(client, data, url)
            if data is None:
                return getattr(client, method)(url, **kwargs)
            return getattr(client, method)(url, data, **kwargs)

    return send
