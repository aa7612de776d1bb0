"""Therapy pages: the index and the therapy page, whose conditions are derived."""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList, TabbedInterface
from wagtail.api import APIField
from wagtail.models import Page
from wagtail.search import index

from .. import render_deps
from ..api.serializers import (
    LinkedConditionsField,
    ReviewerField,
    SourcesField,
    StructuredDataField,
    stream_field_serializer,
)
from ..compat import HeadlessPreviewMixin
from ..conf import conf
from ..readability.panels import ReadingAgePanel
from .conditions import AbstractConditionTherapy
from .pages import (
    ContentPageMixin,
    IndexPageMixin,
    MedicalReviewMixin,
    intro_field,
    section_field,
    single_model,
    summary_field,
)
from .panels import content_promote_panels
from .sources import CitedSourcesMixin


class TherapyPageMixin(ContentPageMixin, MedicalReviewMixin, CitedSourcesMixin, models.Model):
    """A therapy, listing the conditions that link it. Not a ``Page``: combine it with your base
    page model (see ``models/pages.py``)."""

    # What the page's structured data describes (see wagtail_conditions/structured_data.py).
    structured_data_type = "therapy"

    summary = summary_field()
    body = section_field(_("about the therapy"), _("What the therapy is and how it works."))
    what_to_expect = section_field(
        _("what to expect in a session"),
        _("Walk the patient through a session, from arrival to aftercare."),
    )
    session_length = models.CharField(
        _("typical session length"),
        max_length=100,
        blank=True,
        help_text=_("For example '30 to 45 minutes'."),
    )
    contraindications = section_field(
        _("who it is not suitable for"),
        _("Contraindications and safety notes, e.g. pregnancy, pacemakers, open wounds."),
    )

    # The link model (built on AbstractConditionTherapy) whose rows say which conditions this
    # therapy treats: a model or "app_label.Model". None: the one link model whose ``therapy``
    # foreign key points at this page type.
    condition_link_model = None

    # (field name, heading) of each section, in page order, as ConditionPageMixin's; and the id
    # of each one's heading on the public page (the Checks panel points there).
    sections = [
        ("body", _("About this therapy")),
        ("what_to_expect", _("What to expect")),
        ("contraindications", _("Who it is not suitable for")),
    ]
    section_heading_ids = {
        "body": "about-heading",
        "what_to_expect": "expect-heading",
        "contraindications": "safety-heading",
    }

    summary_panels = [FieldPanel("summary"), FieldPanel("session_length"), ReadingAgePanel()]
    sections_panels = [
        FieldPanel("body"),
        FieldPanel("what_to_expect"),
        FieldPanel("contraindications"),
    ]

    # Added to the base page model's own search_fields by the page type.
    therapy_search_fields = [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("what_to_expect"),
        index.SearchField("contraindications"),
    ]

    # Read by Wagtail's API v2 and v3; see wagtail_conditions/api/.
    api_fields = [
        APIField("summary"),
        APIField("session_length"),
        APIField("body", serializer=stream_field_serializer(body)),
        APIField("what_to_expect", serializer=stream_field_serializer(what_to_expect)),
        APIField("contraindications", serializer=stream_field_serializer(contraindications)),
        APIField("conditions", serializer=LinkedConditionsField()),
        APIField("sources", serializer=SourcesField()),
        APIField("last_reviewed"),
        APIField("next_review_due"),
        APIField("reviewed_by", serializer=ReviewerField()),
        APIField("structured_data", serializer=StructuredDataField()),
    ]
    fallback_template = "wagtail_conditions/therapy_page.html"

    page_description = _(
        "A therapy the clinic offers. The conditions it treats are listed automatically."
    )

    class Meta:
        abstract = True

    @classmethod
    def get_condition_link_model(cls):
        candidates = [
            relation.related_model
            for relation in cls._meta.related_objects
            if relation.field.name == "therapy"
            and issubclass(relation.related_model, AbstractConditionTherapy)
        ]
        return single_model(
            cls,
            "condition_link_model",
            candidates,
            "condition link model",
            AbstractConditionTherapy,
        )

    @classmethod
    def get_condition_relations(cls):
        """(condition page model, lookup from a condition to its links, accessor from a therapy
        to its links), read from the link model's two foreign keys."""
        link_model = cls.get_condition_link_model()
        condition_field = link_model._meta.get_field("condition")
        therapy_field = link_model._meta.get_field("therapy")
        return (
            condition_field.related_model,
            condition_field.related_query_name(),
            therapy_field.remote_field.get_accessor_name(),
        )

    def get_conditions(self):
        """Live conditions that link this therapy; editors enter each link once, on the condition.
        Only conditions in this page's locale are listed, including those that still link this
        therapy's source-locale page (a condition translated before the therapy was): links are
        matched by the therapy's ``translation_key``, which its translations share, as the
        condition page resolves such a link to this page (see ``wagtail_conditions.i18n``)."""
        condition_model, links_lookup, _accessor = self.get_condition_relations()
        return (
            condition_model.objects.live()
            .public()
            .filter(
                locale_id=self.locale_id,
                **{f"{links_lookup}__therapy__translation_key": self.translation_key},
            )
            .distinct()
            .order_by("title")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["conditions"] = list(self.get_conditions())
        return context

    def get_shown_page_models(self):
        # The conditions that link this therapy: any condition's change may add or drop one.
        return render_deps.page_models_of(self.get_condition_relations()[0])

    @classmethod
    def prefetch_api_data(cls, pages):
        """Fetch the conditions the API lists (those of ``get_conditions()``), for all
        ``pages`` at once: one query."""
        pages = [page for page in pages if page.pk and not hasattr(page, "_api_conditions")]
        if not pages:
            return
        condition_model, _lookup, _accessor = cls.get_condition_relations()
        conditions = condition_model.objects.live().public()
        links = (
            cls.get_condition_link_model()
            .objects.filter(
                condition__in=conditions,
                condition__locale_id__in={page.locale_id for page in pages},
                therapy__translation_key__in={page.translation_key for page in pages},
            )
            .annotate(therapy_key=F("therapy__translation_key"))
            .select_related("condition")
            .order_by("condition__title", "condition_id")
        )
        found = {}
        for link in links:
            key = (link.therapy_key, link.condition.locale_id)
            found.setdefault(key, {}).setdefault(link.condition.pk, link.condition)
        for page in pages:
            page._api_conditions = list(
                found.get((page.translation_key, page.locale_id), {}).values()
            )

    def get_api_conditions(self):
        if hasattr(self, "_api_conditions"):
            return self._api_conditions
        return list(self.get_conditions())


class AbstractTherapyPage(TherapyPageMixin, Page):
    """A therapy page on Wagtail's ``Page``, with our panels and search fields."""

    content_panels = Page.content_panels + TherapyPageMixin.summary_panels
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Summary")),
            ObjectList(TherapyPageMixin.sections_panels, heading=_("Sections")),
            ObjectList(TherapyPageMixin.sources_panels, heading=_("Sources")),
            ObjectList(
                TherapyPageMixin.review_panels + content_promote_panels(),
                heading=_("Promote and review"),
            ),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = Page.search_fields + TherapyPageMixin.therapy_search_fields

    class Meta:
        abstract = True


class TherapyIndexPageMixin(IndexPageMixin, models.Model):
    """The list of therapies. Not a ``Page``: combine it with your base page model."""

    # What the page's structured data describes (see wagtail_conditions/structured_data.py).
    structured_data_type = "therapy_index"
    # The list's pages, kept apart in the render cache.
    render_cache_params = ("page",)

    intro = intro_field(_("A sentence or two shown above the list of therapies."))

    # The page model of the therapies listed: a model or "app_label.Model". None: the one
    # subpage type built on TherapyPageMixin.
    therapy_page_model = None

    fallback_template = "wagtail_conditions/therapy_index_page.html"

    page_description = _("Lists the therapies the clinic offers.")

    class Meta:
        abstract = True

    @classmethod
    def get_therapy_page_model(cls):
        return cls.child_page_model("therapy_page_model", TherapyPageMixin, "therapy page model")

    @classmethod
    def routed_child_model(cls):
        return cls.get_therapy_page_model()

    def get_therapies(self):
        return self.get_listed_children(self.get_therapy_page_model())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["therapies"] = self.paginate(request, self.get_therapies(), conf.THERAPIES_PER_PAGE)
        return context


class AbstractTherapyIndexPage(TherapyIndexPageMixin, Page):
    """A therapy index on Wagtail's ``Page``, with our panels and search fields."""

    content_panels = Page.content_panels + TherapyIndexPageMixin.index_panels
    search_fields = Page.search_fields + TherapyIndexPageMixin.index_search_fields

    class Meta:
        abstract = True


# The concrete pages keep Page's __str__ (the title), which ruff cannot see through the mixins.
class TherapyIndexPage(HeadlessPreviewMixin, AbstractTherapyIndexPage):  # noqa: DJ008
    subpage_types = ["wagtail_conditions.TherapyPage"]
    template = "wagtail_conditions/therapy_index_page.html"

    class Meta:
        verbose_name = _("therapy index page")
        verbose_name_plural = _("therapy index pages")


class TherapyPage(HeadlessPreviewMixin, AbstractTherapyPage):  # noqa: DJ008
    parent_page_types = ["wagtail_conditions.TherapyIndexPage"]
    subpage_types = []
    template = "wagtail_conditions/therapy_page.html"

    class Meta:
        verbose_name = _("therapy page")
        verbose_name_plural = _("therapy pages")
