"""
Cited sources on condition and therapy pages: the block's checks (a link of some kind, DOIs and
PubMed IDs read and linked at their canonical addresses), the numbered "Sources" list on the
public page, the APIs' list and the JSON-LD ``citation`` (checked against the schema.org
vocabulary), on our pages and on the host's built on our mixins.
"""

import json
import re

import pytest
from wagtail.blocks.struct_block import StructBlockValidationError

from tests.builders.api import block, source_value
from tests.builders.pages import on_each_page_set
from tests.schemaorg.vocabulary import vocabulary
from wagtail_conditions import citations
from wagtail_conditions.blocks.sources import SourceBlock

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


# --- Identifiers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "10.1136/bmj.n71",
        " doi:10.1136/bmj.n71",
        "DOI: 10.1136/bmj.n71",
        "https://doi.org/10.1136/bmj.n71",
        "http://dx.doi.org/10.1136/bmj.n71",
        "doi.org/10.1136/bmj.n71",
    ],
)
def test_a_doi_is_read_from_what_editors_paste(text):
    assert citations.normalise_doi(text) == "10.1136/bmj.n71"


@pytest.mark.parametrize(
    "text",
    ["10.1136", "11.1136/bmj.n71", "10.12/x", "https://example.org/10.1136/x", "10.1136/a b"],
)
def test_what_is_not_a_doi_is_refused(text):
    with pytest.raises(ValueError):
        citations.normalise_doi(text)


@pytest.mark.parametrize(
    "text",
    [
        "22962985",
        "PMID: 22962985",
        "pmid 22962985",
        "https://pubmed.ncbi.nlm.nih.gov/22962985/",
        "https://www.ncbi.nlm.nih.gov/pubmed/22962985",
    ],
)
def test_a_pubmed_id_is_read_from_what_editors_paste(text):
    assert citations.normalise_pmid(text) == "22962985"


@pytest.mark.parametrize("text", ["0123", "PMC3456789", "12 345", "1234567890", "-5"])
def test_what_is_not_a_pubmed_id_is_refused(text):
    with pytest.raises(ValueError):
        citations.normalise_pmid(text)


def test_canonical_links():
    assert citations.doi_url("10.1000/a#b c") == "https://doi.org/10.1000/a%23b%20c"
    assert citations.doi_url("10.1002/(SICI)1097-4571") == "https://doi.org/10.1002/(SICI)1097-4571"
    assert citations.pubmed_url("22962985") == "https://pubmed.ncbi.nlm.nih.gov/22962985/"
    assert citations.doi_url("") == citations.pubmed_url("") == ""


# --- The block --------------------------------------------------------------------------------


def clean(**fields):
    block_ = SourceBlock()
    return block_.clean(block_.to_python(source_value(**fields)))


def block_errors(**fields):
    with pytest.raises(StructBlockValidationError) as raised:
        clean(**fields)
    return {name: error.messages for name, error in raised.value.block_errors.items()}


def test_a_source_is_stored_with_its_bare_identifiers():
    value = clean(doi="https://doi.org/10.1136/bmj.n71", pmid="PMID: 33782057")
    assert (value["doi"], value["pmid"]) == ("10.1136/bmj.n71", "33782057")
    assert value.href == "https://www.nhs.example/conditions/leg-cramps/"
    assert value.links == [
        "https://www.nhs.example/conditions/leg-cramps/",
        "https://doi.org/10.1136/bmj.n71",
        "https://pubmed.ncbi.nlm.nih.gov/33782057/",
    ]


def test_without_an_address_the_title_links_the_doi_then_pubmed():
    assert clean(url="", doi="10.1136/bmj.n71", pmid="1").href == "https://doi.org/10.1136/bmj.n71"
    assert clean(url="", pmid="33782057").href == "https://pubmed.ncbi.nlm.nih.gov/33782057/"


def test_a_source_needs_an_address_a_doi_or_a_pubmed_id():
    message = ["Give a web address, a DOI or a PubMed ID, so readers can find it."]
    assert block_errors(url="", doi="", pmid="") == {
        "url": message,
        "doi": message,
        "pmid": message,
    }


def test_a_bad_doi_or_pubmed_id_says_what_is_expected():
    assert block_errors(doi="bmj.n71", pmid="PMC1") == {
        "doi": ["Enter a DOI such as 10.1136/bmj.n71."],
        "pmid": ["Enter a PubMed ID: digits only, e.g. 22191051."],
    }


def test_the_last_checked_date_is_required():
    assert set(block_errors(last_checked=None)) == {"last_checked"}


def test_authors_are_separated_by_semicolons():
    assert clean(authors=" Allen RE;Kirby KA ; ").author_names == ["Allen RE", "Kirby KA"]


# --- Pages, APIs and JSON-LD --------------------------------------------------------------------

pages_module = pytest.mark.django_db


@pytest.fixture
def pages(page_set):
    tree = page_set.make_tree()
    sources = [
        block("source", source_value()),
        block("source", source_value(doi_only=True)),
    ]
    tree.condition = page_set.condition(
        parent=tree.conditions,
        title="Leg cramps",
        slug="leg-cramps",
        overview=[block("paragraph", "<p>Cramps are painful.</p>")],
        sources=sources,
    )
    tree.therapy = page_set.therapy(
        parent=tree.therapies, title="Stretching", slug="stretching", sources=sources[1:]
    )
    tree.bare = page_set.therapy(parent=tree.therapies, title="Advice", slug="advice")
    return tree


