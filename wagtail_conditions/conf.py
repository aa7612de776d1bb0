"""
Every setting of wagtail-conditions, with its default, in one place.

Sites configure the package through a single ``WAGTAIL_CONDITIONS`` dict. Values are read
lazily and the cache is dropped on Django's ``setting_changed`` signal, so
``override_settings`` works in tests.
"""

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

SETTING_NAME = "WAGTAIL_CONDITIONS"

DEFAULTS = {
    # Template every public page extends; it must define a ``content`` block.
    "BASE_TEMPLATE": "wagtail_conditions/base.html",
    # Page types (``app_label.ModelName``) under which the two index pages may be created;
    # None allows any page type.
    "INDEX_PARENT_PAGE_TYPES": None,
    # Conditions listed per page of a condition index.
    "CONDITIONS_PER_PAGE": 50,
    # Therapies listed per page of a therapy index.
    "THERAPIES_PER_PAGE": 50,
    # --- Appointment requests ---
    # Staff addresses notified of new requests when neither the form block nor the site's
    # "Appointment requests" settings name any.
    "APPOINTMENT_RECIPIENTS": [],
    # Sender of notification emails (default: DEFAULT_FROM_EMAIL).
    "APPOINTMENT_FROM_EMAIL": None,
    # Whether the staff email carries the patient's answers. Off by default (minimum
    # necessary): the email then holds the request number and a link to the inbox.
    "APPOINTMENT_EMAIL_INCLUDE_DETAILS": False,
    # How far ahead (days) a patient may ask for a preferred date.
    "APPOINTMENT_BOOKING_HORIZON_DAYS": 180,
    # Longest reason-for-visit text accepted.
    "APPOINTMENT_REASON_MAX_LENGTH": 1000,
    # Valid forms submitted faster than this (seconds after the form token was issued) look
    # like bots: they get the normal success response and are stored with status "Spam",
    # never notified (a patient whose browser filled the form in can still be found).
    "APPOINTMENT_MIN_FILL_SECONDS": 3,
    # How long (seconds) a form token stays valid. Keep it longer than any page cache lifetime.
    "APPOINTMENT_TOKEN_MAX_AGE": 60 * 60 * 24,
    # Submissions allowed per client per window; more get 429. Counted in Django's cache:
    # use a shared cache (Redis, Memcached) when running more than one process.
    "APPOINTMENT_RATE_LIMIT": 10,
    "APPOINTMENT_RATE_LIMIT_WINDOW": 600,
    # Cache alias used for the rate limit.
    "APPOINTMENT_RATE_LIMIT_CACHE": "default",
    # IP addresses of reverse proxies whose X-Forwarded-For header is trusted.
    "TRUSTED_PROXIES": [],
    # Largest accepted submission body, in bytes; larger ones get 413.
    "APPOINTMENT_MAX_BODY_BYTES": 16 * 1024,
    # Dotted paths of extra spam checks (e.g. a CAPTCHA): callables taking
    # (data, request) and returning True when the submission is spam.
    "APPOINTMENT_SPAM_CHECKS": [],
    # Requests older than this many days are deleted by `purge_appointment_requests`.
    "APPOINTMENT_RETENTION_DAYS": 365,
    # Requests held as spam are deleted by the same command after this many days.
    "APPOINTMENT_SPAM_RETENTION_DAYS": 30,
    # At most one acknowledgement email per patient address in this many seconds (counted in
    # the rate-limit cache), so the public form cannot be used to send mail to a stranger
    # over and over. 0 turns the limit off.
    "APPOINTMENT_ACKNOWLEDGEMENT_INTERVAL": 60 * 60,
    # --- Webhooks (wagtail_conditions/webhooks/, docs/integrations.md) ---
    # Seconds to wait for a receiver to accept the connection, and for a whole delivery
    # (connect, send, response headers) before it counts as failed and is retried.
    "WEBHOOK_CONNECT_TIMEOUT": 5,
    "WEBHOOK_TIMEOUT": 15,
    # Seconds between a failed attempt and the next (Standard Webhooks' schedule: 5 s, 5 min,
    # 30 min, 2 h, 5 h, then every 10 h): about three days of attempts, then it gives up.
    "WEBHOOK_RETRY_SCHEDULE": [5, 300, 1800, 7200, 18000, *[36000] * 6],
    # Seconds the old secret keeps signing (beside the new one) after a rotation.
    "WEBHOOK_SECRET_OVERLAP": 60 * 60 * 24,
    # Seconds a thin payload's link to the request's details stays valid.
    "WEBHOOK_FETCH_MAX_AGE": 60 * 60 * 24,
    # The FHIR identifier system of our references in FHIR payloads.
    "WEBHOOK_FHIR_IDENTIFIER_SYSTEM": "urn:wagtail-conditions:appointment-request",
    # Allow plain-HTTP receivers on loopback addresses (127.0.0.1, ::1) without DEBUG: for
    # tests and a receiver on the same machine only. Private and other addresses stay refused.
    "WEBHOOK_ALLOW_LOOPBACK": False,
    # --- Cited sources (wagtail_conditions/sources/, docs/sources.md) ---
    # Sources whose "last checked" date is older than this many days are listed in the review
    # report as due for a check.
    "SOURCES_CHECK_INTERVAL_DAYS": 365,
    # The link checker (`check_sources`): how many addresses it asks at once, the seconds it
    # waits for a connection and for a whole check (redirects included), and how many
    # redirects it follows (each target checked like the address itself) before giving up.
    "SOURCES_CHECK_CONCURRENCY": 4,
    "SOURCES_CHECK_CONNECT_TIMEOUT": 5,
    "SOURCES_CHECK_TIMEOUT": 15,
    "SOURCES_CHECK_MAX_REDIRECTS": 5,
    # Let the link checker ask loopback addresses (127.0.0.1, ::1): for tests only. Private
    # and other non-public addresses are refused either way.
    "SOURCES_CHECK_ALLOW_LOOPBACK": False,
    # --- Render once (wagtail_conditions/render_cache.py, docs/performance.md) ---
    # Whether our pages keep their HTML, rendered once per content version, in a cache and
    # answer anonymous visitors from it (each form gets a fresh token per response).
    "RENDER_CACHE": True,
    # Cache alias holding the rendered pages: a shared one (Redis) in production.
    "RENDER_CACHE_ALIAS": "default",
    # Seconds a rendered page is kept. Every change the package knows of (a page published,
    # unpublished, moved or deleted; a snippet, setting, site, locale, image or document saved
    # or deleted) starts a new version at once; this bounds how long a page can show data it
    # cannot see change, such as a host's own model read by the base template.
    "RENDER_CACHE_TIMEOUT": 600,
    # Serve a page kept at an older content version again when nothing it shows changed since
    # (the pages, translations and page types it declares; wagtail_conditions/render_deps.py):
    # a publish elsewhere then costs the pages that do not show it one query, not a render.
    # Turn it off where the base template lists pages deeper than a site's top level (e.g. a
    # "latest conditions" sidebar): such pages would show a change only after
    # RENDER_CACHE_TIMEOUT.
    "RENDER_CACHE_DEPENDENCIES": True,
    # --- Front-end cache purges (wagtail_conditions/frontend_cache.py, docs/deployment.md) ---
    # With wagtail.contrib.frontend_cache installed, a change purges the pages that show it
    # with these API URLs: the detail views (URL names reversed with the page's id) and the
    # views listing or finding pages (reversed without arguments). Names a site does not
    # route are skipped.
    "FRONTEND_CACHE_API_DETAIL_URL_NAMES": ["wagtailapi:pages:detail", "wagtailapi_v3:detail_page"],
    "FRONTEND_CACHE_API_LIST_URL_NAMES": [
        "wagtailapi:pages:listing",
        "wagtailapi:pages:find",
        "wagtailapi_v3:list_pages",
        "wagtailapi_v3:find_page",
    ],
    # --- "Was this page helpful?" (wagtail_conditions/feedback/, docs/feedback.md) ---
    # Longest optional comment accepted, in characters.
    "FEEDBACK_COMMENT_MAX_LENGTH": 500,
    # Largest accepted feedback body, in bytes; larger ones get 413.
    "FEEDBACK_MAX_BODY_BYTES": 8 * 1024,
    # Answers allowed per client per window; more get 429. Counted in the rate-limit cache
    # (APPOINTMENT_RATE_LIMIT_CACHE), apart from appointment requests. The form token, its
    # lifetime and the minimum fill time are the appointment form's (APPOINTMENT_TOKEN_MAX_AGE,
    # APPOINTMENT_MIN_FILL_SECONDS).
    "FEEDBACK_RATE_LIMIT": 10,
    "FEEDBACK_RATE_LIMIT_WINDOW": 600,
    # Answers older than this many days are deleted by `purge_page_feedback`; answers held as
    # spam after FEEDBACK_SPAM_RETENTION_DAYS.
    "FEEDBACK_RETENTION_DAYS": 365,
    "FEEDBACK_SPAM_RETENTION_DAYS": 30,
    # --- Medical review ---
    # Days after a page's last clinical review that its next review falls due, when the editor
    # leaves "next review due" empty. None: no default (the date stays empty).
    "REVIEW_INTERVAL_DAYS": 365,
    # Pages whose next review falls due within this many days are "due soon" in the review
    # report and on the dashboard.
    "REVIEW_DUE_SOON_DAYS": 30,
    # --- Reading age (wagtail_conditions/readability/, docs/readability.md) ---
    # The reading age (years) sections should not exceed: 11 is a US grade of 6, the upper end
    # of the Patient Information Forum's 9–11 (NHS.UK writes for about 9).
    "READABILITY_TARGET_AGE": 11,
    # Years above the target that are still "fair"; beyond them a section is "hard".
    "READABILITY_FAIR_MARGIN": 2,
    # Sentences with more words than this are listed as long ones to split.
    "READABILITY_LONG_SENTENCE_WORDS": 20,
    # Sections with fewer words than this are too short to score.
    "READABILITY_MIN_WORDS": 10,
    # The site's own plainer words, per language: {"en": {"term": "plainer words"}}. They add
    # to the shipped glossary or replace its entries; a term mapped to None removes it.
    "READABILITY_GLOSSARY": {},
}


class Settings:
    def __init__(self, defaults):
        self.defaults = defaults
        self._cache = {}

    @property
    def user_settings(self):
        return getattr(settings, SETTING_NAME, {}) or {}

    def __getattr__(self, name):
        if name not in self.defaults:
            raise AttributeError(f"Invalid {SETTING_NAME} setting: {name!r}")
        if name not in self._cache:
            self._cache[name] = self.user_settings.get(name, self.defaults[name])
        return self._cache[name]

    def unknown_keys(self):
        return sorted(set(self.user_settings) - set(self.defaults))

    def reload(self):
        self._cache.clear()


conf = Settings(DEFAULTS)


@receiver(setting_changed)
def _reload_settings(*, setting, **kwargs):
    if setting == SETTING_NAME:
        conf.reload()
