"""
The "Pages due for review" report (Reports menu), on Wagtail's own report framework as its
"Aging pages" and "Locked pages" reports are: filters, pagination, and CSV and XLSX exports.

It lists the condition and therapy pages (and any page type built on ``MedicalReviewMixin``)
that the user may edit, overdue first; by default those overdue or due within
``REVIEW_DUE_SOON_DAYS``. Anyone who can edit pages may open it (Wagtail's "change" page
permission, as for editing), and sees only the pages they could edit.
"""

from django.contrib.contenttypes.models import ContentType
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.reports import PageReportView
from wagtail.coreutils import get_content_type_label

from ..inbox.exports import in_current_language, neutralise
from ..models import Practitioner
from ..readability.analysis import Band
from ..sources import attention
from . import pages
from .filters import ReviewReportFilterSet
from .schedule import ReviewStatus, review_status, today

URL_NAMESPACE = "wagtail_conditions_reviews"


class ReadingAgeColumn(Column):
    """The highest reading age of the page's sections, with its band (good, fair, hard)."""

    cell_template_name = "wagtail_conditions/reviews/reading_age_cell.html"
class SourcesColumn(Column):
    """How many sources a page cites, how many are due for a check, and those whose link the
    checker found moved or broken."""

    cell_template_name = "wagtail_conditions/reviews/sources_cell.html"


class ReviewDateColumn(Column):
    """A date as "3 Mar 2026" in a ``<time datetime>``."""

    cell_template_name = "wagtail_conditions/reviews/date_cell.html"


def _page_type(page):
    # Content types come from Django's cache: no query per row.
    return get_content_type_label(ContentType.objects.get_for_id(page.content_type_id))


class ReviewReportView(PageReportView):
    page_title = _("Pages due for review")
    header_icon = "calendar-check"
    index_url_name = f"{URL_NAMESPACE}:report"
    index_results_url_name = f"{URL_NAMESPACE}:report_results"
    results_template_name = "wagtailadmin/reports/base_report_results.html"
    filterset_class = ReviewReportFilterSet
    permission_required = "change"
    default_ordering = "review_next"
    verbose_name = _("page")
    verbose_name_plural = _("pages")

    columns = [
        TitleColumn(
            "title",
            label=_("Title"),
            accessor=lambda page: page.get_admin_display_title(),
            url_name="wagtailadmin_pages:edit",
            sort_key="title",
        ),
        Column("page_type", label=_("Type"), accessor=_page_type, sort_key="content_type"),
        ReviewDateColumn("review_last", label=_("Last reviewed"), sort_key="review_last"),
        Column("reviewer", label=_("Reviewed by")),
        ReviewDateColumn("review_next", label=_("Next review due"), sort_key="review_next"),
        ReadingAgeColumn("reading_age", label=_("Reading age"), sort_key="reading_age"),
        SourcesColumn("sources_summary", label=_("Sources")),
        StatusTagColumn(
            "review_status_label",
            label=_("Status"),
            primary=lambda page: page.review_status == ReviewStatus.OVERDUE,
        ),
    ]

    list_export = [
        "title",
        "page_type",
        "review_last",
        "reviewer",
        "review_next",
        "review_status_label",
        "reading_age",
        "reading_band_label",
        "sources_summary",
    ]
    export_headings = {
        "title": _("Title"),
        "page_type": _("Type"),
        "review_last": _("Last reviewed"),
        "reviewer": _("Reviewed by"),
        "review_next": _("Next review due"),
        "review_status_label": _("Status"),
        "reading_age": _("Reading age"),
        "reading_band_label": _("Reading age band"),
        "sources_summary": _("Sources"),
    }
    # Titles and names are typed by editors: never let a spreadsheet evaluate them.
    custom_field_preprocess = {
        name: {
            PageReportView.FORMAT_CSV: neutralise,
            PageReportView.FORMAT_XLSX: neutralise,
        }
        for name in ("title", "reviewer", "sources_summary")
    }

    @property
    def no_results_message(self):
        if self.is_filtering:
            return _("No pages match these filters.")
        return _("No pages are overdue for review or due in the next %(days)s days.") % {
            "days": (pages.due_soon_until() - today()).days
        }

    def stream_csv(self, queryset):
        # Streamed after the view returns: in the editor's language, not the site's default.
        return in_current_language(super().stream_csv(queryset))

    def get_filename(self):
        return f"pages-due-for-review-{today():%Y-%m-%d}"

    def get_queryset(self):
        self.queryset = pages.editable_review_pages(self.request.user).defer_streamfields()
        return super().get_queryset()

    def order_queryset(self, queryset):
        # Ties (same date, no date) in a fixed order, so pagination never repeats a page.
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "title", "pk")

    def decorate_paginated_queryset(self, object_list):
        # The rows of this page (or of the whole export): their reviewers in one query, their
        # sources in one per page table and the link checks in one more.
        rows = list(object_list)
        reviewers = Practitioner.objects.in_bulk({row.review_by for row in rows if row.review_by})
        sources = attention.summaries([row.pk for row in rows]) if rows else {}
        day = today()
        for row in rows:
            row.page_type = _page_type(row)
            row.reviewer = reviewers.get(row.review_by)
            row.review_status = review_status(row.review_next, day)
            row.review_status_label = row.review_status.label
            row.reading_band_label = Band(row.reading_band).label if row.reading_band else ""
            # One decimal, whatever the database's subquery hands back (SQLite: a float).
            if row.reading_age is not None:
                row.reading_age = round(float(row.reading_age), 1)
            row.sources_summary = sources.get(row.pk)
        return object_list


urlpatterns = [
    path("", ReviewReportView.as_view(), name="report"),
    path("results/", ReviewReportView.as_view(results_only=True), name="report_results"),
]
