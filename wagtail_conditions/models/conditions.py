"""Condition pages: the A–Z index and the condition page with its linked therapies."""

import re
import string
import unicodedata
from urllib.parse import urlencode

from django import forms
from django.db import models
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    ObjectList,
    PageChooserPanel,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from ..alphabet import a_to_z_key, first_letter
from ..api.serializers import (
    BodyAreasField,
    LinkedTherapiesField,
    ReviewerField,
    SectionsField,
    SourcesField,
    StringListField,
    StructuredDataField,
    stream_field_serializer,
)
from ..blocks.appointment import form_contents_entries
from ..compat import HeadlessPreviewMixin
from ..conf import conf
from ..i18n import localised_body_areas, localised_pages
from ..readability.panels import ReadingAgePanel
from ..translation_admin import ConditionPageForm, UntranslatedTherapiesPanel
from .pages import (
    ContentPageMixin,
    IndexPageMixin,
    MedicalReviewMixin,
    intro_field,
    section_field,
    summary_field,
)
from .panels import content_promote_panels
from .sources import CitedSourcesMixin
from .taxonomy import BodyArea

SECTION_HELP = {
    "overview": _("What the condition is, in plain words a patient would use."),
    "causes": _("What commonly causes it."),
    "symptoms": _("How it feels and what patients notice."),
    "urgent_care": _(
        "Warning signs that need urgent medical care instead of an appointment with the clinic."
    ),
    "treatment": _("How the clinic treats the condition. Link the therapies in the Therapies tab."),
    "approach_benefits": _("Why the clinic's approach helps, compared with other options."),
    "resources": _("Further reading, leaflets and trusted external websites."),
}


