"""Front-end cache purges (wagtail_conditions/frontend_cache.py): every change purges, in one
batch after it commits, the pages whose HTML or API answer shows it; a CDN that fails never
fails the editor's change."""

import logging

import pytest
from django.db import transaction
from wagtail.models import Page

from tests.builders.pages import (
    BodyAreaFactory,
    ConditionPageFactory,
    TherapyPageFactory,
    link_therapies,
)
from tests.builders.purges import (
    ROOT,
    FailingBackend,
    RecordingBackend,
    api_urls,
    backends,
    page_urls,
    purge_handlers,
    site_urls,
)
from wagtail_conditions import frontend_cache
from wagtail_conditions.models import (
    ClinicSettings,
    ConditionPage,
    ConditionTherapy,
    Practitioner,
    TherapyPage,
)


@pytest.fixture
def purged(settings):
    """The batches purged (lists of URLs), with our handlers connected."""
    settings.WAGTAILFRONTENDCACHE = backends(RecordingBackend)
    RecordingBackend.batches = []
    with purge_handlers():
        yield RecordingBackend.batches
    RecordingBackend.batches = []


@pytest.fixture
def pages(site_tree):
    """A condition linked to two therapies, a third therapy on its own, a practitioner who
    reviewed the condition and a therapy, and a body area the condition is in."""
    reviewer = Practitioner.objects.create(name="Dr Ana Ruiz")
    area = BodyAreaFactory()
    massage = TherapyPageFactory(
        parent=site_tree.therapies, title="Massage", slug="massage", reviewed_by=reviewer
    )
    heat = TherapyPageFactory(parent=site_tree.therapies, title="Heat", slug="heat")
    alone = TherapyPageFactory(parent=site_tree.therapies, title="Alone", slug="alone")
    cramp = ConditionPageFactory(
        parent=site_tree.conditions, title="Cramp", slug="cramp", reviewed_by=reviewer
    )
    cramp.body_areas.set([area])
    cramp.save()  # a ParentalManyToManyField is written on save
    link_therapies(cramp, [massage, heat])
    return type(
        "Pages",
        (),
        {
            "tree": site_tree,
            "conditions": site_tree.conditions,
            "therapies": site_tree.therapies,
            "cramp": ConditionPage.objects.get(pk=cramp.pk),
            "massage": TherapyPage.objects.get(pk=massage.pk),
            "heat": heat,
            "alone": alone,
            "reviewer": reviewer,
            "area": area,
        },
    )


def committed(django_capture_on_commit_callbacks, purged, change):
    """The batches purged by ``change()``: none before its transaction commits."""
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            change()
        assert purged == [], "purged before the commit"
    return purged


def publish(page):
    page.save_revision().publish()


def test_a_published_condition_purges_its_therapies_index_sitemap_and_api(
    pages, purged, django_capture_on_commit_callbacks
):
    batches = committed(django_capture_on_commit_callbacks, purged, lambda: publish(pages.cramp))
    assert batches == [sorted(page_urls(pages.cramp, pages.massage, pages.heat, pages.conditions))]
    assert f"{ROOT}/conditions/cramp/" in batches[0]
    assert f"{ROOT}/sitemap.xml" in batches[0]
    assert api_urls(pages.cramp) <= set(batches[0])


def test_a_published_therapy_purges_the_conditions_linking_it_and_its_index(
    pages, purged, django_capture_on_commit_callbacks
):
    batches = committed(django_capture_on_commit_callbacks, purged, lambda: publish(pages.massage))
    assert batches == [sorted(page_urls(pages.massage, pages.cramp, pages.therapies))]


def test_a_therapy_no_condition_links_purges_itself_and_its_index(
    pages, purged, django_capture_on_commit_callbacks
):
    batches = committed(django_capture_on_commit_callbacks, purged, lambda: publish(pages.alone))
    assert batches == [sorted(page_urls(pages.alone, pages.therapies))]


def test_a_published_index_purges_itself_and_its_children(
    pages, purged, django_capture_on_commit_callbacks
):
    batches = committed(
        django_capture_on_commit_callbacks, purged, lambda: publish(pages.therapies)
    )
    assert batches == [sorted(page_urls(pages.therapies, pages.massage, pages.heat, pages.alone))]


def test_an_unpublished_condition_purges_as_a_published_one(
    pages, purged, django_capture_on_commit_callbacks
):
    batches = committed(django_capture_on_commit_callbacks, purged, pages.cramp.unpublish)
    assert batches == [sorted(page_urls(pages.cramp, pages.massage, pages.heat, pages.conditions))]


def test_a_deleted_therapy_purges_the_conditions_that_listed_it(
    pages, purged, django_capture_on_commit_callbacks
):
    therapy = pages.massage
    expected = page_urls(therapy, pages.cramp, pages.therapies)
    batches = committed(django_capture_on_commit_callbacks, purged, therapy.delete)
    assert batches == [sorted(expected)]


