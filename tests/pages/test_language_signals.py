"""
The public signals of a page's language when Wagtail's localisation is on: ``<html lang>``,
the ``hreflang`` links in the head, the language switcher, and the language versions in
Wagtail's sitemap; and none of them on a single-language site.
"""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, PageViewRestriction

from tests.builders.i18n import multilingual_site, translate
from wagtail_conditions.alternates import get_alternates
from wagtail_conditions.models import TherapyPage

pytestmark = pytest.mark.django_db

ORIGIN = "http://localhost"
SPASMS = "/conditions/muscle-spasms/"
ESPASMOS = "/es/condiciones/espasmos-musculares/"
INDEX_VERSIONS = {
    "en": ORIGIN + "/conditions/",
    "es": ORIGIN + "/es/condiciones/",
    "fr": ORIGIN + "/fr/conditions/",
    "x-default": ORIGIN + "/conditions/",
}


class _Reader(HTMLParser):
    """The html element's lang, the head's alternate links and the language switcher."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.alternates = {}
        self.navs = []
        self.switcher = None  # [{href, lang, hreflang, aria-current, text}]
        self._link = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "link" and attrs.get("rel") == "alternate":
            assert attrs["hreflang"] not in self.alternates, f"two for {attrs['hreflang']}"
            self.alternates[attrs["hreflang"]] = attrs["href"]
        elif tag == "nav":
            self.navs.append(attrs)
            if "wc-language-switcher" in attrs.get("class", ""):
                self.switcher = []
        elif tag == "a" and self.switcher is not None:
            self._link = {**attrs, "text": ""}
            self.switcher.append(self._link)

    def handle_data(self, data):
        if self._link is not None:
            self._link["text"] += data.strip()

    def handle_endtag(self, tag):
        if tag == "a":
            self._link = None


def read(response):
    assert response.status_code == 200, response.status_code
    reader = _Reader()
    reader.feed(response.content.decode())
    return reader


@pytest.fixture
def bilingual(demo_condition):
    """Localisation on; the demo condition and its index in English and Spanish (published),
    the condition in French as a draft only."""
    with multilingual_site():
        translate(
            demo_condition.get_parent().specific, "es", slug="condiciones", title="Condiciones"
        )
        espasmos = translate(
            demo_condition, "es", slug="espasmos-musculares", title="Espasmos musculares"
        )
        french = Locale.objects.create(language_code="fr")
        demo_condition.copy_for_translation(french, copy_parents=True)  # a draft
        yield demo_condition, espasmos


def test_html_lang_is_the_pages_language(client, bilingual):
    assert read(client.get(SPASMS)).lang == "en"
    assert read(client.get(ESPASMOS)).lang == "es"


@pytest.mark.parametrize("language_code", ["en", "en-gb"])
def test_html_lang_without_localisation_is_language_code(
    client, demo_condition, settings, language_code
):
    settings.LANGUAGE_CODE = language_code
    assert read(client.get(SPASMS)).lang == language_code


def test_hreflang_links_name_every_live_version_and_the_default(client, bilingual):
    expected = {
        "en": ORIGIN + SPASMS,
        "es": ORIGIN + ESPASMOS,
        "x-default": ORIGIN + SPASMS,
    }
    assert read(client.get(SPASMS)).alternates == expected
    assert read(client.get(ESPASMOS)).alternates == expected
    # The index's Spanish version is published too, and its French one is an alias (live,
    # as Wagtail makes the parents of a translated draft); a search on one names them all.
    assert read(client.get("/es/condiciones/?q=espasmo")).alternates == INDEX_VERSIONS


def test_no_hreflang_without_translations_or_localisation(client, bilingual, settings):
    therapy = TherapyPage.objects.live().first()
    assert read(client.get(therapy.url)).alternates == {}
    settings.WAGTAIL_I18N_ENABLED = False
    assert read(client.get(SPASMS)).alternates == {}


def test_private_and_draft_versions_are_left_out(client, bilingual):
    english, espasmos = bilingual
    PageViewRestriction.objects.create(page=espasmos, restriction_type="login")
    assert read(client.get(SPASMS)).alternates == {}


def test_x_default_needs_a_live_default_version(client, bilingual):
    english, espasmos = bilingual
    translate(english, "fr", slug="spasmes-musculaires", title="Spasmes musculaires")
    english.unpublish()
    tags = read(client.get(ESPASMOS)).alternates
    assert set(tags) == {"es", "fr"}


def render_switcher(page, path):
    request = RequestFactory().get(path)
    template = engines["django"].from_string(
        "{% load wagtail_conditions_i18n %}{% language_switcher %}"
    )
    return template.render({"page": page, "request": request})


def switcher(html):
    reader = _Reader()
    reader.feed(html)
    return reader


def test_language_switcher(bilingual):
    english, espasmos = bilingual
    html = render_switcher(espasmos, ESPASMOS)
    reader = switcher(html)
    [nav] = reader.navs
    assert nav["aria-label"]
    assert reader.switcher == [
        {
            "class": "wc-language-switcher__link",
            "href": SPASMS,
            "lang": "en",
            "hreflang": "en",
            "text": "English",
        },
        {
            "class": "wc-language-switcher__link",
            "href": ESPASMOS,
            "lang": "es",
            "hreflang": "es",
            "aria-current": "page",
            "text": "Español",
        },
    ]
    # On the English page, the English link is the current one.
    current = [
        link["lang"]
        for link in switcher(render_switcher(english, SPASMS)).switcher
        if link.get("aria-current") == "page"
    ]
    assert current == ["en"]


def test_language_switcher_renders_nothing_without_translations(bilingual, settings):
    english, _ = bilingual
    therapy = TherapyPage.objects.live().first()
    assert render_switcher(therapy, therapy.url).strip() == ""
    assert render_switcher(None, "/").strip() == ""
    settings.WAGTAIL_I18N_ENABLED = False
    assert render_switcher(english, SPASMS).strip() == ""


def test_head_and_switcher_share_one_lookup(bilingual, django_assert_num_queries):
    """A page's versions cost two queries (the pages, and Wagtail's view restrictions), made
    once per request: the head's hreflang links reuse what the switcher loaded."""
    english, _ = bilingual
    english = type(english).objects.select_related("locale").get(pk=english.pk)
    request = RequestFactory().get(SPASMS)
    english.get_url(request)  # Wagtail's serve path fills the site caches first
    template = engines["django"].from_string(
        "{% load wagtail_conditions_i18n %}"
        '<html lang="{% page_language_code %}">{% language_switcher %}'
    )
    with django_assert_num_queries(2):
        html = template.render({"page": english, "request": request})
    assert "aria-current" in html
    with django_assert_num_queries(0):
        alternates = get_alternates(english, request)
    assert [alternate.language_code for alternate in alternates] == ["en", "es"]


SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        url.findtext(f"{SITEMAP}loc"): {
            link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
        }
        for url in root.findall(f"{SITEMAP}url")
    }


def test_sitemap_lists_every_language_with_its_alternates(client, bilingual):
    entries = sitemap(client)
    expected = {"en": ORIGIN + SPASMS, "es": ORIGIN + ESPASMOS, "x-default": ORIGIN + SPASMS}
    assert entries[ORIGIN + SPASMS] == expected
    assert entries[ORIGIN + ESPASMOS] == expected
    assert entries[ORIGIN + "/es/condiciones/"] == INDEX_VERSIONS
    assert entries[ORIGIN + "/fr/conditions/"] == INDEX_VERSIONS
    therapy = TherapyPage.objects.live().first()
    assert entries[ORIGIN + therapy.url] == {}
    assert ORIGIN + "/fr/conditions/muscle-spasms/" not in entries  # the French draft


def test_sitemap_alternates_cost_the_same_for_more_pages(
    client, bilingual, django_assert_max_num_queries
):
    """The versions of every page are loaded together: translating more pages adds no query."""
    with CaptureQueriesContext(connection) as before:
        sitemap(client)
    for therapy in TherapyPage.objects.live().filter(locale__language_code="en"):
        translate(therapy, "es")
    with django_assert_max_num_queries(len(before.captured_queries)):
        entries = sitemap(client)
    assert sum("es" in links for links in entries.values()) > 3


def test_sitemap_without_localisation_has_no_alternates(client, demo_condition):
    body = client.get("/sitemap.xml").content.decode()
    assert f"<loc>{ORIGIN}{SPASMS}</loc>" in body
    assert "xhtml:link" not in body
