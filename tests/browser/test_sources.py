"""
An editor cites a source in Wagtail's page editor, in a real browser: on a condition page's
Sources tab, a source without any address is refused with the block's message; with its web
address, publisher and dates it publishes, and the live page lists it numbered under
"Sources", with its dates in ``<time>`` elements and its link.
"""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model

from tests.browser.conftest import expect
from tests.browser.helpers import log_in, publish
from tests.builders.api import block
from tests.builders.pages import OURS
from wagtail_conditions.models import ConditionPage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Leg cramps"
URL = "https://www.nhs.example/conditions/leg-cramps/"


@pytest.fixture
def condition(transactional_db, settings, live_server):
    """A published condition page with an overview and no sources, and an editor."""
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0  # see test_editor_journey.py's clinic fixture
    tree = OURS.make_tree()
    get_user_model().objects.create_superuser("editor", "editor@clinic.example", "pw")
    return OURS.condition(
        parent=tree.conditions,
        title="Muscle spasms",
        slug="muscle-spasms",
        overview=[block("paragraph", "<p>Sudden tightening of a muscle.</p>")],
    )


def field(scope, label):
    """A text field of the source block by its label (Wagtail marks required ones "Label*")."""
    return scope.get_by_role("textbox", name=re.compile(rf"^{re.escape(label)}\*?$"))


def close_date_pickers(page, source):
    """Leave the date fields for a text field: Wagtail's date picker, open over the header's
    buttons while a date field has the focus, closes."""
    field(source, "Title").click()
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(0)


def test_an_editor_cites_a_source_and_the_page_lists_it(page, condition):
    log_in(page)
    page.goto(f"/admin/pages/{condition.pk}/edit/")
    page.get_by_role("tab", name="Sources").click()
    sources = page.get_by_role("tabpanel", name="Sources")
    expect(sources).to_be_visible()
    sources.get_by_role("button", name="Insert a block").first.click()
    option = page.get_by_role("option", name="Source", exact=True)
    if option.count():  # Wagtail inserts a stream's only block type without asking
        option.click()
    source = sources.get_by_role("region", name=re.compile(r"^Source")).first
    expect(source).to_be_visible()
    field(source, "Title").fill(TITLE)
    field(source, "Publisher").fill("NHS")
    checked = datetime.date.today() - datetime.timedelta(days=3)
    for label, value in (("Date published", "2023-05-17"), ("Last checked", checked.isoformat())):
        date = field(source, label)
        date.fill(value)
        date.press("Tab")
    close_date_pickers(page, source)

    # No address, DOI or PubMed ID: refused, with the block's message on the tab.
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("tab", name=re.compile("^Sources")).click()
    expect(
        page.get_by_text("Give a web address, a DOI or a PubMed ID, so readers can find it.").first
    ).to_be_visible()
    assert not ConditionPage.objects.get(pk=condition.pk).get_sources()

    field(source, "Web address").fill(URL)
    close_date_pickers(page, source)
    publish(page)
    published = ConditionPage.objects.get(pk=condition.pk)
    assert [child.value["title"] for child in published.get_sources()] == [TITLE]

    page.goto(published.url)
    section = page.get_by_role("region", name="Sources")
    expect(section.get_by_role("heading", name="Sources", level=2)).to_be_visible()
    items = section.get_by_role("listitem")
    expect(items).to_have_count(1)
    expect(section.locator("ol > li#source-1")).to_be_visible()
    expect(items.first.get_by_role("link", name=TITLE)).to_have_attribute("href", URL)
    expect(items.first.locator("time").first).to_have_attribute("datetime", "2023-05-17")
    expect(items.first.locator("time").last).to_have_attribute("datetime", checked.isoformat())
    expect(
        page.get_by_role("navigation", name="On this page").get_by_role("link", name="Sources")
    ).to_be_visible()
