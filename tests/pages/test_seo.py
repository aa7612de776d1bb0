"""
What search engines and link previews read: ``{% seo_meta %}`` (canonical link, description,
robots, Open Graph, Twitter card, the shared image: the page's own or the clinic's logo),
``noindex`` on a visitor's own form states, and every page in Wagtail's sitemap.
"""

from html.parser import HTMLParser
from io import BytesIO

import pytest
import wagtail_factories
from django.core.files.images import ImageFile
from django.db import connection
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.blocks import StreamValue
from wagtail.images import get_image_model
from wagtail.models import Site

from tests.builders.api import block
from tests.builders.appointments import publish_host_page
from wagtail_conditions.models import (
    ClinicSettings,
    ConditionIndexPage,
    ConditionPage,
    TherapyIndexPage,
    TherapyPage,
)
from wagtail_conditions.sharing import share_image

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


# --- The shared image: the page's own, else the clinic's logo ----------------------------------

IMAGE_TAGS = {
    "og:image",
    "og:image:width",
    "og:image:height",
    "og:image:alt",
    "twitter:image",
    "twitter:image:alt",
}


def make_image(title, *, width=1600, height=1000, description=""):
    image = wagtail_factories.ImageFactory(title=title, file__width=width, file__height=height)
    if description:
        image.description = description
        image.save(update_fields=["description"])
    return image


def image_block(image, alt_text, caption=""):
    return block("image", {"image": image.pk, "alt_text": alt_text, "caption": caption})


def paragraph(text):
    return block("paragraph", f"<p>{text}</p>")


def publish(page, **streams):
    """Publish ``streams`` on a fresh copy of ``page`` (the demo's page is shared by the
    module's tests, each rolled back)."""
    page = type(page).objects.get(pk=page.pk)
    for name, value in streams.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


@pytest.fixture
def clinic_with_logo(demo_condition):
    site = Site.objects.get(is_default_site=True)
    logo = make_image("Logo", width=600, height=300, description="Riverside Clinic: a blue wave")
    clinic, _created = ClinicSettings.objects.update_or_create(
        site=site, defaults={"name": "Riverside Clinic", "logo": logo}
    )
    return clinic


def test_the_page_image_wins_over_the_logo(client, demo_condition, clinic_with_logo):
    """The first image of the content in section order ("Causes" before "Additional
    resources"), cropped for link previews, with the block's own alternative text."""
    first = make_image("Lower back", description="The image's own description")
    later = make_image("Stretch")
    publish(
        demo_condition,
        causes=[paragraph("Strain and overuse."), image_block(first, "A therapist's hands")],
        resources=[image_block(later, "A stretch")],
    )
    tags = head(client.get(demo_condition.url))
    rendition = first.get_rendition("fill-1200x630")
    url = f"http://localhost{rendition.url}"
    assert rendition.url.startswith("/media/images/")
    assert tags.meta["og:image"] == tags.meta["twitter:image"] == url
    assert (tags.meta["og:image:width"], tags.meta["og:image:height"]) == ("1200", "630")
    assert tags.meta["og:image:alt"] == tags.meta["twitter:image:alt"] == "A therapist's hands"
    assert tags.meta["twitter:card"] == "summary_large_image"


def test_a_therapy_shares_the_image_of_its_body_first(client, demo_condition):
    therapy = TherapyPage.objects.get(slug="ultrasound-therapy")
    session = make_image("Session")
    about = make_image("About", width=800, height=800)
    publish(
        therapy,
        what_to_expect=[image_block(session, "A session")],
        body=[paragraph("How it works."), image_block(about, "The ultrasound head")],
    )
    tags = head(client.get(therapy.url))
    # fill-1200x630 never enlarges: an 800 px square is cropped to 800x420.
    assert tags.meta["og:image"] == f"http://localhost{about.get_rendition('fill-1200x630').url}"
    assert (tags.meta["og:image:width"], tags.meta["og:image:height"]) == ("800", "420")
    assert tags.meta["og:image:alt"] == "The ultrasound head"


def test_the_logo_when_the_page_has_no_image(client, demo_condition, clinic_with_logo):
    """Condition, therapy and index pages without an image of their own share the logo whole,
    described by its image's description, in the small summary card (a logo is not cropped)."""
    logo = clinic_with_logo.logo
    url = f"http://localhost{logo.get_rendition('max-1200x1200').url}"
    for page in (
        demo_condition,
        TherapyPage.objects.get(slug="ultrasound-therapy"),
        ConditionIndexPage.objects.get(),
    ):
        tags = head(client.get(page.url))
        assert tags.meta["og:image"] == tags.meta["twitter:image"] == url, page.url
        assert (tags.meta["og:image:width"], tags.meta["og:image:height"]) == ("600", "300")
        assert tags.meta["og:image:alt"] == "Riverside Clinic: a blue wave"
        assert tags.meta["twitter:image:alt"] == "Riverside Clinic: a blue wave"
        assert tags.meta["twitter:card"] == "summary"


def test_a_logo_without_a_description_is_named_by_the_clinic(
    client, demo_condition, clinic_with_logo
):
    clinic_with_logo.logo.description = ""
    clinic_with_logo.logo.save()
    tags = head(client.get(demo_condition.url))
    assert tags.meta["og:image:alt"] == tags.meta["twitter:image:alt"] == "Riverside Clinic"


