"""The shipped Varnish VCL (example_site/varnish/default.vcl) in front of the live server, with
the render cache on and Wagtail's HTTPBackend purging through it: a page is served from
Varnish until a change it shows, then fresh, with its index's filtered variants and its API
answer.

Needs Debian's ``varnishd`` (``apt-get install varnish``): skipped, saying so, where it is
missing, failed instead in CI (``CI=true`` or ``WAGTAIL_CONDITIONS_REQUIRE_SERVICES=1``)."""

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.builders.appointments import configure
from tests.builders.purges import purge_handlers
from wagtail_conditions.demo import load_demo
from wagtail_conditions.models import TherapyPage

pytestmark = pytest.mark.varnish

VCL = Path(__file__).resolve().parents[2] / "example_site" / "varnish" / "default.vcl"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
HOST = "localhost"  # the default site's hostname: what Wagtail's purges name
STARTUP_SECONDS = 10


def _require_varnishd():
    if os.access(VARNISHD, os.X_OK):
        return
    reason = f"no varnishd at {VARNISHD} (apt-get install varnish)"
    if (
        os.environ.get("CI", "").lower() == "true"
        or os.environ.get("WAGTAIL_CONDITIONS_REQUIRE_SERVICES") == "1"
    ):
        pytest.fail(f"{reason}; CI requires it for the Varnish test")
    pytest.skip(f"{reason}; Varnish test skipped")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port, process, log):
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"varnishd exited with {process.returncode}: {log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"varnishd did not listen on {port} within {STARTUP_SECONDS} s: {log.read_text()}")


@pytest.fixture
def varnish(live_server, tmp_path):
    """varnishd on a free port with the shipped VCL, its backend the live server; yields the
    base URL. Run in the foreground (-F) without a jail (-j none: as the user running the
    tests, root included), its working directory in tmp_path, and stopped after the test."""
    _require_varnishd()
    backend_port = live_server.url.rsplit(":", 1)[1]
    vcl = tmp_path / "default.vcl"
    vcl.write_text(VCL.read_text().replace('.port = "8000"', f'.port = "{backend_port}"'))
    port, log = _free_port(), tmp_path / "varnishd.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                VARNISHD,
                "-F",
                "-j",
                "none",
                "-n",
                str(tmp_path / "work"),
                "-a",
                f"127.0.0.1:{port}",
                "-f",
                str(vcl),
                "-s",
                "malloc,32m",
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(port, process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def get(base, path):
    """(X-Cache, body) of ``path`` through Varnish, for the site's hostname."""
    request = urllib.request.Request(base + path, headers={"Host": HOST})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 200, (path, response.status)
        return response.headers["X-Cache"], response.read().decode()


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

