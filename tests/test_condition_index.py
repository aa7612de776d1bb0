"""The condition index: A–Z list, letter navigation, body-area filter, search and pagination."""

from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup
from django.test import TestCase, override_settings
from wagtail.models import PageViewRestriction

from tests.factories import BodyAreaFactory, ConditionPageFactory, make_site_tree


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def listed_titles(response):
    """Condition titles on the page, in the order shown."""
    return [a.get_text(strip=True) for a in soup(response).select(".wc-az-group .wc-card__title a")]


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


class ConditionIndexTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = make_site_tree()
        cls.index = cls.tree.conditions
        cls.back = BodyAreaFactory(name="Back", slug="back", sort_order=1)
        cls.head = BodyAreaFactory(name="Head", slug="head", sort_order=2)
        cls.limbs = BodyAreaFactory(name="Arms and legs", slug="arms-and-legs", sort_order=3)
        cls.unused = BodyAreaFactory(name="Feet", slug="feet", sort_order=4)

        def condition(title, areas=(), **fields):
            page = ConditionPageFactory(parent=cls.index, title=title, **fields)
            if areas:
                page.body_areas.set(areas)
                page.save()
            return page

        cls.back_pain = condition(
            "Back pain", [cls.back], summary="Pain anywhere along the spine.", alternative_names="lumbago"
        )
        cls.spasms = condition(
            "Muscle spasms",
            [cls.back, cls.limbs],
            summary="Sudden tightening of a muscle.",
            alternative_names="muscle cramps, charley horse",
        )
        cls.migraine = condition(
            "Migraine", [cls.head], summary="A throbbing headache, often with sickness."
        )
        cls.epicondylitis = condition(
            "Épicondylitis", [cls.limbs], summary="Pain on the outside of the elbow."
        )
        cls.metatarsal = condition("5th metatarsal fracture", summary="A break in a foot bone.")
        cls.draft = ConditionPageFactory(
            parent=cls.index, title="Meniscus tear", summary="A knee injury.", live=False
        )
        cls.draft.body_areas.set([cls.unused])
        cls.draft.save()
        cls.private = condition("Whiplash", [cls.unused], summary="A neck injury.")
        PageViewRestriction.objects.create(
            page=cls.private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )

    def get(self, **params):
        response = self.client.get(self.index.url, params)
        self.assertEqual(response.status_code, 200)
        return response


class AToZTests(ConditionIndexTestCase):
    def test_conditions_are_grouped_under_their_first_letter(self):
        response = self.get()
        self.assertEqual(group_letters(response), ["B", "E", "M", "#"])
        self.assertEqual(
            listed_titles(response),
            ["Back pain", "Épicondylitis", "Migraine", "Muscle spasms", "5th metatarsal fracture"],
        )
        self.assertContains(response, "5 conditions")

    def test_accented_titles_are_filed_under_the_plain_letter(self):
        response = self.get(letter="E")
        self.assertEqual(listed_titles(response), ["Épicondylitis"])

    def test_letters_with_conditions_are_links_and_the_others_are_not(self):
        letters = nav_letters(self.get())
        self.assertEqual(len(letters), 27)
        self.assertEqual(letters["M"], "?letter=M")
        self.assertEqual(letters["#"], "?letter=%23")
        self.assertIsNone(letters["A"])
        self.assertIsNone(letters["Z"])
        self.assertEqual({letter for letter, href in letters.items() if href}, {"#", "B", "E", "M"})

    def test_letter_shows_only_conditions_filed_under_it(self):
        response = self.get(letter="M")
        self.assertEqual(listed_titles(response), ["Migraine", "Muscle spasms"])
        self.assertContains(response, '<a href="?letter=M" aria-current="true">M</a>', html=True)
        self.assertContains(response, "Show all conditions")

    def test_letter_is_case_insensitive(self):
        self.assertEqual(listed_titles(self.get(letter="m")), ["Migraine", "Muscle spasms"])

    def test_hash_shows_conditions_starting_with_a_digit(self):
        self.assertEqual(listed_titles(self.get(letter="#")), ["5th metatarsal fracture"])

    def test_letter_without_conditions_is_ignored(self):
        response = self.get(letter="Z")
        self.assertEqual(len(listed_titles(response)), 5)
        self.assertNotContains(response, "aria-current")

    def test_letter_links_keep_the_chosen_body_area(self):
        letters = nav_letters(self.get(area="back"))
        self.assertEqual(letters["M"], "?letter=M&area=back")


class BodyAreaFilterTests(ConditionIndexTestCase):
    def test_area_shows_only_conditions_in_that_area(self):
        response = self.get(area="back")
        self.assertEqual(listed_titles(response), ["Back pain", "Muscle spasms"])
        self.assertContains(response, '<option value="back" selected>Back</option>', html=True)

    def test_unknown_area_is_ignored(self):
        response = self.get(area="no-such-area")
        self.assertEqual(len(listed_titles(response)), 5)
        self.assertNotContains(response, "Show all conditions")

    def test_only_areas_of_listed_conditions_are_offered(self):
        options = [option["value"] for option in soup(self.get()).select("#wc-condition-area option")]
        self.assertEqual(options, ["", "back", "head", "arms-and-legs"])

    def test_area_of_a_draft_or_private_condition_is_ignored(self):
        self.assertEqual(len(listed_titles(self.get(area="feet"))), 5)

    def test_area_and_letter_combine(self):
        self.assertEqual(listed_titles(self.get(area="back", letter="M")), ["Muscle spasms"])


