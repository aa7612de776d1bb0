"""Host sites override our templates by path and choose the base template pages extend."""

import os
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import override_settings
from pytest_django.asserts import (
    assertContains,
    assertNotContains,
    assertTemplateNotUsed,
    assertTemplateUsed,
)

from tests.builders.pages import (
    ConditionPageFactory,
    TherapyPageFactory,
    link_therapies,
    make_site_tree,
)

OVERRIDES_DIR = os.path.join(settings.BASE_DIR, "template_overrides")

pytestmark = pytest.mark.django_db


def templates_with_overrides():
    """The test TEMPLATES setting with a host directory that overrides page_card.html in front."""
    engine = settings.TEMPLATES[0]
    return [{**engine, "DIRS": [OVERRIDES_DIR, *engine["DIRS"]]}]


@pytest.fixture(scope="module")
def linked_pages(module_transaction):
    made = SimpleNamespace()
    made.tree = make_site_tree()
    made.therapy = TherapyPageFactory(parent=made.tree.therapies, title="Ultrasound therapy")
    made.condition = ConditionPageFactory(parent=made.tree.conditions, title="Muscle spasms")
    link_therapies(made.condition, [made.therapy])
    return made


def test_package_card_is_used_without_an_override(client, linked_pages):
    response = client.get(linked_pages.tree.conditions.url)
    assertTemplateUsed(response, "wagtail_conditions/includes/page_card.html")
    assertContains(response, '<li class="wc-card">')
    assertNotContains(response, "host-card")


def test_host_template_directory_overrides_the_card_on_every_listing(
    client, subtests, linked_pages
):
    with override_settings(TEMPLATES=templates_with_overrides()):
        for page, item in (
            (linked_pages.tree.conditions, linked_pages.condition),
            (linked_pages.tree.therapies, linked_pages.therapy),
            (linked_pages.condition, linked_pages.therapy),
            (linked_pages.therapy, linked_pages.condition),
        ):
            with subtests.test(page=page.title):
                response = client.get(page.url)
                assertContains(
                    response,
                    f'<li class="host-card" data-page-id="{item.pk}">'
                    f'<a href="{item.url}">{item.title}</a> (host card)</li>',
                    html=True,
                )
                assertNotContains(response, 'class="wc-card"')


def test_default_base_template_is_the_packages(client, linked_pages):
    response = client.get(linked_pages.condition.url)
    assertTemplateUsed(response, "wagtail_conditions/base.html")
    assertContains(response, '<main id="main-content" class="wc-main" tabindex="-1">')
    assertContains(response, "/static/wagtail_conditions/css/conditions.css")


@override_settings(WAGTAIL_CONDITIONS={"BASE_TEMPLATE": "host_base.html"})
def test_pages_extend_the_base_template_the_host_names(client, subtests, linked_pages):
    for page in (
        linked_pages.tree.conditions,
        linked_pages.tree.therapies,
        linked_pages.condition,
        linked_pages.therapy,
    ):
        with subtests.test(page=page.title):
            response = client.get(page.url)
            assertTemplateUsed(response, "host_base.html")
            assertTemplateNotUsed(response, "wagtail_conditions/base.html")
            assertContains(response, '<body class="host-site">')
            assertContains(response, f"<title>{page.title} | Host clinic</title>", html=True)
            assertContains(response, f"<h1>{page.title}</h1>", html=True)
