"""List filters of the inbox beyond Django's own: a date range on the received date."""

import datetime

from django.contrib.admin import ListFilter, RelatedOnlyFieldListFilter
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _parse_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class ReceivedDateRangeFilter(ListFilter):
    """``?received_from=YYYY-MM-DD&received_to=YYYY-MM-DD`` (both inclusive, local dates)."""

    title = _("received")
    template = "wagtail_conditions/inbox/date_range_filter.html"
    from_param = "received_from"
    to_param = "received_to"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        for name in self.expected_parameters():
            if name in params:
                value = params.pop(name)
                self.used_parameters[name] = value[-1] if isinstance(value, list) else value
        self.date_from = _parse_date(self.used_parameters.get(self.from_param))
        self.date_to = _parse_date(self.used_parameters.get(self.to_param))
        # Every other parameter, for the hidden fields of the filter's own GET form.
        self.other_params = [
            (key, value)
            for key, values in request.GET.lists()
            if key not in (self.from_param, self.to_param, "p", "export")
            for value in values
        ]

    def expected_parameters(self):
        return [self.from_param, self.to_param]

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        if self.date_from:
            queryset = queryset.filter(created_at__gte=_start_of(self.date_from))
        if self.date_to:
            queryset = queryset.filter(
                created_at__lt=_start_of(self.date_to + datetime.timedelta(days=1))
            )
        return queryset

    def choices(self, changelist):
        today = timezone.localdate()
        remove = [self.from_param, self.to_param]
        yield {
            "selected": not (self.date_from or self.date_to),
            "query_string": changelist.get_query_string(remove=remove),
            "display": _("Any date"),
        }
        for label, start in [
            (_("Today"), today),
            (_("Past 7 days"), today - datetime.timedelta(days=6)),
            (_("Past 30 days"), today - datetime.timedelta(days=29)),
        ]:
            yield {
                "selected": self.date_from == start and self.date_to is None,
                "query_string": changelist.get_query_string(
                    {self.from_param: start.isoformat()}, remove
                ),
                "display": label,
            }


class SourcePageFilter(RelatedOnlyFieldListFilter):
    """Only the pages requests were actually sent from, not every page of the site."""
