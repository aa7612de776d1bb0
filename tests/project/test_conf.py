"""Settings are read from one ``WAGTAIL_CONDITIONS`` dict, with defaults, and follow overrides."""

import pytest
from django.test import override_settings

from wagtail_conditions.conf import DEFAULTS, conf


def test_defaults_apply_when_the_site_sets_nothing():
    assert conf.BASE_TEMPLATE == "wagtail_conditions/base.html"
    assert conf.INDEX_PARENT_PAGE_TYPES is None
    assert conf.CONDITIONS_PER_PAGE == 50
    assert conf.THERAPIES_PER_PAGE == 50


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_every_default_is_readable(key, settings):
    settings.WAGTAIL_CONDITIONS = {}  # the suite's settings turn RENDER_CACHE off
    assert getattr(conf, key) == DEFAULTS[key]


@override_settings(WAGTAIL_CONDITIONS={"CONDITIONS_PER_PAGE": 10})
def test_site_value_replaces_the_default():
    assert conf.CONDITIONS_PER_PAGE == 10
    assert conf.THERAPIES_PER_PAGE == 50


def test_override_settings_takes_effect_and_is_undone():
    assert conf.CONDITIONS_PER_PAGE == 50
    with override_settings(WAGTAIL_CONDITIONS={"CONDITIONS_PER_PAGE": 5}):
        assert conf.CONDITIONS_PER_PAGE == 5
        with override_settings(WAGTAIL_CONDITIONS={"CONDITIONS_PER_PAGE": 7}):
            assert conf.CONDITIONS_PER_PAGE == 7
        assert conf.CONDITIONS_PER_PAGE == 5
    assert conf.CONDITIONS_PER_PAGE == 50


@override_settings(WAGTAIL_CONDITIONS=None)
def test_a_setting_of_none_means_defaults():
    assert conf.CONDITIONS_PER_PAGE == 50


def test_unknown_key_raises_attribute_error():
    with pytest.raises(AttributeError, match="^Invalid WAGTAIL_CONDITIONS setting: 'NOPE'$"):
        conf.NOPE  # noqa: B018


@override_settings(WAGTAIL_CONDITIONS={"CONDITIONS_PER_PAGE": 5, "PER_PAGE": 5, "COLOUR": "red"})
def test_unknown_keys_are_listed_for_the_system_check():
    assert conf.unknown_keys() == ["COLOUR", "PER_PAGE"]
