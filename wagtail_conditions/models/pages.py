"""
Behaviour shared by our page types, and the helpers that let a host site build on them.

Each page type comes in three layers, as ``wagtail.contrib.forms`` does it (``FormMixin`` →
``AbstractForm`` → the site's form page):

- a mixin holding the fields and behaviour, which does not subclass ``Page``
  (``ConditionPageMixin``, ``TherapyPageMixin`` and the two index mixins), so a site that
  swaps its base page model (Wagtail 8's ``WAGTAIL_PAGE_MODEL``) combines it with its own;
- an abstract page on Wagtail's ``Page`` adding the panels and search fields
  (``AbstractConditionPage`` …), for the usual site;
- our concrete pages (``ConditionPage`` …), which are thin.

The mixins never name our concrete models: an index finds its children through
``get_condition_page_model()``/``get_therapy_page_model()``, a condition its therapy links
through ``therapy_links_relation``, a therapy the conditions it treats through
``get_condition_link_model()``. The README's "Extending" section shows a host's code.
"""

from functools import partial

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.coreutils import resolve_model_string
from wagtail.fields import StreamField
from wagtail.search import index

from .. import render_cache, render_deps
from ..alternates import SitemapAlternatesMixin
from ..api.serializers import StructuredDataField
from ..blocks import SectionStreamBlock
from ..conf import conf
from ..feedback.panels import FeedbackSummaryPanel
from ..i18n import page_reviewer
from ..reviews import schedule as review_schedule


class ModelSettingError(ImproperlyConfigured):
    """``owner.<attribute>`` does not give one model built on ``base``: it is set to something
    that is not such a model (``configured``), or it is unset and ``candidates`` holds no model
    or several. A request to the page raises it; the system checks report it at start-up
    (``wagtail_conditions.E006`` and ``E007``)."""

    def __init__(self, owner, attribute, kind, *, base=None, candidates=(), configured=None):
        self.owner = owner
        self.attribute = attribute
        self.kind = kind
        self.base = base
        self.candidates = list(candidates)
        self.configured = configured
        if configured is None:
            found = ", ".join(model._meta.label for model in self.candidates) or "none"
            message = (
                f"{owner.__name__} cannot tell which {kind} to use (found: {found}). "
                f"Set {owner.__name__}.{attribute} = 'app_label.ModelName'."
            )
        else:
            message = (
                f"{owner.__name__}.{attribute} = {configured!r} is not a {kind}: name an "
                f"installed model built on {base.__name__ if base else 'the right base'}."
            )
        super().__init__(message)


def single_model(owner, attribute, candidates, kind, base=None):
    """The model named by ``owner.<attribute>`` (a model or "app_label.Model" string), which
    must be built on ``base`` when given, or else the one model among ``candidates``;
    ``ModelSettingError`` (an ImproperlyConfigured) when there is no such model."""
    configured = getattr(owner, attribute)
    if configured is not None:
        try:
            model = resolve_model_string(configured)
        except (LookupError, ValueError):
            model = None
        if model is None or (base is not None and not issubclass(model, base)):
            raise ModelSettingError(owner, attribute, kind, base=base, configured=configured)
        return model
    candidates = list(dict.fromkeys(candidates))
    if len(candidates) != 1:
        raise ModelSettingError(owner, attribute, kind, base=base, candidates=candidates)
    return candidates[0]


# Fields that our page types declare alike; each call makes a new field, as Django needs.


def intro_field(help_text):
    """An index page's introduction, shown above its list."""
    return models.TextField(_("introduction"), blank=True, max_length=1000, help_text=help_text)


def summary_field():
    """A condition's or therapy's summary: cards, search results and the meta description."""
    return models.TextField(
        _("summary"),
        max_length=300,
        help_text=_(
            "One or two plain sentences (up to 300 characters), shown on cards and in the "
            "site's search results. Search engines show it too, unless the meta description on "
            "the Promote and review tab is filled in."
        ),
    )


def section_field(verbose_name, help_text):
    """An optional section of a condition or therapy page, written in our section blocks."""
    return StreamField(
        SectionStreamBlock(), blank=True, verbose_name=verbose_name, help_text=help_text
    )


class PageBehaviourMixin(SitemapAlternatesMixin):
    """What all our page types share: the site's base template, our template as the
    fallback of a host's page type that has no template of its own, and their language
    versions in the sitemap."""

    # Query parameters whose values are kept apart in the render cache; a request with any
    # other parameter is rendered afresh (see wagtail_conditions/render_cache.py).
    render_cache_params = ()

    # Our template for this kind of page. A host's page type renders its own template
    # (``<app_label>/<model_name>.html``, Wagtail's default) when the site has one, else this.
    fallback_template = None

    def get_template(self, request, *args, **kwargs):
        template = super().get_template(request, *args, **kwargs)
        if self.fallback_template and template != self.fallback_template:
            return [template, self.fallback_template]
        return template

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["base_template"] = conf.BASE_TEMPLATE
        return context

    def get_view_restrictions(self):
        # Asked three times in a view (Wagtail's serve hook, the appointment form, the render
        # cache), read once: a page served is read afresh for each request.
        known = self.__dict__.get(render_cache.VIEW_RESTRICTIONS_ATTRIBUTE)
        if known is None:
            known = super().get_view_restrictions()
            known._fetch_all()  # an evaluated queryset: exists() and iteration read no more
            self.__dict__[render_cache.VIEW_RESTRICTIONS_ATTRIBUTE] = known
        return known

    def get_render_dependencies(self, request, context):
        """What this page's HTML shows that a change may alter (``render_deps``): the page and
        its ancestors, the pages its content links to, ``get_shown_pages()`` and any page of
        ``get_shown_page_models()``. A page kept by the render cache is served again after a
        change that touches none of them. Return None to render it again after every change.
        Snippets, settings, images and the top of the site's tree are always covered."""
        shown = render_deps.linked_pages(self, also=self.get_shown_pages(context))
        return render_deps.page_dependencies([self, *shown], self.get_shown_page_models())

    # What render_deps.dependencies_of_pages works out for many pages at once (the API).
    get_render_dependencies.batched = True

    def get_shown_pages(self, context):
        """A queryset of the ids of other pages this page's HTML shows, or None."""
        return None

    def get_shown_page_models(self):
        """The page models any change of which this page's HTML may show (a list of them)."""
        return ()

    def serve(self, request, *args, **kwargs):
        # Rendered once per content version for anonymous visitors; see render_cache.py.
        return render_cache.serve(self, request, partial(super().serve, request, *args, **kwargs))


