"""
The pages that have a clinical review, with their review dates and reviewer read into one query.

Condition and therapy pages keep their review fields in their own tables (ours, and any host
page type built on ``MedicalReviewMixin``), so one listing of all of them is a query on the
base page model, narrowed to those page types, with each review field annotated from the
tables that hold it (``review_last``, ``review_next``, ``review_by``: one correlated subquery
per table, combined with COALESCE when there are several). The report can then filter, order and
paginate them as any page queryset, and the dashboard count them in one query.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from wagtail import permissions as wagtail_permissions
from wagtail.models import get_page_models

from ..compat import PAGE_MODEL
from ..models import MedicalReviewMixin, PageReadability
from .schedule import ReviewStatus, due_soon_until, today

# The annotation holding each review field.
ANNOTATIONS = {
    "review_last": "last_reviewed",
    "review_next": "next_review_due",
    "review_by": "reviewed_by_id",
}


def page_model():
    """The site's base page model (Wagtail 8's ``WAGTAIL_PAGE_MODEL``, else ``Page``)."""
    return apps.get_model(PAGE_MODEL)


def page_permission_policy():
    """Wagtail's permission policy for pages, on 8 (a registry) as on 7.4 (a module global)."""
    registry = getattr(wagtail_permissions, "policy_registry", None)
    if registry is not None:
        return registry.get_by_type(page_model())
    return wagtail_permissions.page_permission_policy


def review_page_models():
    """Every page model built on ``MedicalReviewMixin``: ours and the host's."""
    return [model for model in get_page_models() if issubclass(model, MedicalReviewMixin)]


def review_content_types():
    """The content types of ``review_page_models()`` (from Django's content type cache)."""
    models = review_page_models()
    if not models:
        return []
    by_model = ContentType.objects.get_for_models(*models, for_concrete_models=False)
    return sorted(by_model.values(), key=lambda content_type: content_type.pk)


def review_content_type_queryset():
    """``review_content_types()`` as a queryset, for a filter's choices."""
    return ContentType.objects.filter(pk__in=[ct.pk for ct in review_content_types()])


def _tables():
    """One model per table holding the review fields: a page type that subclasses another
    concrete one reads them from its parent's table."""
    owners = {}
    for model in review_page_models():
        owner = model._meta.get_field("next_review_due").model._meta.concrete_model
        owners.setdefault(owner, None)
    return list(owners)


def _column(field, tables):
    values = [
        Subquery(table._base_manager.filter(pk=OuterRef("pk")).values(field)[:1])
        for table in tables
    ]
    return values[0] if len(values) == 1 else Coalesce(*values)


def review_pages(pages=None):
    """``pages`` (a queryset of the base page model; default: all pages) narrowed to the page
    types that have a clinical review, annotated with ``review_last``, ``review_next`` and
    ``review_by`` (the reviewer's id), and with the highest reading age of the page's sections
    as last saved (``reading_age``, ``reading_band``; see ``readability.store``)."""
    if pages is None:
        pages = page_model()._default_manager.all()
    tables = _tables()
    if not tables:
        return pages.none()
    readability = PageReadability.objects.filter(page=OuterRef("pk"))
    return pages.filter(content_type__in=review_content_types()).annotate(
        **{name: _column(field, tables) for name, field in ANNOTATIONS.items()},
        reading_age=Subquery(readability.values("reading_age")[:1]),
        reading_band=Subquery(readability.values("band")[:1]),
    )


def editable_review_pages(user):
    """The review pages ``user`` may edit (Wagtail's "change" permission, which an owner with
    "add" has on their own pages)."""
    policy = page_permission_policy()
    return review_pages(policy.instances_user_has_permission_for(user, "change"))


def can_see_reviews(user):
    """Whether ``user`` may open the review report: whoever can edit some page."""
    return bool(
        user
        and user.is_authenticated
        and page_permission_policy().user_has_permission(user, "change")
    )


def with_status(pages, status, day=None):
    """``pages`` (from ``review_pages``) whose review is in ``status`` on ``day``; ``None`` or
    "" gives the pages that need attention: overdue or due soon."""
    day = day or today()
    until = due_soon_until(day)
    if status == ReviewStatus.OVERDUE:
        return pages.filter(review_next__lt=day)
    if status == ReviewStatus.DUE_SOON:
        return pages.filter(review_next__gte=day, review_next__lte=until)
    if status == ReviewStatus.SCHEDULED:
        return pages.filter(review_next__isnull=False)
    if status == ReviewStatus.UNSCHEDULED:
        return pages.filter(review_next__isnull=True)
    return pages.filter(review_next__lte=until)


def with_reading_band(pages, band):
    """``pages`` (from ``review_pages``) whose highest reading age is in ``band`` ("good",
    "fair", "hard"), or not scored yet ("unscored")."""
    if band == "unscored":
        return pages.filter(Q(reading_band__isnull=True) | Q(reading_band=""))
    return pages.filter(reading_band=band)


def review_counts(pages, day=None):
    """``{"overdue": n, "due_soon": n}`` of ``pages`` (from ``review_pages``), in one query."""
    day = day or today()
    return pages.aggregate(
        overdue=Count("pk", filter=Q(review_next__lt=day)),
        due_soon=Count("pk", filter=Q(review_next__gte=day, review_next__lte=due_soon_until(day))),
    )
