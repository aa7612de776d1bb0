"""
modeladmin views of the inbox: thin subclasses that check ``InboxPermissionHelper`` and hand
the work to ``inbox.actions``, ``inbox.exports`` and ``inbox.audit``.
"""

import datetime

from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage
from django.db.models import Q
from django.http import QueryDict
from django.shortcuts import redirect
from django.template.defaultfilters import yesno
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin import messages
from wagtail.log_actions import registry as log_registry
from wagtail_modeladmin.views import (
    DeleteView,
    EditView,
    HistoryView,
    IndexView,
    InspectView,
    InstanceSpecificView,
    WMABaseView,
)

from ...appointments.references import normalise_reference
from ...models import AppointmentRequest
from .. import actions, audit, display, exports
from ..counts import counts_by_status
from .deliveries import deliveries_for
from .filters import StatusFilter

MAX_BULK_IDS = 1000

Status = AppointmentRequest.Status

#: The one-click status changes offered on a list row and the inspect view, by the request's
#: current status: (status to set, button label).
QUICK_STATUSES = {
    Status.NEW: (Status.CONTACTED, gettext_lazy("Mark contacted")),
    Status.SPAM: (Status.NEW, gettext_lazy("Not spam")),
}


class InboxIndexView(IndexView):
    def dispatch(self, request, *args, **kwargs):
        # PostgreSQL rejects NUL in a query (a 500); no search or filter value needs one.
        if any("\x00" in key + value for key, values in request.GET.lists() for value in values):
            messages.error(request, _("That search is not valid; showing all requests."))
            return redirect(self.index_url)
        try:
            return super().dispatch(request, *args, **kwargs)
        except IncorrectLookupParameters:
            messages.error(request, _("That filter is not available; showing all requests."))
            return redirect(self.index_url)

    def get_filters(self, request):
        # modeladmin applies any query parameter no filter consumed as an ORM lookup, without
        # Django admin's ``lookup_allowed`` check: ``?source_page__owner__password__startswith=``
        # would probe users' password hashes through the result count. Allow only our filters.
        filter_specs, has_filters, remaining, use_distinct = super().get_filters(request)
        if remaining:
            raise IncorrectLookupParameters(sorted(remaining))
        return filter_specs, has_filters, remaining, use_distinct

    @property
    def filter_errors(self):
        """What was wrong with the filter values (invalid or out-of-range dates)."""
        return [error for spec in self.filter_specs for error in getattr(spec, "errors", [])]

    def get(self, request, *args, **kwargs):
        for error in self.filter_errors:
            messages.warning(request, error)
        return super().get(request, *args, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        """Name, email and phone as modeladmin searches them, or the reference as typed or
        read back over the phone: any case, with or without hyphens or spaces."""
        results = super().get_search_results(request, queryset, search_term)
        reference = normalise_reference(search_term)
        if reference is None:
            return results
        return queryset.filter(Q(reference=reference) | Q(pk__in=results.values("pk")))

    @cached_property
    def status_counts(self):
        """Requests per status (one GROUP BY on the status index): the "Spam (N)" link, the
        total, and the number of results when only the status is filtered on."""
        return counts_by_status()

    @property
    def spam_count(self):
        return self.status_counts[AppointmentRequest.Status.SPAM]

    def known_result_count(self):
        """The number of results when ``status_counts`` already tells it (no search, no filter
        but the status), else None."""
        if self.query or any(
            spec.used_parameters for spec in self.filter_specs if not isinstance(spec, StatusFilter)
        ):
            return None
        status = self.params.get(StatusFilter.parameter_name)
        if status is None:
            return sum(self.status_counts.values()) - self.spam_count
        return self.status_counts.get(status, 0)

    def get_list_context_data(self):
        """modeladmin's ``IndexView.get_context_data`` without its repeated work: it builds the
        queryset (and every list filter, with their queries) a second time, and counts the
        whole table, the results and the paginator's results with three COUNTs. Here the
        queryset built in ``dispatch`` is reused and the counts come from ``status_counts``,
        with one COUNT of the results only when searching or filtering on more than status."""
        queryset = self.queryset
        paginator = self.paginator_class(queryset, self.items_per_page)
        known = self.known_result_count()
        if known is not None:
            paginator.count = known  # A cached_property: the paginator will not count.
        try:
            page_obj = paginator.page(self.page_num)
        except InvalidPage:
            page_obj = paginator.page(1)
        return {
            "view": self,
            "all_count": sum(self.status_counts.values()),
            "result_count": paginator.count,
            "paginator": paginator,
            "page_obj": page_obj,
            "elided_page_range": paginator.get_elided_page_range(self.page_num),
            "object_list": page_obj.object_list,
            "user_can_create": self.permission_helper.user_can_create(self.request.user),
            "show_search": self.search_handler.show_search_form,
        }

    def get_context_data(self, **kwargs):
        user = self.request.user
        query = self.params.copy()
        context = {
            **self.get_list_context_data(),
            "export_query": query.urlencode(),
            "can_export": self.permission_helper.user_can_export(user),
            "can_change": self.permission_helper.user_can_edit_obj(user, None),
            "status_choices": AppointmentRequest.Status.choices,
            "export_csv_url": self.url_helper.get_action_url("export_csv"),
            "export_xlsx_url": self.url_helper.get_action_url("export_xlsx"),
            "bulk_status_url": self.url_helper.get_action_url("bulk_status"),
            "deliveries_url": self.url_helper.get_action_url("deliveries"),
            "quick_statuses": QUICK_STATUSES,
            "spam_count": self.spam_count,
            "showing_spam": self.params.get("status__exact") == AppointmentRequest.Status.SPAM,
            "spam_url": self.get_query_string(
                {"status__exact": AppointmentRequest.Status.SPAM}, remove=["status__exact"]
            ),
        }
        context.update(kwargs)
        # Past modeladmin's IndexView.get_context_data: get_list_context_data replaces it.
        return super(IndexView, self).get_context_data(**context)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        """Both ``?export=`` on the list and the export URLs end here."""
        if not self.permission_helper.user_can_export(self.request.user):
            raise PermissionDenied
        if self.filter_errors:
            # Never export a different set of requests from the one asked for: back to the
            # list, which shows what was wrong.
            for error in self.filter_errors:
                messages.error(self.request, error)
            messages.error(
                self.request, _("Nothing was exported. Correct the dates and try again.")
            )
            query = self.params.copy()
            query.pop(self.EXPORT_VAR, None)
            for spec in self.filter_specs:
                for key in getattr(spec, "ignored_params", ()):
                    query.pop(key, None)
            query = query.urlencode()
            return redirect(self.index_url + (f"?{query}" if query else ""))
        filters = {key for key in self.params if key not in (self.SEARCH_VAR, self.ORDER_VAR)}
        audit.log_many(
            audit.EXPORT,
            user=self.request.user,
            count=queryset.count(),
            format=spreadsheet_format,
            filtered=bool(filters),
            searched=bool(self.query),
        )
        if spreadsheet_format == self.FORMAT_XLSX:
            return exports.xlsx_response(queryset, exports.export_filename())
        return exports.csv_response(queryset, exports.export_filename())


class InboxExportView(InboxIndexView):
    """The list's own filters, search and ordering, as a download."""

    export_format = None

    def __init__(self, model_admin, export_format):
        super().__init__(model_admin)
        self.export_format = export_format

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_helper.user_can_export(request.user):
            raise PermissionDenied
        request.GET = request.GET.copy()
        request.GET[self.EXPORT_VAR] = self.export_format
        return super().dispatch(request, *args, **kwargs)


class InboxInspectView(InspectView):
    """Read-only view of one request, in sentence-case labels and the inbox's date format."""

    #: Labels that read better than the model's verbose names (which stay as they are).
    LABELS = {
        "created_at": gettext_lazy("Received"),
        "source_page_title": gettext_lazy("Sent from page"),
        "updated_at": gettext_lazy("Last updated"),
    }

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        audit.log_view(self.instance, user=request.user)
        return response

    def get_field_label(self, field_name, field=None):
        if field_name in self.LABELS:
            return self.LABELS[field_name]
        return capfirst(super().get_field_label(field_name, field))

    def get_field_display_value(self, field_name, field=None):
        value = getattr(self.instance, field_name, None)
        if isinstance(value, datetime.datetime):
            return display.format_datetime(value)
        if isinstance(value, datetime.date):
            return display.format_date(value)
        if isinstance(value, bool):
            return capfirst(yesno(value))
        if isinstance(value, int):
            return value  # 0 attempts is a value, not "empty"
        display_value = super().get_field_display_value(field_name, field)
        if display_value == "":
            return self.model_admin.get_empty_value_display(field_name)
        return display_value

    def get_fields_dict(self):
        return [
            self.get_dict_for_field(name)
            for name in self.model_admin.get_inspect_view_fields()
            # Why a request looks like spam matters only for one that does.
            if name != "spam_reason" or self.instance.spam_reason
        ]

    def get_dict_for_field(self, field_name):
        data = super().get_dict_for_field(field_name)
        value = getattr(self.instance, field_name, None)
        data["name"] = field_name
        if field_name == "phone":
            data["href"] = display.tel_href(value)
        elif field_name == "email":
            data["href"] = display.mailto_href(value)
        return data

    def get_context_data(self, **kwargs):
        user = self.request.user
        can_change = self.permission_helper.user_can_edit_obj(user, self.instance)
        quick = QUICK_STATUSES.get(self.instance.status)
        context = {
            "can_change": can_change,
            "quick_status": quick,
            "status_choices": [
                (value, label)
                for value, label in AppointmentRequest.Status.choices
                if value != self.instance.status
            ],
            "bulk_status_url": self.url_helper.get_action_url("bulk_status"),
            "deliveries": deliveries_for(self.instance),
            "deliveries_url": self.url_helper.get_action_url("deliveries"),
            "replay_url_name": self.url_helper.get_action_url_name("replay_delivery"),
        }
        context.update(kwargs)
        return super().get_context_data(**context)


class InboxEditView(EditView):
    """Status and staff notes only; the patient's answers are shown read-only (see the panels)."""

    def __init__(self, model_admin, instance_pk):
        super().__init__(model_admin, instance_pk)
        self.previous_status = self.instance.status

    def get(self, request, *args, **kwargs):
        # The edit page shows the patient's answers too: log it as a view.
        response = super().get(request, *args, **kwargs)
        audit.log_view(self.instance, user=request.user)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context.get("latest_log_entry"):
            # "Last updated" means a change, not the views we log.
            context["latest_log_entry"] = (
                log_registry.get_logs_for_instance(self.instance).exclude(action=audit.VIEW).first()
            )
        return context

    def get_success_url(self):
        return self.url_helper.get_action_url("inspect", self.pk_quoted)

    def get_success_message(self, instance):
        return _("%(object)s updated.") % {"object": audit.title_for(instance)}

    def form_valid(self, form):
        self.instance = actions.save_edit(
            form, user=self.request.user, previous_status=self.previous_status
        )
        messages.success(self.request, self.get_success_message(self.instance))
        return redirect(self.get_success_url())


class InboxDeleteView(DeleteView):
    def post(self, request, *args, **kwargs):
        message = _("%(object)s deleted.") % {"object": audit.title_for(self.instance)}
        actions.delete_request(self.instance, user=request.user)
        messages.success(request, message)
        return redirect(self.index_url)


class InboxHistoryView(HistoryView):
    def check_action_permitted(self, user):
        # modeladmin's HistoryView checks nothing: bare admin access would do.
        return self.permission_helper.user_can_view_history(user, self.instance)


class BulkStatusView(WMABaseView):
    """POST ``ids`` (selected rows) and ``status``; one audit entry per request changed."""

    http_method_names = ["post"]

    def check_action_permitted(self, user):
        return self.permission_helper.user_can_edit_obj(user, None)

    def post(self, request, *args, **kwargs):
        status = request.POST.get("status", "")
        ids = [value for value in request.POST.getlist("ids") if value.isdigit()][:MAX_BULK_IDS]
        # The inspect view's form sends one id and asks to come back to that request.
        back_to_inspect = request.POST.get("return_to") == "inspect" and len(ids) == 1
        if status not in AppointmentRequest.Status.values:
            messages.error(request, _("Choose a status to set."))
        elif not ids:
            messages.error(request, _("Select at least one request."))
        else:
            queryset = AppointmentRequest.objects.filter(pk__in=ids)
            count = actions.change_status(queryset, status, user=request.user)
            messages.success(request, self.success_message(queryset, status, count, len(ids)))
        if back_to_inspect and AppointmentRequest.objects.filter(pk=ids[0]).exists():
            return redirect(self.url_helper.get_action_url("inspect", ids[0]))
        # Back to the same filtered list; only a query string is accepted, never a URL.
        query = QueryDict(request.POST.get("query", "")).urlencode()
        return redirect(self.index_url + (f"?{query}" if query else ""))

    def success_message(self, queryset, status, count, selected):
        label = AppointmentRequest.Status(status).label
        if selected == 1:
            instance = queryset.only("pk", "reference").first()
            if instance is not None:
                if count:
                    template = _("%(object)s: status set to “%(status)s”.")
                else:
                    template = _("%(object)s was already “%(status)s”.")
                return template % {"object": audit.title_for(instance), "status": label}
        return ngettext(
            "Status set to “%(status)s” on %(count)s request.",
            "Status set to “%(status)s” on %(count)s requests.",
            count,
        ) % {"status": label, "count": count}


class RetryNotificationView(InstanceSpecificView):
    """GET asks for confirmation, POST sends the failed notification again."""

    page_title = gettext_lazy("Retry notification")
    http_method_names = ["get", "post"]

    def check_action_permitted(self, user):
        return self.permission_helper.user_can_edit_obj(user, self.instance)

    def get_template_names(self):
        return ["wagtail_conditions/inbox/retry.html"]

    @property
    def inspect_url(self):
        return self.url_helper.get_action_url("inspect", self.pk_quoted)

    def _nothing_to_retry(self):
        messages.warning(self.request, _("This request has no failed notification to send again."))
        return redirect(self.inspect_url)

    def get(self, request, *args, **kwargs):
        if not self.permission_helper.user_can_retry_obj(request.user, self.instance):
            return self._nothing_to_retry()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.permission_helper.user_can_retry_obj(request.user, self.instance):
            return self._nothing_to_retry()
        result = actions.retry_notification(self.instance, user=request.user)
        if result == AppointmentRequest.NotificationStatus.FAILED:
            messages.error(request, _("The notification failed again. Try again later."))
        else:
            messages.success(request, _("The notification was sent."))
        return redirect(self.inspect_url)
