"""Host sites override our templates by path and choose the base template pages extend."""

import os

from django.conf import settings
from django.test import TestCase, override_settings

from tests.factories import ConditionPageFactory, TherapyPageFactory, link_therapies, make_site_tree

OVERRIDES_DIR = os.path.join(settings.BASE_DIR, "template_overrides")


def templates_with_overrides():
    """The test TEMPLATES setting with a host directory that overrides page_card.html in front."""
    engine = settings.TEMPLATES[0]
    return [{**engine, "DIRS": [OVERRIDES_DIR, *engine["DIRS"]]}]


class TemplateOverrideTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = make_site_tree()
        cls.therapy = TherapyPageFactory(parent=cls.tree.therapies, title="Ultrasound therapy")
        cls.condition = ConditionPageFactory(parent=cls.tree.conditions, title="Muscle spasms")
        link_therapies(cls.condition, [cls.therapy])

    def test_package_card_is_used_without_an_override(self):
        response = self.client.get(self.tree.conditions.url)
        self.assertTemplateUsed(response, "wagtail_conditions/includes/page_card.html")
        self.assertContains(response, '<li class="wc-card">')
        self.assertNotContains(response, "host-card")

    def test_host_template_directory_overrides_the_card_on_every_listing(self):
        with override_settings(TEMPLATES=templates_with_overrides()):
            for page, item in (
                (self.tree.conditions, self.condition),
                (self.tree.therapies, self.therapy),
                (self.condition, self.therapy),
                (self.therapy, self.condition),
            ):
                with self.subTest(page=page.title):
                    response = self.client.get(page.url)
                    self.assertContains(
                        response,
                        f'<li class="host-card" data-page-id="{item.pk}">'
                        f'<a href="{item.url}">{item.title}</a> (host card)</li>',
                        html=True,
                    )
                    self.assertNotContains(response, 'class="wc-card"')

    def test_default_base_template_is_the_packages(self):
        response = self.client.get(self.condition.url)
        self.assertTemplateUsed(response, "wagtail_conditions/base.html")
        self.assertContains(response, '<main id="main-content" class="wc-main" tabindex="-1">')
        self.assertContains(response, "/static/wagtail_conditions/css/conditions.css")

    @override_settings(WAGTAIL_CONDITIONS={"BASE_TEMPLATE": "host_base.html"})
    def test_pages_extend_the_base_template_the_host_names(self):
        for page in (self.tree.conditions, self.tree.therapies, self.condition, self.therapy):
            with self.subTest(page=page.title):
                response = self.client.get(page.url)
                self.assertTemplateUsed(response, "host_base.html")
                self.assertTemplateNotUsed(response, "wagtail_conditions/base.html")
                self.assertContains(response, '<body class="host-site">')
                self.assertContains(response, f"<title>{page.title} | Host clinic</title>", html=True)
                self.assertContains(response, f"<h1>{page.title}</h1>", html=True)
