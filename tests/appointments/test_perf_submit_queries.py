"""
Submitting the HTML form costs a fixed number of queries, whatever else the page carries: the
page is found live and public in one query (no read of every view restriction) and made
specific in one more, its form found without converting the page's other blocks (no chooser
rows read), and the site's settings read in one query without looking the Site up.
"""

import uuid

import pytest
import wagtail_factories

from tests.builders.appointments import FORM_ID, FormPage, form_block, publish_host_page

pytestmark = pytest.mark.django_db

# Page (live, not restricted), its specific row, the site's appointment settings with their
# privacy page (3); the insert in its own transaction: savepoint, INSERT, the enabled webhook
# endpoints (none here, so no delivery rows), release (4; BEGIN and COMMIT outside a test).
# The notification runs after commit, from the task queue. Any change, up or down, fails.
SUBMIT_QUERIES = 7


def _child(type_, value):
    return {"type": type_, "value": value, "id": str(uuid.uuid4())}


def blocks_referencing_rows(page):
    """Content blocks before the form whose choosers reference a page, a document and an
    image: converting them would read those rows."""
    image = wagtail_factories.ImageFactory(file__width=800, file__height=600)
    document = wagtail_factories.DocumentFactory(file__filename="leaflet.pdf")
    links = {
        "heading": "Read more",
        "links": [
            _child("page", {"page": page.pk, "label": ""}),
            _child("document", {"document": document.pk, "label": ""}),
        ],
    }
    cta = {"heading": "Book", "text": "", "button_label": "Go", "page": page.pk, "url": ""}
    image_value = {"image": image.pk, "alt_text": "A stretch", "caption": ""}
    return _child(
        "content",
        [_child("links", links), _child("call_to_action", cta), _child("image", image_value)],
    )


@pytest.fixture
def submit_queries(
    client, appointment_settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    def submit_queries(form_page):
        assert form_page.post(client).status_code == 303  # Warms the site root paths' cache.
        with django_capture_on_commit_callbacks() as callbacks:
            with django_assert_num_queries(SUBMIT_QUERIES):
                response = form_page.post(client)
        assert response.status_code == 303
        assert len(callbacks) == 1  # The notification, queued after commit.

    return submit_queries


def test_a_submission_costs_a_fixed_number_of_queries(submit_queries):
    submit_queries(FormPage(publish_host_page(form_block(FORM_ID), slug="form-alone")))


def test_blocks_before_the_form_cost_no_more_queries(submit_queries):
    target = publish_host_page(slug="target")
    busy = publish_host_page(blocks_referencing_rows(target), form_block(FORM_ID), slug="busy")
    submit_queries(FormPage(busy))
