"""
The dashboard panel of the inbox: how many requests are new and how long the oldest has
waited, for people who may read requests (``permissions.can_view``) and nobody else.
"""

from django.db.models import Count, Min
from wagtail.admin.ui.components import Component

from ..models import AppointmentRequest
from ..webhooks.delivery import failing_endpoints
from . import permissions

#: Failing webhook endpoints named on the dashboard at most (the deliveries page lists all).
FAILING_ENDPOINTS_SHOWN = 5


class InboxPanel(Component):
    name = "appointment_requests"
    template_name = "wagtail_conditions/dashboard/inbox_panel.html"
    order = 50  # above Wagtail's own panels: a waiting patient comes first

    def __init__(self, index_url):
        self.index_url = index_url

    def get_context_data(self, parent_context):
        # One query, on the (status, -created_at) index. Spam is never "new".
        stats = AppointmentRequest.objects.filter(status=AppointmentRequest.Status.NEW).aggregate(
            count=Count("pk"), oldest=Min("created_at")
        )
        return {
            "count": stats["count"],
            "oldest": stats["oldest"],
            "index_url": self.index_url,
            "new_url": f"{self.index_url}?status__exact={AppointmentRequest.Status.NEW}",
        }


class WebhookFailuresPanel(Component):
    """Shown only while a webhook endpoint is failing: disabled by its receiver (410), or with
    deliveries waiting for a retry. Names them and links to the deliveries."""

    name = "webhook_failures"
    template_name = "wagtail_conditions/dashboard/webhook_failures_panel.html"
    order = 55

    def __init__(self, deliveries_url, endpoints):
        self.deliveries_url = deliveries_url
        self.endpoints = endpoints

    def get_context_data(self, parent_context):
        return {"endpoints": self.endpoints, "deliveries_url": self.deliveries_url}


def construct_homepage_panels(request, panels, *, index_url, deliveries_url):
    """The body of the ``construct_homepage_panels`` hook (see ``wagtail_hooks``)."""
    if permissions.can_view(request.user):
        panels.append(InboxPanel(index_url))
        # One query: the failing endpoints, if any.
        failing = list(failing_endpoints()[:FAILING_ENDPOINTS_SHOWN])
        if failing:
            panels.append(WebhookFailuresPanel(deliveries_url, failing))
