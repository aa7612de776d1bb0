"""The content block library: what each block renders, and what editors may not save."""

import re
from types import SimpleNamespace

import pytest
import wagtail_factories
from django.core.exceptions import ValidationError
from pytest_django.asserts import assertContains, assertHTMLEqual, assertInHTML, assertNotContains
from wagtail.blocks import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.embeds.models import Embed
from wagtail.images.tests.utils import get_test_image_file

from tests.builders.pages import make_site_tree
from tests.testapp.models import HostPage
from wagtail_conditions.blocks import (
    BodyStreamBlock,
    CalloutBlock,
    CallToActionBlock,
    EmbedBlock,
    FAQBlock,
    HeadingBlock,
    ImageBlock,
    LinksListBlock,
    QuoteBlock,
    RichTextBlock,
)


def render(block, value, context=None):
    return block.render(block.to_python(value), context=context)


def block_error_messages(error):
    """{child name: [messages]} of a StructBlockValidationError."""
    return {name: list(child.messages) for name, child in error.block_errors.items()}


pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shared(module_transaction):
    """The site's indexes, an image, a document, and a host's page (``HostPage``) whose own
    StreamField holds our blocks, built once for the module (tests must not change them)."""
    tree = make_site_tree()
    host_page = HostPage(
        title="About the clinic",
        slug="about",
        body=[
            (
                "content",
                [
                    ("heading", {"text": "Our team", "level": "h2"}),
                    ("quote", {"quote": "<script>x</script> Great care.", "attribution": "Sam"}),
                    (
                        "call_to_action",
                        {
                            "heading": "Find a condition",
                            "text": "",
                            "button_label": "Conditions A to Z",
                            "page": tree.conditions,
                            "url": "",
                        },
                    ),
                ],
            )
        ],
    )
    tree.home.add_child(instance=host_page)
    host_page.save_revision().publish()
    return SimpleNamespace(
        tree=tree,
        image=wagtail_factories.ImageFactory(
            title="Lower back", file=get_test_image_file("back.png")
        ),
        document=wagtail_factories.DocumentFactory(title="Stretching leaflet"),
        host_page=host_page,
    )


@pytest.fixture
def tree(shared):
    return shared.tree


@pytest.fixture
def image(shared):
    return shared.image


@pytest.fixture
def document(shared):
    return shared.document


# --- What each block renders -------------------------------------------------------------------


def test_heading_renders_at_the_chosen_level():
    block = HeadingBlock()
    assertHTMLEqual(
        render(block, {"text": "Causes", "level": "h2"}), '<h2 class="wc-heading">Causes</h2>'
    )
    assertHTMLEqual(
        render(block, {"text": "Strain", "level": "h3"}), '<h3 class="wc-heading">Strain</h3>'
    )


def test_heading_defaults_to_a_section_heading():
    assert HeadingBlock().get_default()["level"] == "h2"


def test_heading_escapes_editor_text():
    html = render(HeadingBlock(), {"text": "Back & <b>neck</b>", "level": "h2"})
    assertHTMLEqual(html, '<h2 class="wc-heading">Back &amp; &lt;b&gt;neck&lt;/b&gt;</h2>')


def test_paragraph_renders_rich_text_in_a_prose_wrapper():
    html = render(RichTextBlock(), "<p>Rest and <b>gentle</b> stretching help.</p>")
    assertHTMLEqual(
        html, '<div class="wc-prose"><p>Rest and <b>gentle</b> stretching help.</p></div>'
    )


def test_paragraph_expands_internal_page_links(tree):
    html = render(
        RichTextBlock(),
        f'<p>See <a linktype="page" id="{tree.therapies.pk}">our therapies</a>.</p>',
    )
    assertInHTML('<a href="/therapies/">our therapies</a>', html)


