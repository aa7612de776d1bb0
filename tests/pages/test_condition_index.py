"""The condition index: A–Z list, letter navigation, body-area filter, search and pagination;
every test runs on our index and on a host's built on our mixins (``tests/testapp``)."""

from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.db import transaction
from django.test import override_settings
from pytest_django.asserts import assertContains, assertNotContains
from wagtail.models import PageViewRestriction

from tests.builders.pages import PAGE_SETS, BodyAreaFactory

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def listed_titles(response):
    """Condition titles on the page, in the order shown: under their A–Z letters, or best
    first as search results."""
    cards = soup(response).select(":is(.wc-az-group, .wc-results) .wc-card__title a")
    return [a.get_text(strip=True) for a in cards]


def group_letters(response):
    return [h2.get_text(strip=True) for h2 in soup(response).select(".wc-az-group__letter")]


def nav_letters(response):
    """{letter: href or None} of the A–Z navigation."""
    letters = {}
    for item in soup(response).select("nav.wc-az li"):
        link = item.find("a")
        letters[item.get_text(strip=True)] = link["href"] if link else None
    return letters


def pagination_queries(response):
    """{rel: parsed query string} of the previous/next pagination links."""
    return {
        a["rel"][0]: parse_qs(urlsplit(a["href"]).query)
        for a in soup(response).select("nav.wc-pagination a[rel]")
    }


