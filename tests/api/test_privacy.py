"""
No public endpoint exposes appointment requests. With requests stored through both faces (the
JSON endpoint and the HTML form) holding sentinel values, every public URL of the site (API
v2 and, on Wagtail 8, API v3 with its OpenAPI document and docs, and the HTML pages) is read
anonymously and none of the sentinels appears; and no API endpoint lists or reads the
``AppointmentRequest`` model.
"""

import json
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
import wagtail_factories
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from wagtail.models import Page

from tests.builders.appointments import BASE_SETTINGS, FORM_ID, FormPage, publish_host_page
from wagtail_conditions import demo
from wagtail_conditions.compat import HAS_API_V3
from wagtail_conditions.models import AppointmentRequest

pytestmark = pytest.mark.django_db

needs_api_v3 = pytest.mark.skipif(not HAS_API_V3, reason="API v3 is new in Wagtail 8")

SENTINELS = {
    "name": "Zebedee Quaxley",
    "email": "zebedee.quaxley@sentinel.example",
    "phone": "+44 20 7946 0777",
    "reason": "Sentinel complaint 7q3x: numb left toe.",
}
# Each value, and distinctive parts of it as a page might show them.
NEEDLES = [
    *SENTINELS.values(),
    "Zebedee",
    "Quaxley",
    "zebedee.quaxley",
    "sentinel.example",
    "7946 0777",
    "7q3x",  # not hex, so no block id, UUID or hash can hold it by chance
    "numb left toe",
]


@pytest.fixture(scope="module")
def shared_clinic(module_transaction):
    """The demo clinic with an image, a document and a host page, and two stored requests
    holding the sentinels: one sent as JSON to the demo condition's form, as a headless front
    end does, one sent by the HTML form on the host page. Built once: the tests only read."""
    client = Client()
    with override_settings(WAGTAIL_CONDITIONS=BASE_SETTINGS):
        condition = demo.load_demo()
        image = wagtail_factories.ImageFactory(title="Clinic front door")
        document = wagtail_factories.DocumentFactory(title="Opening hours")
        host = FormPage(publish_host_page(slug="visit"))

        page_json = client.get(f"/api/v2/pages/{condition.pk}/").json()
        (form,) = [
            item["value"]
            for item in page_json["approach_benefits"]
            if item["type"] == "appointment_form"
        ]
        submit = form["submit"]
        body = {
            **{key: submit[key] for key in ("page", "block", "token")},
            **SENTINELS,
            "consent": True,
        }
        with TestCase.captureOnCommitCallbacks(execute=True):
            json_response = client.post(
                submit["url"], json.dumps(body), content_type="application/json"
            )
            html_response = host.post(client, **SENTINELS)
    assert json_response.status_code == 201, json_response.content
    assert html_response.status_code == 303, html_response.content
    assert AppointmentRequest.objects.filter(name=SENTINELS["name"]).count() == 2

    redirect_url = html_response["Location"].split("#")[0]
    return SimpleNamespace(
        condition=condition,
        image=image,
        document=document,
        host=host,
        form_block_id=submit["block"],
        references=[
            str(r) for r in AppointmentRequest.objects.values_list("reference", flat=True)
        ],
        redirect_url=redirect_url,
        thank_you_urls=[
            redirect_url.split("?")[0],
            reverse(
                "wagtail_conditions:appointment_sent",
                kwargs={"page_id": condition.pk, "block_id": submit["block"]},
            ),
        ],
    )


@pytest.fixture
def clinic(shared_clinic, appointment_settings, db):
    return shared_clinic


def live_pages():
    """Every page a visitor can reach (the tree's root is in no site)."""
    pages = Page.objects.live().public().specific().order_by("path")
    return [page for page in pages if page.url is not None]


def page_types():
    return sorted({page._meta.label for page in live_pages()})


def api_v2_urls(clinic):
    urls = ["/api/v2/pages/", "/api/v2/pages/?limit=20&offset=5"]
    for label in page_types():
        urls.append(f"/api/v2/pages/?type={label}&fields=*&limit=20")
    for page in live_pages():
        urls.append(f"/api/v2/pages/{page.pk}/")
        urls.append(f"/api/v2/pages/{page.pk}/?fields=*")
        urls.append("/api/v2/pages/find/?" + urlencode({"html_path": page.url}))
    for needle in ("Zebedee", "numb left toe"):
        urls.append("/api/v2/pages/?" + urlencode({"search": needle}))
    urls += [
        "/api/v2/images/",
        f"/api/v2/images/{clinic.image.pk}/",
        "/api/v2/documents/",
        f"/api/v2/documents/{clinic.document.pk}/",
    ]
    return urls


def api_v3_urls(clinic):
    urls = ["/api/v3/openapi.json", "/api/v3/docs/", "/api/v3/pages/"]
    for label in page_types():
        urls.append(f"/api/v3/pages/?type={label}")
    for page in live_pages():
        urls.append(f"/api/v3/pages/{page.pk}/")
        urls.append("/api/v3/pages/find/?" + urlencode({"html_path": page.url}))
    urls += [
        "/api/v3/pages/?" + urlencode({"search": "Zebedee"}),
        "/api/v3/images/",
        f"/api/v3/images/{clinic.image.pk}/",
        "/api/v3/documents/",
        f"/api/v3/documents/{clinic.document.pk}/",
        "/api/v3/redirects/",
    ]
    return urls


