"""A page kept at an older content version is served again when nothing it shows changed
since (wagtail_conditions/render_deps.py): a publish elsewhere costs it one query, not a
render, and every change it shows still shows on the next view. Each test runs on the
local-memory cache and on Redis (the fixtures of test_render_cache.py)."""

import pytest
from wagtail import blocks
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from tests.builders.appointments import configure
from tests.pages import test_render_cache as cached
from tests.pages.test_render_cache import (
    ANY_TOKEN,
    first_therapy,
    form_section,
    html,
    publish,
    views,
)
from wagtail_conditions import render_cache, render_deps
from wagtail_conditions.models import (
    AppointmentSettings,
    ConditionPage,
    ContentChange,
    ContentVersion,
    TherapyPage,
)

# The fixtures: the render cache on, locmem and Redis; the demo's condition page.
render_cache_backend = cached.render_cache_backend
condition = cached.condition


def home():
    return Site.objects.get(is_default_site=True).root_page


def deep_page(*slugs):
    """A plain page at home/<slugs…>, each level published: deeper than a menu lists."""
    parent = home()
    for slug in slugs:
        parent = parent.add_child(instance=Page(title=slug.title(), slug=slug))
    return parent


def link_in_text(condition, page, text="our team"):
    """``condition`` published with a rich text link to ``page`` in its first section."""
    fresh = ConditionPage.objects.get(pk=condition.pk)
    link = f'<p><a linktype="page" id="{page.pk}">{text}</a></p>'
    fresh.overview.append(("paragraph", RichText(link)))
    publish(fresh)
    return fresh


def add_condition(condition, title="Tennis elbow", slug="tennis-elbow"):
    index = condition.get_parent()
    return index.add_child(instance=ConditionPage(title=title, slug=slug, summary="Elbow pain."))


# --- Served again ---------------------------------------------------------------------------


def test_a_publish_elsewhere_serves_the_page_again_in_one_query(client, condition):
    first, _ = views(client, condition.url)
    publish(add_condition(condition))  # another condition, under the same index
    second, queries = views(client, condition.url)
    assert second.templates == []  # not rendered again
    # The cached hit's 7 (test_render_cache) and the changes since the page was rendered.
    assert queries == 8
    assert ANY_TOKEN.sub("", html(first)) == ANY_TOKEN.sub("", html(second))
    assert set(ANY_TOKEN.findall(html(first))).isdisjoint(ANY_TOKEN.findall(html(second)))
    third, queries = views(client, condition.url)
    assert third.templates == [] and queries == 7  # kept under the new version


def test_the_setting_turns_it_off(client, condition, settings):
    configure(settings, RENDER_CACHE=True, RENDER_CACHE_DEPENDENCIES=False)
    views(client, condition.url)
    publish(add_condition(condition))
    assert views(client, condition.url)[0].templates


def test_a_page_kept_too_long_is_rendered_again(client, condition, monkeypatch):
    views(client, condition.url)
    publish(add_condition(condition))
    later = render_cache.time.time() + render_cache.conf.RENDER_CACHE_TIMEOUT
    monkeypatch.setattr(render_cache.time, "time", lambda: later)
    assert views(client, condition.url)[0].templates


def test_a_change_whose_record_is_gone_renders_the_page_again(client, condition):
    views(client, condition.url)
    publish(add_condition(condition))
    ContentChange.objects.filter(version=ContentVersion.current()).delete()
    assert views(client, condition.url)[0].templates


def test_a_change_the_package_cannot_describe_renders_every_page_again(client, condition):
    views(client, condition.url)
    render_cache.new_content_version()
    assert views(client, condition.url)[0].templates


# --- Every change a page shows still shows --------------------------------------------------


def test_a_therapy_lists_a_condition_that_links_it_once_published(client, condition):
    therapy = first_therapy(condition)
    assert "Tennis elbow" not in html(views(client, therapy.url)[0])
    tennis = add_condition(condition)
    tennis.therapy_links.create(therapy=therapy, sort_order=0)
    publish(tennis)
    assert "Tennis elbow" in html(views(client, therapy.url)[0])


