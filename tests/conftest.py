"""
Fixtures more than one area of the suite uses. Each area's own fixtures are in its
``conftest.py``; the builders they call are in ``tests/builders/``.
"""

import socket

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import transaction
from django.test import Client

from tests.builders.appointments import (
    ALL_FIELDS,
    FORM_ID,
    OTHER_FORM_ID,
    FormPage,
    configure,
    form_block,
    publish_host_page,
)
from tests.builders.pages import make_site_tree
from wagtail_conditions.demo import load_demo


def _postgres_unreachable():
    """A reason to skip, when the configured database is PostgreSQL and it does not answer."""
    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        return None
    host, port = db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432)
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError as error:
        return f"PostgreSQL at {host}:{port} did not answer ({error}); PostgreSQL run skipped"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _postgres_unreachable()
    if reason:
        for item in items:
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    import wagtail

    return f"database: {db['ENGINE']} ({db.get('NAME')}), wagtail {wagtail.__version__}"


@pytest.fixture
def site_tree(db):
    """The default site's home page with a published condition index and therapy index."""
    return make_site_tree()


@pytest.fixture(autouse=True)
def _clear_caches():
    """Start every test with empty caches: Wagtail caches renditions by image id, and SQLite
    reuses ids after a rolled-back test, so a stale rendition would leak between tests."""
    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker):
    """A transaction open for a whole module and rolled back after it, like Django's
    ``setUpTestData``: rows built in it are shared by the module's tests, each of which still
    runs in its own (nested) transaction. A module that uses it must hold no transactional
    tests (pytest keeps the transaction open until the module's last test)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- The appointment form ---------------------------------------------------------------------


@pytest.fixture
def appointment_settings(settings):
    """The test defaults, with a rate-limit cache that starts empty."""
    configure(settings)
    caches["default"].clear()
    yield settings
    caches["default"].clear()


@pytest.fixture(scope="module")
def shared_form_page(module_transaction):
    """One published page for a whole module: its first form asks every question (FORM_ID),
    its second makes every question required (OTHER_FORM_ID). Tests must not change it."""
    page = publish_host_page(
        form_block(FORM_ID),
        form_block(OTHER_FORM_ID, anchor="all-required", required_fields=list(ALL_FIELDS)),
        slug="shared-form-page",
    )
    return FormPage(page)


@pytest.fixture
def form_page(shared_form_page, appointment_settings, db):
    """A published HostPage whose appointment form asks every question (shared, read-only)."""
    return shared_form_page


@pytest.fixture
def own_form_page(db, appointment_settings):
    """A page of the test's own: for tests that change it, and for modules with
    transactional tests (where the module-wide shared page would hold a transaction open)."""
    return FormPage(publish_host_page())


@pytest.fixture(scope="module")
def shared_demo(module_transaction):
    """The demo content (its condition page "Muscle spasms"), loaded once for the module."""
    return load_demo()


@pytest.fixture
def demo_condition(shared_demo, appointment_settings, db):
    """The demo's condition page, whose form a headless front end reads and submits."""
    return shared_demo


@pytest.fixture
def staff_client(db):
    """A logged-in superuser whose client enforces CSRF checks, as a browser does."""
    user = get_user_model().objects.create_superuser("desk", "desk@clinic.example", "pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client
