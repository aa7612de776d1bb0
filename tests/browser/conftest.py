"""
Fixtures for the browser tests: Debian's Chromium driven by Playwright (sync API) against
pytest-django's ``live_server``, which runs in a thread of this process, so ``settings``
overrides and the local-memory cache are shared with it.

The tests skip, saying why, when Playwright, Chromium or axe-core is missing. CI installs all
three (``.ci/run``, tox's ``browser`` env) and sets ``WAGTAIL_CONDITIONS_REQUIRE_BROWSER=1``,
which turns those skips into failures so the tests cannot silently stop running there.
Playwright never downloads a browser: it launches the system Chromium at ``CHROMIUM_PATH``
(default ``/usr/bin/chromium``).
"""

import json
import os
from pathlib import Path

import pytest
from django.core.cache import cache
from wagtail.models import Site

from wagtail_conditions import demo
from wagtail_conditions.models import ConditionPage

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # the tests skip (or fail, in CI) through the chromium fixture
    expect = sync_playwright = None

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Not a WCAG rule in axe (a "best practice"), but screen reader users navigate by headings.
EXTRA_RULES = {"heading-order": {"enabled": True}}
HEADLESS_CLIENT = "/static/headless/index.html"


def unavailable(reason):
    if os.environ.get("WAGTAIL_CONDITIONS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}; WAGTAIL_CONDITIONS_REQUIRE_BROWSER=1 requires it")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    if sync_playwright is None:
        unavailable("Playwright is not installed (pip install -e '.[testing]')")
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"No Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)")
    # Playwright's sync API keeps an asyncio loop in this thread, so Django refuses ORM calls
    # from the test body ("cannot call this from an async context") although they are plain
    # synchronous calls. Lift the check while the browser runs, and only then.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open_page(chromium, live_server, **context_options):
    context = chromium.new_context(base_url=live_server.url, **context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    return context, page


# The page fixtures depend on the live server and the database so that they close first:
# a request still in flight must not reach a database already being flushed.


@pytest.fixture
def page(chromium, live_server, transactional_db):
    """A desktop-sized page with JavaScript; fails the test if the page's script throws.
    Relative URLs (``page.goto("/conditions/")``) go to the live server."""
    context, page = _open_page(chromium, live_server, viewport={"width": 1280, "height": 900})
    yield page
    context.close()
    assert not page.js_errors, f"JavaScript errors: {page.js_errors}"


@pytest.fixture
def nojs_page(chromium, live_server, transactional_db):
    """A page with JavaScript turned off, as some patients' browsers have it."""
    context, page = _open_page(
        chromium, live_server, viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    yield page
    context.close()


@pytest.fixture
def mobile_page(chromium, live_server, transactional_db):
    """A phone-sized page (390×844 CSS px, an iPhone 12–15)."""
    context, page = _open_page(
        chromium,
        live_server,
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    )
    yield page
    context.close()


@pytest.fixture
def live_demo_condition(transactional_db, settings):
    """The demo content under the site root; the "Muscle spasms" condition page. Committed
    (a transactional test), because the live server's thread must read it: tests/conftest.py's
    ``demo_condition`` is shared inside a transaction the live server cannot see.

    Forms may be sent at once (no minimum fill time) and the rate limit starts afresh.
    """
    settings.WAGTAIL_CONDITIONS = {"APPOINTMENT_MIN_FILL_SECONDS": 0}
    cache.clear()
    demo.load_demo(parent=Site.objects.get(is_default_site=True).root_page)
    return ConditionPage.objects.get(slug="muscle-spasms")


@pytest.fixture
def axe():
    """``axe(page)`` asserts that axe-core finds no violations; checked before the browser
    starts, so the tests skip at once without axe-core."""
    if not AXE_JS.exists():
        unavailable(f"axe-core is not installed: run `npm ci --prefix tests/browser` ({AXE_JS})")
    return assert_no_axe_violations


def assert_no_axe_violations(page, context=None):
    """Run axe-core's WCAG 2.x A/AA rules, and heading order, on ``page`` (or the part of it
    that the ``context`` selector picks)."""
    if not AXE_JS.exists():
        unavailable(f"axe-core is not installed: run `npm ci --prefix tests/browser` ({AXE_JS})")
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate(
        """([context, tags, rules]) => axe.run(
            context || document, {runOnly: {type: "tag", values: tags}, rules: rules}
        )""",
        [context, WCAG_TAGS, EXTRA_RULES],
    )
    violations = [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [
                {"target": node["target"], "summary": node["failureSummary"]}
                for node in violation["nodes"][:5]
            ],
        }
        for violation in results["violations"]
    ]
    assert not violations, f"axe found WCAG violations on {page.url}:\n" + json.dumps(
        violations, indent=2
    )