class SearchTests(ConditionIndexTestCase):
    def test_search_matches_titles(self):
        response = self.get(q="migraine")
        self.assertEqual(listed_titles(response), ["Migraine"])
        self.assertContains(response, 'value="migraine"')

    def test_search_matches_alternative_names(self):
        self.assertEqual(listed_titles(self.get(q="lumbago")), ["Back pain"])
        self.assertEqual(listed_titles(self.get(q="charley")), ["Muscle spasms"])

    def test_search_matches_summaries(self):
        self.assertEqual(listed_titles(self.get(q="elbow")), ["Épicondylitis"])

    def test_search_does_not_find_drafts_or_private_conditions(self):
        for query in ("meniscus", "whiplash"):
            with self.subTest(query=query):
                response = self.get(q=query)
                self.assertEqual(listed_titles(response), [])
                self.assertContains(response, "No conditions match your search.")

    def test_search_combines_with_the_area_filter(self):
        self.assertEqual(listed_titles(self.get(q="pain", area="back")), ["Back pain"])
        self.assertEqual(listed_titles(self.get(q="lumbago", area="head")), [])

    def test_search_escapes_the_query_in_the_form(self):
        response = self.get(q='"><script>alert(1)</script>')
        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertContains(response, "&lt;script&gt;")

    def test_odd_queries_do_not_fail(self):
        for query in ("", "   ", "&", "()", "*", "'", "x" * 500, "back\x00pain"):
            with self.subTest(query=query[:10]):
                self.get(q=query)


class ListingRulesTests(ConditionIndexTestCase):
    def test_drafts_are_not_listed(self):
        response = self.get()
        self.assertNotContains(response, "Meniscus tear")

    def test_private_conditions_are_not_listed(self):
        response = self.get()
        self.assertNotContains(response, "Whiplash")
        self.assertIsNone(nav_letters(response)["W"])

    def test_conditions_of_another_index_are_not_listed(self):
        other = type(self.index)(title="Other clinic", slug="other-clinic", intro="")
        self.tree.home.add_child(instance=other)
        ConditionPageFactory(parent=other, title="Bunions")
        self.assertNotIn("Bunions", listed_titles(self.get()))
        response = self.client.get(other.url)
        self.assertEqual(listed_titles(response), ["Bunions"])


@override_settings(WAGTAIL_CONDITIONS={"CONDITIONS_PER_PAGE": 2})
class PaginationTests(ConditionIndexTestCase):
    def test_conditions_are_split_into_pages(self):
        first = self.get()
        self.assertEqual(listed_titles(first), ["Back pain", "Épicondylitis"])
        self.assertContains(first, "Page 1 of 3")
        self.assertContains(first, "5 conditions")
        self.assertEqual(pagination_queries(first), {"next": {"page": ["2"]}})

        last = self.get(page=3)
        self.assertEqual(listed_titles(last), ["5th metatarsal fracture"])
        self.assertEqual(pagination_queries(last), {"prev": {"page": ["2"]}})

    def test_page_that_is_not_a_number_shows_the_first_page(self):
        response = self.get(page="abc")
        self.assertContains(response, "Page 1 of 3")

    def test_page_past_the_end_shows_the_last_page(self):
        response = self.get(page="999")
        self.assertContains(response, "Page 3 of 3")
        self.assertEqual(listed_titles(response), ["5th metatarsal fracture"])

    def test_page_numbers_below_one_do_not_fail(self):
        for page in ("0", "-1", "1.5", ""):
            with self.subTest(page=page):
                self.assertContains(self.get(page=page), " of 3")

    def test_pagination_links_keep_the_search_area_and_letter(self):
        for title in ("Mid-back pain", "Muscle strain"):
            page = ConditionPageFactory(parent=self.index, title=title, summary="Back pain.")
            page.body_areas.set([self.back])
            page.save()

        response = self.get(q="pain", area="back", letter="M")
        self.assertEqual(listed_titles(response), ["Mid-back pain", "Muscle strain"])
        with override_settings(WAGTAIL_CONDITIONS={"CONDITIONS_PER_PAGE": 1}):
            first = self.get(q="pain", area="back", letter="M")
            second = self.get(q="pain", area="back", letter="M", page=2)
        self.assertEqual(listed_titles(first), ["Mid-back pain"])
        self.assertEqual(listed_titles(second), ["Muscle strain"])
        filters = {"q": ["pain"], "area": ["back"], "letter": ["M"]}
        self.assertEqual(pagination_queries(first), {"next": {**filters, "page": ["2"]}})
        self.assertEqual(pagination_queries(second), {"prev": {**filters, "page": ["1"]}})

    def test_count_reflects_the_filtered_results(self):
        response = self.get(q="pain")
        self.assertContains(response, "2 conditions")
        self.assertNotContains(response, "wc-pagination")