def test_image_renders_with_its_alt_text_and_caption(image):
    html = render(
        ImageBlock(),
        {"image": image.pk, "alt_text": "Therapist's hands on a lower back", "caption": "Massage"},
    )
    assert 'alt="Therapist&#x27;s hands on a lower back"' in html
    assert 'class="wc-figure__img"' in html
    assert 'loading="lazy"' in html
    # The in-memory storage outlives each test, so the file name may carry a suffix.
    assert re.search(r'src="/media/images/back(_\w+)?\.width-800\.png"', html)
    assertInHTML("<figcaption>Massage</figcaption>", html)


def test_image_without_caption_has_no_figcaption(image):
    html = render(ImageBlock(), {"image": image.pk, "alt_text": "A back", "caption": ""})
    assert "figcaption" not in html


def test_callout_renders_its_tone_heading_and_text():
    html = render(
        CalloutBlock(),
        {"tone": "info", "heading": "Good to know", "text": "<p>Most spasms pass in minutes.</p>"},
    )
    assertHTMLEqual(
        html,
        '<aside class="wc-callout wc-callout--info" aria-label="Good to know">'
        '<h3 class="wc-callout__heading">Good to know</h3>'
        "<p>Most spasms pass in minutes.</p></aside>",
    )


def test_urgent_callout_announces_its_urgency_to_screen_readers():
    html = render(
        CalloutBlock(),
        {"tone": "urgent", "heading": "Get help now", "text": "<p>Call 999.</p>"},
    )
    assertInHTML(
        '<h3 class="wc-callout__heading"><span class="wc-visually-hidden">Urgent: </span>'
        "Get help now</h3>",
        html,
    )
    assert "wc-callout--urgent" in html


def test_quote_escapes_editor_text_and_keeps_line_breaks():
    html = render(
        QuoteBlock(),
        {"quote": "<script>alert(1)</script>\nI can move again.", "attribution": "A patient"},
    )
    assert "<script>" not in html
    assertHTMLEqual(
        html,
        '<figure class="wc-quote"><blockquote><p>&lt;script&gt;alert(1)&lt;/script&gt;<br>'
        "I can move again.</p></blockquote><figcaption>A patient</figcaption></figure>",
    )


def test_quote_without_attribution_has_no_figcaption():
    html = render(QuoteBlock(), {"quote": "Much better.", "attribution": ""})
    assert "figcaption" not in html


def test_embed_renders_the_providers_html_and_a_caption():
    html = render(
        EmbedBlock(),
        {"embed": "https://video.example/stretches", "title": "Stretches", "caption": ""},
    )
    assertInHTML(
        '<iframe title="Stretching for back pain" src="https://video.example/stretches/embed">'
        "</iframe>",
        html,
    )
    assert "&lt;iframe" not in html
    assertInHTML("<figcaption>Stretches</figcaption>", html)
    assert Embed.objects.filter(url="https://video.example/stretches").exists()


def test_embed_caption_replaces_the_title_when_given():
    html = render(
        EmbedBlock(),
        {"embed": "https://video.example/a", "title": "Stretches", "caption": "Five stretches"},
    )
    assertInHTML("<figcaption>Five stretches</figcaption>", html)


def test_faq_renders_each_question_as_a_disclosure():
    html = render(
        FAQBlock(),
        {
            "heading": "Common questions",
            "items": [
                {"question": "Does it hurt?", "answer": "<p>Rarely.</p>"},
                {"question": "How long <b>is</b> it?", "answer": "<p>30 minutes.</p>"},
            ],
        },
    )
    assertInHTML('<h3 class="wc-faq__heading">Common questions</h3>', html)
    assertInHTML(
        '<details class="wc-faq__item"><summary>Does it hurt?</summary><p>Rarely.</p></details>',
        html,
    )
    assertInHTML("<summary>How long &lt;b&gt;is&lt;/b&gt; it?</summary>", html)


def test_faq_heading_defaults_to_common_questions():
    assert str(FAQBlock().get_default()["heading"]) == "Common questions"


