"""
The dashboard panel of the review report: how many pages the user may edit are overdue for
review and how many are due soon, each linking to the report. Shown to whoever may open the
report (``pages.can_see_reviews``) and nobody else; one query for both counts.
"""

from django.urls import reverse
from wagtail.admin.ui.components import Component

from . import pages
from .schedule import ReviewStatus, due_soon_until, today
from .views import URL_NAMESPACE


class ReviewPanel(Component):
    name = "medical_review"
    template_name = "wagtail_conditions/reviews/dashboard_panel.html"
    order = 60  # after the appointment inbox (50), above Wagtail's own panels

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        day = today()
        counts = pages.review_counts(pages.editable_review_pages(self.user), day)
        report_url = reverse(f"{URL_NAMESPACE}:report")
        return {
            "overdue": counts["overdue"],
            "due_soon": counts["due_soon"],
            "days": (due_soon_until(day) - day).days,
            "report_url": report_url,
            "overdue_url": f"{report_url}?status={ReviewStatus.OVERDUE}",
            "due_soon_url": f"{report_url}?status={ReviewStatus.DUE_SOON}",
        }


def construct_homepage_panels(request, panels):
    """The body of the ``construct_homepage_panels`` hook (see ``wagtail_hooks``)."""
    if pages.can_see_reviews(request.user):
        panels.append(ReviewPanel(request.user))
