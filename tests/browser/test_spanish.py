"""The example site's demo in Spanish, in Chromium: a visitor switches language with the
switcher, reads "Espasmos musculares" and asks for an appointment in Spanish, first with a
mistake and then successfully.

The demo is set up as ``make demo`` does it (``migrate`` and ``setup_demo`` on a database of its
own, in a temporary directory) and served by ``runserver`` for the module, through
``example_site/screenshots.py``'s ``demo_server``: the example site's own settings, URLs and
templates, which the test settings do not have.
"""

import importlib.util
import re
from pathlib import Path

import pytest

from tests.browser.conftest import AXE_JS, assert_no_axe_violations, expect, unavailable
from wagtail_conditions.demo import TRANSLATIONS

pytestmark = pytest.mark.browser

EXAMPLE_SITE = Path(__file__).resolve().parents[2] / "example_site"
SPANISH = TRANSLATIONS["es"]
FORM = SPANISH["condition"]["appointment_form"]
# The example site keeps the package's minimum time to fill the form in (3 seconds).
MIN_FILL_MS = 3500


def _screenshots_module():
    spec = importlib.util.spec_from_file_location("screenshots", EXAMPLE_SITE / "screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def demo_site(chromium):
    with _screenshots_module().demo_server() as site:
        yield site


@pytest.fixture
def visitor(chromium, demo_site):
    """A desktop browser page on the demo, with a visitor's English-speaking browser."""
    context = chromium.new_context(
        base_url=demo_site.address, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def stored_requests(demo_site):
    return demo_site.query(
        "SELECT r.name, r.email, l.language_code FROM wagtail_conditions_appointmentrequest r "
        "LEFT JOIN wagtailcore_locale l ON l.id = r.locale_id ORDER BY r.id"
    )


def switch_to_spanish(page):
    page.goto("/conditions/muscle-spasms/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switcher = page.locator(".wc-language-switcher")
    expect(switcher.get_by_role("link", name="English")).to_have_attribute("aria-current", "page")
    switcher.get_by_role("link", name="Español").click()
    expect(page).to_have_url(re.compile(r"/es/dolencias/espasmos-musculares/$"))


def test_switch_to_spanish_and_read_the_page(visitor):
    page = visitor
    switch_to_spanish(page)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Espasmos musculares")
    main = page.locator("main")
    expect(main).to_contain_text(SPANISH["condition"]["overview"])
    expect(main).to_contain_text(SPANISH["condition"]["advantages"])
    expect(main.get_by_role("img", name=re.compile("vista de espaldas"))).to_be_visible()
    # The therapies are the Spanish pages, with their Spanish notes.
    for therapy in SPANISH["therapies"].values():
        link = main.get_by_role("link", name=therapy["title"], exact=True).first
        expect(link).to_have_attribute("href", f"/es/terapias/{therapy['slug']}/")
    # The navigation, the switcher and the footer follow the language.
    navigation = page.get_by_role("navigation", name="Principal")
    expect(navigation.get_by_role("link", name="Inicio")).to_have_attribute("href", "/es/")
    expect(navigation.get_by_role("link", name="Dolencias que tratamos")).to_have_attribute(
        "href", "/es/dolencias/"
    )
    expect(
        page.locator(".wc-language-switcher").get_by_role("link", name="Español")
    ).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("contentinfo")).to_contain_text(re.compile(r"lunes .* viernes"))

    # A therapy, and back to English from there.
    main.get_by_role("link", name="Masaje muscular profundo", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Masaje muscular profundo")
    page.locator(".wc-language-switcher").get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/therapies/deep-muscle-massage/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_spanish_form_with_a_mistake_then_sent(visitor, demo_site):
    page = visitor
    switch_to_spanish(page)
    before = len(stored_requests(demo_site))
    form = page.locator("form.wc-form")
    page.wait_for_timeout(MIN_FILL_MS)
    form.get_by_label("Nombre y apellidos").fill("Lucía Fernández")
    form.get_by_role("button", name=FORM["button_label"]).click()

    # The error summary, in Spanish, takes focus; its links lead to the fields.
    summary = page.locator(".wc-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Hay un problema")
    expect(summary.get_by_role("link").first).to_have_text(re.compile(r"correo electrónico"))
    expect(summary).to_contain_text("Escriba un número de teléfono.")
    expect(page.locator("form.wc-form").get_by_label("Nombre y apellidos")).to_have_value(
        "Lucía Fernández"
    )
    assert len(stored_requests(demo_site)) == before

    form = page.locator("form.wc-form")
    form.get_by_label("Correo electrónico").fill("lucia@example.com")
    form.get_by_label("Número de teléfono").fill("020 7946 0456")
    form.get_by_role("radio", name="Por la tarde").check()
    form.get_by_role("radio", name="Primera visita").check()
    form.get_by_label("Motivo de su visita").fill("Tengo contracturas en la espalda.")
    form.get_by_role("checkbox").check()
    form.get_by_role("button", name=FORM["button_label"]).click()

    # The Spanish thank-you replaces the form and takes focus; the request is stored in Spanish.
    success = page.locator(f"section#{FORM['anchor']}").get_by_role("status")
    expect(success).to_be_focused()
    expect(success).to_contain_text("Solicitud enviada")
    expect(success).to_contain_text(FORM["thank_you_message"])
    expect(page.locator("form.wc-form")).to_have_count(0)
    assert stored_requests(demo_site)[before:] == [("Lucía Fernández", "lucia@example.com", "es")]


def test_spanish_form_without_javascript(chromium, demo_site):
    context = chromium.new_context(
        base_url=demo_site.address,
        viewport={"width": 390, "height": 844},
        java_script_enabled=False,
        locale="en-GB",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto("/es/dolencias/espasmos-musculares/")
        page.wait_for_timeout(MIN_FILL_MS)
        page.locator("form.wc-form").get_by_role("button", name=FORM["button_label"]).click()
        # The server's answer is the Spanish page with a Spanish error summary.
        expect(page.locator("html")).to_have_attribute("lang", "es")
        summary = page.locator(".wc-error-summary")
        expect(summary.get_by_role("heading")).to_have_text("Hay un problema")
        expect(summary).to_contain_text("Escriba su nombre y apellidos.")
        expect(page.get_by_role("heading", level=1)).to_have_text("Espasmos musculares")
    finally:
        context.close()


def test_the_spanish_pages_present_the_practitioners_in_spanish(visitor):
    """The Spanish home page lists the practitioners' Spanish translations, in Spanish (no
    ``lang`` of another language on them), and the condition page's review line names the
    Spanish one."""
    page = visitor
    page.goto("/es/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    section = page.locator("section.practitioners")
    cards = section.locator(".practitioner")
    expect(cards).to_have_count(len(SPANISH["practitioners"]))
    for index, (name, job_title, bio) in enumerate(SPANISH["practitioners"].values()):
        card = cards.nth(index)
        expect(card.get_by_role("heading", level=3)).to_contain_text(name)
        expect(card.locator(".practitioner__role")).to_have_text(job_title)
        expect(card.locator(".practitioner__bio")).to_have_text(bio)
    assert section.locator("[lang]").count() == 0
    # The English home page keeps the English practitioners.
    page.goto("/")
    expect(page.locator(".practitioner__role").first).to_have_text("Chiropractor")

    page.goto("/es/dolencias/espasmos-musculares/")
    expect(page.locator(".wc-review__by")).to_contain_text("Dra. Amara Okafor, DC, MSc")


@pytest.mark.parametrize(
    "path", ["/", "/es/", "/es/dolencias/", "/es/terapias/electroestimulacion/"]
)
def test_demo_pages_have_no_axe_violations(visitor, path):
    """The example site's own parts (navigation, home page) around the package's, in both
    languages (the condition pages are checked in every state by test_accessibility.py)."""
    if not AXE_JS.exists():
        unavailable(f"axe-core is not installed: run `npm ci --prefix tests/browser` ({AXE_JS})")
    visitor.goto(path)
    assert_no_axe_violations(visitor)
