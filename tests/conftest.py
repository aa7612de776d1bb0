import socket

import pytest
from django.conf import settings

from tests.factories import make_site_tree


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
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
