"""
Rendering a condition page that carries every block type costs a fixed number of queries: the
appointment forms find their block ids without walking the page's StreamFields once each, and
ask whether the page is private with one query per request, not two per form.
"""

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import PageViewRestriction

from tests.api.test_perf_listing_queries import _Refs, every_block_condition
from tests.builders.appointments import form_block
from tests.builders.pages import BodyAreaFactory, TherapyPageFactory
from wagtail_conditions.blocks import SectionStreamBlock
from wagtail_conditions.models import AppointmentSettings

pytestmark = pytest.mark.django_db

# Wagtail's routing and its view-restriction check (site, pages on the path, restrictions: 7),
# the page's therapy links and body areas (2), the blocks' references (1 image, 2 page
# choosers, 1 document chooser, 1 embed), the page's rich text links expanded once for all its
# paragraphs (3: pages, their types, documents), and for the forms one view-restriction query,
# the site's appointment settings and their privacy page (3). Any change, up or down, fails.
RENDER_QUERIES = 21


@pytest.fixture
def refs(site_tree):
    import wagtail_factories

    refs = _Refs(
        image=wagtail_factories.ImageFactory(title="Stretch", file__width=1200, file__height=900),
        document=wagtail_factories.DocumentFactory(title="Leaflet", file__filename="leaflet.pdf"),
        therapy=TherapyPageFactory(parent=site_tree.therapies, title="Massage", slug="massage"),
        privacy=TherapyPageFactory(parent=site_tree.therapies, title="Privacy", slug="privacy"),
        area=BodyAreaFactory(),
    )
    AppointmentSettings.objects.create(site=site_tree.site, privacy_notice=refs.privacy)
    return refs


def rendered_queries(client, url, django_assert_num_queries, count):
    assert client.get(url).status_code == 200  # Warms the caches.
    with django_assert_num_queries(count):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_every_block_page_renders_in_a_fixed_number_of_queries(
    client, site_tree, refs, django_assert_num_queries
):
    page = every_block_condition(site_tree.conditions, 1, refs)
    used = {child.block_type for name, _h in page.sections for child in getattr(page, name)}
    assert used == set(SectionStreamBlock().child_blocks)

    html = rendered_queries(client, page.url, django_assert_num_queries, RENDER_QUERIES)
    assert 'name="token"' in html


def test_more_forms_on_a_page_cost_no_more_queries(
    client, site_tree, refs, django_assert_num_queries
):
    page = every_block_condition(site_tree.conditions, 2, refs)
    page.causes = [form_block("form-a", anchor="a"), form_block("form-b", anchor="b")]
    page.save_revision().publish()

    html = rendered_queries(client, page.url, django_assert_num_queries, RENDER_QUERIES)
    assert html.count('name="token"') == 3


def test_a_restriction_on_an_ancestor_makes_the_form_private(client, site_tree, refs):
    page = every_block_condition(site_tree.conditions, 3, refs)
    PageViewRestriction.objects.create(
        page=site_tree.conditions, restriction_type=PageViewRestriction.LOGIN
    )
    client.force_login(get_user_model().objects.create_user("staff", password="pw"))

    response = client.get(page.url)

    html = response.content.decode()
    assert 'name="token"' not in html
    assert "Appointment requests cannot be sent from this page." in html