def sources_html(response):
    html = response.content.decode()
    match = re.search(r'<section class="wc-section wc-sources".*?</section>', html, re.S)
    return match.group(0) if match else None


@pages_module
@on_each_page_set
def test_the_page_numbers_its_sources_under_sources(client, pages, page_set):
    response = client.get(pages.condition.url)
    section = sources_html(response)
    assert '<h2 id="sources-heading">Sources</h2>' in section
    items = re.findall(r'<li class="wc-source" id="source-(\d)">(.*?)</li>', section, re.S)
    assert [number for number, _item in items] == ["1", "2"]
    first, second = (re.sub(r"\s+", " ", item).strip() for _number, item in items)
    assert first == (
        '<cite class="wc-source__title"><a href="https://www.nhs.example/conditions/leg-cramps/" '
        'rel="noopener">Muscle cramps</a></cite><span class="wc-source__publisher">. NHS</span>. '
        '<span class="wc-source__dates">Published: <time datetime="2023-05-10">10 May 2023</time> '
        '<span aria-hidden="true">·</span> Last checked: <time datetime="2026-10-01">1 October '
        "2026</time></span>"
    )
    # No address: the title links the DOI, which is not linked a second time; PubMed is.
    assert '<a href="https://doi.org/10.1000/afp.2012.86" rel="noopener">Nocturnal leg cramps' in (
        second
    )
    assert ". doi:10.1000/afp.2012.86</span>" in second
    assert (
        '<a href="https://pubmed.ncbi.nlm.nih.gov/22962985/" rel="noopener">PMID: 22962985</a>'
        in second
    )
    assert "Allen RE, Kirby KA" in second
    # Listed in "On this page", after the sections.
    assert (
        '<li><a href="#overview">Overview</a></li><li><a href="#sources">Sources</a></li></ol>'
        in response.content.decode()
    )


@pages_module
@on_each_page_set
def test_a_therapy_page_shows_its_sources_and_a_page_without_none(client, pages, page_set):
    section = sources_html(client.get(pages.therapy.url))
    assert section.count('<li class="wc-source"') == 1
    assert sources_html(client.get(pages.bare.url)) is None


@pages_module
@on_each_page_set
def test_the_apis_list_the_sources(client, pages, page_set):
    from wagtail_conditions.compat import HAS_API_V3

    urls = [f"/api/v2/pages/{pages.condition.pk}/"]
    if HAS_API_V3:
        urls.append(f"/api/v3/pages/{pages.condition.pk}/")
    for url in urls:
        sources = client.get(url).json()["sources"]
        ids = [child.id for child in pages.condition.sources]
        assert sources == [
            {
                "number": 1,
                "id": ids[0],
                "title": "Muscle cramps",
                "authors": [],
                "publisher": "NHS",
                "url": "https://www.nhs.example/conditions/leg-cramps/",
                "web_address": "https://www.nhs.example/conditions/leg-cramps/",
                "doi": "",
                "doi_url": "",
                "pmid": "",
                "pubmed_url": "",
                "date_published": "2023-05-10",
                "last_checked": "2026-10-01",
            },
            {
                "number": 2,
                "id": ids[1],
                "title": "Nocturnal leg cramps",
                "authors": ["Allen RE", "Kirby KA"],
                "publisher": "American Family Physician",
                "url": "https://doi.org/10.1000/afp.2012.86",
                "web_address": "",
                "doi": "10.1000/afp.2012.86",
                "doi_url": "https://doi.org/10.1000/afp.2012.86",
                "pmid": "22962985",
                "pubmed_url": "https://pubmed.ncbi.nlm.nih.gov/22962985/",
                "date_published": "2012-08-15",
                "last_checked": "2026-11-02",
            },
        ], url


@pages_module
@on_each_page_set
def test_the_json_ld_cites_the_sources(client, pages, page_set):
    for page in (pages.condition, pages.therapy, pages.bare):
        html = client.get(page.url).content.decode()
        document = json.loads(SCRIPT.search(html).group(1))
        assert vocabulary().problems(document) == []
        web_page = document["@graph"][0]
        if page is pages.bare:
            assert "citation" not in web_page
            continue
        article = {
            "@type": "ScholarlyArticle",
            "name": "Nocturnal leg cramps",
            "url": "https://doi.org/10.1000/afp.2012.86",
            "sameAs": ["https://pubmed.ncbi.nlm.nih.gov/22962985/"],
            "author": [
                {"@type": "Person", "name": "Allen RE"},
                {"@type": "Person", "name": "Kirby KA"},
            ],
            "publisher": {"@type": "Organization", "name": "American Family Physician"},
            "datePublished": "2012-08-15",
            "identifier": [
                {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1000/afp.2012.86"},
                {"@type": "PropertyValue", "propertyID": "PMID", "value": "22962985"},
            ],
        }
        if page is pages.therapy:
            assert web_page["citation"] == [article]
        else:
            assert web_page["citation"] == [
                {
                    "@type": "CreativeWork",
                    "name": "Muscle cramps",
                    "url": "https://www.nhs.example/conditions/leg-cramps/",
                    "publisher": {"@type": "Organization", "name": "NHS"},
                    "datePublished": "2023-05-10",
                },
                article,
            ]


def test_the_vocabulary_refuses_a_citation_of_the_wrong_type():
    """The check above has teeth: ``citation`` takes a CreativeWork (or text), not a Person."""
    document = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "citation": [{"@type": "Person", "name": "Allen RE"}],
    }
    assert vocabulary().problems(document)
