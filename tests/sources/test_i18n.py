"""Cited sources in the page's language (English, Spanish and French pages of a multilingual
clinic), whatever the browser asks: the "Sources" heading, each source's words and dates as the
language writes a date; the JSON-LD ``citation`` and the APIs' list, which are data, the same in
every language; and the editor's words in their own language: the Sources tab's block, its
messages, and the review report's column, filter and export."""

import datetime
import html
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.users.models import UserProfile

from tests.builders.api import block, source_value
from tests.builders.feedback import configure
from tests.builders.i18n import multilingual_site, translate
from tests.builders.pages import ConditionPageFactory, make_site_tree
from tests.schemaorg.vocabulary import vocabulary
from wagtail_conditions.blocks.sources import SourceBlock
from wagtail_conditions.models import SourceLinkCheck

pytestmark = pytest.mark.django_db

REPORT = "wagtail_conditions_reviews:report"
NHS = "https://www.nhs.example/conditions/leg-cramps/"
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)

# What the public page shows of our words. French says "Sources" as English does; its other
# words and its dates tell the languages apart.
PAGE_WORDS = {
    "en": {
        "heading": '<h2 id="sources-heading">Sources</h2>',
        "contents": '<li><a href="#sources">Sources</a></li>',
        "first": 'Published: <time datetime="2023-05-10">10 May 2023</time> '
        '<span aria-hidden="true">·</span> Last checked: <time datetime="2024-03-01">1 March '
        "2024</time>",
        "second": 'Published: <time datetime="2012-08-15">15 August 2012</time> '
        '<span aria-hidden="true">·</span> Last checked: <time datetime="2026-11-02">2 November '
        "2026</time>",
        "review": 'Page last reviewed: <time datetime="2026-03-03">3 March 2026</time>',
    },
    "es": {
        "heading": '<h2 id="sources-heading">Fuentes</h2>',
        "contents": '<li><a href="#sources">Fuentes</a></li>',
        "first": 'Publicada: <time datetime="2023-05-10">10 de mayo de 2023</time> '
        '<span aria-hidden="true">·</span> Última comprobación: <time datetime="2024-03-01">1 de '
        "marzo de 2024</time>",
        "second": 'Publicada: <time datetime="2012-08-15">15 de agosto de 2012</time> '
        '<span aria-hidden="true">·</span> Última comprobación: <time datetime="2026-11-02">2 de '
        "noviembre de 2026</time>",
        "review": 'Última revisión de la página: <time datetime="2026-03-03">3 de marzo de '
        "2026</time>",
    },
    "fr": {
        "heading": '<h2 id="sources-heading">Sources</h2>',
        "contents": '<li><a href="#sources">Sources</a></li>',
        "first": 'Publiée : <time datetime="2023-05-10">10 mai 2023</time> '
        '<span aria-hidden="true">·</span> Dernière vérification : <time datetime="2024-03-01">1 '
        "mars 2024</time>",
        "second": 'Publiée : <time datetime="2012-08-15">15 août 2012</time> '
        '<span aria-hidden="true">·</span> Dernière vérification : <time datetime="2026-11-02">2 '
        "novembre 2026</time>",
        "review": 'Dernière révision de la page : <time datetime="2026-03-03">3 mars 2026</time>',
    },
}

# What editors read of our words: the Sources tab (its block's labels, a help text, the
# block's own message) and the review report (its column, filter, cell and export).
ADMIN_WORDS = {
    "es": {
        "tab": "Fuentes",
        "block": "Fuente",
        "labels": [
            "Título",
            "Autores",
            "Editor",
            "Dirección web",
            "DOI",
            "ID de PubMed",
            "Fecha de publicación",
            "Última comprobación",
        ],
        "help": "Cuándo comprobó por última vez que la fuente sigue disponible",
        "no_link": "Indique una dirección web, un DOI o un ID de PubMed, para que los lectores "
        "puedan encontrarla.",
        "bad_pmid": "Escriba un ID de PubMed: solo cifras, p. ej. 22191051.",
        "choices": ["Requieren atención", "Sin comprobar a tiempo", "Enlaces trasladados o rotos"],
        "cell": ["2 fuentes", "1 sin comprobar a tiempo", "[1] Trasladada</span>"],
        "export": "2 fuentes; 1 sin comprobar a tiempo; [1] Trasladada",
    },
    "fr": {
        "tab": "Sources",
        "block": "Source",
        "labels": [
            "Titre",
            "Auteurs",
            "Éditeur",
            "Adresse web",
            "DOI",
            "Identifiant PubMed",
            "Date de publication",
            "Dernière vérification",
        ],
        "help": "Quand vous avez vérifié pour la dernière fois",
        "no_link": "Indiquez une adresse web, un DOI ou un identifiant PubMed, pour que les "
        "lecteurs puissent la trouver.",
        "bad_pmid": "Saisissez un identifiant PubMed : des chiffres seulement, p. ex. 22191051.",
        "choices": ["À traiter", "Non vérifiées à temps", "Liens déplacés ou cassés"],
        "cell": ["2 sources", "1 non vérifiée à temps", "[1] Déplacée</span>"],
        "export": "2 sources; 1 non vérifiée à temps; [1] Déplacée",
    },
}


