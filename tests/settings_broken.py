"""Test settings with the mistakes the system checks exist to catch (see tests/project/test_checks.py)."""

from tests.settings import *  # noqa: F403

ROOT_URLCONF = "tests.urls_without_conditions"
WAGTAIL_CONDITIONS = {"BASE_TEMPLATE": "missing_base.html", "CONDITIONS_PERPAGE": 10}
