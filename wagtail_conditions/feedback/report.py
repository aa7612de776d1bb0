"""
The "Page feedback" report (Reports menu), on Wagtail's report framework as the review report
is: every answer with its page, language, answer and comment, newest first, filterable by
page, language, answer and date, and exportable as CSV or XLSX; above the list, the yes and
no counts and the share found helpful per page, for the same filters. Answers held as spam
are left out unless asked for.

Gated by ``view_pagefeedback`` (Wagtail's model permission policy): comments are patients'
words, so editors are given it explicitly (superusers have it). The front desk needs none.
A page of results costs the same number of queries however many answers it holds.
"""

import django_filters
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Locale, Page
from wagtail.permission_policies import ModelPermissionPolicy

from ..inbox.exports import in_current_language, neutralise
from ..models import PageFeedback
from ..reviews.schedule import today
from . import counts
from .forms import ANSWERS, NO, YES
from .panels import URL_NAMESPACE

PER_PAGE_ROWS = 20
SPAM_ONLY = "only"


class AnswerFilter(django_filters.ChoiceFilter):
    def __init__(self, **kwargs):
        super().__init__(choices=ANSWERS, empty_label=_("Yes or no"), **kwargs)

    def filter(self, qs, value):
        if value in (YES, NO):
            return qs.filter(helpful=value == YES)
        return qs


class SpamFilter(django_filters.ChoiceFilter):
    """Left empty: the genuine answers; "only": those held as spam."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[(SPAM_ONLY, _("Held as spam"))],
            empty_label=_("Not spam"),
            **kwargs,
        )

    def filter(self, qs, value):
        return qs.filter(is_spam=value == SPAM_ONLY)


def _pages_with_feedback(request):
    return Page.objects.filter(pk__in=PageFeedback.objects.values("page_id")).order_by("title")


class FeedbackReportFilterSet(WagtailFilterSet):
    page = django_filters.ModelChoiceFilter(
        label=_("Page"), empty_label=_("Any page"), queryset=_pages_with_feedback
    )
    locale = django_filters.ModelChoiceFilter(
        label=_("Language"),
        empty_label=_("Any language"),
        queryset=lambda request: Locale.objects.order_by("language_code"),
    )
    helpful = AnswerFilter(label=_("Answer"))
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Sent"), widget=DateRangePickerWidget
    )
    spam = SpamFilter(label=_("Spam"))

    class Meta:
        model = PageFeedback
        fields = ["page", "locale", "helpful", "created_at", "spam"]


class AnswerColumn(Column):
    def get_value(self, instance):
        return _("Yes") if instance.helpful else _("No")


class FeedbackReportView(ReportView):
    page_title = _("Page feedback")
    header_icon = "help"
    index_url_name = f"{URL_NAMESPACE}:report"
    index_results_url_name = f"{URL_NAMESPACE}:report_results"
    results_template_name = "wagtail_conditions/feedback/report_results.html"
    filterset_class = FeedbackReportFilterSet
    permission_policy = ModelPermissionPolicy(PageFeedback)
    permission_required = "view"
    model = PageFeedback
    verbose_name = _("answer")
    verbose_name_plural = _("answers")

    columns = [
        DateColumn("created_at", label=_("Sent")),
        Column("page_title", label=_("Page"), accessor="page.title"),
        Column("language", label=_("Language"), accessor="locale.get_display_name"),
        AnswerColumn("helpful", label=_("Helpful")),
        Column("comment", label=_("Comment")),
    ]
    list_export = ["created_at", "page_title", "language", "answer", "comment"]
    export_headings = {
        "created_at": _("Sent"),
        "page_title": _("Page"),
        "language": _("Language"),
        "answer": _("Helpful"),
        "comment": _("Comment"),
    }
    # Comments are typed by the public: never let a spreadsheet evaluate them.
    custom_field_preprocess = {
        name: {ReportView.FORMAT_CSV: neutralise, ReportView.FORMAT_XLSX: neutralise}
        for name in ("page_title", "comment")
    }

    @property
    def no_results_message(self):
        if self.is_filtering:
            return _("No answers match these filters.")
        return _("No patient has answered “Was this page helpful?” yet.")

    def stream_csv(self, queryset):
        # Streamed after the view returns: in the editor's language, not the site's default.
        return in_current_language(super().stream_csv(queryset))

    def get_filename(self):
        return f"page-feedback-{today():%Y-%m-%d}"

    def get_queryset(self):
        return PageFeedback.objects.select_related("page", "locale").order_by("-created_at", "-pk")

    def decorate_paginated_queryset(self, object_list):
        for row in object_list:
            row.page_title = row.page.title
            row.language = row.locale.get_display_name()
            row.answer = str(_("Yes") if row.helpful else _("No"))
        return object_list

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        # Per page, for the answers the filters select (one query).
        context["per_page"] = counts.per_page(self.object_list, limit=PER_PAGE_ROWS)
        context["summary"] = counts.summary(self.object_list)
        return context


urlpatterns = [
    path("", FeedbackReportView.as_view(), name="report"),
    path("results/", FeedbackReportView.as_view(results_only=True), name="report_results"),
]