def test_links_list_renders_page_document_and_external_links(tree, document):
    html = render(
        LinksListBlock(),
        {
            "heading": "Further reading",
            "links": [
                {"type": "page", "value": {"page": tree.therapies.pk, "label": ""}},
                {"type": "page", "value": {"page": tree.conditions.pk, "label": "A to Z"}},
                {"type": "document", "value": {"document": document.pk, "label": ""}},
                {
                    "type": "external",
                    "value": {"url": "https://medlineplus.gov/", "label": "MedlinePlus"},
                },
            ],
        },
    )
    assert '<nav class="wc-links" aria-label="Further reading">' in html
    assertInHTML('<h3 class="wc-links__heading">Further reading</h3>', html)
    assertInHTML('<a href="/therapies/">Therapies</a>', html)
    assertInHTML('<a href="/conditions/">A to Z</a>', html)
    assertInHTML(f'<a href="{document.url}">Stretching leaflet</a>', html)
    assertInHTML(f'<span class="wc-links__type">({document.file_extension.upper()})</span>', html)
    assertInHTML('<a href="https://medlineplus.gov/" rel="noopener">MedlinePlus</a>', html)


def test_links_list_without_heading_has_a_generic_label():
    html = render(
        LinksListBlock(),
        {
            "heading": "",
            "links": [{"type": "external", "value": {"url": "https://nhs.uk/", "label": "NHS"}}],
        },
    )
    assert 'aria-label="Related links"' in html
    assert "wc-links__heading" not in html


def test_call_to_action_links_to_a_page(tree):
    html = render(
        CallToActionBlock(),
        {
            "heading": "Book an assessment",
            "text": "We can help.",
            "button_label": "See therapies",
            "page": tree.therapies.pk,
            "url": "",
        },
    )
    assertHTMLEqual(
        html,
        '<aside class="wc-cta" aria-label="Book an assessment">'
        '<h3 class="wc-cta__heading">Book an assessment</h3><p>We can help.</p>'
        '<a class="wc-button" href="/therapies/">See therapies</a></aside>',
    )


def test_call_to_action_links_to_a_web_address():
    html = render(
        CallToActionBlock(),
        {
            "heading": "Call us",
            "text": "",
            "button_label": "Call",
            "page": None,
            "url": "tel:+441234",
        },
    )
    assertInHTML('<a class="wc-button" href="tel:+441234">Call</a>', html)
    assert "<p>" not in html


def test_every_block_renders_inside_the_body_stream(image):
    stream = BodyStreamBlock().to_python(
        [
            {"type": "heading", "value": {"text": "Causes", "level": "h2"}},
            {"type": "paragraph", "value": "<p>Overuse.</p>"},
            {"type": "image", "value": {"image": image.pk, "alt_text": "A back", "caption": ""}},
            {
                "type": "callout",
                "value": {"tone": "warning", "heading": "Careful", "text": "<p>x</p>"},
            },
            {"type": "quote", "value": {"quote": "Better.", "attribution": ""}},
            {
                "type": "embed",
                "value": {"embed": "https://video.example/v", "title": "V", "caption": ""},
            },
            {
                "type": "faq",
                "value": {"heading": "", "items": [{"question": "Q?", "answer": "<p>A</p>"}]},
            },
            {
                "type": "links",
                "value": {
                    "heading": "",
                    "links": [
                        {"type": "external", "value": {"url": "https://a.example/", "label": "A"}}
                    ],
                },
            },
            {
                "type": "call_to_action",
                "value": {
                    "heading": "Go",
                    "text": "",
                    "button_label": "Go",
                    "page": None,
                    "url": "#x",
                },
            },
        ]
    )
    html = stream.render_as_block()
    for marker in (
        '<h2 class="wc-heading">Causes</h2>',
        '<div class="wc-prose"><p>Overuse.</p></div>',
        'alt="A back"',
        "wc-callout--warning",
        '<figure class="wc-quote">',
        '<iframe title="Stretching for back pain"',
        "<summary>Q?</summary>",
        '<a href="https://a.example/" rel="noopener">A</a>',
        '<a class="wc-button" href="#x">Go</a>',
    ):
        assert marker in html


