"""
The Nu HTML Checker (``vnu-jar`` from npm, run with Java) on every public template and state:
those of ``states.py`` (both indexes plain, filtered by body area and by letter, searched with
and without results, paginated; condition and therapy pages in English and Spanish, with their
hreflang links; a condition using every block type), the appointment form and the "Was this
page helpful?" form empty, with errors, with an expired token and sent; plus the headless client's page. HTML does not depend on the
window's width, so each state is checked once (test_accessibility.py covers both widths).

All pages are rendered first and checked in one run of the checker (the JVM starts once); a
failure names each state with the checker's messages. Marked ``browser``: it runs in tox's
``browser`` env, which installs ``tests/browser``'s npm packages. Skips, saying why, without
Java or vnu-jar (fails instead in CI). Like the other browser tests it commits its rows (a
transactional test), so it can share a worker with them in any order.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client, override_settings
from wagtail.fields import StreamField

from tests.browser.conftest import unavailable
from tests.browser.states import build_content, multilingual_site
from tests.builders import feedback
from tests.builders.appointments import BASE_SETTINGS, FormPage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VNU_JAR = Path(__file__).parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
HEADLESS_CLIENT = Path(__file__).parents[2] / "example_site" / "static" / "headless" / "index.html"
# The states rendered here besides those of states.py.
FORM_STATES = ["form-errors", "form-expired-token", "form-sent"]
# "Was this page helpful?": with errors (personal data, no answer), a timed-out token, sent.
FEEDBACK_STATES = ["feedback-errors", "feedback-expired-token", "feedback-sent"]


def _java():
    java = shutil.which("java")
    if java is None:
        unavailable("Java is not installed (apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        unavailable(f"vnu-jar is not installed: run `npm ci --prefix tests/browser` ({VNU_JAR})")
    return java


def _form_block_id(page):
    for field in page._meta.get_fields():
        if not isinstance(field, StreamField):
            continue
        for child in getattr(page, field.name):
            if child.block_type == "appointment_form":
                return child.id
    raise AssertionError(f"{page} carries no appointment form")


def _get(client, url, status=200, contains=None):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    html = response.content.decode()
    if contains:
        assert contains in html, (url, contains)
    return html


def _render_states(client):
    """Build the content and render every state; returns {state: html}."""
    content = build_content()
    pages = {"headless-client": HEADLESS_CLIENT.read_text()}
    for state in content.get_states:
        with override_settings(WAGTAIL_CONDITIONS={**BASE_SETTINGS, **state.settings}):
            pages[state.name] = _get(client, state.url, contains=state.contains)

    condition = content.condition
    form = FormPage(condition, block_id=_form_block_id(condition))
    errors = form.post(client, email="not-an-email", phone="")
    assert errors.status_code == 422, errors.status_code
    pages["form-errors"] = errors.content.decode()
    assert "wc-error-summary" in pages["form-errors"]

    expired = form.post(client, token="expired.token")
    assert expired.status_code == 403, expired.status_code
    pages["form-expired-token"] = expired.content.decode()

    sent = form.post(client)
    assert sent.status_code == 303, sent.status_code
    pages["form-sent"] = _get(client, sent["Location"], contains="AR-")

    bad = feedback.answer(condition, helpful=None, comment="Call 020 7946 0000")
    errors = feedback.post_form(client, bad)
    assert errors.status_code == 422, errors.status_code
    pages["feedback-errors"] = errors.content.decode()
    assert "Go to the appointment form" in pages["feedback-errors"]
    expired = feedback.post_form(client, feedback.answer(condition, feedback_token="expired.token"))
    assert expired.status_code == 403, expired.status_code
    pages["feedback-expired-token"] = expired.content.decode()
    sent = feedback.post_form(client, feedback.answer(condition))
    assert sent.status_code == 303, sent.status_code
    pages["feedback-sent"] = _get(client, sent["Location"], contains="Thank you for your feedback")
    assert set(pages) == {
        "headless-client",
        *FORM_STATES,
        *FEEDBACK_STATES,
        *(s.name for s in content.get_states),
    }
    return pages


def run_vnu(java, pages, folder):
    """{state: [the checker's messages]} for {state: html}."""
    for state, html in pages.items():
        (folder / f"{state}.html").write_text(html)
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always"]
        + [str(folder / f"{state}.html") for state in pages],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # vnu writes its JSON report to stderr.
    report = json.loads(result.stderr)
    messages = {state: [] for state in pages}
    for message in report["messages"]:
        # "url" is the file's URL ("file:/tmp/.../form-sent.html"): its name is the state.
        messages[Path(message["url"]).stem].append(message)
    return messages


def describe(message):
    kind = message["type"] + (f"/{message['subType']}" if message.get("subType") else "")
    extract = message.get("extract", "").strip()
    return f"  {kind} line {message.get('lastLine', '?')}: {message['message']} [{extract}]"


def test_every_public_template_and_state_is_valid_html(tmp_path):
    """No error and no warning from the Nu HTML Checker, on any state."""
    java = _java()
    with override_settings(WAGTAIL_CONDITIONS=BASE_SETTINGS), multilingual_site():
        pages = _render_states(Client())
    messages = run_vnu(java, pages, tmp_path)
    found = {state: found for state, found in messages.items() if found}
    assert not found, "The Nu HTML Checker:\n" + "\n".join(
        f"{state}:\n" + "\n".join(describe(m) for m in state_messages)
        for state, state_messages in found.items()
    )
