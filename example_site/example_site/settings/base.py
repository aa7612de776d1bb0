"""Settings shared by the example site's development and production configurations."""

import os
from pathlib import Path

import corsheaders.defaults

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

INSTALLED_APPS = [
    "home",
    "wagtail_conditions",
    "wagtail_modeladmin",
    "wagtail.contrib.forms",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
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
    # After sessions, before common: picks the language from the URL's /es/ prefix.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "example_site.urls"
WSGI_APPLICATION = "example_site.wsgi.application"

# A decoupled front end (e.g. a Next.js dev server) reads /api/ and posts appointment requests
# from another origin. No cookies cross origins: the JSON endpoint needs none.
CORS_ALLOWED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get(
        "CORS_ALLOWED_ORIGINS", "http://localhost:3000,http://127.0.0.1:3000"
    ).split(",")
    if origin.strip()
]
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = (*corsheaders.defaults.default_headers, "idempotency-key")
# Let the front end read when to retry after a 429.
CORS_EXPOSE_HEADERS = ["retry-after"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ]
        },
    }
]


def _database():
    """SQLite by default; PostgreSQL (or any engine) when DATABASE_URL is set."""
    url = os.environ.get("DATABASE_URL")
    if url:
        import dj_database_url

        return dj_database_url.parse(url, conn_max_age=60)
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}


DATABASES = {"default": _database()}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English and Spanish. English pages keep their addresses (/conditions/…); Spanish ones are
# under /es/ (urls.py). Content languages are the locales pages are translated into.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
TIME_ZONE = "Europe/London"
USE_I18N = True
# The example site's own words (header, footer, home page); the package brings its own.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# MEDIA_ROOT=… puts uploads elsewhere (screenshots.py uses a temporary directory).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

WAGTAIL_SITE_NAME = "Riverside Integrative Clinic"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

DEFAULT_FROM_EMAIL = "Riverside Integrative Clinic <clinic@example.com>"

WAGTAIL_CONDITIONS = {
    "BASE_TEMPLATE": "base.html",
    "APPOINTMENT_RECIPIENTS": ["frontdesk@example.com"],
}

# Headless previews, off by default so the demo keeps Wagtail-rendered previews. Run the demo
# with HEADLESS_PREVIEW=1 (`HEADLESS_PREVIEW=1 make demo`) and the admin's Preview shows the
# draft in this site's own static headless client at /headless/, which reads it from the
# API's page_preview endpoint. The client URL is relative, so it works on any host and port;
# the client is served by this site, so no CORS set-up is needed. See docs/headless.md.
if os.environ.get("HEADLESS_PREVIEW") == "1":
    INSTALLED_APPS.insert(INSTALLED_APPS.index("wagtail"), "wagtail_headless_preview")
    WAGTAIL_HEADLESS_PREVIEW = {"CLIENT_URLS": {"default": "/headless/"}}
