"""Settings are read from one ``WAGTAIL_CONDITIONS`` dict, with defaults, and follow overrides."""

from django.test import SimpleTestCase, override_settings

from wagtail_conditions.conf import DEFAULTS, conf


class ConfTests(SimpleTestCase):
    def test_defaults_apply_when_the_site_sets_nothing(self):
        self.assertEqual(conf.BASE_TEMPLATE, "wagtail_conditions/base.html")
        self.assertIsNone(conf.INDEX_PARENT_PAGE_TYPES)
        self.assertEqual(conf.CONDITIONS_PER_PAGE, 50)
        self.assertEqual(conf.THERAPIES_PER_PAGE, 50)

    def test_every_default_is_readable(self):
        for key, default in DEFAULTS.items():
            with self.subTest(key=key):
                self.assertEqual(getattr(conf, key), default)

    @override_settings(WAGTAIL_CONDITIONS={"CONDITIONS_PER_PAGE": 10})
    def test_site_value_replaces_the_default(self):
        self.assertEqual(conf.CONDITIONS_PER_PAGE, 10)
        self.assertEqual(conf.THERAPIES_PER_PAGE, 50)

    def test_override_settings_takes_effect_and_is_undone(self):
        self.assertEqual(conf.CONDITIONS_PER_PAGE, 50)
        with override_settings(WAGTAIL_CONDITIONS={"CONDITIONS_PER_PAGE": 5}):
            self.assertEqual(conf.CONDITIONS_PER_PAGE, 5)
            with override_settings(WAGTAIL_CONDITIONS={"CONDITIONS_PER_PAGE": 7}):
                self.assertEqual(conf.CONDITIONS_PER_PAGE, 7)
            self.assertEqual(conf.CONDITIONS_PER_PAGE, 5)
        self.assertEqual(conf.CONDITIONS_PER_PAGE, 50)

    @override_settings(WAGTAIL_CONDITIONS=None)
    def test_a_setting_of_none_means_defaults(self):
        self.assertEqual(conf.CONDITIONS_PER_PAGE, 50)

    def test_unknown_key_raises_attribute_error(self):
        with self.assertRaisesMessage(AttributeError, "Invalid WAGTAIL_CONDITIONS setting: 'NOPE'"):
            conf.NOPE  # noqa: B018

    @override_settings(WAGTAIL_CONDITIONS={"CONDITIONS_PER_PAGE": 5, "PER_PAGE": 5, "COLOUR": "red"})
    def test_unknown_keys_are_listed_for_the_system_check(self):
        self.assertEqual(conf.unknown_keys(), ["COLOUR", "PER_PAGE"])
