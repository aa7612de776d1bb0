"""
A therapy renamed by an editor in Wagtail's admin shows its new name on the condition page
served through Varnish on the next request (issue 19): the publish purges, after commit,
every page that shows the therapy (wagtail_conditions/frontend_cache.py), through Wagtail's
HTTPBackend and the shipped VCL (example_site/varnish/default.vcl).

Needs Chromium (tests/browser/conftest.py) and Debian's ``varnishd`` (tests/builders/varnish.py):
each is skipped, saying so, where missing, and failed instead in CI.
"""

import re

import pytest
from django.contrib.auth import get_user_model

from tests.browser.conftest import expect
from tests.browser.helpers import log_in, publish
from tests.builders.appointments import configure
from tests.builders.purges import purge_handlers
from tests.builders.varnish import get, running_varnish
from wagtail_conditions.models import TherapyPage

pytestmark = [pytest.mark.browser, pytest.mark.varnish]

NEW_NAME = "Cold and heat therapy, renamed"


@pytest.fixture
def through_varnish(live_demo_condition, live_server, settings, tmp_path):
    """The demo behind Varnish, the render cache on, Wagtail's front-end cache purging
    through Varnish; yields (Varnish's base URL, the condition page)."""
    configure(settings, RENDER_CACHE=True, APPOINTMENT_MIN_FILL_SECONDS=0)
    # Wagtail 8 autosaves the editor every half second; on SQLite, shared with the live
    # server's thread, the editor saves when publishing instead (as the editor journey does).
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    get_user_model().objects.create_superuser("editor", "editor@clinic.example", "pw")
    with running_varnish(live_server, tmp_path) as base:
        settings.WAGTAILFRONTENDCACHE = {
            "varnish": {
                "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                "LOCATION": base,
            }
        }
        with purge_handlers():
            yield base, live_demo_condition


def test_a_therapy_renamed_in_the_admin_is_fresh_through_varnish(page, through_varnish):
    base, condition = through_varnish
    therapy = TherapyPage.objects.get(pk=condition.therapy_links.first().therapy_id)
    assert get(base, condition.url)[0] == "MISS"
    cached, body = get(base, condition.url)
    assert cached == "HIT" and therapy.title in body and NEW_NAME not in body

    log_in(page)
    page.goto(f"/admin/pages/{therapy.pk}/edit/")
    title = page.get_by_role("textbox", name=re.compile(r"^Title\*?$"))
    expect(title).to_have_value(therapy.title)
    title.fill(NEW_NAME)
    publish(page)

    cached, body = get(base, condition.url)  # the next request, through Varnish
    assert cached == "MISS", "the condition page was still served from Varnish"
    assert NEW_NAME in body
    assert get(base, condition.url)[0] == "HIT"  # and kept again
