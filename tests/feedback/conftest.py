"""Fixtures of the page feedback tests: a published condition page (with an appointment form,
where a comment holding personal data is sent) and a therapy page."""

import pytest
from django.core.cache import caches

from tests.builders.appointments import form_block
from tests.builders.feedback import configure
from tests.builders.pages import ConditionPageFactory, TherapyPageFactory, make_site_tree


@pytest.fixture
def feedback_settings(settings):
    configure(settings)
    caches["default"].clear()
    yield settings
    caches["default"].clear()


@pytest.fixture
def tree(db):
    return make_site_tree()


@pytest.fixture
def condition(tree, feedback_settings):
    page = ConditionPageFactory(
        parent=tree.conditions,
        title="Muscle spasms",
        slug="muscle-spasms",
        overview=[{"type": "paragraph", "value": "<p>Sudden tightening of a muscle.</p>"}],
        treatment=[form_block()],
    )
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def therapy(tree, feedback_settings):
    page = TherapyPageFactory(parent=tree.therapies, title="Massage", slug="massage")
    page.save_revision().publish()
    page.refresh_from_db()
    return page