# --- What editors may not save -----------------------------------------------------------------


def clean_cta(page=None, url=""):
    block = CallToActionBlock()
    return block.clean(
        block.to_python(
            {
                "heading": "Book",
                "text": "",
                "button_label": "Book",
                "page": page.pk if page else None,
                "url": url,
            }
        )
    )


def test_call_to_action_rejects_both_a_page_and_a_web_address(tree):
    with pytest.raises(StructBlockValidationError) as caught:
        clean_cta(page=tree.therapies, url="https://example.com/")
    errors = block_error_messages(caught.value)
    assert set(errors) == {"page", "url"}
    assert "not both" in errors["url"][0]


def test_call_to_action_rejects_neither_a_page_nor_a_web_address():
    with pytest.raises(StructBlockValidationError) as caught:
        clean_cta()
    assert set(block_error_messages(caught.value)) == {"page", "url"}


def test_call_to_action_rejects_javascript_urls(subtests):
    for url in ("javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html,x"):
        with subtests.test(url=url):
            with pytest.raises(StructBlockValidationError) as caught:
                clean_cta(url=url)
            assert block_error_messages(caught.value) == {
                "url": ["Enter an address starting with https://, /, #, mailto: or tel:."]
            }


def test_call_to_action_accepts_safe_addresses_or_a_page(subtests, tree):
    for url in (
        "https://example.com/",
        "http://example.com/",
        "/contact/",
        "#appointment",
        "mailto:clinic@example.com",
        "tel:+441234567890",
    ):
        with subtests.test(url=url):
            assert clean_cta(url=url)["url"] == url
    assert clean_cta(page=tree.therapies)["page"].pk == tree.therapies.pk


def test_image_requires_alt_text(image):
    block = ImageBlock()
    with pytest.raises(StructBlockValidationError) as caught:
        block.clean(block.to_python({"image": image.pk, "alt_text": "", "caption": ""}))
    assert set(block_error_messages(caught.value)) == {"alt_text"}


def test_image_with_alt_text_is_valid(image):
    block = ImageBlock()
    value = block.clean(block.to_python({"image": image.pk, "alt_text": "A back", "caption": ""}))
    assert value["image"] == image


def test_faq_needs_at_least_one_question():
    block = FAQBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"heading": "Questions", "items": []}))


def test_body_stream_reports_an_invalid_child_block():
    block = BodyStreamBlock()
    value = block.to_python(
        [
            {
                "type": "call_to_action",
                "value": {
                    "heading": "Go",
                    "text": "",
                    "button_label": "Go",
                    "page": None,
                    "url": "",
                },
            }
        ]
    )
    with pytest.raises(StreamBlockValidationError) as caught:
        block.clean(value)
    assert list(caught.value.block_errors) == [0]


# --- A host site's own page type can use the block library in its StreamField ------------------


def test_host_page_renders_our_blocks(client, shared):
    response = client.get(shared.host_page.url)
    assert response.status_code == 200
    assertContains(response, '<h2 class="wc-heading">Our team</h2>', html=True)
    assertContains(response, "&lt;script&gt;x&lt;/script&gt; Great care.")
    assertNotContains(response, "<script>x</script>")
    assertContains(
        response, '<a class="wc-button" href="/conditions/">Conditions A to Z</a>', html=True
    )


def test_host_page_body_round_trips_through_the_database(shared):
    page = HostPage.objects.get(pk=shared.host_page.pk)
    content = page.body[0].value
    assert [child.block_type for child in content] == ["heading", "quote", "call_to_action"]
    assert content[2].value["page"].specific == shared.tree.conditions
