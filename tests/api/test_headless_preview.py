"""Previews in a decoupled front end (wagtail-headless-preview) and the ``page_preview`` endpoint."""

import re
from html import unescape
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.signing import TimestampSigner
from wagtail_headless_preview.models import PagePreview

from tests.builders.pages import ConditionPageFactory, TherapyPageFactory, make_site_tree
from wagtail_conditions import demo
from wagtail_conditions.models import ConditionPage

pytestmark = pytest.mark.django_db

CLIENT_URL = "http://testserver/static/headless/index.html"
PREVIEW_ENDPOINT = "/api/v2/page_preview/"


def preview_params(response):
    """The query parameters of the client URL in the preview iframe of ``response``."""
    match = re.search(r'<iframe src="([^"]+)"', response.content.decode())
    assert match, "the preview response has no iframe"
    url = unescape(match.group(1))
    assert url.startswith(CLIENT_URL + "?"), url
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


@pytest.fixture(scope="module")
def clinic(module_transaction):
    """The demo's pages, a therapy "Massage" with a preview of its own, and an editor."""
    tree = make_site_tree()
    demo.load_demo(parent=tree.home)
    therapy = TherapyPageFactory(parent=tree.therapies, title="Massage")
    return SimpleNamespace(
        tree=tree,
        condition=ConditionPage.objects.get(slug="muscle-spasms"),
        therapy=therapy,
        token=therapy.create_page_preview().token,
        editor=get_user_model().objects.create_superuser("editor", "editor@example.com", "pw"),
    )


@pytest.fixture
def editor_client(client, clinic, db):
    client.force_login(clinic.editor)
    return client


@pytest.fixture
def save_draft(clinic):
    def save_draft(**changes):
        page = ConditionPage.objects.get(pk=clinic.condition.pk)
        for name, value in changes.items():
            setattr(page, name, value)
        page.save_revision(user=clinic.editor)  # a draft: the live page keeps its content
        return page

    return save_draft


@pytest.fixture
def preview_draft(editor_client, clinic):
    def preview_draft():
        """Preview the latest draft as an editor does, from the admin's "Preview" link."""
        response = editor_client.get(f"/admin/pages/{clinic.condition.pk}/view_draft/")
        assert response.status_code == 200
        return preview_params(response)

    return preview_draft


# --- Previewing a draft ------------------------------------------------------------------------


def test_previewing_a_draft_opens_the_client_with_a_signed_token(clinic, save_draft, preview_draft):
    save_draft(summary="A draft summary.")

    params = preview_draft()

    assert params["content_type"] == "wagtail_conditions.conditionpage"
    assert ConditionPage.get_preview_signer().unsign(params["token"]) == f"id={clinic.condition.pk}"
    assert PagePreview.objects.filter(token=params["token"]).exists()


def test_the_endpoint_serves_the_draft_not_the_live_page(
    clinic, editor_client, save_draft, preview_draft
):
    save_draft(title="Muscle spasms (draft)", summary="A draft summary.")

    response = editor_client.get(PREVIEW_ENDPOINT, preview_draft())

    assert response.status_code == 200
    data = response.json()
    assert data["id"] == clinic.condition.pk
    assert data["title"] == "Muscle spasms (draft)"
    assert data["summary"] == "A draft summary."
    assert data["meta"]["type"] == "wagtail_conditions.ConditionPage"
    live = editor_client.get(f"/api/v2/pages/{clinic.condition.pk}/").json()
    assert live["title"] == "Muscle spasms"
    assert live["summary"] != "A draft summary."


def test_the_preview_has_the_same_fields_as_the_pages_endpoint(
    clinic, editor_client, save_draft, preview_draft
):
    save_draft(summary="A draft summary.")

    preview = editor_client.get(PREVIEW_ENDPOINT, preview_draft()).json()
    live = editor_client.get(f"/api/v2/pages/{clinic.condition.pk}/").json()

    # Plus the draft's reading ages, for the editor (tests/readability/test_pages.py).
    assert set(preview) == set(live) | {"readability"}
    assert set(preview["meta"]) == set(live["meta"])
    assert [therapy["title"] for therapy in preview["therapies"]] == [
        therapy["title"] for therapy in live["therapies"]
    ]
    assert len(preview["therapies"]) == 6
    assert preview["sections"] == live["sections"]


def test_the_detail_url_answers_like_the_listing(clinic, editor_client, preview_draft):
    params = preview_draft()

    response = editor_client.get(f"{PREVIEW_ENDPOINT}{clinic.condition.pk}/", params)

    assert response.status_code == 200
    assert response.json()["id"] == clinic.condition.pk


