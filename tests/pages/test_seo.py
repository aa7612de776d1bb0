"""
What search engines and link previews read: ``{% seo_meta %}`` (canonical link, description,
robots, Open Graph, Twitter card), ``noindex`` on a visitor's own form states, and every page in
Wagtail's sitemap.
"""

from html.parser import HTMLParser

import pytest
from django.template import engines
from django.test import RequestFactory
from wagtail.models import Site

from tests.builders.appointments import publish_host_page
from wagtail_conditions.models import ConditionIndexPage, TherapyIndexPage, TherapyPage

pytestmark = pytest.mark.django_db

DESCRIPTION = (
    "Sudden, involuntary and painful tightening of a muscle, often in the back or limbs, "
    "after an injury, strain, overuse or dehydration."
)


class _HeadReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta = {}
        self.links = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            key = attrs.get("property") or attrs["name"]
            assert key not in self.meta, f"two <meta> for {key}"
            self.meta[key] = attrs["content"]
        elif tag == "link" and attrs.get("rel") == "canonical":
            assert "canonical" not in self.links, "two canonical links"
            self.links["canonical"] = attrs["href"]


def head(response):
    reader = _HeadReader()
    reader.feed(response.content.decode())
    return reader


def test_condition_page_tags(client, demo_condition):
    tags = head(client.get(demo_condition.url))
    url = "http://localhost/conditions/muscle-spasms/"
    assert tags.links == {"canonical": url}
    assert tags.meta == {
        "viewport": "width=device-width, initial-scale=1",
        "description": DESCRIPTION,
        "og:type": "article",
        "og:title": "Muscle spasms",
        "og:description": DESCRIPTION,
        "og:url": url,
        "og:site_name": "Test clinic",
        "twitter:card": "summary",
        "twitter:title": "Muscle spasms",
        "twitter:description": DESCRIPTION,
    }


def test_locale_and_site_name(client, demo_condition, settings):
    """og:locale is the active language with its territory; the site's name wins over
    WAGTAIL_SITE_NAME."""
    settings.LANGUAGE_CODE = "en-gb"
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Riverside clinic"
    site.save()
    tags = head(client.get(demo_condition.url))
    assert tags.meta["og:locale"] == "en_GB"
    assert tags.meta["og:site_name"] == "Riverside clinic"


def test_search_description_and_seo_title_win(client, demo_condition):
    demo_condition.search_description = "Muscle spasms: causes and care at our clinic."
    demo_condition.seo_title = "Muscle spasms and cramps"
    demo_condition.save_revision().publish()
    tags = head(client.get(demo_condition.url))
    assert tags.meta["description"] == "Muscle spasms: causes and care at our clinic."
    assert tags.meta["og:description"] == "Muscle spasms: causes and care at our clinic."
    assert tags.meta["og:title"] == tags.meta["twitter:title"] == "Muscle spasms and cramps"


def test_therapy_and_index_pages(client, demo_condition):
    therapy = TherapyPage.objects.get(slug="ultrasound-therapy")
    tags = head(client.get(therapy.url))
    assert tags.links["canonical"] == "http://localhost/therapies/ultrasound-therapy/"
    assert tags.meta["og:type"] == "article"
    for index in (ConditionIndexPage.objects.get(), TherapyIndexPage.objects.get()):
        tags = head(client.get(index.url))
        assert tags.meta["og:type"] == "website"
        assert tags.links["canonical"] == f"http://localhost{index.url}"
        assert "robots" not in tags.meta


@pytest.mark.parametrize(
    ("query", "canonical", "noindex"),
    [
        ("?letter=M", "http://localhost/conditions/", False),
        ("?area=back", "http://localhost/conditions/", False),
        ("?page=2", "http://localhost/conditions/?page=2", False),
        ("?page=1", "http://localhost/conditions/", False),
        ("?page=abc", "http://localhost/conditions/", False),
        ("?page=-3", "http://localhost/conditions/", False),
        ("?q=spasm", "http://localhost/conditions/", True),
        ("?q=spasm&page=2", "http://localhost/conditions/?page=2", True),
        ("?q=%20%20", "http://localhost/conditions/", False),
    ],
)
def test_index_canonical_leaves_filters_out(client, demo_condition, query, canonical, noindex):
    response = client.get("/conditions/" + query)
    tags = head(response)
    assert tags.links["canonical"] == canonical
    assert ("robots" in tags.meta) is noindex
    if noindex:
        assert tags.meta["robots"] == "noindex"


def test_form_states_are_noindex(client, form_page):
    page_tags = head(client.get(form_page.page.url))
    assert "robots" not in page_tags.meta

    errors = form_page.post(client, email="not-an-email")
    assert errors.status_code == 422
    assert errors["X-Robots-Tag"] == "noindex"
    assert head(errors).meta["robots"] == "noindex"

    sent = form_page.post(client)
    assert sent.status_code == 303
    thank_you = client.get(sent["Location"])
    assert thank_you.status_code == 200
    assert thank_you["X-Robots-Tag"] == "noindex"
    assert head(thank_you).meta["robots"] == "noindex"
    assert head(thank_you).links["canonical"] == f"http://localhost{form_page.page.url}"

    expired = form_page.post(client, token="expired.token")
    assert expired.status_code == 403
    assert expired["X-Robots-Tag"] == "noindex"


def test_problem_page_is_noindex(client, form_page):
    response = form_page.post(client, page="999999")
    assert response.status_code == 404
    assert response["X-Robots-Tag"] == "noindex"


def test_any_wagtail_page_gets_the_tags(client, appointment_settings):
    """The tag serves a host's own page types too: its search description, no og:type article."""
    page = publish_host_page(slug="contact", title="Contact us")
    page.search_description = "How to reach the clinic."
    page.save_revision().publish()
    tags = head(client.get(page.url))
    assert tags.meta["description"] == "How to reach the clinic."
    assert tags.meta["og:type"] == "website"
    assert tags.links["canonical"] == "http://localhost/contact/"


def test_adds_no_query(client, demo_condition, django_assert_max_num_queries):
    """The site and its root paths are cached on the request by the time the head renders:
    the meta tags cost nothing. The structured data reads the page's ancestors and the clinic
    settings once per page (counted in test_perf_render_queries.py), so a second render of
    the same page costs nothing either."""
    request = RequestFactory().get(demo_condition.url)
    Site.find_for_request(request)
    demo_condition.get_url(request)  # Wagtail's serve path fills both caches first
    context = {**demo_condition.get_context(request), "page": demo_condition, "request": request}
    template = engines["django"].from_string("{% load wagtail_conditions_seo %}{% seo_meta %}")
    template.render(context)
    with django_assert_max_num_queries(0):
        html = template.render(context)
    assert "og:url" in html
    assert '<script type="application/ld+json">' in html


def test_every_page_is_in_the_sitemap(client, demo_condition):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    for page in [
        demo_condition,
        ConditionIndexPage.objects.get(),
        TherapyIndexPage.objects.get(),
        *TherapyPage.objects.live(),
    ]:
        assert f"<loc>http://localhost{page.url}</loc>" in body, page.url
