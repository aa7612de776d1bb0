"""
The dashboard panel of the inbox: how many requests are new and how long the oldest has
waited, for people who may read requests (``permissions.can_view``) and nobody else.
"""

from django.db.models import Count, Min
from wagtail.admin.ui.components import Component

from ..models import AppointmentRequest
from . import permissions


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


def construct_homepage_panels(request, panels, *, index_url):
    """The body of the ``construct_homepage_panels`` hook (see ``wagtail_hooks``)."""
    if permissions.can_view(request.user):
        panels.append(InboxPanel(index_url))
