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


def run_manage(*args, database, **extra_environment):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    environment["DATABASE_URL"] = f"sqlite:///{database}"
    environment.update(extra_environment)
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


def query(database, sql):
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchall()


# Every page of the demo in both languages: (language, depth below the root, slug, title).
PAGES_SQL = """
    SELECT l.language_code, p.depth, p.slug, p.title, p.live, p.translation_key,
           p.alias_of_id IS NOT NULL
    FROM wagtailcore_page p JOIN wagtailcore_locale l ON l.id = p.locale_id
    WHERE p.depth > 1 ORDER BY l.language_code, p.path
"""


@pytest.mark.slow
def test_setup_demo_makes_the_clinic_in_english_and_spanish_and_runs_again(tmp_path):
    database = tmp_path / "demo.sqlite3"
    environment = {"MEDIA_ROOT": str(tmp_path / "media")}
    assert run_manage("migrate", "--noinput", database=database).returncode == 0
    result = run_manage(
        "setup_demo", "--address", "http://127.0.0.1:8123", database=database, **environment
    )
    assert result.returncode == 0, result.stderr
    assert query(database, "SELECT hostname, port, is_default_site FROM wagtailcore_site") == [
        ("127.0.0.1", 8123, 1)
    ]

    pages = query(database, PAGES_SQL)
    english = [page for page in pages if page[0] == "en"]
    spanish = [page for page in pages if page[0] == "es"]
    assert [page[3] for page in english[:2]] == ["Riverside Integrative Clinic", "Therapies"]
    assert {page[2] for page in spanish} >= {
        "home-clinic-es",
        "terapias",
        "dolencias",
        "espasmos-musculares",
        "masaje-muscular-profundo",
    }
    # Each Spanish page is a published translation (not an alias) of an English one.
    assert len(spanish) == len(english) == 10  # home, 2 indexes, 6 therapies, 1 condition
    assert {page[5] for page in spanish} == {page[5] for page in english}
    assert all(page[4] and not page[6] for page in pages)

    # The Spanish condition links the Spanish therapies, and has the Spanish body areas.
    links = query(
        database,
        """SELECT tl.code, cl.code FROM wagtail_conditions_conditiontherapy link
           JOIN wagtailcore_page c ON c.id = link.condition_id
           JOIN wagtailcore_page t ON t.id = link.therapy_id
           JOIN (SELECT id, language_code AS code FROM wagtailcore_locale) cl ON cl.id = c.locale_id
           JOIN (SELECT id, language_code AS code FROM wagtailcore_locale) tl ON tl.id = t.locale_id
        """,
    )
    assert sorted(links) == [("en", "en")] * 6 + [("es", "es")] * 6

    # The clinic: its settings, three practitioners with portraits, in English and Spanish
    # (translations sharing the portrait), every image described.
    assert query(
        database, "SELECT name, phone, logo_id IS NOT NULL FROM wagtail_conditions_clinicsettings"
    ) == [("Riverside Integrative Clinic", "020 7946 0123", 1)]
    practitioners = query(
        database,
        """SELECT l.language_code, p.name, p.job_title, p.photo_id, p.translation_key
           FROM wagtail_conditions_practitioner p
           JOIN wagtailcore_locale l ON l.id = p.locale_id ORDER BY p.sort_order, l.language_code""",
    )
    assert [row[:3] for row in practitioners] == [
        ("en", "Dr Amara Okafor", "Chiropractor"),
        ("es", "Dra. Amara Okafor", "Quiropráctica"),
        ("en", "Tomás Herrera", "Physiotherapist"),
        ("es", "Tomás Herrera", "Fisioterapeuta"),
        ("en", "Grace Whitfield", "Sports massage therapist"),
        ("es", "Grace Whitfield", "Masajista deportiva"),
    ]
    for english_row, spanish_row in zip(practitioners[::2], practitioners[1::2], strict=True):
        assert english_row[3] is not None
        assert spanish_row[3:] == english_row[3:]  # the same portrait and translation key
    # Each page is reviewed by the practitioner in its own language.
    assert query(
        database,
        """SELECT DISTINCT pl.language_code, rl.language_code
           FROM wagtail_conditions_conditionpage c
           JOIN wagtailcore_page p ON p.id = c.page_ptr_id
           JOIN wagtailcore_locale pl ON pl.id = p.locale_id
           JOIN wagtail_conditions_practitioner r ON r.id = c.reviewed_by_id
           JOIN wagtailcore_locale rl ON rl.id = r.locale_id ORDER BY 1""",
    ) == [("en", "en"), ("es", "es")]
    assert query(database, "SELECT COUNT(*) FROM wagtailimages_image WHERE description = ''") == [
        (0,)
    ]
    reviewed = query(
        database,
        """SELECT COUNT(*) FROM wagtail_conditions_conditionpage
           WHERE last_reviewed IS NOT NULL AND reviewed_by_id IS NOT NULL""",
    )
    assert reviewed == [(2,)]

    # Again: nothing new.
    counts_sql = """SELECT (SELECT COUNT(*) FROM wagtailcore_page),
        (SELECT COUNT(*) FROM wagtail_conditions_bodyarea),
        (SELECT COUNT(*) FROM wagtail_conditions_practitioner),
        (SELECT COUNT(*) FROM wagtailimages_image),
        (SELECT COUNT(*) FROM wagtailcore_locale)"""
    before = query(database, counts_sql)
    result = run_manage(
        "setup_demo", "--address", "http://127.0.0.1:8123", database=database, **environment
    )
    assert result.returncode == 0, result.stderr
    assert "Kept condition “Espasmos musculares”" in result.stdout
    assert query(database, counts_sql) == before
