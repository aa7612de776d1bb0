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
    # Page types (``app_label.ModelName``) under which the two index pages may be created.
    "INDEX_PARENT_PAGE_TYPES": ["wagtailcore.Page"],
    # Conditions listed per page of a condition index.
    "CONDITIONS_PER_PAGE": 50,
    # Therapies listed per page of a therapy index.
    "THERAPIES_PER_PAGE": 50,
    # Whether the default base template links the package's stylesheet.
    "INCLUDE_STYLESHEET": True,
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
