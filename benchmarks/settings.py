"""The test settings, plus the benchmarks' reference pages; ``DATABASE_URL`` picks the database."""

from tests.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks.refapp"]  # noqa: F405
WAGTAIL_CONDITIONS = {
    "APPOINTMENT_MIN_FILL_SECONDS": 0,
    "APPOINTMENT_RATE_LIMIT": 10**9,
    "APPOINTMENT_RECIPIENTS": ["desk@clinic.example"],
}
# The API listings' query counts are taken at up to 50 pages (Wagtail's default maximum is 20).
WAGTAILAPI_LIMIT_MAX = 50
# Notifications queued for db_worker, as deployed (example_site's production settings, and
# ``make load``): the POST rows time what a patient's request costs the web worker.
INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
