"""
The page's own feedback in the editor: a read-only panel on the "Promote and review" tab
(``MedicalReviewMixin.review_panels``), with the yes and no counts, the share found helpful
and the latest comments, and a link to the report for this page. Two queries, whatever the
number of answers. Shown to users who may read feedback (``view_pagefeedback``) only.

The page models import this module, so the model is found through the app registry.
"""

from django.apps import apps
from django.urls import reverse
from django.utils.http import urlencode
from wagtail.admin.panels import Panel

from . import counts

URL_NAMESPACE = "wagtail_conditions_feedback"
VIEW_PERMISSION = "wagtail_conditions.view_pagefeedback"


def can_view_feedback(user):
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(VIEW_PERMISSION))


def report_url(**filters):
    url = reverse(f"{URL_NAMESPACE}:report")
    return f"{url}?{urlencode(filters)}" if filters else url


class FeedbackSummaryPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_conditions/feedback/summary_panel.html"

        def is_shown(self):
            return bool(
                self.instance is not None
                and self.instance.pk
                and can_view_feedback(getattr(self.request, "user", None))
            )

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            model = apps.get_model("wagtail_conditions", "PageFeedback")
            answers = model.objects.filter(page_id=self.instance.pk)
            context.update(
                {
                    "summary": counts.summary(answers),
                    "comments": counts.latest_comments(answers),
                    "report_url": report_url(page=self.instance.pk),
                }
            )
            return context