def html_urls(clinic):
    return [page.url for page in live_pages()] + clinic.thank_you_urls


def assert_no_sentinel(response, url, clinic):
    text = response.content.decode("utf-8", "replace") + repr(sorted(response.headers.items()))
    for needle in [*NEEDLES, *clinic.references]:
        assert needle not in text, f"{url} shows {needle!r}"


def read_all(client, urls, clinic):
    """GET each URL anonymously (following redirects) and check it shows no sentinel."""
    statuses = {}
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        assert_no_sentinel(response, url, clinic)
        statuses[url] = response.status_code
    return statuses


def test_the_clinic_has_every_page_type(clinic):
    assert {
        "wagtail_conditions.ConditionIndexPage",
        "wagtail_conditions.ConditionPage",
        "wagtail_conditions.TherapyIndexPage",
        "wagtail_conditions.TherapyPage",
        "testapp.HostPage",
    } <= set(page_types())


def test_api_v2_shows_no_submission_data(client, clinic):
    read_all(client, api_v2_urls(clinic), clinic)


@needs_api_v3
def test_api_v3_shows_no_submission_data(client, clinic):
    read_all(client, api_v3_urls(clinic), clinic)


def test_html_pages_and_thank_you_urls_show_no_submission_data(client, clinic):
    assert len(clinic.thank_you_urls) == 2
    read_all(client, html_urls(clinic), clinic)


def test_the_redirected_thank_you_page_shows_its_reference_and_nothing_else(client, clinic):
    response = client.get(clinic.redirect_url)

    assert response.status_code == 200
    html = response.content.decode()
    shown = [reference for reference in clinic.references if reference in html]
    assert len(shown) == 1 and clinic.redirect_url.endswith(f"?reference={shown[0]}")
    for needle in NEEDLES:
        assert needle not in html


def test_a_form_described_after_submissions_shows_no_submission_data(client, clinic):
    page_json = client.get(f"/api/v2/pages/{clinic.condition.pk}/").json()

    assert_no_sentinel_in_json(page_json, clinic)


def assert_no_sentinel_in_json(data, clinic):
    text = json.dumps(data, ensure_ascii=False)
    for needle in [*NEEDLES, *clinic.references]:
        assert needle not in text


# --- The model is not an API resource -------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/appointment_requests/",
        "/api/v2/appointmentrequests/",
        "/api/v2/appointments/",
        "/api/v2/appointment_requests/1/",
        "/api/appointments/1/",
        "/api/appointment_requests/",
    ],
)
def test_no_api_v2_url_lists_or_reads_requests(client, clinic, url):
    response = client.get(url)

    assert response.status_code == 404
    assert_no_sentinel(response, url, clinic)


def test_api_v2_pages_endpoint_refuses_the_model_as_a_type(client, clinic):
    response = client.get("/api/v2/pages/?type=wagtail_conditions.AppointmentRequest")

    assert response.status_code == 400
    assert response.json() == {"message": "type doesn't exist"}


@pytest.mark.parametrize("url", ["/api/appointments/", "/api/v3/appointments/"])
def test_the_submission_endpoints_cannot_be_read(client, clinic, url):
    if "/v3/" in url and not HAS_API_V3:
        pytest.skip("API v3 is new in Wagtail 8")

    response = client.get(url)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert_no_sentinel(response, url, clinic)


@needs_api_v3
@pytest.mark.parametrize(
    "url",
    [
        f"/api/v3/appointments/{FORM_ID}/",
        "/api/v3/appointments/1/",
        "/api/v3/appointment_requests/",
        "/api/v3/pages/?type=wagtail_conditions.AppointmentRequest",
        "/api/v3/snippets/wagtail_conditions.appointmentrequest/",
    ],
)
def test_no_api_v3_url_lists_or_reads_requests(client, clinic, url):
    response = client.get(url)

    assert response.status_code in (400, 401, 404, 422), (url, response.status_code)
    assert_no_sentinel(response, url, clinic)


@needs_api_v3
def test_openapi_document_offers_only_the_submission_operation(client, clinic):
    document = client.get("/api/v3/openapi.json").json()

    appointment_paths = {
        path: set(operations)
        for path, operations in document["paths"].items()
        if "ppointment" in path
    }
    assert appointment_paths == {"/api/v3/appointments/": {"post"}}
    receipt = document["components"]["schemas"]["AppointmentReceipt"]
    assert set(receipt["properties"]) == {"status", "reference", "message"}
    model_fields = {"submission_key", "notification_status", "consent_given_at", "recipients"}
    for name, schema in document["components"]["schemas"].items():
        assert not model_fields & set(schema.get("properties", {})), name


@needs_api_v3
def test_api_v3_schema_types_leave_the_model_out_even_for_staff(client, clinic):
    from django.contrib.auth import get_user_model
    from wagtail.models import APIToken

    user = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
    _token, plaintext = APIToken.create_token(user=user, name="privacy test")

    response = client.get("/api/v3/schema/", HTTP_AUTHORIZATION=f"Bearer {plaintext}")

    assert response.status_code == 200
    names = {item["name"] for item in response.json()["types"]}
    assert "wagtail_conditions.ConditionPage" in names
    assert not any("appointment" in name.lower() for name in names)
    assert_no_sentinel(response, "/api/v3/schema/", clinic)
