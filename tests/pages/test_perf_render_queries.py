"""
Rendering a condition page that carries every block type costs a fixed number of queries: the
appointment forms find their block ids without walking the page's StreamFields once each, and
ask whether the page is private with one query per request, not two per form. On our pages and
on the host's alike.
"""

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import PageViewRestriction

from tests.builders.api import every_block_condition, make_every_block_refs
from tests.builders.appointments import form_block
from tests.builders.pages import on_each_page_set
from wagtail_conditions.blocks import SectionStreamBlock

pytestmark = [pytest.mark.django_db, on_each_page_set]

# Wagtail's routing and its view-restriction check (site, pages on the path, restrictions: 6;
# the index finds the condition with its own fields in one query, IndexPageMixin.route),
# the page's therapy links and body areas (2), the blocks' references (1 image, 2 page
# choosers, 1 document chooser, 1 embed), the page's rich text links expanded once for all its
# paragraphs (3: pages, their types, documents), and for the forms the site's appointment
# settings and their privacy page (2; the forms reuse the restrictions Wagtail's check read),
# and for the structured data the site's clinic settings (1; the breadcrumb is the pages the
# routing went through, and the header, footer, contact card and care levels read the same
# settings from Wagtail's cache on the request). Any change, up or down, fails.
RENDER_QUERIES = 19


@pytest.fixture
def site_tree(db, page_set):
    return page_set.make_tree()


@pytest.fixture
def refs(site_tree, page_set):
    return make_every_block_refs(site_tree, page_set)


def rendered_queries(client, url, django_assert_num_queries, count):
    assert client.get(url).status_code == 200  # Warms the caches.
    with django_assert_num_queries(count):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_every_block_page_renders_in_a_fixed_number_of_queries(
    client, site_tree, refs, page_set, django_assert_num_queries
):
    page = every_block_condition(site_tree.conditions, 1, refs, page_set)
    used = {child.block_type for name, _h in page.sections for child in getattr(page, name)}
    assert used == set(SectionStreamBlock().child_blocks)

    html = rendered_queries(client, page.url, django_assert_num_queries, RENDER_QUERIES)
    assert 'name="token"' in html


def test_more_forms_on_a_page_cost_no_more_queries(
    client, site_tree, refs, page_set, django_assert_num_queries
):
    page = every_block_condition(site_tree.conditions, 2, refs, page_set)
    page.causes = [form_block("form-a", anchor="a"), form_block("form-b", anchor="b")]
    page.save_revision().publish()

    html = rendered_queries(client, page.url, django_assert_num_queries, RENDER_QUERIES)
    assert html.count('name="token"') == 3


def test_a_restriction_on_an_ancestor_makes_the_form_private(client, site_tree, refs, page_set):
    page = every_block_condition(site_tree.conditions, 3, refs, page_set)
    PageViewRestriction.objects.create(
        page=site_tree.conditions, restriction_type=PageViewRestriction.LOGIN
    )
    client.force_login(get_user_model().objects.create_user("staff", password="pw"))

    response = client.get(page.url)

    html = response.content.decode()
    assert 'name="token"' not in html
    assert "Appointment requests cannot be sent from this page." in html
