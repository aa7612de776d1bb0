"""Fixtures of the page tests (``site_tree`` is in tests/conftest.py; ``page_set``, the page
types a test builds, is in tests/builders/pages.py)."""

import pytest

from tests.builders import pages
from tests.builders.api import make_condition as build_condition
from tests.builders.pages import BodyAreaFactory, PageAssertions

page_set = pages.page_set  # the fixture, shared with tests/api


@pytest.fixture
def areas(db):
    """Two body areas."""
    return [BodyAreaFactory(), BodyAreaFactory()]


@pytest.fixture
def make_condition(areas, page_set):
    """Make a condition page under ``parent``, in both ``areas``, linked to ``therapies``."""

    def make_condition_in_areas(parent, therapies):
        return build_condition(parent, therapies, areas, page_set)

    return make_condition_in_areas


@pytest.fixture
def page_asserts(client):
    """Wagtail's page test assertions, bound to the test's client (``PageAssertions``)."""
    return PageAssertions(client)