def _plain_words(text):
    """The words of ``text``, case-folded and without accents, for matching a search."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.findall(r"\w+", plain.casefold())


def _prefixes_all(words, text):
    """Whether every one of ``words`` starts a word of ``text`` ("cramp" starts "cramps")."""
    targets = _plain_words(text)
    return all(any(target.startswith(word) for target in targets) for word in words)


class ConditionIndexPageMixin(IndexPageMixin, models.Model):
    """The A–Z list of conditions, filtered by body area, letter and search words. Not a
    ``Page``: combine it with your base page model (see ``models/pages.py``)."""

    # What the page's structured data describes (see wagtail_conditions/structured_data.py).
    structured_data_type = "condition_index"
    # The filters and pages kept apart in the render cache (a search, ?q=, is rendered each
    # time: its words are endless).
    render_cache_params = ("area", "letter", "page")

    intro = intro_field(_("A sentence or two shown above the list of conditions."))

    # The page model of the conditions listed: a model or "app_label.Model". None: the one
    # subpage type built on ConditionPageMixin.
    condition_page_model = None

    fallback_template = "wagtail_conditions/condition_index_page.html"

    page_description = _("Lists the conditions the clinic treats, A to Z, with a search box.")

    class Meta:
        abstract = True

    @classmethod
    def get_condition_page_model(cls):
        return cls.child_page_model(
            "condition_page_model", ConditionPageMixin, "condition page model"
        )

    @classmethod
    def routed_child_model(cls):
        return cls.get_condition_page_model()

    def get_conditions(self):
        return self.get_listed_children(self.get_condition_page_model()).prefetch_related(
            "body_areas"
        )

    def search_conditions(self, query):
        """The conditions under this index that ``query`` finds, as ``{pk: rank}`` (lower is
        better). First those whose title has every searched word as the start of one of its
        words ("spasm" finds "Muscle spasms"; case and accents ignored), A to Z; then those
        whose alternative names do ("cramp" finds "muscle cramps"); then what the search
        backend's full-text search finds in the other fields, in its order."""
        words = _plain_words(query)
        if not words:
            return {}
        searchable = (
            self.get_condition_page_model()
            .objects.child_of(self)
            .live()
            .public()
            .filter(locale_id=self.locale_id)
        )
        # Titles and alternative names are matched here, word starts included, on every
        # backend (a clinic lists tens or hundreds of conditions, not millions).
        ranking = {}
        for pk, title, names in searchable.values_list("pk", "title", "alternative_names"):
            if _prefixes_all(words, title):
                ranking[pk] = (0, a_to_z_key(title))
            elif _prefixes_all(words, names):
                ranking[pk] = (1, a_to_z_key(title))
        # Only words reach the backend: quotes break SQLite's FTS5 syntax and NUL characters
        # break PostgreSQL. It searches the plain queryset: backends cannot filter on
        # many-to-many fields such as body areas, so the caller filters afterwards.
        text = " ".join(re.findall(r"\w+", query))
        for position, page in enumerate(searchable.search(text)):
            ranking.setdefault(page.pk, (2, position))
        return ranking

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        conditions = self.get_conditions()
        all_letters = {first_letter(t) for t in conditions.values_list("title", flat=True)}

        condition_model = self.get_condition_page_model()
        areas_lookup = condition_model._meta.get_field("body_areas").related_query_name()
        # The areas of the listed conditions, in this index's locale: a condition still
        # linking a source-locale area (translated before the area was) is listed under the
        # area's translation. One query.
        linked = BodyArea.objects.filter(**{f"{areas_lookup}__in": conditions.values("pk")})
        areas = list(
            BodyArea.objects.filter(
                locale_id=self.locale_id, translation_key__in=linked.values("translation_key")
            )
        )
        area_slug = request.GET.get("area", "").strip()
        area = next((a for a in areas if a.slug == area_slug), None)
        if area:
            conditions = conditions.filter(body_areas__translation_key=area.translation_key)
            conditions = conditions.distinct()

        query = request.GET.get("q", "").strip()[:100]
        ranking = self.search_conditions(query) if query else None
        if ranking is not None:
            conditions = conditions.filter(pk__in=ranking)

        letter = request.GET.get("letter", "").strip().upper()[:1]
        if letter not in all_letters:
            letter = ""

        # Order (and pick the letter) in Python: database collations disagree on accents.
        # Search results come best first instead.
        rows = sorted(
            conditions.values_list("pk", "title"),
            key=(lambda row: ranking[row[0]]) if ranking else (lambda row: a_to_z_key(row[1])),
        )
        ids = [pk for pk, title in rows if not letter or first_letter(title) == letter]
        page_obj = self.paginate(request, ids, conf.CONDITIONS_PER_PAGE)
        pages = conditions.in_bulk(page_obj.object_list)
        page_obj.object_list = [pages[pk] for pk in page_obj.object_list]
        groups = {}
        for condition in page_obj.object_list:
            groups.setdefault(first_letter(condition.title), []).append(condition)

        params = {"q": query, "area": area.slug if area else "", "letter": letter}
        params = {key: value for key, value in params.items() if value}
        context.update(
            {
                "conditions": page_obj,
                "pagination_prefix": urlencode(params) + "&" if params else "",
                "letter_groups": list(groups.items()),  # already in A–Z order, "#" last
                "alphabet": [(c, c in all_letters) for c in string.ascii_uppercase + "#"],
                "body_areas": areas,
                "current_area": area,
                "current_letter": letter,
                "search_query": query,
                "is_filtered": bool(area or query or letter),
                # Search results are listed best first, not under A–Z letters.
                "ranked_results": page_obj.object_list if query else None,
            }
        )
        return context


class AbstractConditionIndexPage(ConditionIndexPageMixin, Page):
    """A condition index on Wagtail's ``Page``, with our panels and search fields."""

    content_panels = Page.content_panels + ConditionIndexPageMixin.index_panels
    search_fields = Page.search_fields + ConditionIndexPageMixin.index_search_fields

    class Meta:
        abstract = True


def body_areas_field(**kwargs):
    """The condition's body areas. The reverse name on ``BodyArea`` is Django's default for a
    host's page type (``<model_name>_set``); our ``ConditionPage`` calls it ``conditions``."""
    return ParentalManyToManyField(
        BodyArea,
        blank=True,
        verbose_name=_("body areas"),
        help_text=_("Where in the body the condition occurs. Used to filter the A–Z list."),
        **kwargs,
    )


