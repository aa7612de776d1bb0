"""Previews in a decoupled front end (wagtail-headless-preview) and the ``page_preview`` endpoint."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth import get_user_model
from django.core.signing import TimestampSigner
from django.test import TestCase
from wagtail_headless_preview.models import PagePreview

from tests.builders.pages import ConditionPageFactory, TherapyPageFactory, make_site_tree
from wagtail_conditions import demo
from wagtail_conditions.models import ConditionIndexPage, ConditionPage

CLIENT_URL = "http://testserver/static/headless/index.html"
PREVIEW_ENDPOINT = "/api/v2/page_preview/"


def preview_params(response):
    """The query parameters of the client URL in the preview iframe of ``response``."""
    match = re.search(r'<iframe src="([^"]+)"', response.content.decode())
    assert match, "the preview response has no iframe"
    url = unescape(match.group(1))
    assert url.startswith(CLIENT_URL + "?"), url
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


class HeadlessPreviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        tree = make_site_tree()
        demo.load_demo(parent=tree.home)
        cls.condition = ConditionPage.objects.get(slug="muscle-spasms")
        cls.editor = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")

    def setUp(self):
        self.client.force_login(self.editor)

    def save_draft(self, **changes):
        page = ConditionPage.objects.get(pk=self.condition.pk)
        for name, value in changes.items():
            setattr(page, name, value)
        page.save_revision(user=self.editor)  # a draft: the live page keeps its content
        return page

    def preview_draft(self):
        """Preview the latest draft as an editor does, from the admin's "Preview" link."""
        response = self.client.get(f"/admin/pages/{self.condition.pk}/view_draft/")
        self.assertEqual(response.status_code, 200)
        return preview_params(response)

    def test_previewing_a_draft_opens_the_client_with_a_signed_token(self):
        self.save_draft(summary="A draft summary.")

        params = self.preview_draft()

        self.assertEqual(params["content_type"], "wagtail_conditions.conditionpage")
        self.assertEqual(
            ConditionPage.get_preview_signer().unsign(params["token"]), f"id={self.condition.pk}"
        )
        self.assertTrue(PagePreview.objects.filter(token=params["token"]).exists())

    def test_the_endpoint_serves_the_draft_not_the_live_page(self):
        self.save_draft(title="Muscle spasms (draft)", summary="A draft summary.")

        response = self.client.get(PREVIEW_ENDPOINT, self.preview_draft())

        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["id"], self.condition.pk)
        self.assertEqual(data["title"], "Muscle spasms (draft)")
        self.assertEqual(data["summary"], "A draft summary.")
        self.assertEqual(data["meta"]["type"], "wagtail_conditions.ConditionPage")
        live = self.client.get(f"/api/v2/pages/{self.condition.pk}/").json()
        self.assertNotEqual(live["summary"], "A draft summary.")

    def test_the_preview_has_the_same_fields_as_the_pages_endpoint(self):
        self.save_draft(summary="A draft summary.")

        preview = self.client.get(PREVIEW_ENDPOINT, self.preview_draft()).json()
        live = self.client.get(f"/api/v2/pages/{self.condition.pk}/").json()

        self.assertEqual(set(preview), set(live))
        self.assertEqual(set(preview["meta"]), set(live["meta"]))
        self.assertEqual(
            [therapy["title"] for therapy in preview["therapies"]],
            [therapy["title"] for therapy in live["therapies"]],
        )
        self.assertEqual(preview["sections"], live["sections"])

    def test_the_detail_url_answers_like_the_listing(self):
        params = self.preview_draft()

        response = self.client.get(f"{PREVIEW_ENDPOINT}{self.condition.pk}/", params)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["id"], self.condition.pk)

    def test_a_new_page_not_yet_saved_can_be_previewed(self):
        index = self.condition.get_parent()
        page = ConditionPage(title="Shin splints", slug="shin-splints", summary="Pain in the shin.")
        page.set_url_path(index)
        page.path, page.depth = index.path + "9999", index.depth + 1

        preview = page.create_page_preview()
        response = self.client.get(
            PREVIEW_ENDPOINT,
            {"content_type": "wagtail_conditions.conditionpage", "token": preview.token},
        )

        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["title"], "Shin splints")

    def test_previews_need_no_login(self):
        # The front end fetches without cookies; the signed token is the credential.
        params = self.preview_draft()
        self.client.logout()

        self.assertEqual(self.client.get(PREVIEW_ENDPOINT, params).status_code, 200)


