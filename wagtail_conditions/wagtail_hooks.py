from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail_modeladmin.options import modeladmin_register

from .compat import HAS_CONTENT_CHECKS
from .feedback import panels as feedback_panels
from .feedback import report as feedback_report
from .inbox import audit as inbox_audit
from .inbox import panels as inbox_panels
from .inbox.modeladmin import AppointmentRequestAdmin
from .inbox.modeladmin.helpers import InboxURLHelper
from .models import AppointmentRequest, BodyArea, Practitioner
from .reviews import pages as review_pages
from .reviews import panels as review_panels
from .reviews import views as review_views
from .webhooks.admin import WebhookEndpointViewSet


class BodyAreaViewSet(SnippetViewSet):
    model = BodyArea
    icon = "site"
    menu_label = _("Body areas")
    menu_order = 300
    add_to_admin_menu = False
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]
    ordering = ["sort_order", "name"]


register_snippet(BodyAreaViewSet)


class PractitionerViewSet(SnippetViewSet):
    """The clinic's practitioners (Snippets › Practitioners): named as pages' reviewers."""

    model = Practitioner
    icon = "user"
    menu_label = _("Practitioners")
    add_to_admin_menu = False
    list_display = ["name", "credentials", "job_title", "sort_order"]
    search_fields = ["name", "job_title"]
    ordering = ["sort_order", "name"]


register_snippet(PractitionerViewSet)
# Webhook endpoints (Snippets › Webhook endpoints): the registration only; the admin views are
# in wagtail_conditions.webhooks.admin.
register_snippet(WebhookEndpointViewSet)


# The appointment request inbox: wagtail-modeladmin registration only; the logic (permissions,
# exports, status changes, audit log, the dashboard panel) lives in wagtail_conditions.inbox.
modeladmin_register(AppointmentRequestAdmin)
hooks.register("register_log_actions", inbox_audit.register_log_actions)


@hooks.register("construct_homepage_panels")
def add_inbox_panel(request, panels):
    url_helper = InboxURLHelper(AppointmentRequest)
    inbox_panels.construct_homepage_panels(
        request,
        panels,
        index_url=url_helper.index_url,
        deliveries_url=url_helper.get_action_url("deliveries"),
    )


# Medical review: the report in the Reports menu and its dashboard panel. The logic
# (permissions, queries, filters, exports) lives in wagtail_conditions.reviews.
class ReviewReportMenuItem(MenuItem):
    def is_shown(self, request):
        return review_pages.can_see_reviews(request.user)


@hooks.register("register_admin_urls")
def register_review_report_urls():
    return [
        path(
            "reports/medical-review/",
            include((review_views.urlpatterns, review_views.URL_NAMESPACE)),
        )
    ]


@hooks.register("register_reports_menu_item")
def register_review_report_menu_item():
    return ReviewReportMenuItem(
        _("Pages due for review"),
        reverse(f"{review_views.URL_NAMESPACE}:report"),
        name="pages-due-for-review",
        icon_name="calendar-check",
        order=1150,  # after Wagtail's "Aging pages"
    )


@hooks.register("construct_homepage_panels")
def add_review_panel(request, panels):
    review_panels.construct_homepage_panels(request, panels)


# "Was this page helpful?": the report in the Reports menu, for users who may read feedback;
# its permission in the group editor. The logic lives in wagtail_conditions.feedback.
class FeedbackReportMenuItem(MenuItem):
    def is_shown(self, request):
        return feedback_panels.can_view_feedback(request.user)


@hooks.register("register_admin_urls")
def register_feedback_report_urls():
    return [
        path(
            "reports/page-feedback/",
            include((feedback_report.urlpatterns, feedback_panels.URL_NAMESPACE)),
        )
    ]


@hooks.register("register_reports_menu_item")
def register_feedback_report_menu_item():
    return FeedbackReportMenuItem(
        _("Page feedback"),
        reverse(f"{feedback_panels.URL_NAMESPACE}:report"),
        name="page-feedback",
        icon_name="help",
        order=1160,  # after "Pages due for review"
    )


@hooks.register("register_permissions")
def register_feedback_permissions():
    return Permission.objects.filter(
        content_type__app_label="wagtail_conditions", codename="view_pagefeedback"
    )
# Reading ages in Wagtail's Checks panel (Wagtail 7.3+): see wagtail_conditions.readability.
if HAS_CONTENT_CHECKS:
    from .readability import content_checks

    hooks.register("construct_wagtail_userbar", content_checks.construct_userbar)
