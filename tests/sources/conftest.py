import pytest

from tests.builders import pages
from tests.builders.appointments import configure
from tests.builders.sources import SourceSite

page_set = pages.page_set  # the fixture, shared with tests/pages

# Loopback is allowed here only (the local site); the timeouts are short so the hanging page
# costs a second, not fifteen.
CHECKER_SETTINGS = {
    "SOURCES_CHECK_ALLOW_LOOPBACK": True,
    "SOURCES_CHECK_CONNECT_TIMEOUT": 1,
    "SOURCES_CHECK_TIMEOUT": 1,
    "SOURCES_CHECK_CONCURRENCY": 2,
}


@pytest.fixture
def checker_settings(settings):
    configure(settings, **CHECKER_SETTINGS)
    return settings


@pytest.fixture
def source_site():
    site = SourceSite().start()
    yield site
    site.stop()