def test_a_therapy_unlinked_from_a_condition_is_purged_with_it(
    pages, purged, django_capture_on_commit_callbacks
):
    def unlink_heat():
        pages.cramp.therapy_links.remove(pages.cramp.therapy_links.get(therapy=pages.heat))
        publish(pages.cramp)

    batches = committed(django_capture_on_commit_callbacks, purged, unlink_heat)
    assert ConditionTherapy.objects.filter(therapy=pages.heat).count() == 0
    assert batches == [sorted(page_urls(pages.cramp, pages.massage, pages.heat, pages.conditions))]


def test_a_moved_condition_is_purged_at_its_old_and_new_urls_with_both_indexes(
    pages, purged, django_capture_on_commit_callbacks
):
    other_index = type(pages.conditions)(title="More conditions", slug="more", intro="")
    pages.tree.home.add_child(instance=other_index)
    old = {ROOT + "/conditions/cramp/"}

    def move():
        pages.cramp.move(other_index, pos="last-child")

    batches = committed(django_capture_on_commit_callbacks, purged, move)
    moved = Page.objects.get(pk=pages.cramp.pk).specific
    assert moved.url == "/more/cramp/"
    expected = page_urls(moved, pages.massage, pages.heat, other_index, pages.conditions) | old
    assert batches == [sorted(expected)]


def test_a_body_area_purges_its_conditions_and_the_condition_indexes(
    pages, purged, django_capture_on_commit_callbacks
):
    def rename():
        pages.area.name = "Lower back"
        pages.area.save()

    batches = committed(django_capture_on_commit_callbacks, purged, rename)
    assert batches == [sorted(page_urls(pages.cramp, pages.conditions))]


def test_a_practitioner_purges_the_pages_they_reviewed(
    pages, purged, django_capture_on_commit_callbacks
):
    def rename():
        pages.reviewer.name = "Dr Ana Ruiz Pérez"
        pages.reviewer.save()

    batches = committed(django_capture_on_commit_callbacks, purged, rename)
    assert batches == [sorted(page_urls(pages.cramp, pages.massage))]


def test_a_deleted_practitioner_purges_the_pages_they_reviewed(
    pages, purged, django_capture_on_commit_callbacks
):
    batches = committed(django_capture_on_commit_callbacks, purged, pages.reviewer.delete)
    assert batches == [sorted(page_urls(pages.cramp, pages.massage))]


def test_the_clinic_settings_purge_every_page_of_ours_in_the_site(
    pages, purged, django_capture_on_commit_callbacks
):
    def save_settings():
        clinic = ClinicSettings.for_site(pages.tree.site)
        clinic.phone = "+44 20 7946 0000"
        clinic.save()

    batches = committed(django_capture_on_commit_callbacks, purged, save_settings)
    everything = [pages.conditions, pages.therapies, pages.cramp, pages.massage, pages.heat]
    assert batches == [sorted(page_urls(*everything, pages.alone))]


def test_a_rolled_back_change_purges_nothing(pages, purged, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            publish(pages.massage)
            transaction.set_rollback(True)
        with transaction.atomic():
            publish(pages.alone)
    assert purged == [sorted(page_urls(pages.alone, pages.therapies))]


def test_nothing_is_collected_without_a_front_end_cache(
    pages, purged, settings, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    del settings.WAGTAILFRONTENDCACHE
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        frontend_cache.page_changed(TherapyPage, instance=pages.massage)
    assert callbacks == [] and purged == []


def test_a_failing_cdn_never_fails_the_publish(
    pages, purged, settings, django_capture_on_commit_callbacks, caplog
):
    settings.WAGTAILFRONTENDCACHE = backends(FailingBackend, RecordingBackend)
    pages.massage.title = "Deep tissue massage"
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        publish(pages.massage)
    assert TherapyPage.objects.get(pk=pages.massage.pk).title == "Deep tissue massage"
    assert purged == [sorted(page_urls(pages.massage, pages.cramp, pages.therapies))]
    assert "the CDN is down" in caplog.text or "Could not purge" in caplog.text


def test_finding_the_pages_failing_never_fails_the_publish(
    pages, purged, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broken(page):
        raise RuntimeError("a host's page model is broken")

    monkeypatch.setattr(frontend_cache, "related_pages", broken)
    with django_capture_on_commit_callbacks(execute=True):
        publish(pages.massage)
    assert "Could not find the pages to purge" in caplog.text
    assert TherapyPage.objects.get(pk=pages.massage.pk).live


def test_the_site_urls_are_the_routed_sitemap_and_api(db):
    assert {f"{ROOT}{path}" for path in frontend_cache.site_paths()} == site_urls()
