"""Fixtures of the page tests (``site_tree`` is in tests/conftest.py)."""

import pytest

from tests.builders.pages import OURS, BodyAreaFactory


@pytest.fixture
def areas(db):
    """Two body areas."""
    return [BodyAreaFactory(), BodyAreaFactory()]


@pytest.fixture
def page_set():
    """The page types a test builds (``tests.builders.pages.PageSet``): ours, unless a module
    overrides this fixture to run on a host's pages too."""
    return OURS


@pytest.fixture
def make_condition(areas, page_set):
    """Make a condition page under ``parent``, in both ``areas``, linked to ``therapies``."""

    def make_condition(parent, therapies):
        condition = page_set.condition(
            parent=parent,
            overview=[("paragraph", "<p>Overview.</p>")],
            treatment=[("paragraph", "<p>Treatment.</p>")],
        )
        condition.body_areas.set(areas)
        condition.save()
        page_set.link(condition, therapies)
        return condition

    return make_condition
