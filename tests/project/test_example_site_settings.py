"""The example site's production settings pass Django's deployment checks with secrets from
the environment, and refuse to start without them."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE_SITE = Path(__file__).resolve().parents[2] / "example_site"


def run_manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="example_site.settings.production")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=EXAMPLE_SITE,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "clinic.example",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_production_settings_pass_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_production_settings_refuse_to_start_without_each_secret(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable." in result.stderr


SETTINGS_SCRIPT = """
import json, django
django.setup()
from django.conf import settings
from django.core.cache import caches
from django_tasks import task_backends

pool = caches["default"]._cache._get_connection_pool(True)  # makes no connection
print(json.dumps({
    "task_backend": type(task_backends["default"]).__module__ + "." + type(task_backends["default"]).__name__,
    "installed": "django_tasks_db" in settings.INSTALLED_APPS,
    "email_timeout": settings.EMAIL_TIMEOUT,
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "conn_health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "cache_backend": type(caches["default"]).__module__ + "." + type(caches["default"]).__name__,
    "cache_retry_after": getattr(caches["default"], "retry_after", None),
    "redis_connection": {
        key: pool.connection_kwargs.get(key)
        for key in ("socket_connect_timeout", "socket_timeout")
    },
}))
"""


def production_settings(**env):
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_SCRIPT],
        cwd=EXAMPLE_SITE,
        env={
            **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)},
            **PRODUCTION_ENV,
            **env,
            "DJANGO_SETTINGS_MODULE": "example_site.settings.production",
            "PYTHONPATH": os.pathsep.join([str(EXAMPLE_SITE), str(EXAMPLE_SITE.parent)]),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_notifications_are_sent_by_the_database_worker_not_the_web_request():
    values = production_settings()
    assert values["task_backend"] == "django_tasks_db.backend.DatabaseBackend"
    assert values["installed"] is True


def test_production_settings_bound_every_network_wait():
    values = production_settings()
    assert values["email_timeout"] == 10
    assert values["redis_connection"] == {"socket_connect_timeout": 2, "socket_timeout": 2}
    assert values["conn_health_checks"] is True
    assert values["conn_max_age"] == 60


def test_the_one_redis_fails_soft():
    """Wagtail reads the default cache while serving every page: a Redis outage must read as
    misses, not as errors (tests/appointments/test_server_faults.py runs these settings'
    CACHES under gunicorn with Redis refusing and hung)."""
    values = production_settings()
    assert values["cache_backend"] == "wagtail_conditions.cache.FailSoftRedisCache"
    assert values["cache_retry_after"] == 5
    assert production_settings(REDIS_RETRY_AFTER="30")["cache_retry_after"] == 30


def test_network_timeouts_come_from_the_environment():
    values = production_settings(
        EMAIL_TIMEOUT="5", REDIS_CONNECT_TIMEOUT="0.5", REDIS_TIMEOUT="1.5", CONN_MAX_AGE="0"
    )
    assert values["email_timeout"] == 5
    assert values["redis_connection"] == {"socket_connect_timeout": 0.5, "socket_timeout": 1.5}
    assert values["conn_max_age"] == 0


def test_the_documented_worker_command_exists():
    result = run_manage("db_worker", "--help", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "--batch" in result.stdout


def test_the_supervisor_config_restarts_every_process_whenever_it_exits():
    """example_site/supervisord.conf: the worker program the server fault test runs
    (tests/appointments/test_server_faults.py takes its settings from this file)."""
    import configparser

    parser = configparser.RawConfigParser()
    parser.read(EXAMPLE_SITE / "supervisord.conf")
    programs = {
        s.split(":", 1)[1]: parser[s] for s in parser.sections() if s.startswith("program:")
    }
    assert set(programs) == {"web", "worker", "retry"}
    assert programs["worker"]["command"] == "python manage.py db_worker"
    assert "retry_appointment_notifications" in programs["retry"]["command"]
    procfile = (EXAMPLE_SITE / "Procfile").read_text()
    assert programs["web"]["command"].split(" --bind")[0] in procfile
    for program in programs.values():
        # Restarted however it exits, and never given up on (startsecs=0: an exit soon after a
        # start, the database still down, is not a failed start).
        assert program["autorestart"] == "true"
        assert program["startsecs"] == "0"
        assert int(program["startretries"]) >= 1000


UNAVAILABLE_SCRIPT = """
import json, django
django.setup()
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client

def refuse(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")

from django.test import override_settings

# No collectstatic here: static URLs without the manifest it would write (as in production
# once deployed).
override_settings(STORAGES={
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}).enable()
client = Client(raise_request_exception=False, HTTP_HOST="clinic.example")
form = "page=3&block=b&token=t&name=Ann&email=ann%40example.com&consent=on"
body = json.dumps({"page": 3, "block": "b", "token": "t", "name": "Ann", "consent": True})
answers = {}
with connection.execute_wrapper(refuse):
    for face, path, data, content_type in [
        ("html", "/appointments/submit/", form, "application/x-www-form-urlencoded"),
        ("json", "/api/appointments/", body, "application/json"),
        ("v3", "/api/v3/appointments/", body, "application/json"),
    ]:
        response = client.post(path, data, content_type=content_type, secure=True)
        answers[face] = {
            "status": response.status_code,
            "type": response["Content-Type"],
            "body": response.content.decode(),
            "retry_after": response.get("Retry-After"),
        }
answers["base_template"] = settings.WAGTAIL_CONDITIONS["BASE_TEMPLATE"]
print(json.dumps(answers))
"""


def test_the_503_page_needs_no_database_through_the_example_sites_base_template(tmp_path):
    """Every query refused, as a dead database refuses them: the example site's base template
    reads the clinic settings through Wagtail's settings context processor and its menu, so
    the "try again" page falls back to a template that reads nothing. Never a 500."""
    from wagtail_conditions.compat import HAS_API_V3

    result = subprocess.run(
        [sys.executable, "-c", UNAVAILABLE_SCRIPT],
        cwd=EXAMPLE_SITE,
        env={
            **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)},
            **PRODUCTION_ENV,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "example_site.settings.production",
            "PYTHONPATH": os.pathsep.join([str(EXAMPLE_SITE), str(EXAMPLE_SITE.parent)]),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["base_template"] == "base.html"

    html = answers["html"]
    assert (html["status"], html["retry_after"]) == (503, "60"), html["body"][:2000]
    assert html["type"].startswith("text/html")
    assert "<h1>Please try again shortly</h1>" in html["body"]
    assert "We could not save your request just now." in html["body"]
    assert 'lang="en"' in html["body"] and "<main" in html["body"]
    for face in ["json", "v3"] if HAS_API_V3 else ["json"]:
        answer = answers[face]
        assert (answer["status"], answer["type"]) == (503, "application/problem+json"), answer
        assert json.loads(answer["body"])["status"] == 503
