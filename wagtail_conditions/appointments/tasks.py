"""
Background sending through django-tasks (a dependency of Wagtail itself). Sites choose the
backend with the TASKS setting; the default ImmediateBackend sends during the request, after
the row is committed. Task arguments carry only the primary key.
"""

from django_tasks import task

from .notifications import send_notifications


@task()
def notify_appointment_request(appointment_pk):
    return send_notifications(appointment_pk)


def enqueue_notification(appointment_pk):
    notify_appointment_request.enqueue(appointment_pk)