class ConditionPageMixin(ContentPageMixin, MedicalReviewMixin, CitedSourcesMixin, models.Model):
    """A condition: its sections, body areas and the therapies linked to it. Not a ``Page``:
    combine it with your base page model (see ``models/pages.py``).

    The therapy links are rows of a link model built on ``AbstractConditionTherapy``, whose
    ``ParentalKey`` to the condition page has the related name ``therapy_links_relation``
    ("therapy_links") and whose ``therapy`` foreign key points at the therapy page model.
    """

    # What the page's structured data describes (see wagtail_conditions/structured_data.py).
    structured_data_type = "condition"

    summary = summary_field()
    alternative_names = models.CharField(
        _("alternative names"),
        max_length=255,
        blank=True,
        help_text=_(
            "Other names patients search for, separated by commas, e.g. 'cramp, muscle cramp'."
        ),
    )
    body_areas = body_areas_field()
    overview = section_field(_("overview"), SECTION_HELP["overview"])
    causes = section_field(_("causes"), SECTION_HELP["causes"])
    symptoms = section_field(_("symptoms"), SECTION_HELP["symptoms"])
    urgent_care = section_field(_("when to seek urgent care"), SECTION_HELP["urgent_care"])
    treatment = section_field(_("how we treat it"), SECTION_HELP["treatment"])
    approach_benefits = section_field(
        _("why our approach helps"), SECTION_HELP["approach_benefits"]
    )
    resources = section_field(_("additional resources"), SECTION_HELP["resources"])

    # (field name, heading) of each section, in page order. Templates and the API use it.
    sections = [
        ("overview", _("Overview")),
        ("causes", _("Causes")),
        ("symptoms", _("Symptoms")),
        ("urgent_care", _("When to seek urgent care")),
        ("treatment", _("How we treat it")),
        ("approach_benefits", _("Why our approach helps")),
        ("resources", _("Additional resources")),
    ]

    # Offers the body areas of the page's locale (see translation_admin.py).
    base_form_class = ConditionPageForm

    # The reverse name of the link model's ParentalKey to this page type.
    therapy_links_relation = "therapy_links"

    summary_panels = [
        FieldPanel("summary"),
        FieldPanel("alternative_names"),
        FieldPanel("body_areas", widget=forms.CheckboxSelectMultiple),
        ReadingAgePanel(),
    ]
    sections_panels = [FieldPanel(name) for name, _heading in sections]
    therapy_panels = [
        UntranslatedTherapiesPanel(),
        InlinePanel(
            "therapy_links",
            heading=_("Therapies used for this condition"),
            label=_("Therapy"),
            help_text=_(
                "Add the therapies the clinic uses, in the order to show them. Each therapy page "
                "then lists this condition automatically."
            ),
        ),
    ]

    # Added to the base page model's own search_fields by the page type.
    condition_search_fields = [
        index.SearchField("alternative_names"),
        index.SearchField("summary"),
        index.AutocompleteField("alternative_names"),
        *(index.SearchField(name) for name, _heading in sections),
        index.RelatedFields("body_areas", [index.SearchField("name")]),
    ]

    # Read by Wagtail's API v2 and v3; see wagtail_conditions/api/.
    api_fields = [
        APIField("summary"),
        APIField("alternative_names", serializer=StringListField(source="alternative_names_list")),
        APIField("body_areas", serializer=BodyAreasField()),
        APIField("sections", serializer=SectionsField()),
        APIField("overview", serializer=stream_field_serializer(overview)),
        APIField("causes", serializer=stream_field_serializer(causes)),
        APIField("symptoms", serializer=stream_field_serializer(symptoms)),
        APIField("urgent_care", serializer=stream_field_serializer(urgent_care)),
        APIField("treatment", serializer=stream_field_serializer(treatment)),
        APIField("approach_benefits", serializer=stream_field_serializer(approach_benefits)),
        APIField("resources", serializer=stream_field_serializer(resources)),
        APIField("therapies", serializer=LinkedTherapiesField()),
        APIField("sources", serializer=SourcesField()),
        APIField("last_reviewed"),
        APIField("next_review_due"),
        APIField("reviewed_by", serializer=ReviewerField()),
        APIField("structured_data", serializer=StructuredDataField()),
    ]
    fallback_template = "wagtail_conditions/condition_page.html"

    page_description = _(
        "A health condition the clinic treats: causes, symptoms, treatment and linked therapies."
    )

    class Meta:
        abstract = True

    @property
    def alternative_names_list(self):
        return [name.strip() for name in self.alternative_names.split(",") if name.strip()]

    @classmethod
    def get_therapy_link_model(cls):
        """The link model whose rows are this page type's therapy links."""
        return cls._meta.get_field(cls.therapy_links_relation).related_model

    def get_therapy_links(self):
        """Linked live therapies, in editor order, fetched in a fixed number of queries: a list
        of links, each therapy in this page's locale where it has a live translation (see
        ``wagtail_conditions.i18n``; one more query only when a link crosses locales)."""
        links = list(self.therapy_links_rows(getattr(self, self.therapy_links_relation).all()))
        self.localise_therapy_links([(self, links)])
        return links

    @classmethod
    def localise_therapy_links(cls, pages_links):
        """Point each link of each (page, links) pair at its therapy's live translation in the
        page's locale, in one query per locale, and only for links that cross locales (the
        link rows are changed in memory, never saved)."""
        by_locale = {}
        for page, links in pages_links:
            for link in links:
                if link.therapy.locale_id != page.locale_id:
                    by_locale.setdefault(page.locale_id, []).append(link)
        for locale_id, links in by_locale.items():
            defer = [name.removeprefix("therapy__") for name in cls.therapy_stream_fields()]
            therapies = localised_pages([link.therapy for link in links], locale_id, defer=defer)
            for link, therapy in zip(links, therapies, strict=True):
                link.therapy = therapy

    @classmethod
    def therapy_stream_fields(cls):
        therapy_model = cls.get_therapy_link_model()._meta.get_field("therapy").related_model
        return [
            f"therapy__{field.name}"
            for field in therapy_model._meta.concrete_fields
            if isinstance(field, StreamField)
        ]

    @classmethod
    def therapy_links_rows(cls, links):
        """``links`` (a queryset of therapy links) live, in editor order, with their therapy
        pages, whose StreamFields are left unread: a list of therapies never shows them, and
        reading them costs more than the rest of the row."""
        return (
            links.filter(therapy__live=True)
            .select_related("therapy")
            .defer(*cls.therapy_stream_fields())
            .order_by("sort_order")
        )

    def get_shown_pages(self, context):
        # Every therapy the page links to, live or not: one published again shows here.
        return getattr(self, self.therapy_links_relation).values("therapy_id")

    def get_section_list(self):
        """(field name, heading, value) of each section the editor filled in."""
        return [
            (name, heading, getattr(self, name))
            for name, heading in self.sections
            if getattr(self, name)
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["therapy_links"] = list(self.get_therapy_links())
        context["sections"] = self.get_section_list()
        context["appointment_forms"] = form_contents_entries(self)
        return context

    @classmethod
    def prefetch_api_data(cls, pages):
        """Fetch the rows the API fields read, for all ``pages`` at once. Pages already done, and
        pages holding unsaved relations (previews, revisions), are left alone."""
        pages = [
            page
            for page in pages
            if page.pk
            and not hasattr(page, "_api_therapy_links")
            and not getattr(page, "_cluster_related_objects", None)
        ]
        if pages:
            prefetch_related_objects(
                pages,
                Prefetch("body_areas", queryset=BodyArea.objects.all(), to_attr="_api_body_areas"),
                Prefetch(
                    cls.therapy_links_relation,
                    # The rows of get_therapy_links().
                    queryset=cls.therapy_links_rows(cls.get_therapy_link_model().objects.all()),
                    to_attr="_api_therapy_links",
                ),
            )
            cls.localise_therapy_links([(page, page._api_therapy_links) for page in pages])
            # Body areas in another locale (none once copied for translation): one query a locale.
            by_locale = {}
            for page in pages:
                if any(area.locale_id != page.locale_id for area in page._api_body_areas):
                    by_locale.setdefault(page.locale_id, []).append(page)
            for locale_id, group in by_locale.items():
                areas = [area for page in group for area in page._api_body_areas]
                localised = dict(
                    zip(areas, localised_body_areas(areas, locale_id, unique=False), strict=True)
                )
                for page in group:
                    page._api_body_areas = list(
                        dict.fromkeys(localised[area] for area in page._api_body_areas)
                    )

    def get_api_body_areas(self):
        """The body areas, each in this page's locale where it has a translation."""
        if hasattr(self, "_api_body_areas"):
            return self._api_body_areas
        return localised_body_areas(self.body_areas.all(), self.locale_id)

    def get_api_therapy_links(self):
        if hasattr(self, "_api_therapy_links"):
            return self._api_therapy_links
        return list(self.get_therapy_links())


class AbstractConditionPage(ConditionPageMixin, Page):
    """A condition page on Wagtail's ``Page``, with our panels and search fields."""

    content_panels = Page.content_panels + ConditionPageMixin.summary_panels
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Summary")),
            ObjectList(ConditionPageMixin.sections_panels, heading=_("Sections")),
            ObjectList(ConditionPageMixin.therapy_panels, heading=_("Therapies")),
            ObjectList(ConditionPageMixin.sources_panels, heading=_("Sources")),
            ObjectList(
                ConditionPageMixin.review_panels + content_promote_panels(),
                heading=_("Promote and review"),
            ),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = Page.search_fields + ConditionPageMixin.condition_search_fields

    class Meta:
        abstract = True


class AbstractConditionTherapy(Orderable):
    """A therapy linked from a condition, with a note on how it helps that condition.

    A concrete link model adds ``condition``, a ``ParentalKey`` to its condition page type with
    ``related_name="therapy_links"``, and ``therapy``, a foreign key to its therapy page type.
    """

    note = models.CharField(
        _("how it helps"),
        max_length=255,
        blank=True,
        help_text=_("Optional: how this therapy helps this condition, in one sentence."),
    )

    panels = [PageChooserPanel("therapy"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("linked therapy")
        verbose_name_plural = _("linked therapies")

    def __str__(self):
        return f"{self.condition_id} → {self.therapy_id}"


class ConditionTherapy(AbstractConditionTherapy):
    condition = ParentalKey(
        "wagtail_conditions.ConditionPage",
        on_delete=models.CASCADE,
        related_name="therapy_links",
        verbose_name=_("condition"),
    )
    therapy = models.ForeignKey(
        "wagtail_conditions.TherapyPage",
        on_delete=models.CASCADE,
        related_name="condition_links",
        verbose_name=_("therapy"),
    )

    class Meta(AbstractConditionTherapy.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["condition", "therapy"], name="wagtail_conditions_unique_condition_therapy"
            )
        ]


# The concrete pages keep Page's __str__ (the title), which ruff cannot see through the mixins.
class ConditionIndexPage(HeadlessPreviewMixin, AbstractConditionIndexPage):  # noqa: DJ008
    subpage_types = ["wagtail_conditions.ConditionPage"]
    template = "wagtail_conditions/condition_index_page.html"

    class Meta:
        verbose_name = _("condition index page")
        verbose_name_plural = _("condition index pages")


class ConditionPage(HeadlessPreviewMixin, AbstractConditionPage):  # noqa: DJ008
    body_areas = body_areas_field(related_name="conditions")

    parent_page_types = ["wagtail_conditions.ConditionIndexPage"]
    subpage_types = []
    template = "wagtail_conditions/condition_page.html"

    class Meta:
        verbose_name = _("condition page")
        verbose_name_plural = _("condition pages")
