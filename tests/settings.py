"""Settings for the test suite. ``DATABASE_URL`` picks the database (SQLite by default)."""

import os

import corsheaders.defaults
import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = os.path.dirname(os.path.abspath(__file__))

SECRET_KEY = "tests-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "Europe/London"
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("fr", _("French"))]
# Wagtail's content languages: the locales pages and body areas can be translated into.
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# WAGTAIL_I18N_ENABLED stays off here, as on a single-language site (the package's default
# case): the suite's exact query counts (assertNumQueries) measure that case, and Wagtail adds
# locale queries when it is on. Tests of localisation (tests/i18n/, and others' per-test checks)
# turn it on with override_settings(WAGTAIL_I18N_ENABLED=True) and create the Locale rows
# they need; tests/settings_localize.py runs tests/i18n with wagtail-localize instead of
# simple_translation.

DATABASES = {
    "default": dj_database_url.config(
        default="sqlite:///" + os.path.join(BASE_DIR, "test.sqlite3"), conn_max_age=0
    )
}
if os.environ.get("WAGTAIL_CONDITIONS_TEST_DB_NAME"):
    # Lets two runs share one PostgreSQL server without sharing a test database; gives SQLite a
    # file in place of its in-memory test database (tox env "browser": see tox.ini).
    DATABASES["default"]["TEST"] = {"NAME": os.environ["WAGTAIL_CONDITIONS_TEST_DB_NAME"]}
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        # The live server's threads on one file: readers never wait for a writer (WAL), a
        # writer waits for another (a write transaction starts IMMEDIATE, so SQLite never has
        # to refuse a reader's upgrade at once with "database is locked"), for up to 20 s.
        DATABASES["default"]["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        }

# The render cache (on by default) is off for the suite, whose query counts measure rendering;
# see BASE_SETTINGS in tests/builders/appointments.py for where it is on.
WAGTAIL_CONDITIONS = {"RENDER_CACHE": False}

INSTALLED_APPS = [
    "wagtail_conditions",
    "wagtail_modeladmin",
    "tests.testapp",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail_headless_preview",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "corsheaders",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First, so that it answers CORS preflights before anything else runs.
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "tests.urls"

# A decoupled front end on another origin reads the APIs and posts appointment requests;
# no cookies cross origins (the JSON endpoint needs none). See docs/api.md.
CORS_ALLOWED_ORIGINS = ["https://frontend.example"]
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = (*corsheaders.defaults.default_headers, "idempotency-key")
# Let the front end read when to retry after a 429.
CORS_EXPOSE_HEADERS = ["retry-after"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.path.join(BASE_DIR, "templates")],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

STATIC_URL = "/static/"
STATIC_ROOT = os.path.join(BASE_DIR, "static-collected")
# The example site's static headless client, which the browser tests drive.
STATICFILES_DIRS = [os.path.join(os.path.dirname(BASE_DIR), "example_site", "static")]
MEDIA_URL = "/media/"
MEDIA_ROOT = os.path.join(BASE_DIR, "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The suite runs in one process, so the local-memory cache is right here; production sites
# get W003 for it (tests/appointments/test_rate_limit.py checks that).
SILENCED_SYSTEM_CHECKS = ["wagtail_conditions.W003"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

WAGTAIL_SITE_NAME = "Test clinic"
WAGTAILADMIN_BASE_URL = "http://testserver"
WAGTAILEMBEDS_FINDERS = [{"class": "tests.embed_finders.StaticEmbedFinder"}]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Previews open the static headless client; its URL names a file, so no trailing slash.
WAGTAIL_HEADLESS_PREVIEW = {
    "CLIENT_URLS": {"default": "http://testserver/static/headless/index.html"},
    "ENFORCE_TRAILING_SLASH": False,
}