@pytest.fixture(scope="module", params=PAGE_SETS, ids=str)
def condition_index(request, module_transaction, django_db_blocker):
    """The same conditions under our index, then under a host's (built on our mixins)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _make_condition_index(request.param)
        transaction.set_rollback(True)


def _make_condition_index(pages):
    made = SimpleNamespace(pages=pages)
    made.tree = pages.make_tree()
    made.index = made.tree.conditions
    made.back = BodyAreaFactory(name="Back", slug="back", sort_order=1)
    made.head = BodyAreaFactory(name="Head", slug="head", sort_order=2)
    made.limbs = BodyAreaFactory(name="Arms and legs", slug="arms-and-legs", sort_order=3)
    made.unused = BodyAreaFactory(name="Feet", slug="feet", sort_order=4)

    def condition(title, areas=(), **fields):
        page = pages.condition(parent=made.index, title=title, **fields)
        if areas:
            page.body_areas.set(areas)
            page.save()
        return page

    made.back_pain = condition(
        "Back pain",
        [made.back],
        summary="Pain anywhere along the spine.",
        alternative_names="lumbago",
    )
    made.spasms = condition(
        "Muscle spasms",
        [made.back, made.limbs],
        summary="Sudden tightening of a muscle.",
        alternative_names="muscle cramps, charley horse",
    )
    made.migraine = condition(
        "Migraine", [made.head], summary="A throbbing headache, often with sickness."
    )
    made.epicondylitis = condition(
        "Épicondylitis", [made.limbs], summary="Pain on the outside of the elbow."
    )
    made.metatarsal = condition("5th metatarsal fracture", summary="A break in a foot bone.")
    made.draft = pages.condition(
        parent=made.index, title="Meniscus tear", summary="A knee injury.", live=False
    )
    made.draft.body_areas.set([made.unused])
    made.draft.save()
    made.private = condition("Whiplash", [made.unused], summary="A neck injury.")
    PageViewRestriction.objects.create(
        page=made.private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    return made


@pytest.fixture
def get(client, condition_index):
    """GET the condition index with the given query parameters; it must answer 200."""

    def get(**params):
        response = client.get(condition_index.index.url, params)
        assert response.status_code == 200
        return response

    return get


def test_conditions_are_grouped_under_their_first_letter(get, condition_index):
    response = get()
    assert group_letters(response) == ["B", "E", "M", "#"]
    assert listed_titles(response) == [
        "Back pain",
        "Épicondylitis",
        "Migraine",
        "Muscle spasms",
        "5th metatarsal fracture",
    ]
    assertContains(response, "5 conditions")


def test_accented_titles_are_filed_under_the_plain_letter(get, condition_index):
    response = get(letter="E")
    assert listed_titles(response) == ["Épicondylitis"]


def test_letters_with_conditions_are_links_and_the_others_are_not(get, condition_index):
    letters = nav_letters(get())
    assert len(letters) == 27
    assert letters["M"] == "?letter=M"
    assert letters["#"] == "?letter=%23"
    assert letters["A"] is None
    assert letters["Z"] is None
    assert {letter for letter, href in letters.items() if href} == {"#", "B", "E", "M"}


def test_letter_shows_only_conditions_filed_under_it(get, condition_index):
    response = get(letter="M")
    assert listed_titles(response) == ["Migraine", "Muscle spasms"]
    assertContains(response, '<a href="?letter=M" aria-current="true">M</a>', html=True)
    assertContains(response, "Show all conditions")


def test_letter_is_case_insensitive(get, condition_index):
    assert listed_titles(get(letter="m")) == ["Migraine", "Muscle spasms"]


def test_hash_shows_conditions_starting_with_a_digit(get, condition_index):
    assert listed_titles(get(letter="#")) == ["5th metatarsal fracture"]


def test_letter_without_conditions_is_ignored(get, condition_index):
    response = get(letter="Z")
    assert len(listed_titles(response)) == 5
    assertNotContains(response, "aria-current")


def test_letter_links_keep_the_chosen_body_area(get, condition_index):
    letters = nav_letters(get(area="back"))
    assert letters["M"] == "?letter=M&area=back"


def test_area_shows_only_conditions_in_that_area(get, condition_index):
    response = get(area="back")
    assert listed_titles(response) == ["Back pain", "Muscle spasms"]
    assertContains(response, '<option value="back" selected>Back</option>', html=True)


def test_unknown_area_is_ignored(get, condition_index):
    response = get(area="no-such-area")
    assert len(listed_titles(response)) == 5
    assertNotContains(response, "Show all conditions")


def test_only_areas_of_listed_conditions_are_offered(get, condition_index):
    options = [option["value"] for option in soup(get()).select("#wc-condition-area option")]
    assert options == ["", "back", "head", "arms-and-legs"]


def test_area_of_a_draft_or_private_condition_is_ignored(get, condition_index):
    assert len(listed_titles(get(area="feet"))) == 5


def test_area_and_letter_combine(get, condition_index):
    assert listed_titles(get(area="back", letter="M")) == ["Muscle spasms"]


def test_search_matches_titles(get, condition_index):
    response = get(q="migraine")
    assert listed_titles(response) == ["Migraine"]
    assertContains(response, 'value="migraine"')


def test_search_matches_alternative_names(get, condition_index):
    assert listed_titles(get(q="lumbago")) == ["Back pain"]
    assert listed_titles(get(q="charley")) == ["Muscle spasms"]


def test_search_matches_summaries(get, condition_index):
    assert listed_titles(get(q="elbow")) == ["Épicondylitis"]


def test_search_does_not_find_drafts_or_private_conditions(get, subtests, condition_index):
    for query in ("meniscus", "whiplash"):
        with subtests.test(query=query):
            response = get(q=query)
            assert listed_titles(response) == []
            assertContains(response, f"No conditions found for “{query}”")


def test_search_finds_the_start_of_a_word(get, condition_index):
    """A patient types part of a word: "cramp" finds "muscle cramps" (an alternative name),
    "spasm" and "migr" find titles, "lumb" an alternative name, "épicond" ignores accents."""
    assert listed_titles(get(q="cramp")) == ["Muscle spasms"]
    assert listed_titles(get(q="spasm")) == ["Muscle spasms"]
    assert listed_titles(get(q="migr")) == ["Migraine"]
    assert listed_titles(get(q="lumb")) == ["Back pain"]
    assert listed_titles(get(q="Epicond")) == ["Épicondylitis"]


def test_search_lists_title_matches_first(get, condition_index):
    """ "pain" is in Back pain's title and in Épicondylitis' summary only: the title match
    comes first, and the results are not under A–Z letters."""
    response = get(q="pain")
    assert listed_titles(response) == ["Back pain", "Épicondylitis"]
    heading = soup(response).select_one(".wc-results__title")
    assert heading.get_text(strip=True) == "Results for “pain”"
    assert group_letters(response) == []  # ranked, not under letters


def test_no_results_offer_working_links_back(get, condition_index):
    response = get(q="zzzz", area="back")
    no_results = soup(response).select_one(".wc-no-results")
    assert no_results.h2.get_text(strip=True) == "No conditions found for “zzzz”"
    links = {a.get_text(strip=True): a["href"] for a in no_results.select("a")}
    assert links == {
        "Show all conditions, A to Z": condition_index.index.url,
        "Show all conditions in “Back”": f"{condition_index.index.url}?area=back",
    }
    assert listed_titles(get(area="back")) == ["Back pain", "Muscle spasms"]


def test_search_combines_with_the_area_filter(get, condition_index):
    assert listed_titles(get(q="pain", area="back")) == ["Back pain"]
    assert listed_titles(get(q="lumbago", area="head")) == []


def test_search_escapes_the_query_in_the_form(get, condition_index):
    response = get(q='"><script>alert(1)</script>')
    assertNotContains(response, "<script>alert(1)</script>")
    assertContains(response, "&lt;script&gt;")


def test_odd_queries_do_not_fail(get, subtests, condition_index):
    for query in ("", "   ", "&", "()", "*", "'", "x" * 500, "back\x00pain"):
        with subtests.test(query=query[:10]):
            get(q=query)


def test_drafts_are_not_listed(get, condition_index):
    response = get()
    assertNotContains(response, "Meniscus tear")


def test_private_conditions_are_not_listed(get, condition_index):
    response = get()
    assertNotContains(response, "Whiplash")
    assert nav_letters(response)["W"] is None


def test_conditions_of_another_index_are_not_listed(get, client, condition_index):
    other = type(condition_index.index)(title="Other clinic", slug="other-clinic", intro="")
    condition_index.tree.home.add_child(instance=other)
    condition_index.pages.condition(parent=other, title="Bunions")
    assert "Bunions" not in listed_titles(get())
    response = client.get(other.url)
    assert listed_titles(response) == ["Bunions"]


@override_settings(WAGTAIL_CONDITIONS={"CONDITIONS_PER_PAGE": 2})
def test_conditions_are_split_into_pages(get, condition_index):
    first = get()
    assert listed_titles(first) == ["Back pain", "Épicondylitis"]
    assertContains(first, "Page 1 of 3")
    assertContains(first, "5 conditions")
    assert pagination_queries(first) == {"next": {"page": ["2"]}}

    last = get(page=3)
    assert listed_titles(last) == ["5th metatarsal fracture"]
    assert pagination_queries(last) == {"prev": {"page": ["2"]}}


@override_settings(WAGTAIL_CONDITIONS={"CONDITIONS_PER_PAGE": 2})
def test_page_that_is_not_a_number_shows_the_first_page(get, condition_index):
    response = get(page="abc")
    assertContains(response, "Page 1 of 3")


@override_settings(WAGTAIL_CONDITIONS={"CONDITIONS_PER_PAGE": 2})
def test_page_past_the_end_shows_the_last_page(get, condition_index):
    response = get(page="999")
    assertContains(response, "Page 3 of 3")
    assert listed_titles(response) == ["5th metatarsal fracture"]


@override_settings(WAGTAIL_CONDITIONS={"CONDITIONS_PER_PAGE": 2})
def test_page_numbers_below_one_do_not_fail(get, subtests, condition_index):
    for page in ("0", "-1", "1.5", ""):
        with subtests.test(page=page):
            assertContains(get(page=page), " of 3")


@override_settings(WAGTAIL_CONDITIONS={"CONDITIONS_PER_PAGE": 2})
def test_pagination_links_keep_the_search_area_and_letter(get, condition_index):
    for title in ("Mid-back pain", "Muscle strain"):
        page = condition_index.pages.condition(
            parent=condition_index.index, title=title, summary="Back pain."
        )
        page.body_areas.set([condition_index.back])
        page.save()

    response = get(q="pain", area="back", letter="M")
    assert listed_titles(response) == ["Mid-back pain", "Muscle strain"]
    with override_settings(WAGTAIL_CONDITIONS={"CONDITIONS_PER_PAGE": 1}):
        first = get(q="pain", area="back", letter="M")
        second = get(q="pain", area="back", letter="M", page=2)
    assert listed_titles(first) == ["Mid-back pain"]
    assert listed_titles(second) == ["Muscle strain"]
    filters = {"q": ["pain"], "area": ["back"], "letter": ["M"]}
    assert pagination_queries(first) == {"next": {**filters, "page": ["2"]}}
    assert pagination_queries(second) == {"prev": {**filters, "page": ["1"]}}


@override_settings(WAGTAIL_CONDITIONS={"CONDITIONS_PER_PAGE": 2})
def test_count_reflects_the_filtered_results(get, condition_index):
    response = get(q="pain")
    assertContains(response, "2 conditions")
    assertNotContains(response, "wc-pagination")