def test_a_new_page_not_yet_saved_can_be_previewed(clinic, editor_client):
    index = clinic.condition.get_parent()
    page = ConditionPage(title="Shin splints", slug="shin-splints", summary="Pain in the shin.")
    page.set_url_path(index)
    page.path, page.depth = index.path + "9999", index.depth + 1

    preview = page.create_page_preview()
    response = editor_client.get(
        PREVIEW_ENDPOINT,
        {"content_type": "wagtail_conditions.conditionpage", "token": preview.token},
    )

    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Shin splints"


def test_previews_need_no_login(editor_client, preview_draft):
    # The front end fetches without cookies; the signed token is the credential.
    params = preview_draft()
    editor_client.logout()

    assert editor_client.get(PREVIEW_ENDPOINT, params).status_code == 200


# --- A bad, forged or missing token answers 400 or 404 with a JSON message, never 500 -----------


@pytest.fixture
def assert_problem(client, clinic):
    def assert_problem(params, status, message_part):
        response = client.get(PREVIEW_ENDPOINT, params)
        assert response.status_code == status, response.content
        assert response["Content-Type"] == "application/json"
        assert message_part in response.json()["message"]

    return assert_problem


def test_the_token_of_a_real_preview_works(client, clinic):
    response = client.get(
        PREVIEW_ENDPOINT, {"content_type": "wagtail_conditions.therapypage", "token": clinic.token}
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Massage"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"content_type": "wagtail_conditions.therapypage"},
        {"token": "TOKEN"},
        {"content_type": "wagtail_conditions.therapypage", "token": "  "},
    ],
    ids=["nothing", "no-token", "no-content-type", "blank-token"],
)
def test_missing_parameters(assert_problem, clinic, params):
    params = {key: clinic.token if value == "TOKEN" else value for key, value in params.items()}
    assert_problem(params, 400, "content_type and token")


@pytest.mark.parametrize(
    "damage",
    [
        lambda token: "forged",
        lambda token: "id=1:AAAAAA:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
        lambda token: token[:-2],
    ],
    ids=["forged", "well-formed-but-unsigned", "truncated"],
)
def test_a_forged_or_damaged_token(assert_problem, clinic, damage):
    assert_problem(
        {"content_type": "wagtail_conditions.therapypage", "token": damage(clinic.token)},
        400,
        "token is not valid",
    )


def test_a_token_signed_with_another_salt(assert_problem, clinic):
    token = TimestampSigner(salt="something.else").sign(f"id={clinic.therapy.pk}")
    assert_problem(
        {"content_type": "wagtail_conditions.therapypage", "token": token}, 400, "not valid"
    )


def test_a_genuine_token_whose_preview_is_gone(assert_problem, clinic):
    PagePreview.objects.all().delete()
    assert_problem(
        {"content_type": "wagtail_conditions.therapypage", "token": clinic.token},
        404,
        "Preview the page again",
    )


def test_a_token_for_another_page_type(assert_problem, clinic):
    assert_problem(
        {"content_type": "wagtail_conditions.conditionpage", "token": clinic.token},
        404,
        "no preview",
    )


@pytest.mark.parametrize(
    "content_type", ["nonsense", "wagtail_conditions.", "auth.user", "wagtailcore.page"]
)
def test_content_types_that_are_not_previewable_pages(assert_problem, clinic, content_type):
    assert_problem({"content_type": content_type, "token": clinic.token}, 400, "content_type")


def test_the_model_name_is_not_case_sensitive(client, clinic):
    response = client.get(
        PREVIEW_ENDPOINT, {"content_type": "wagtail_conditions.TherapyPage", "token": clinic.token}
    )
    assert response.status_code == 200


def test_previews_are_not_cached(client, clinic):
    response = client.get(
        PREVIEW_ENDPOINT, {"content_type": "wagtail_conditions.therapypage", "token": clinic.token}
    )
    assert "no-store" in response["Cache-Control"]


def test_every_page_type_of_ours_previews_in_the_client(client, clinic, subtests):
    condition = ConditionPageFactory(parent=clinic.tree.conditions, title="Cramp")
    for page in (clinic.therapy, clinic.tree.therapies, clinic.tree.conditions, condition):
        with subtests.test(page_type=type(page).__name__):
            params = preview_params(page.make_preview_request())
            response = client.get(PREVIEW_ENDPOINT, params)
            assert response.status_code == 200
            assert response.json()["meta"]["type"] == page.specific_class._meta.label
