"""
A host site's own page models, to prove that our blocks work in any StreamField and that our
page mixins and abstract pages work without our concrete pages.

The host condition and therapy pages take both routes the README shows: ``HostConditionPage``
and ``HostTherapyIndexPage`` combine our mixins with a base page model, as a site that swaps
Wagtail's ``Page`` (``WAGTAIL_PAGE_MODEL``) does; the other two subclass our abstract pages.
``HostConditionTherapy`` is the host's own link model between them.
"""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from wagtail_conditions.blocks import AppointmentFormBlock, BodyStreamBlock
from wagtail_conditions.models import (
    AbstractConditionIndexPage,
    AbstractConditionTherapy,
    AbstractTherapyPage,
    ConditionPageMixin,
    TherapyIndexPageMixin,
)


class HostBodyBlock(blocks.StreamBlock):
    """How a host site adds our blocks to a StreamField of its own."""

    paragraph = blocks.RichTextBlock()
    content = BodyStreamBlock()
    appointment_form = AppointmentFormBlock()


class HostPage(Page):
    body = StreamField(HostBodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]


class HostConditionIndexPage(AbstractConditionIndexPage):
    subpage_types = ["testapp.HostConditionPage"]


class HostConditionPage(ConditionPageMixin, Page):
    """Built as on a swapped base page model: the mixin, then the site's page class."""

    # A field of the host's own next to ours.
    clinic_code = models.CharField(max_length=20, blank=True)

    parent_page_types = ["testapp.HostConditionIndexPage"]
    subpage_types = []

    content_panels = (
        Page.content_panels
        + ConditionPageMixin.summary_panels
        + [FieldPanel("clinic_code")]
        + ConditionPageMixin.sections_panels
        + ConditionPageMixin.therapy_panels
        + ConditionPageMixin.sources_panels
    )
    promote_panels = Page.promote_panels + ConditionPageMixin.review_panels
    search_fields = Page.search_fields + ConditionPageMixin.condition_search_fields

    def __str__(self):
        return self.title


class HostConditionTherapy(AbstractConditionTherapy):
    condition = ParentalKey(
        HostConditionPage, on_delete=models.CASCADE, related_name="therapy_links"
    )
    therapy = models.ForeignKey(
        "testapp.HostTherapyPage", on_delete=models.CASCADE, related_name="condition_links"
    )

    class Meta(AbstractConditionTherapy.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["condition", "therapy"], name="testapp_unique_condition_therapy"
            )
        ]


class HostTherapyIndexPage(TherapyIndexPageMixin, Page):
    subpage_types = ["testapp.HostTherapyPage"]

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + TherapyIndexPageMixin.index_search_fields

    def __str__(self):
        return self.title


class HostTherapyPage(AbstractTherapyPage):
    parent_page_types = ["testapp.HostTherapyIndexPage"]
    subpage_types = []
