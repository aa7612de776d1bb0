"""
Factories for the pages, body areas and appointment requests the tests build, on
wagtail-factories, and the two sets of condition and therapy page types they are built on:
ours (``wagtail_conditions.models``) and a host's built on our mixins and abstract pages with its
own link model (``tests/testapp``). A test written against a ``PageSet`` runs on both through
``on_each_page_set``.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace

import factory
import pytest
import wagtail_factories
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.coreutils import get_dummy_request
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests.testapp.models import (
    HostConditionIndexPage,
    HostConditionPage,
    HostConditionTherapy,
    HostTherapyIndexPage,
    HostTherapyPage,
)
from wagtail_conditions.models import (
    BodyArea,
    ConditionIndexPage,
    ConditionPage,
    ConditionTherapy,
    TherapyIndexPage,
    TherapyPage,
)

#: A condition page's sections, in the order the page and its API give them.
CONDITION_SECTIONS = [
    "overview",
    "causes",
    "symptoms",
    "urgent_care",
    "treatment",
    "approach_benefits",
    "resources",
]


class BodyAreaFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.Sequence(lambda n: f"area-{n}")

    class Meta:
        model = BodyArea


# --- Page factories: one shape, a concrete factory per page set ---------------------------------


class _ConditionIndexPageFactory(wagtail_factories.PageFactory):
    title = "Conditions"
    slug = "conditions"
    intro = "Conditions we treat."

    class Meta:
        abstract = True


class _TherapyIndexPageFactory(wagtail_factories.PageFactory):
    title = "Therapies"
    slug = "therapies"
    intro = "Therapies we offer."

    class Meta:
        abstract = True


class _ConditionPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Condition {n}")
    summary = "A common condition."

    class Meta:
        abstract = True


class _TherapyPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Therapy {n}")
    summary = "A gentle, hands-on therapy."
    session_length = "30 minutes"

    class Meta:
        abstract = True


def _page_factory(shape, model, **declarations):
    """A concrete factory of ``model`` with ``shape``'s declarations (and ``declarations``)."""
    meta = type("Meta", (), {"model": model})
    return type(f"{model.__name__}Factory", (shape,), {"Meta": meta, **declarations})


ConditionIndexPageFactory = _page_factory(_ConditionIndexPageFactory, ConditionIndexPage)
TherapyIndexPageFactory = _page_factory(_TherapyIndexPageFactory, TherapyIndexPage)
ConditionPageFactory = _page_factory(_ConditionPageFactory, ConditionPage)
TherapyPageFactory = _page_factory(_TherapyPageFactory, TherapyPage)

# The host's indexes have other slugs than ours, so that both sets can live under one home page.
HostConditionIndexPageFactory = _page_factory(
    _ConditionIndexPageFactory,
    HostConditionIndexPage,
    title="Our conditions",
    slug="our-conditions",
    intro="Conditions our clinic treats.",
)
HostTherapyIndexPageFactory = _page_factory(
    _TherapyIndexPageFactory,
    HostTherapyIndexPage,
    title="Our therapies",
    slug="our-therapies",
    intro="Therapies our clinic offers.",
)
HostConditionPageFactory = _page_factory(_ConditionPageFactory, HostConditionPage)
HostTherapyPageFactory = _page_factory(_TherapyPageFactory, HostTherapyPage)


# --- Page sets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSet:
    """A site's condition and therapy page types with the factories that build them, and the
    model that links a condition to its therapies."""

    name: str
    condition_index: type  # page factories
    therapy_index: type
    condition: type
    therapy: type
    link_model: type

    def __str__(self):
        return self.name

    @property
    def models(self):
        """The four page models: condition index, condition, therapy index, therapy."""
        return [
            factory_class._meta.model
            for factory_class in (
                self.condition_index,
                self.condition,
                self.therapy_index,
                self.therapy,
            )
        ]

    def make_tree(self):
        """The default site's home page with a published condition index and therapy index."""
        site = Site.objects.get(is_default_site=True)
        home = site.root_page.specific
        return SimpleNamespace(
            root=Page.get_first_root_node(),
            site=site,
            home=home,
            conditions=self.condition_index(parent=home),
            therapies=self.therapy_index(parent=home),
        )

    def link(self, condition, therapies, note="Helps."):
        """Link ``therapies`` to ``condition`` in that order, after any links it has."""
        start = self.link_model.objects.filter(condition=condition).count()
        self.link_model.objects.bulk_create(
            self.link_model(condition=condition, therapy=therapy, note=note, sort_order=order)
            for order, therapy in enumerate(therapies, start)
        )


