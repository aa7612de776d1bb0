"""``make demo``'s inputs: the port it serves on (``example_site/check_port.py``, run before
anything is set up) and ``setup_demo --address``, which sets the site's hostname and port."""

import importlib.util
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE_SITE = Path(__file__).resolve().parents[2] / "example_site"


def _load_check_port():
    spec = importlib.util.spec_from_file_location("check_port", EXAMPLE_SITE / "check_port.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_port = _load_check_port()


@pytest.mark.parametrize("value", ["", "abc", "80a", "-1", "0", "65536", "99999999", " 8000"])
def test_a_port_that_is_not_a_port_number_is_refused(value):
    assert check_port.main(["check_port.py", value]) == (
        f"PORT must be a number from 1 to 65535, not {value!r} (e.g. PORT=8001 make demo)."
    )


def test_no_port_given_is_refused():
    assert check_port.main(["check_port.py"]).startswith("PORT must be a number")


def test_a_port_in_use_is_refused_with_the_next_one_suggested():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert check_port.main(["check_port.py", str(port)]) == (
            f"Port {port} on 127.0.0.1 is in use: stop what runs there, "
            f"or pick another port (PORT={port + 1} make demo)."
        )


def test_a_free_port_passes():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert check_port.main(["check_port.py", str(port)]) is None


def run_manage(*args, database):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    environment["DATABASE_URL"] = f"sqlite:///{database}"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=EXAMPLE_SITE,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("ftp://127.0.0.1:8000", "--address must be an http(s) URL, not 'ftp://127.0.0.1:8000'"),
        ("127.0.0.1:8000", "--address must be an http(s) URL, not '127.0.0.1:8000'"),
        ("http://", "--address must be an http(s) URL, not 'http://'"),
        ("http://127.0.0.1:99999", "--address 'http://127.0.0.1:99999': Port out of range"),
        ("http://127.0.0.1:port", "--address 'http://127.0.0.1:port': Port could not be cast"),
    ],
)
def test_setup_demo_refuses_an_address_before_touching_the_database(tmp_path, address, message):
    database = tmp_path / "demo.sqlite3"
    result = run_manage("setup_demo", "--address", address, database=database)
    assert result.returncode == 1
    assert f"CommandError: {message}" in result.stderr
    # Refused before any query: no table was read or written.
    if database.exists():
        with sqlite3.connect(database) as connection:
            tables = connection.execute("SELECT name FROM sqlite_master").fetchall()
        assert tables == []


@pytest.mark.slow
def test_setup_demo_points_the_site_at_the_address(tmp_path):
    database = tmp_path / "demo.sqlite3"
    assert run_manage("migrate", "--noinput", database=database).returncode == 0
    result = run_manage("setup_demo", "--address", "http://127.0.0.1:8123", database=database)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as connection:
        sites = connection.execute(
            "SELECT hostname, port, is_default_site FROM wagtailcore_site"
        ).fetchall()
    assert sites == [("127.0.0.1", 8123, 1)]