def test_a_linked_therapy_published_again_is_listed_again(client, condition):
    therapy = first_therapy(condition)
    therapy.unpublish()
    assert f'href="{therapy.url}"' not in html(views(client, condition.url)[0])
    publish(TherapyPage.objects.get(pk=therapy.pk))
    assert f'href="{therapy.url}"' in html(views(client, condition.url)[0])


def test_a_page_linked_in_rich_text_follows_its_parent_renamed(client, condition):
    team = deep_page("about", "clinic", "team")
    link_in_text(condition, team)
    assert 'href="/about/clinic/team/"' in html(views(client, condition.url)[0])
    clinic = team.get_parent()
    clinic.slug = "our-clinic"
    publish(clinic)  # four levels down: a change of its own, not a global one
    assert ContentChange.objects.filter(version=ContentVersion.current()).exclude(path="")
    page = html(views(client, condition.url)[0])
    assert 'href="/about/our-clinic/team/"' in page and 'href="/about/clinic/team/"' not in page


def test_a_page_linked_in_rich_text_unpublished_renders_the_page_again(client, condition):
    team = deep_page("about", "clinic", "team")
    link_in_text(condition, team)
    views(client, condition.url)
    assert views(client, condition.url)[0].templates == []
    team.unpublish()  # Wagtail's rich text still links it; what it shows is read again
    assert views(client, condition.url)[0].templates


def test_a_page_a_setting_chooses_is_a_change_of_every_page(client, condition):
    privacy = deep_page("about", "clinic", "privacy")
    site_settings = AppointmentSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.privacy_notice = privacy
    site_settings.save()
    assert 'href="/about/clinic/privacy/"' in form_section(views(client, condition.url)[0])
    privacy.slug = "privacy-notice"
    publish(privacy)
    (change,) = ContentChange.objects.filter(version=ContentVersion.current())
    assert change.is_global
    section = form_section(views(client, condition.url)[0])
    assert 'href="/about/clinic/privacy-notice/"' in section


def test_a_page_near_the_top_of_the_site_is_a_change_of_every_page(client, condition):
    views(client, condition.url)
    home().add_child(instance=Page(title="News", slug="news"))  # what a menu lists
    assert all(change.is_global for change in ContentChange.objects.filter(
        version=ContentVersion.current()
    ))
    assert views(client, condition.url)[0].templates


def test_a_page_deleted_is_a_change_of_every_page(client, condition):
    team = deep_page("about", "clinic", "team")
    views(client, condition.url)
    team.delete()
    assert ContentChange.objects.get(version=ContentVersion.current()).is_global


def test_a_move_records_the_page_and_its_old_parent(condition):
    team = deep_page("about", "clinic", "team")
    old_parent = team.get_parent()
    new_parent = old_parent.get_parent().add_child(instance=Page(title="People", slug="people"))
    team.move(new_parent, pos="last-child")
    team.refresh_from_db()
    paths = set(
        ContentChange.objects.filter(version=ContentVersion.current()).values_list(
            "path", flat=True
        )
    )
    assert paths == {team.path, old_parent.path}


# --- What a page declares -------------------------------------------------------------------


def test_a_condition_declares_itself_its_therapies_and_the_pages_it_links(condition):
    team = deep_page("about", "clinic", "team")
    page = link_in_text(condition, team)
    request = type("Request", (), {})()
    dependencies = page.get_render_dependencies(request, {})
    therapies = TherapyPage.objects.filter(
        pk__in=page.therapy_links.values("therapy_id")
    ).values_list("path", "translation_key")
    # Besides the demo's own links (its resources link the therapy index, among others).
    assert {page.path, team.path, *(path for path, _key in therapies)} <= dependencies.paths
    linked = Page.objects.filter(pk__in=render_deps.linked_page_ids(page))
    assert set(linked.values_list("path", flat=True)) <= dependencies.paths
    assert str(page.translation_key) in dependencies.translation_keys
    assert dependencies.models == frozenset()
    therapy = TherapyPage.objects.get(pk=first_therapy(page).pk)
    assert "wagtail_conditions.conditionpage" in therapy.get_render_dependencies(request, {}).models