class IndexPageMixin(PageBehaviourMixin):
    """Shared behaviour of the condition and therapy index pages. Each has an ``intro``
    (``intro_field()``) and finds its children's page model with ``child_page_model()``."""

    index_panels = [FieldPanel("intro")]
    # Added to the base page model's own search_fields by the page type.
    index_search_fields = [index.SearchField("intro")]
    # Read by Wagtail's API v2 and v3; see wagtail_conditions/api/.
    api_fields = [
        APIField("intro"),
        APIField("structured_data", serializer=StructuredDataField()),
    ]

    @classmethod
    def clean_parent_page_models(cls):
        # Read the setting on each call (not once at import) so sites and tests can change it.
        labels = conf.INDEX_PARENT_PAGE_TYPES
        if labels is None:
            return super().clean_parent_page_models()  # any page type, as Wagtail's default
        return [resolve_model_string(label) for label in labels]

    def get_shown_page_models(self):
        # An index lists its children, wherever one is published, moved or removed.
        return render_deps.page_models_of(self.routed_child_model())

    @classmethod
    def routed_child_model(cls):
        """The page model ``route()`` finds the index's children as (each index says which)."""
        raise NotImplementedError

    def route(self, request, path_components):
        # Wagtail's route, finding a child with its own fields in one query instead of two (a
        # child of another type, or none by that slug: Wagtail's own way, and its 404).
        if not path_components:
            return super().route(request, path_components)
        try:
            child = self.routed_child_model().objects.child_of(self).get(slug=path_components[0])
        except (ObjectDoesNotExist, ImproperlyConfigured):  # the checks report the latter
            return super().route(request, path_components)
        child._cached_parent_obj = self  # as Wagtail does: get_parent() needs no query
        if child.specific_class is not type(child):  # a subclass of the host's
            child = child.specific
        return child.route(request, path_components[1:])

    @classmethod
    def child_page_model(cls, attribute, mixin, kind):
        """The page model of the index's children: ``cls.<attribute>`` when set (it must be
        built on ``mixin``), else the one allowed subpage type built on ``mixin``."""
        candidates = [model for model in cls.clean_subpage_models() if issubclass(model, mixin)]
        return single_model(cls, attribute, candidates, kind, base=mixin)

    def get_listed_children(self, model):
        """The live, public children of ``model`` in the index's locale that it lists, by
        title."""
        return (
            model.objects.child_of(self)
            .live()
            .public()
            .filter(locale_id=self.locale_id)
            .order_by("title")
        )

    @staticmethod
    def paginate(request, items, per_page):
        paginator = Paginator(items, per_page)
        try:
            return paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            return paginator.page(1)
        except EmptyPage:
            return paginator.page(paginator.num_pages)


class MedicalReviewMixin(models.Model):
    """Who last checked a page was clinically accurate, when, and when it is due again."""

    last_reviewed = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("When a clinician last checked this page was accurate."),
    )
    next_review_due = models.DateField(_("next review due"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "wagtail_conditions.Practitioner",
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The practitioner who last reviewed this page."),
    )

    review_panels = [
        MultiFieldPanel(
            [
                FieldPanel("reviewed_by"),
                FieldPanel("last_reviewed"),
                FieldPanel("next_review_due", help_text=review_schedule.next_review_help_text),
            ],
            heading=_("Clinical review"),
        ),
        # What patients answered to "Was this page helpful?" (read-only).
        FeedbackSummaryPanel(heading=_("Patient feedback")),
    ]

    class Meta:
        abstract = True

    # The default next review date and the date order: see wagtail_conditions/reviews/.
    def save(self, *args, **kwargs):
        review_schedule.apply_review_schedule(self)  # drafts are saved without clean()
        return super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        # The date order is checked here, where Django says which fields a form leaves out.
        review_schedule.clean_review_fields(self, super().clean_fields, exclude)

    def clean(self):
        super().clean()
        review_schedule.apply_review_schedule(self)

    def get_reviewer(self):
        """The practitioner who last reviewed the page, in the page's language where they have
        a translation in its locale (the one stored otherwise), or None."""
        return page_reviewer(self)


class ContentPageMixin(PageBehaviourMixin):
    """Shared behaviour of the condition and therapy pages, which both have a ``summary``."""

    # Whether the page asks patients "Was this page helpful?" (wagtail_conditions/feedback/):
    # the submit views accept answers only for page types that say so.
    accepts_feedback = True

    def get_meta_description(self):
        return self.search_description or self.summary

    def get_appointment_topic(self):
        """What an appointment request sent from this page is about, stored as the request's
        topic (the inbox lists and filters by it). A condition or therapy page answers with its
        title; override it to file requests differently, e.g. by a clinic or a specialty."""
        return self.title
