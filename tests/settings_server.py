"""
The test settings as a real deployment runs them, for tests/appointments/test_server_faults.py: gunicorn
in front, PostgreSQL, Redis, notifications queued in the database and sent by
``manage.py db_worker`` over SMTP. Each value comes from an environment variable that the test
sets for the server or worker it starts.

Two cache layouts (``SERVER_FAULTS_CACHE_LAYOUT``): "shipped", the default, takes the example
site's production ``CACHES`` as they are (one Redis for everything); "separate" gives the
rate limit a Redis alias of its own beside a plain ``RedisCache`` default.
"""

import copy
import importlib
import os
import sys
from pathlib import Path

import dj_database_url

from tests.settings import *  # noqa: F403
from tests.settings import INSTALLED_APPS, MIDDLEWARE

DEBUG = False

DATABASES = {
    "default": dj_database_url.parse(
        os.environ["SERVER_FAULTS_DATABASE_URL"],
        conn_max_age=int(os.environ.get("SERVER_FAULTS_CONN_MAX_AGE", "60")),
        conn_health_checks=os.environ.get("SERVER_FAULTS_CONN_HEALTH_CHECKS", "1") == "1",
    )
}


def _redis(location):
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": location,
        # One prefix per server start: counts never leak between tests or runs.
        "KEY_PREFIX": os.environ["SERVER_FAULTS_CACHE_PREFIX"],
        # A Redis that does not answer fails the call instead of holding the worker.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


def _shipped_caches(location):
    """The example site's production CACHES, as they are (one Redis for everything, behind
    the fail-soft backend), pointed at ``location`` with 1 s socket timeouts."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "example_site"))
    os.environ.update(
        DJANGO_SECRET_KEY=SECRET_KEY,  # noqa: F405 - from tests.settings
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        REDIS_URL=location,
        REDIS_CONNECT_TIMEOUT="1",
        REDIS_TIMEOUT="1",
    )
    production = importlib.import_module("example_site.settings.production")
    shipped = copy.deepcopy(production.CACHES)
    shipped["default"]["KEY_PREFIX"] = os.environ["SERVER_FAULTS_CACHE_PREFIX"]
    return shipped


if os.environ.get("SERVER_FAULTS_CACHE_LAYOUT", "shipped") == "shipped":
    # As the example site ships: Wagtail's caching and the limits in the one Redis.
    CACHES = _shipped_caches(os.environ["SERVER_FAULTS_REDIS_URL"])
    RATE_LIMIT_CACHE = "default"
else:
    # The rate limit with a cache of its own, so a test can take it down while Wagtail's own
    # caching (site root paths, in "default") keeps working.
    CACHES = {
        "default": _redis(os.environ["SERVER_FAULTS_REDIS_URL"]),
        "rate_limit": _redis(
            os.environ.get("SERVER_FAULTS_RATE_LIMIT_REDIS_URL")
            or os.environ["SERVER_FAULTS_REDIS_URL"]
        ),
    }
    RATE_LIMIT_CACHE = "rate_limit"
SILENCED_SYSTEM_CHECKS = []

INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]
MIDDLEWARE = ["tests.server_middleware.HoldEachRequest", *MIDDLEWARE]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["SERVER_FAULTS_SMTP_PORT"])
EMAIL_USE_TLS = False
EMAIL_TIMEOUT = float(os.environ.get("SERVER_FAULTS_EMAIL_TIMEOUT", "10"))

WAGTAIL_CONDITIONS = {
    "APPOINTMENT_RATE_LIMIT_CACHE": RATE_LIMIT_CACHE,
    "APPOINTMENT_RATE_LIMIT": int(os.environ.get("SERVER_FAULTS_RATE_LIMIT", "100000")),
    "APPOINTMENT_RECIPIENTS": ["frontdesk@clinic.example"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}
