"""Factories for the host site's page types (``tests/testapp/models.py``), mirroring ours."""

from types import SimpleNamespace

import factory
import wagtail_factories
from wagtail.models import Page, Site

from tests.testapp.models import (
    HostConditionIndexPage,
    HostConditionPage,
    HostConditionTherapy,
    HostTherapyIndexPage,
    HostTherapyPage,
)


class HostConditionIndexPageFactory(wagtail_factories.PageFactory):
    title = "Our conditions"
    slug = "our-conditions"
    intro = "Conditions our clinic treats."

    class Meta:
        model = HostConditionIndexPage


class HostTherapyIndexPageFactory(wagtail_factories.PageFactory):
    title = "Our therapies"
    slug = "our-therapies"
    intro = "Therapies our clinic offers."

    class Meta:
        model = HostTherapyIndexPage


class HostTherapyPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Therapy {n}")
    summary = "A gentle, hands-on therapy."
    session_length = "30 minutes"

    class Meta:
        model = HostTherapyPage


class HostConditionPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Condition {n}")
    summary = "A common condition."

    class Meta:
        model = HostConditionPage


def make_host_tree():
    """The default site's home page with a host condition index and a host therapy index."""
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    return SimpleNamespace(
        root=Page.get_first_root_node(),
        site=site,
        home=home,
        conditions=HostConditionIndexPageFactory(parent=home),
        therapies=HostTherapyIndexPageFactory(parent=home),
    )


def link_host_therapies(condition, therapies, note="Helps."):
    for order, therapy in enumerate(therapies):
        HostConditionTherapy.objects.create(
            condition=condition, therapy=therapy, note=note, sort_order=order
        )
