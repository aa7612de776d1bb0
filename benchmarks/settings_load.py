"""
The settings ``make load`` serves the site with: a deployment's (tests/settings_server.py:
gunicorn, PostgreSQL, Redis as the cache, notifications queued for ``db_worker``) plus the
benchmarks' reference pages. The environment variables are the ones
``tests.builders.servers.server_environment`` sets.

One change from a deployment, printed by benchmarks/load.py: the rate limit is raised so
far that it never throttles the run (every client comes from 127.0.0.1, so the default of
10 requests per address would refuse all but the first ten).
"""

from tests.settings_server import *  # noqa: F403
from tests.settings_server import INSTALLED_APPS, WAGTAIL_CONDITIONS

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks.refapp"]
LOAD_RATE_LIMIT = 10**9
WAGTAIL_CONDITIONS = {**WAGTAIL_CONDITIONS, "APPOINTMENT_RATE_LIMIT": LOAD_RATE_LIMIT}
