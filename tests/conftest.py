"""
Fixtures more than one area of the suite uses. Each area's own fixtures are in its
``conftest.py``; the builders they call are in ``tests/builders/``.
"""

import json
import os
import socket
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, router, transaction
from django.test import Client
from django.utils import translation
from wagtail.models import Page

from tests.builders.appointments import (
    ALL_FIELDS,
    FORM_ID,
    OTHER_FORM_ID,
    FormPage,
    configure,
    form_block,
    publish_host_page,
)
from tests.builders.faults import DOWN_REDIS_CACHE
from tests.builders.pages import make_site_tree
from wagtail_conditions import render_cache
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


def pytest_addoption(parser, pluginmanager):
    """pyproject's addopts run the suite on pytest-xdist workers (``--numprocesses=auto
    --dist=loadfile``). Where xdist is disabled (``-p no:xdist``) or not installed, those two
    options are accepted and ignored, so the suite runs in one process as with ``-n 0``."""
    if pluginmanager.has_plugin("xdist"):
        return
    group = parser.getgroup("xdist", "pytest-xdist (disabled: these options are ignored)")
    group.addoption("--numprocesses", dest="numprocesses", default=None)
    group.addoption("--dist", dest="dist", default="no")


# --- Where PostgreSQL runs the whole suite on the same Wagtail ---------------------------------
#
# tox's wagtail80-sqlite sets WAGTAIL_CONDITIONS_POSTGRES_RUNS_THE_SUITE to the PostgreSQL that
# wagtail80-postgres runs the whole suite on, on the same Wagtail. When that server answers and
# no tests were named, the SQLite run keeps only the tests where SQLite changes what is tested
# with this Wagtail: the migrations and the checks (tests/project, which also runs the example
# site on its own SQLite file), the inbox's search and filters and the condition index's search
# (Wagtail's database search backend is another one on SQLite). The rest is the same code on
# the same Wagtail, and on the same database as wagtail74-sqlite runs the whole suite on:
# running it a third time would add four minutes to CI and catch nothing. Without that
# PostgreSQL the SQLite run is the whole suite.
SQLITE_DIFFERS = ("tests/project/", "tests/inbox/", "tests/pages/test_condition_index.py")


def _postgres_runs_the_suite(config):
    """The PostgreSQL address that runs the whole suite instead, when this run may leave it."""
    url = os.environ.get("WAGTAIL_CONDITIONS_POSTGRES_RUNS_THE_SUITE")
    if not url or "sqlite" not in settings.DATABASES["default"]["ENGINE"]:
        return None
    if config.args_source is not pytest.Config.ArgsSource.TESTPATHS:
        return None  # tests were named: run them
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 3).close()
    except OSError:
        return None
    return f"{parts.hostname}:{parts.port or 5432}"


def pytest_collection_modifyitems(config, items):
    reason = _postgres_unreachable()
    if reason:
        for item in items:
            item.add_marker(pytest.mark.skip(reason=reason))
    if _postgres_runs_the_suite(config):
        root = config.rootpath
        kept, left = [], []
        for item in items:
            relative = item.path.relative_to(root).as_posix()
            (kept if relative.startswith(SQLITE_DIFFERS) else left).append(item)
        if left:
            config.hook.pytest_deselected(items=left)
            items[:] = kept


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    import wagtail

    lines = [f"database: {db['ENGINE']} ({db.get('NAME')}), wagtail {wagtail.__version__}"]
    postgres = _postgres_runs_the_suite(config)
    if postgres:
        lines.append(
            f"PostgreSQL at {postgres} runs the whole suite on this Wagtail (tox's "
            f"wagtail80-postgres): here only the tests where SQLite differs, "
            f"{', '.join(SQLITE_DIFFERS)} (name tests to run them here)"
        )
    return lines


# --- The migrated database, the same for every test whatever ran before it -------------------
#
# A transactional test (transaction=True, transactional_db, live_server) ends by emptying every
# table, which also takes away what the migrations wrote (Wagtail's root page and default site,
# the content types and permissions). pytest-django runs such tests after the others, so that
# does not matter in one process; on xdist workers each worker takes whole files in its own
# order, so a transactional test can come before other files' tests. After each one, the rows
# the migrations wrote are put back, as Django's serialized_rollback does before a test.


_DB_BLOCKER = pytest.StashKey()
# {alias: the migrated rows}, kept here as well as on the connection: Playwright's sync API runs
# an event loop in this thread, and a connection opened inside it is another object than the
# one the databases were set up with, without Django's ``_test_serialized_contents``.
_MIGRATED_ROWS = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """pytest-django's test databases, with their migrated rows kept to put back (Django keeps
    them only when a collected test asks for serialized_rollback)."""
    with django_db_blocker.unblock():
        for connection in connections.all():
            if not hasattr(connection, "_test_serialized_contents"):
                connection._test_serialized_contents = connection.creation.serialize_db_to_string()
            _MIGRATED_ROWS[connection.alias] = connection._test_serialized_contents
    request.config.stash[_DB_BLOCKER] = django_db_blocker
    yield
    del request.config.stash[_DB_BLOCKER]
    _MIGRATED_ROWS.clear()


def _is_transactional(item):
    """The rule pytest-django uses to run a test outside a transaction."""
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    blocker = item.config.stash.get(_DB_BLOCKER, None)  # None: no test database here yet
    if blocker is not None and _is_transactional(item):
        with blocker.unblock():
            _restore_migrated_rows()
    return result


def _restore_migrated_rows():
    for connection in connections.all():
        contents = _MIGRATED_ROWS.get(connection.alias)
        if contents is None:
            continue  # not set up
        # For Django's serialized_rollback too, on a connection opened after the set-up.
        connection._test_serialized_contents = contents
        if Page.objects.using(connection.alias).filter(depth=1).exists():
            continue  # not emptied (the test was skipped before it started)
        # Sequences are left where they are, then moved past the ids put back (on PostgreSQL
        # a table the test migrated away and back starts its sequence again at 1).
        call_command(
            "flush", database=connection.alias, interactive=False, verbosity=0,
            inhibit_post_migrate=True, reset_sequences=False,
        )
        # The content types first, and Django's cache of them emptied: a signal handler that
        # asks for one while the other rows load then finds it instead of adding another.
        rows = json.loads(contents)
        content_types = [row for row in rows if row["model"] == "contenttypes.contenttype"]
        connection.creation.deserialize_db_from_string(json.dumps(content_types))
        ContentType.objects.clear_cache()
        others = [row for row in rows if row["model"] != "contenttypes.contenttype"]
        connection.creation.deserialize_db_from_string(json.dumps(others))
        models = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
            and router.allow_migrate_model(connection.alias, model)
        ]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    ContentType.objects.clear_cache()


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


@pytest.fixture(autouse=True)
def _language_restored():
    """Put back the language active before each test. Django's LocaleMiddleware activates the
    language of each request it serves and never deactivates it (a server activates anew for
    the next request), so a Spanish request in one test would leave the next test Spanish."""
    language = translation.get_language()
    yield
    translation.activate(language)


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


@pytest.fixture
def dead_render_cache(settings):
    """The render cache on, in a Redis that refuses connections (nothing listens on port 1):
    Django's own RedisCache, which raises."""
    settings.CACHES = {**settings.CACHES, "pages": DOWN_REDIS_CACHE}
    configure(settings, RENDER_CACHE=True, RENDER_CACHE_ALIAS="pages")
    render_cache._failing = False
    yield
    render_cache._failing = False
