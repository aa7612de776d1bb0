"""The review report's filters: review status, page type, cited sources, reviewer and reading age
band."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import ContentTypeFilter, WagtailFilterSet

from ..models import Practitioner
from ..readability.analysis import Band
from ..sources import attention
from . import pages
from .schedule import ReviewStatus


class ReviewStatusFilter(django_filters.ChoiceFilter):
    """Overdue, due soon, all scheduled or no date; left empty: overdue or due soon."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=ReviewStatus.choices,
            empty_label=_("Overdue or due soon"),
            **kwargs,
        )

    def filter(self, qs, value):
        if not value and self.parent.form.cleaned_data.get("sources"):
            return qs  # pages listed for their sources, whenever their review is due
        return pages.with_status(qs, value)


class SourcesFilter(django_filters.ChoiceFilter):
    """Pages whose cited sources are not checked in time, or whose links moved or broke."""

    def __init__(self, **kwargs):
        super().__init__(choices=attention.FILTER_CHOICES, empty_label=_("Any"), **kwargs)

    def filter(self, qs, value):
        if value:
            return qs.filter(pk__in=attention.pages_needing(value))
        return qs


class ReviewerFilter(django_filters.ModelChoiceFilter):
    """Pages a practitioner last reviewed (the ``review_by`` annotation)."""

    def filter(self, qs, value):
        if value:
            return qs.filter(review_by=value.pk)
        return qs


class ReadingBandFilter(django_filters.ChoiceFilter):
    """Pages whose hardest section reads in a band (good, fair, hard), or not scored yet."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[*Band.choices, ("unscored", _("Not scored"))],
            empty_label=_("Any"),
            **kwargs,
        )

    def filter(self, qs, value):
        return pages.with_reading_band(qs, value) if value else qs


class ReviewReportFilterSet(WagtailFilterSet):
    status = ReviewStatusFilter(label=_("Review"))
    content_type = ContentTypeFilter(
        label=_("Page type"),
        queryset=lambda request: pages.review_content_type_queryset(),
    )
    sources = SourcesFilter(label=_("Sources"))
    reviewer = ReviewerFilter(
        label=_("Reviewed by"),
        empty_label=_("Anyone"),
        queryset=lambda request: Practitioner.objects.all(),
    )
    reading_band = ReadingBandFilter(label=_("Reading age"))

    class Meta:
        model = pages.page_model()
        fields = ["status", "content_type", "sources", "reviewer", "reading_band"]
