"""Real components made to fail: mail servers that refuse, a database that stops answering."""

import contextlib
import smtplib

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import OperationalError, connection
from django_tasks.backends.dummy import DummyBackend


class FailingEmailBackend(BaseEmailBackend):
    """An SMTP server that refuses everything, quoting the recipient as real servers do."""

    def send_messages(self, email_messages):
        recipients = ", ".join(a for m in email_messages for a in m.recipients())
        raise smtplib.SMTPException(f"550 mailbox unavailable for {recipients}")


class AcknowledgementFailingEmailBackend(BaseEmailBackend):
    """Delivers staff mail (to the locmem outbox) but refuses mail to the patient."""

    def send_messages(self, email_messages):
        for message in email_messages:
            if any(address.endswith("@clinic.example") for address in message.recipients()):
                mail.outbox.append(message)
            else:
                raise smtplib.SMTPException("550 mailbox unavailable")
        return len(email_messages)


FAILING_EMAIL_BACKEND = "tests.builders.faults.FailingEmailBackend"
ACKNOWLEDGEMENT_FAILING_EMAIL_BACKEND = "tests.builders.faults.AcknowledgementFailingEmailBackend"
WORKING_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# A real Redis client pointed at a port where nothing listens: every call raises
# redis.ConnectionError, as it does when the cache server is down.
DOWN_REDIS_CACHE = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
}


@contextlib.contextmanager
def database_refuses(statement, table="wagtail_conditions_appointmentrequest"):
    """Make the real database fail every ``statement`` ("INSERT", "UPDATE", …) on ``table``
    with the OperationalError a lost connection gives; other queries run as usual."""

    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(statement) and table in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


class UnreachableTaskBackend(DummyBackend):
    """A django-tasks backend whose queue is down: every enqueue raises, as a lost connection
    to the broker does. ``attempts`` counts the tries."""

    attempts = 0

    def enqueue(self, task, args, kwargs):
        type(self).attempts += 1
        raise ConnectionError("queue unavailable")


def task_backend(name):
    """A TASKS setting with one backend: "dummy" keeps what it is given (in
    ``default_task_backend.results``), "unreachable" refuses."""
    backend = {
        "dummy": "django_tasks.backends.dummy.DummyBackend",
        "unreachable": "tests.builders.faults.UnreachableTaskBackend",
    }[name]
    return {"default": {"BACKEND": backend}}
