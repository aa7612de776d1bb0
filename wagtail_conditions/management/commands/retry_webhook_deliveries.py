from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from wagtail_conditions.models import WebhookDelivery
from wagtail_conditions.webhooks.delivery import deliver, due_deliveries

Status = WebhookDelivery.Status


class Command(BaseCommand):
    help = (
        "Make one attempt at every webhook delivery that is due: its retry time has come, its "
        "first attempt was never queued (the task queue was down), or its worker died "
        "mid-attempt. Needed from cron with a task backend that cannot run tasks later (the "
        "immediate backend); harmless next to django-tasks-db, which queues retries itself."
    )

    def handle(self, *args, **options):
        counts = {Status.DELIVERED: 0, Status.RETRYING: 0, Status.FAILED: 0}
        for pk in list(due_deliveries().values_list("pk", flat=True)):
            delivery = deliver(pk)
            if delivery is not None:
                counts[delivery.status] = counts.get(delivery.status, 0) + 1
        total = sum(counts.values())
        self.stdout.write(
            ngettext(
                "Attempted %(total)s webhook delivery: %(delivered)s delivered, %(retrying)s "
                "to retry later, %(failed)s given up.",
                "Attempted %(total)s webhook deliveries: %(delivered)s delivered, %(retrying)s "
                "to retry later, %(failed)s given up.",
                total,
            )
            % {
                "total": total,
                "delivered": counts[Status.DELIVERED],
                "retrying": counts[Status.RETRYING],
                "failed": counts[Status.FAILED],
            }
        )
