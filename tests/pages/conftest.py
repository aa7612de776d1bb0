"""Fixtures of the page tests (``site_tree`` is in tests/conftest.py)."""

import pytest

from tests.builders.pages import BodyAreaFactory, ConditionPageFactory, link_therapies


@pytest.fixture
def areas(db):
    """Two body areas."""
    return [BodyAreaFactory(), BodyAreaFactory()]


@pytest.fixture
def make_condition(areas):
    """Make a condition page under ``parent``, in both ``areas``, linked to ``therapies``."""

    def make_condition(parent, therapies):
        condition = ConditionPageFactory(
            parent=parent,
            overview=[("paragraph", "<p>Overview.</p>")],
            treatment=[("paragraph", "<p>Treatment.</p>")],
        )
        condition.body_areas.set(areas)
        condition.save()
        link_therapies(condition, therapies)
        return condition

    return make_condition
