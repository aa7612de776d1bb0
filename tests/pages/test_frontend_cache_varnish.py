"""The shipped Varnish VCL (example_site/varnish/default.vcl) in front of the live server, with
the render cache on and Wagtail's HTTPBackend purging through it: a page is served from
Varnish until a change it shows, then fresh, with its index's filtered variants and its API
answer. tests/browser/test_varnish_admin.py makes the change in the admin's editor.

Needs Debian's ``varnishd`` (``apt-get install varnish``): skipped, saying so, where it is
missing, failed instead in CI (``CI=true`` or ``WAGTAIL_CONDITIONS_REQUIRE_SERVICES=1``)."""

import pytest

from tests.builders.appointments import configure
from tests.builders.purges import purge_handlers
from tests.builders.varnish import get, running_varnish
from wagtail_conditions.demo import load_demo
from wagtail_conditions.models import TherapyPage

pytestmark = pytest.mark.varnish


@pytest.fixture
def varnish(live_server, tmp_path):
    with running_varnish(live_server, tmp_path) as base:
        yield base


@pytest.fixture
def site(transactional_db, settings, varnish):
    configure(settings, RENDER_CACHE=True)
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": varnish,
        }
    }
    condition = load_demo()
    with purge_handlers():
        yield varnish, condition


def test_a_renamed_therapy_is_fresh_through_varnish_on_every_page_that_shows_it(site):
    base, condition = site
    therapy = TherapyPage.objects.get(pk=condition.therapy_links.first().therapy_id)
    api = f"/api/v2/pages/{condition.pk}/"
    pages = [condition.url, "/therapies/?page=1", therapy.url, api]
    for path in pages:
        assert get(base, path)[0] == "MISS"
        cached, body = get(base, path)
        assert cached == "HIT", path
        assert therapy.title in body, path

    therapy.title = "Cold and heat therapy, renamed"
    therapy.save_revision().publish()

    for path in pages:
        cached, body = get(base, path)
        assert cached == "MISS", f"{path} still served from Varnish after the publish"
        assert "Cold and heat therapy, renamed" in body, path
    assert get(base, condition.url)[0] == "HIT"

