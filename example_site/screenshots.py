"""Screenshots of the demo for the README (docs/images/), in English and Spanish, at desktop
(1280 px) and phone (390 px) widths: ``make screenshots``.

It sets up the demo from scratch in a temporary directory (its own SQLite database and
uploads: ``migrate`` then ``setup_demo``), serves it on a free port, and photographs it with
the system Chromium through Playwright (``CHROMIUM_PATH``, default /usr/bin/chromium; no
browser is downloaded). ``demo_server()`` is also used by the browser test of the Spanish demo
(tests/browser/test_spanish.py).
"""

import contextlib
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
IMAGES = HERE.parent / "docs" / "images"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# (file name, path, whole page or the first screen only)
SHOTS = [
    ("home-en", "/", True),
    ("condition-en", "/conditions/muscle-spasms/", False),
    ("home-es", "/es/", True),
    ("condition-es", "/es/dolencias/espasmos-musculares/", False),
]
# The README's first picture: the top 1600 px of the English condition page at desktop width.
HERO = ("condition-page", "/conditions/muscle-spasms/", 1600)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _manage(*args, env, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=HERE,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        **kwargs,
    )


class DemoSite:
    def __init__(self, address, database):
        self.address = address
        self.database = database

    def query(self, sql, *params):
        """Rows from the demo's database (SQLite), e.g. to check what a form stored."""
        with contextlib.closing(sqlite3.connect(self.database)) as connection:
            return connection.execute(sql, params).fetchall()


@contextlib.contextmanager
def demo_server(**settings):
    """Yield a fresh demo site (``make demo``'s set-up in a temporary directory, served by
    ``runserver``) as a ``DemoSite``; stop it and remove the directory afterwards.
    ``settings`` are extra environment variables for the server."""
    port = _free_port()
    address = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="wagtail-conditions-demo-") as directory:
        env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            "DATABASE_URL": f"sqlite:///{directory}/demo.sqlite3",
            "MEDIA_ROOT": f"{directory}/media",
            "WAGTAILADMIN_BASE_URL": address,
            **settings,
        }
        _manage("migrate", "--noinput", env=env, timeout=600)
        _manage("setup_demo", "--address", address, env=env, timeout=600)
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=HERE,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(address + "/", timeout=5):
                        break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"The demo server did not start on {address}") from None
                    time.sleep(0.5)
            yield DemoSite(address, f"{directory}/demo.sqlite3")
        finally:
            server.terminate()
            server.wait(timeout=30)


def shoot(address, directory=IMAGES):
    """Save the screenshots of the demo at ``address`` in ``directory``; return their paths."""
    from playwright.sync_api import sync_playwright

    directory.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size_name, viewport in WIDTHS.items():
            phone = size_name == "phone"
            context = browser.new_context(
                viewport=viewport,
                device_scale_factor=2 if phone else 1,
                is_mobile=phone,
                has_touch=phone,
            )
            page = context.new_page()
            for name, path, full_page in SHOTS:
                page.goto(address + path)
                page.wait_for_load_state("networkidle")
                target = directory / f"{name}-{size_name}.png"
                # Phones: the first screen only (a whole phone page is too tall to read).
                page.screenshot(path=target, full_page=full_page and not phone)
                saved.append(target)
            if not phone:
                name, path, height = HERO
                page.goto(address + path)
                page.wait_for_load_state("networkidle")
                target = directory / f"{name}.png"
                clip = {"x": 0, "y": 0, "width": viewport["width"], "height": height}
                page.screenshot(path=target, full_page=True, clip=clip)
                saved.append(target)
            context.close()
        browser.close()
    return saved


def main():
    with demo_server() as site:
        for path in shoot(site.address):
            print(f"Saved {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