def test_dependencies_are_touched_by_a_change_at_or_above_what_they_show():
    dependencies = render_deps.Dependencies(
        paths=frozenset({"0001000100020003"}),
        translation_keys=frozenset({"7c1f6e5e-0000-4000-8000-000000000001"}),
        models=frozenset({"app.thing"}),
    )
    assert dependencies.touched_by("", None, "")  # global
    assert dependencies.touched_by("0001000100020003", None, "app.other")  # the page shown
    assert dependencies.touched_by("00010001", None, "app.other")  # one above it
    assert not dependencies.touched_by("0001000100020004", None, "app.other")  # a sibling
    assert not dependencies.touched_by("00010001000200030001", None, "app.other")  # below it
    assert dependencies.touched_by("0001000900010001", None, "app.thing")
    assert dependencies.touched_by(
        "0001000900010001", "7c1f6e5e-0000-4000-8000-000000000001", "app.other"
    )


@pytest.mark.parametrize(
    "raw",
    [
        # A list in Wagtail's format and in the older one.
        {"pages": [{"type": "item", "value": 5, "id": "a"}, {"type": "item", "value": 6}]},
        {"pages": [5, 6]},
    ],
)
def test_the_walk_reads_page_ids_through_streams_lists_and_structs(raw):
    stream = blocks.StreamBlock(
        [
            ("links", blocks.StructBlock([("pages", blocks.ListBlock(blocks.PageChooserBlock()))])),
            ("text", blocks.RichTextBlock()),
            ("nested", blocks.StreamBlock([("page", blocks.PageChooserBlock())])),
            ("plain", blocks.CharBlock()),
        ]
    )
    data = [
        {"type": "links", "value": raw, "id": "1"},
        {"type": "text", "value": '<p><a linktype="page" id="7">x</a> <a href="/x">y</a></p>'},
        {"type": "nested", "value": [{"type": "page", "value": 8}, {"type": "page", "value": None}]},
        {"type": "plain", "value": 'linktype="page" id="9"'},
        {"type": "removed-type", "value": 10},
    ]
    assert set(render_deps._walk(stream, data)) == {5, 6, 7, 8}


def test_old_changes_are_forgotten_and_a_page_older_than_them_rendered_again(
    client, condition, monkeypatch
):
    monkeypatch.setattr(ContentChange, "KEPT", 3)
    views(client, condition.url)
    team = deep_page("about", "clinic", "team")
    # A version each, touching nothing the condition shows, up to a fiftieth (when the oldest
    # are forgotten).
    render_cache.new_content_version(team)
    while ContentVersion.current() % 50:
        render_cache.new_content_version(team)
    current = ContentVersion.current()
    assert not ContentChange.objects.filter(version__lte=current - 3).exists()
    assert ContentChange.objects.filter(version=current).exists()
    assert views(client, condition.url)[0].templates  # rendered before what is kept


def test_a_thank_you_after_a_publish_elsewhere_is_made_from_the_page_kept_before_it(
    client, condition
):
    views(client, condition.url)
    publish(add_condition(condition))  # a new version that touches nothing the page shows
    response = cached.sent_form(client, condition)
    assert response.status_code == 303, html(response)
    thank_you = client.get(response["Location"])
    assert "Request sent" in html(thank_you)
    assert '<meta name="robots" content="noindex">' in html(thank_you)
    # The form's section rendered alone into the page kept at the older version.
    assert not any("base.html" in template.name for template in thank_you.templates)