def test_no_image_and_no_logo_no_image_tags(client, demo_condition):
    """Nothing to show: no image tags, and the summary card (test_condition_page_tags checks
    the whole head of such a page)."""
    for page in (demo_condition, ConditionIndexPage.objects.get()):
        tags = head(client.get(page.url))
        assert not IMAGE_TAGS & set(tags.meta), page.url
        assert tags.meta["twitter:card"] == "summary"


def test_a_deleted_image_falls_back_to_the_logo(client, demo_condition, clinic_with_logo):
    gone = make_image("Gone")
    publish(demo_condition, overview=[image_block(gone, "Gone")])
    gone.delete()
    tags = head(client.get(demo_condition.url))
    assert tags.meta["og:image"].startswith("http://localhost/media/images/")
    assert tags.meta["og:image:alt"] == "Riverside Clinic: a blue wave"
    assert tags.meta["twitter:card"] == "summary"


def test_an_svg_is_passed_over(client, demo_condition, clinic_with_logo):
    """Link previews show no SVG: the next image of the page is shared, and a page whose only
    image is an SVG shares the logo."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" '
        'viewBox="0 0 400 300"><rect width="400" height="300" fill="teal"/></svg>'
    )
    drawing = get_image_model().objects.create(
        title="Drawing", file=ImageFile(BytesIO(svg.encode()), name="drawing.svg")
    )
    assert drawing.is_svg()
    photo = make_image("Photo")
    page = publish(
        demo_condition,
        overview=[image_block(drawing, "A drawing")],
        causes=[image_block(photo, "A photo")],
    )
    tags = head(client.get(page.url))
    assert tags.meta["og:image:alt"] == "A photo"
    assert tags.meta["og:image"] == f"http://localhost{photo.get_rendition('fill-1200x630').url}"

    page = publish(page, causes=[])
    tags = head(client.get(page.url))
    assert tags.meta["og:image:alt"] == "Riverside Clinic: a blue wave"
    assert ".svg" not in tags.meta["og:image"]


def test_image_urls_are_on_the_pages_site(client, demo_condition, clinic_with_logo):
    """Like the canonical URL, the image's URL is on the site's root URL, not the request's."""
    site = Site.objects.get(is_default_site=True)
    site.port = 8080
    site.save()
    tags = head(client.get(demo_condition.url))
    assert tags.links["canonical"] == "http://localhost:8080/conditions/muscle-spasms/"
    assert tags.meta["og:image"].startswith("http://localhost:8080/media/images/")


def test_the_alternative_text_is_escaped(client, demo_condition):
    image = make_image("Quotes")
    alt = 'A "hot" pack & <b>towel</b>'
    publish(demo_condition, symptoms=[image_block(image, alt)])
    response = client.get(demo_condition.url)
    html = response.content.decode()
    assert alt not in html
    assert 'content="A &quot;hot&quot; pack &amp; &lt;b&gt;towel&lt;/b&gt;"' in html
    tags = head(response)
    assert tags.meta["og:image:alt"] == tags.meta["twitter:image:alt"] == alt


def test_the_image_description_when_the_block_has_no_alt_text(demo_condition):
    """A block saved before its alternative text was required: the image's description."""
    image = make_image("Described", description="A heat pack on a shoulder")
    page = publish(demo_condition, overview=[image_block(image, "")])
    request = RequestFactory().get(page.url)
    shared = share_image(page, request)
    assert shared.alt == "A heat pack on a shoulder"
    assert shared.source == "page"


def test_a_preview_shares_its_unsaved_image(demo_condition):
    """A preview's content is already converted (not stored data): its image is found too, on
    the request's host while the page is on no site yet."""
    image = make_image("Draft")
    stream_block = ConditionPage._meta.get_field("overview").stream_block
    children = stream_block.child_blocks
    page = ConditionPage(title="Draft")
    page.overview = StreamValue(
        stream_block,
        [
            ("paragraph", children["paragraph"].to_python("<p>Draft.</p>")),
            ("image", children["image"].to_python({"image": image.pk, "alt_text": "A draft"})),
        ],
    )
    shared = share_image(page, RequestFactory().get("/"))
    assert shared.url == f"http://testserver{image.get_rendition('fill-1200x630').url}"
    assert shared.alt == "A draft"


def test_the_page_image_is_read_once_per_view(client, demo_condition, clinic_with_logo):
    """The head finds the image without rendering the page, converting the blocks the body
    then shows: the image's row is read once, and its rendition comes from Wagtail's cache."""
    image = make_image("Once")
    publish(demo_condition, overview=[image_block(image, "Once")])
    assert client.get(demo_condition.url).status_code == 200  # Makes the renditions.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(demo_condition.url)
    assert response.status_code == 200
    images = [q["sql"] for q in queries if 'FROM "wagtailimages_image"' in q["sql"]]
    renditions = [q["sql"] for q in queries if 'FROM "wagtailimages_rendition"' in q["sql"]]
    assert len(images) == 1, images
    assert renditions == []
    assert head(response).meta["og:image:alt"] == "Once"
