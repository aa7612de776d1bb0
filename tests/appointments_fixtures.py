"""
Fixtures for the appointment pipeline tests, loaded by each module with
``pytest_plugins = ["tests.appointments_fixtures"]`` (a plugin module, so test modules need not
import fixture names that their parameters would shadow).
"""

import pytest
from django.core.cache import caches
from django.db import transaction

from tests.appointments_helpers import (
    ALL_FIELDS,
    FORM_ID,
    OTHER_FORM_ID,
    FormPage,
    configure,
    form_block,
    publish_host_page,
)


@pytest.fixture
def appointment_settings(settings):
    """The test defaults, with a rate-limit cache that starts empty."""
    configure(settings)
    caches["default"].clear()
    yield settings
    caches["default"].clear()


@pytest.fixture(scope="module")
def shared_form_page(django_db_setup, django_db_blocker):
    """
    One published page for a whole module, like ``setUpTestData``: its first form asks every
    question (FORM_ID), its second makes every question required (OTHER_FORM_ID). Each test
    still runs in its own transaction, so rows it stores are rolled back. Tests must not
    change the page, and a module that uses it must not hold transactional tests (pytest
    keeps this fixture's transaction open until the module's last test).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        page = publish_host_page(
            form_block(FORM_ID),
            form_block(OTHER_FORM_ID, anchor="all-required", required_fields=list(ALL_FIELDS)),
            slug="shared-form-page",
        )
        yield FormPage(page)
        transaction.set_rollback(True)


@pytest.fixture
def form_page(shared_form_page, appointment_settings, db):
    """A published HostPage whose appointment form asks every question (shared, read-only)."""
    return shared_form_page
