"""Production settings: every secret and host comes from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


DEBUG = False
# The database task backend: the web request only stores a task row; `manage.py db_worker`
# (see Procfile and docs/deployment.md) sends the emails, so a slow or hung mail server never
# holds a web worker (system check wagtail_conditions.W004).
INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in env("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "true").lower() == "true"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "clinic@localhost")
# Seconds before a silent mail server fails the send; the notification is then recorded as
# failed and retried (system check wagtail_conditions.W005).
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))

# Keep connections for a while, but test one before reusing it: a connection the server
# dropped (restart, failover, idle timeout) is replaced instead of failing a request.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# One Redis for everything: Wagtail's caching (site root paths, renditions) and the appointment
# rate limit, which needs a cache shared by every worker (system check W003). Wagtail reads this
# cache while it serves every page, and Django's RedisCache lets a Redis error escape, so a
# Redis outage would cost every page and every appointment request a 500. The fail-soft
# backend answers as an empty cache instead while Redis is down (pages and requests are then
# served from the database, the rate limit fails open), and for RETRY_AFTER seconds stops
# asking a Redis that failed: a hung one costs each process one socket timeout per interval.
CACHES = {
    "default": {
        "BACKEND": "wagtail_conditions.cache.FailSoftRedisCache",
        "LOCATION": env("REDIS_URL"),
        "OPTIONS": {
            # Seconds: a Redis that does not answer fails the call instead of hanging the worker.
            "socket_connect_timeout": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "2")),
            "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "2")),
            "RETRY_AFTER": float(os.environ.get("REDIS_RETRY_AFTER", "5")),
        },
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
