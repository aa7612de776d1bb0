"""The example site serves its static headless client at /headless/, and previews in it when
run with HEADLESS_PREVIEW=1. Run in a subprocess: the example site has settings of its own."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE_SITE = Path(__file__).resolve().parents[2] / "example_site"

SCRIPT = """
import json, django
django.setup()
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from wagtail_conditions.api.v2 import api_router

call_command("check", fail_level="WARNING")
client = Client()
redirect = client.get("/headless/?content_type=a.b&token=t")
plain = client.get("/headless/")
static = client.get(plain["Location"])
print(json.dumps({
    "redirect": [redirect.status_code, redirect["Location"], redirect["X-Frame-Options"]],
    "plain": plain["Location"],
    "static": [static.status_code, b"client.js" in b"".join(static.streaming_content)],
    "installed": apps.is_installed("wagtail_headless_preview"),
    "client_urls": getattr(settings, "WAGTAIL_HEADLESS_PREVIEW", {}).get("CLIENT_URLS"),
    "preview_endpoint": "page_preview" in api_router._endpoints,
}))
"""


def run_example_site(headless_preview, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "example_site.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PYTHONPATH": os.pathsep.join([str(EXAMPLE_SITE), str(EXAMPLE_SITE.parent)]),
    }
    env.pop("HEADLESS_PREVIEW", None)
    if headless_preview:
        env["HEADLESS_PREVIEW"] = "1"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=EXAMPLE_SITE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("headless_preview", [False, True], ids=["default", "HEADLESS_PREVIEW=1"])
def test_headless_client_is_served_at_headless(headless_preview, tmp_path):
    result = run_example_site(headless_preview, tmp_path)

    # The preview's query string is kept; the admin may show the client in a frame.
    assert result["redirect"] == [
        302,
        "/static/headless/index.html?content_type=a.b&token=t",
        "SAMEORIGIN",
    ]
    assert result["plain"] == "/static/headless/index.html"
    assert result["static"] == [200, True]
    # Headless previews are opt-in: the normal demo keeps Wagtail-rendered previews.
    assert result["installed"] is headless_preview
    assert result["preview_endpoint"] is headless_preview
    assert result["client_urls"] == ({"default": "/headless/"} if headless_preview else None)