OURS = PageSet(
    "ours",
    ConditionIndexPageFactory,
    TherapyIndexPageFactory,
    ConditionPageFactory,
    TherapyPageFactory,
    ConditionTherapy,
)
HOST = PageSet(
    "host",
    HostConditionIndexPageFactory,
    HostTherapyIndexPageFactory,
    HostConditionPageFactory,
    HostTherapyPageFactory,
    HostConditionTherapy,
)
PAGE_SETS = [OURS, HOST]


@pytest.fixture(scope="module")
def page_set(request):
    """The page types a test builds: ours, or each of ``PAGE_SETS`` in turn where
    ``on_each_page_set`` marks the test or its module. Module-scoped, so that module-wide rows
    can depend on it. The area conftests that need it import it from here."""
    return getattr(request, "param", OURS)


#: Runs a test, or a module (``pytestmark = on_each_page_set``), on our pages and on the host's.
on_each_page_set = pytest.mark.parametrize("page_set", PAGE_SETS, ids=str, indirect=True)


def make_site_tree():
    """Home page (the default site's root) with our condition index and therapy index."""
    return OURS.make_tree()


def link_therapies(condition, therapies, note="Helps."):
    """Link our ``condition`` to ``therapies`` in that order."""
    OURS.link(condition, therapies, note=note)


@contextmanager
def rolled_back(django_db_blocker):
    """Rows for a module-scoped fixture, in a transaction of their own rolled back after it
    (inside ``module_transaction``): a fixture parametrised over the page sets builds one set's
    rows, and they are gone before it builds the other's."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def condition_form_data(therapy_links=(), body_areas=(), **fields):
    """The admin's form data creating the condition page "Muscle spasms" with an overview and
    a treatment section, linked to ``therapy_links`` ({therapy: pk, note: text}) and in
    ``body_areas``; ``fields`` add to or replace its fields."""
    sections = {name: streamfield([]) for name in CONDITION_SECTIONS}
    sections["overview"] = streamfield(
        [("paragraph", rich_text("<p>Sudden, involuntary contractions of a muscle.</p>"))]
    )
    sections["treatment"] = streamfield([("heading", {"text": "Integrative care", "level": "h2"})])
    data = nested_form_data(
        {
            "title": "Muscle spasms",
            "slug": "muscle-spasms",
            "summary": "Sudden, involuntary and painful tightening of a muscle.",
            "alternative_names": "muscle cramps, back spasm",
            **sections,
            "therapy_links": inline_formset(list(therapy_links)),
            "sources": streamfield([]),
            "last_reviewed": "2025-01-15",
            "next_review_due": "2026-01-15",
            "comments": inline_formset([]),
            **fields,
        }
    )
    data["body_areas"] = [str(area.pk) for area in body_areas]
    return data


class PageAssertions(WagtailPageTestCase):
    """Wagtail's page assertions (``assertCanCreateAt``, ``assertAllowedSubpageTypes``,
    ``assertCanCreate``, ``assertPageIsRenderable``, ``login``...) for a pytest test, through its
    ``client``; the ``page_asserts`` fixture gives one."""

    def __init__(self, client):
        super().__init__()  # unittest's default method name: no test method is run
        self.client = client
        self.dummy_request = get_dummy_request()  # what WagtailPageTestCase.setUpClass sets


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
    consent_given_at = factory.LazyFunction(timezone.now)
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
