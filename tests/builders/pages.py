"""Factories for the test suite, built on wagtail-factories."""

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import factory
import wagtail_factories
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from tests.testapp import factories as host
from tests.testapp.models import HostConditionTherapy
from wagtail_conditions.models import (
    BodyArea,
    ConditionIndexPage,
    ConditionPage,
    ConditionTherapy,
    TherapyIndexPage,
    TherapyPage,
)


class BodyAreaFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.Sequence(lambda n: f"area-{n}")

    class Meta:
        model = BodyArea


class ConditionIndexPageFactory(wagtail_factories.PageFactory):
    title = "Conditions"
    slug = "conditions"
    intro = "Conditions we treat."

    class Meta:
        model = ConditionIndexPage


class TherapyIndexPageFactory(wagtail_factories.PageFactory):
    title = "Therapies"
    slug = "therapies"
    intro = "Therapies we offer."

    class Meta:
        model = TherapyIndexPage


class TherapyPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Therapy {n}")
    summary = "A gentle, hands-on therapy."
    session_length = "30 minutes"

    class Meta:
        model = TherapyPage


class ConditionPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Condition {n}")
    summary = "A common condition."

    class Meta:
        model = ConditionPage


class ConditionTherapyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConditionTherapy


def make_site_tree():
    """Home page (the default site's root) with a condition index and a therapy index."""
    root = Page.get_first_root_node()
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    conditions = ConditionIndexPageFactory(parent=home)
    therapies = TherapyIndexPageFactory(parent=home)
    return SimpleNamespace(root=root, site=site, home=home, conditions=conditions, therapies=therapies)


def link_therapies(condition, therapies, note="Helps."):
    for order, therapy in enumerate(therapies):
        ConditionTherapy.objects.create(
            condition=condition, therapy=therapy, note=note, sort_order=order
        )


@dataclass(frozen=True)
class PageSet:
    """A site's condition and therapy page types with what builds them: ours, or a host's built
    on our mixins and abstract pages with its own link model (``tests/testapp``). Page tests
    written against a ``PageSet`` run on both (``PAGE_SETS``)."""

    name: str
    make_tree: Callable  # () -> namespace with home, conditions (index), therapies (index)
    condition_index: type  # page factories
    therapy_index: type
    condition: type
    therapy: type
    link: Callable  # (condition, therapies, note=...) links them in that order
    link_model: type

    def __str__(self):
        return self.name


OURS = PageSet(
    "ours",
    make_site_tree,
    ConditionIndexPageFactory,
    TherapyIndexPageFactory,
    ConditionPageFactory,
    TherapyPageFactory,
    link_therapies,
    ConditionTherapy,
)
HOST = PageSet(
    "host",
    host.make_host_tree,
    host.HostConditionIndexPageFactory,
    host.HostTherapyIndexPageFactory,
    host.HostConditionPageFactory,
    host.HostTherapyPageFactory,
    host.link_host_therapies,
    HostConditionTherapy,
)
PAGE_SETS = [OURS, HOST]


def _now():
    from django.utils import timezone

    return timezone.now()


class AppointmentRequestFactory(factory.django.DjangoModelFactory):
    """An appointment request as the pipeline stores it (created directly, no form)."""

    name = factory.Sequence(lambda n: f"Patient {n}")
    email = factory.Sequence(lambda n: f"patient{n}@example.com")
    phone = "+44 20 7946 0000"
    reason = "Back pain after lifting."
    topic = "Muscle spasms"
    source_page_title = "Muscle spasms"
    block_id = "form-1"
    consent_text = "I agree to the clinic keeping these details."
    consent_given_at = factory.LazyFunction(_now)
    privacy_notice_version = "2026-01"
    recipients = "desk@clinic.example"
    notification_status = "sent"
    submission_key = factory.Sequence(lambda n: f"test-submission-{n}")

    class Meta:
        model = "wagtail_conditions.AppointmentRequest"


def assert_same_query_count(client, small_url, large_url):
    """Request both URLs once to warm caches, then require the large one to cost exactly the
    queries of the small one (so a page's cost does not grow with its content)."""
    assert client.get(small_url).status_code == 200
    assert client.get(large_url).status_code == 200
    with CaptureQueriesContext(connection) as small:
        assert client.get(small_url).status_code == 200
    with CaptureQueriesContext(connection) as large:
        assert client.get(large_url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries), "\n".join(
        query["sql"] for query in large.captured_queries
    )