@pytest.fixture
def pages(db, settings):
    """A page, "Cramp", citing a web page (last checked long ago, its address since moved) and a
    journal article, with its Spanish and French translations."""
    settings.WAGTAIL_I18N_ENABLED = True
    configure(settings)
    with multilingual_site():
        tree = make_site_tree()
        english = ConditionPageFactory(
            parent=tree.conditions,
            title="Cramp",
            slug="cramp",
            overview=[block("paragraph", "<p>Cramps are painful.</p>")],
            sources=[
                block("source", source_value(last_checked="2024-03-01")),
                block("source", source_value(doi_only=True)),
            ],
            last_reviewed=datetime.date(2026, 3, 3),
        )
        english.save_revision().publish()
        SourceLinkCheck.objects.create(
            url=NHS,
            status="moved",
            status_code=301,
            final_url="https://www.nhs.example/conditions/cramp/",
            checked_at=timezone.now(),
        )
        yield {
            "en": english,
            "es": translate(english, "es", title="Calambre", slug="calambre"),
            "fr": translate(english, "fr", title="Crampe", slug="crampe"),
        }


def flat(text):
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_the_sources_read_in_the_pages_language(client, pages, language):
    words = PAGE_WORDS[language]
    page = flat(client.get(pages[language].url, headers={"accept-language": "en"}).content.decode())
    section = re.search(r'<section class="wc-section wc-sources".*?</section>', page).group(0)
    assert words["heading"] in section
    assert words["contents"] in page  # "On this page"
    first, second = re.findall(r'<span class="wc-source__dates">(.*?)</span> </li>', section)
    assert (first, second) == (words["first"], words["second"])
    # Identifiers keep their international labels.
    assert ". doi:10.1000/afp.2012.86</span>" in section
    assert ">PMID: 22962985</a>" in section
    # The review line under the article writes its date the same way.
    assert words["review"] in page


def test_the_json_ld_citation_and_the_apis_sources_are_the_same_in_every_language(client, pages):
    citations, listed = {}, {}
    for language, page in pages.items():
        content = client.get(page.url).content.decode()
        document = json.loads(SCRIPT.search(content).group(1))
        assert vocabulary().problems(document) == []
        web_page = document["@graph"][0]
        assert web_page["inLanguage"] == language
        citations[language] = web_page["citation"]
        listed[language] = [
            {key: value for key, value in source.items() if key != "id"}
            for source in client.get(f"/api/v2/pages/{page.pk}/").json()["sources"]
        ]
    assert [c["name"] for c in citations["en"]] == ["Muscle cramps", "Nocturnal leg cramps"]
    assert citations["es"] == citations["fr"] == citations["en"]
    assert citations["en"][1]["identifier"] == [
        {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1000/afp.2012.86"},
        {"@type": "PropertyValue", "propertyID": "PMID", "value": "22962985"},
    ]
    assert [s["last_checked"] for s in listed["en"]] == ["2024-03-01", "2026-11-02"]
    assert listed["es"] == listed["fr"] == listed["en"]


@pytest.fixture
def editor_in(client, admin_user):
    """Log the editor in with their admin language set to the one given."""

    def log_in(language):
        profile = UserProfile.get_for_user(admin_user)
        profile.preferred_language = language
        profile.save()
        client.force_login(admin_user)
        return client

    return log_in


def block_definition(content, field):
    """The StreamField's block definition the page editor's JavaScript builds the form from."""
    match = re.search(
        rf'<div id="{field}" data-block [^>]*data-w-block-data-value="([^"]*)"', content
    )
    return json.loads(html.unescape(match.group(1)))


def labels_and_help(definition, found=None):
    """Every label and help text in a block definition, children first (the stream itself has
    an empty label)."""
    found = found if found is not None else {"labels": [], "help": []}
    if isinstance(definition, dict):
        if isinstance(definition.get("label"), str):
            found["labels"].append(definition["label"])
        if isinstance(definition.get("description"), dict):
            found["help"].append(definition["description"].get("_val", ""))
        values = definition.values()
    elif isinstance(definition, list):
        values = definition
    else:
        return found
    for value in values:
        labels_and_help(value, found)
    return found


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_sources_tab_speaks_the_editors_language(editor_in, pages, language):
    words = ADMIN_WORDS[language]
    client = editor_in(language)
    content = client.get(reverse("wagtailadmin_pages:edit", args=[pages[language].pk])).content
    content = content.decode()
    assert f"<span data-panel-heading-text>{words['tab']}</span>" in content
    found = labels_and_help(block_definition(content, "sources"))
    assert [label for label in found["labels"] if label] == [*words["labels"], words["block"]]
    assert any(text.startswith(words["help"]) for text in found["help"]), found["help"]


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_blocks_messages_are_translated(language):
    words = ADMIN_WORDS[language]
    source = SourceBlock()
    with translation.override(language):
        with pytest.raises(StructBlockValidationError) as raised:
            source.clean(source.to_python(source_value(url="")))
        assert raised.value.block_errors["url"].messages == [words["no_link"]]
        with pytest.raises(StructBlockValidationError) as raised:
            source.clean(source.to_python(source_value(pmid="PMC1")))
        assert raised.value.block_errors["pmid"].messages == [words["bad_pmid"]]


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_review_reports_sources_speak_the_editors_language(editor_in, pages, language):
    words = ADMIN_WORDS[language]
    client = editor_in(language)
    response = client.get(reverse(REPORT), {"sources": "attention"})
    content = flat(response.content.decode())
    assert re.search(rf"<th[^>]*> {words['tab']} </th>", content)  # the column
    assert re.search(rf'<label [^>]*for="id_sources"[^>]*> {words["tab"]}', content)  # the filter
    for choice in words["choices"]:
        assert f">{choice}</option>" in content
    for text in words["cell"]:
        assert text in content

    export = client.get(reverse(REPORT), {"sources": "attention", "export": "csv"})
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert words["tab"] in rows[0].split(",")
    assert sum(words["export"] in row for row in rows[1:]) == len(pages)