class BadPreviewRequestTests(TestCase):
    """A bad, forged or missing token answers 400 or 404 with a JSON message, never 500."""

    @classmethod
    def setUpTestData(cls):
        tree = make_site_tree()
        cls.therapy = TherapyPageFactory(parent=tree.therapies, title="Massage")
        cls.token = cls.therapy.create_page_preview().token

    def assert_problem(self, params, status, message_part):
        response = self.client.get(PREVIEW_ENDPOINT, params)
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertIn(message_part, response.json()["message"])

    def test_the_token_of_a_real_preview_works(self):
        response = self.client.get(
            PREVIEW_ENDPOINT,
            {"content_type": "wagtail_conditions.therapypage", "token": self.token},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["title"], "Massage")

    def test_missing_parameters(self):
        for params in (
            {},
            {"content_type": "wagtail_conditions.therapypage"},
            {"token": self.token},
            {"content_type": "wagtail_conditions.therapypage", "token": "  "},
        ):
            with self.subTest(params=params):
                self.assert_problem(params, 400, "content_type and token")

    def test_a_forged_or_damaged_token(self):
        for token in (
            "forged",
            "id=1:AAAAAA:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
            self.token[:-2],
        ):
            with self.subTest(token=token):
                self.assert_problem(
                    {"content_type": "wagtail_conditions.therapypage", "token": token},
                    400,
                    "token is not valid",
                )

    def test_a_token_signed_with_another_salt(self):
        token = TimestampSigner(salt="something.else").sign(f"id={self.therapy.pk}")
        self.assert_problem(
            {"content_type": "wagtail_conditions.therapypage", "token": token}, 400, "not valid"
        )

    def test_a_genuine_token_whose_preview_is_gone(self):
        PagePreview.objects.all().delete()
        self.assert_problem(
            {"content_type": "wagtail_conditions.therapypage", "token": self.token},
            404,
            "Preview the page again",
        )

    def test_a_token_for_another_page_type(self):
        self.assert_problem(
            {"content_type": "wagtail_conditions.conditionpage", "token": self.token},
            404,
            "no preview",
        )

    def test_content_types_that_are_not_previewable_pages(self):
        for content_type in ("nonsense", "wagtail_conditions.", "auth.user", "wagtailcore.page"):
            with self.subTest(content_type=content_type):
                self.assert_problem(
                    {"content_type": content_type, "token": self.token}, 400, "content_type"
                )

    def test_the_model_name_is_not_case_sensitive(self):
        response = self.client.get(
            PREVIEW_ENDPOINT,
            {"content_type": "wagtail_conditions.TherapyPage", "token": self.token},
        )
        self.assertEqual(response.status_code, 200)

    def test_previews_are_not_cached(self):
        response = self.client.get(
            PREVIEW_ENDPOINT,
            {"content_type": "wagtail_conditions.therapypage", "token": self.token},
        )
        self.assertIn("no-store", response["Cache-Control"])

    def test_every_page_type_of_ours_previews_in_the_client(self):
        tree_pages = [self.therapy, self.therapy.get_parent().specific]
        condition_index = ConditionIndexPage.objects.get()
        condition = ConditionPageFactory(parent=condition_index, title="Cramp")
        tree_pages += [condition_index, condition]
        for page in tree_pages:
            with self.subTest(page_type=type(page).__name__):
                params = preview_params(page.make_preview_request())
                response = self.client.get(PREVIEW_ENDPOINT, params)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json()["meta"]["type"], page.specific_class._meta.label)
