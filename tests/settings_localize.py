"""The test settings with wagtail-localize in place of ``wagtail.contrib.simple_translation``
(as wagtail-localize's documentation sets it up: ``wagtail_localize`` and
``wagtail_localize.locales``, which replaces ``wagtail.locales``) and Wagtail's localisation
on. tests/i18n runs with it too (tox: ``-m localize``); see tests/i18n/conftest.py."""

from tests.settings import *  # noqa: F403
from tests.settings import INSTALLED_APPS

INSTALLED_APPS = [
    app
    for app in INSTALLED_APPS
    if app not in ("wagtail.contrib.simple_translation", "wagtail.locales")
]
# Before Wagtail's own apps, as its documentation lists them.
INSTALLED_APPS.insert(INSTALLED_APPS.index("wagtail.contrib.forms"), "wagtail_localize.locales")
INSTALLED_APPS.insert(INSTALLED_APPS.index("wagtail_localize.locales"), "wagtail_localize")

WAGTAIL_I18N_ENABLED = True
