"""
Deliveries run on django-tasks, never in the web request: each is queued after its row is
committed, with only the delivery's primary key as argument. A failed attempt queues the next
one with ``run_after`` on a backend that supports it (django-tasks-db); on one that does not,
``retry_webhook_deliveries`` (run from cron) sends what is due.
"""

from django_tasks import task

from .delivery import Status, deliver


@task()
def deliver_webhook(delivery_pk):
    delivery = deliver(delivery_pk)
    if delivery is not None and delivery.status == Status.RETRYING:
        enqueue_delivery(delivery.pk, run_after=delivery.next_attempt_at)
    return delivery.status if delivery is not None else None


def enqueue_delivery(delivery_pk, run_after=None):
    """Queue an attempt (at ``run_after``, if given); False if the backend cannot defer."""
    queued = deliver_webhook
    if run_after is not None:
        if not queued.get_backend().supports_defer:
            return False
        queued = queued.using(run_after=run_after)
    queued.enqueue(delivery_pk)
    return True
