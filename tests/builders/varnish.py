"""
Debian's Varnish in front of a test's live server, with the shipped VCL
(example_site/varnish/default.vcl): for the purge tests (tests/pages/test_frontend_cache_varnish.py,
tests/browser/test_varnish_admin.py).

``varnishd`` missing: the test is skipped, saying so, or failed in CI (``CI=true`` or
``WAGTAIL_CONDITIONS_REQUIRE_SERVICES=1``; ``.ci/run`` installs Debian's ``varnish``).
"""

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

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


@contextmanager
def running_varnish(live_server, tmp_path):
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
