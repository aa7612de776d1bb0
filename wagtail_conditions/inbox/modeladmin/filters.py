"""
List filters of the inbox beyond Django's own: the status (spam hidden unless asked for), a
date range on the received date, and the topic and source page offered as only the values
requests have, found by walking the columns' indexes rather than a DISTINCT over every row.
"""

import datetime

from django.contrib.admin import (
    AllValuesFieldListFilter,
    ListFilter,
    RelatedOnlyFieldListFilter,
)
from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ...models import AppointmentRequest
from ..display import format_date

#: Dates outside this range are ignored (with a message): far enough for any real request,
#: and every day in it can be made aware in any time zone and moved by a day without an
#: OverflowError (``9999-12-31`` plus one day, or ``0001-01-01`` in UTC+1, would raise).
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2999, 12, 31)


def _parse_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


class StatusFilter(ListFilter):
    """
    ``?status__exact=<status>``. Without it the list shows every status except spam: suspected
    spam is kept (a real patient may have been caught) but out of the way, one click away
    under "Spam (N)".
    """

    title = _("status")
    parameter_name = "status__exact"
    Status = AppointmentRequest.Status

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        if self.parameter_name in params:
            value = params.pop(self.parameter_name)
            value = value[-1] if isinstance(value, list) else value
            # An unknown status matches nothing rather than being silently widened.
            self.used_parameters[self.parameter_name] = value
        self.value = self.used_parameters.get(self.parameter_name)

    def expected_parameters(self):
        return [self.parameter_name]

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        if self.value is None:
            return queryset.exclude(status=self.Status.SPAM)
        return queryset.filter(status=self.value)

    def choices(self, changelist):
        yield {
            "selected": self.value is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("All but spam"),
        }
        for value, label in self.Status.choices:
            if value == self.Status.SPAM:
                label = gettext("Spam (%(count)s)") % {"count": changelist.spam_count}
            yield {
                "selected": self.value == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


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
        #: Human-readable problems with the given dates; the view shows them (or, for an
        #: export, refuses to export a range that is not what was asked for).
        self.errors = []
        self.ignored_params = []
        self.date_from = self._clean(self.from_param, _("From"))
        self.date_to = self._clean(self.to_param, _("To"))
        # Every other parameter, for the hidden fields of the filter's own GET form.
        self.other_params = [
            (key, value)
            for key, values in request.GET.lists()
            if key not in (self.from_param, self.to_param, "p", "export")
            for value in values
        ]

    def _clean(self, param, label):
        raw = self.used_parameters.get(param)
        if raw in (None, ""):
            return None
        day = _parse_date(raw)
        if day is None or not EARLIEST_DATE <= day <= LATEST_DATE:
            self.ignored_params.append(param)
        if day is None:
            self.errors.append(
                gettext("The “%(label)s” date is not a date (use YYYY-MM-DD); it was ignored.")
                % {"label": label}
            )
            return None
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            self.errors.append(
                gettext(
                    "The “%(label)s” date must be between %(earliest)s and %(latest)s; "
                    "it was ignored."
                )
                % {
                    "label": label,
                    "earliest": format_date(EARLIEST_DATE),
                    "latest": format_date(LATEST_DATE),
                }
            )
            return None
        return day

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

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        page_ids = distinct_values(field.model, field.name)
        return field.get_choices(
            include_blank=False, limit_choices_to={"pk__in": page_ids}, ordering=ordering
        )


def distinct_values(model, field_name):
    """
    The distinct non-null values of ``field_name`` in ``model``'s table, in order, by a "loose
    index scan": one index probe per distinct value (``MIN(column) > previous``), so its cost
    grows with the number of values rather than of rows. PostgreSQL has no skip scan of its
    own and plans ``SELECT DISTINCT`` as a walk over the whole table or index. The column needs
    an index (both used here have one); SQLite runs the same query.
    """
    column = model._meta.get_field(field_name).column
    connection = connections[router.db_for_read(model)]
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), quote(column)
    sql = (
        f"WITH RECURSIVE found(value) AS ("
        f"SELECT MIN({column}) FROM {table} "
        f"UNION ALL "
        f"SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > found.value) "
        f"FROM found WHERE found.value IS NOT NULL"
        f") SELECT value FROM found WHERE value IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


class TopicFilter(AllValuesFieldListFilter):
    """Django's all-values filter, with the values read by ``distinct_values``."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.lookup_choices = distinct_values(model, field.name)
