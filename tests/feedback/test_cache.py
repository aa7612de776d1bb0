"""
The page a render cache or CDN keeps is the fresh form for everyone: one visitor's thank-you
or errors never reach it, and the responses showing them are never cacheable. With the render
cache on (as in production), the thank-you is the cached page with the form's section
rendered for the visitor; a render cache that is down costs nothing but speed.
"""

import re

import pytest

from tests.builders.feedback import answer, configure, post_form, sent_url

pytestmark = pytest.mark.django_db

THANKS = "Thank you for your feedback."


@pytest.fixture
def cached(settings, feedback_settings):
    configure(settings, RENDER_CACHE=True)


def feedback_section(html):
    start = html.index('<section class="wc-feedback"')
    return html[start : html.index("</section>", start)]


def fresh_form(html):
    section = feedback_section(html)
    return "<legend" in section and THANKS not in section and "wc-error-summary" not in section


def test_the_cached_page_never_shows_one_visitors_thanks_or_errors(client, cached, condition):
    first = client.get(condition.url).content.decode()
    assert fresh_form(first)

    post_form(client, answer(condition))
    thanks = client.get(sent_url(condition))
    assert THANKS in thanks.content.decode()
    errors = post_form(client, answer(condition, comment="ann@example.com"))
    assert errors.status_code == 422

    for visitor_html in (client.get(condition.url).content.decode(),):
        assert fresh_form(visitor_html)
        assert "ann@example.com" not in visitor_html


def test_each_cached_response_gets_its_own_token(client, cached, condition):
    pattern = r'name="feedback_token" value="([^"]+)"'
    tokens = [
        re.search(pattern, feedback_section(client.get(condition.url).content.decode()))[1]
        for _ in range(2)
    ]
    assert tokens[0] != tokens[1]
    assert not tokens[0].startswith("wc-token-")


def test_the_thank_you_is_made_from_the_cached_page(
    client, cached, condition, django_assert_max_num_queries
):
    client.get(condition.url)  # rendered once, kept
    post_form(client, answer(condition))

    # The content version, the page's row, its locale: the page is not rendered again.
    with django_assert_max_num_queries(4):
        response = client.get(sent_url(condition))
    html = response.content.decode()
    assert THANKS in html
    assert '<meta name="robots" content="noindex">' in html
    assert "no-store" in response["Cache-Control"]
    assert "wc-form-" not in html  # the region markers are gone


def test_the_thank_you_page_is_not_kept_as_the_page(client, cached, condition):
    client.get(sent_url(condition))

    assert fresh_form(client.get(condition.url).content.decode())


def test_a_render_cache_that_is_down_costs_no_answer(client, dead_render_cache, condition):
    assert post_form(client, answer(condition)).status_code == 303
    thanks = client.get(sent_url(condition))
    assert thanks.status_code == 200
    assert THANKS in thanks.content.decode()
    assert post_form(client, answer(condition, helpful="maybe")).status_code == 422
