"""Every user-facing string goes through gettext, and the catalogues are shipped, complete and
compiled: English (the source strings), Spanish and French. Found by listing the locale folder,
so a catalogue added there is checked the same way."""

import dataclasses
import gettext
import html
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from unittest import mock

import pytest
from django.utils import translation
from django.utils.functional import Promise

import wagtail_conditions
from tests.builders.appointments import form_block, publish_host_page
from wagtail_conditions.models import (
    AppointmentRequest,
    AppointmentSettings,
    BodyArea,
    ConditionIndexPage,
    ConditionPage,
    ConditionTherapy,
    TherapyIndexPage,
    TherapyPage,
    WebhookDelivery,
    WebhookEndpoint,
)

MODELS = [
    AppointmentRequest,
    AppointmentSettings,
    BodyArea,
    ConditionIndexPage,
    ConditionPage,
    ConditionTherapy,
    TherapyIndexPage,
    TherapyPage,
    WebhookEndpoint,
    WebhookDelivery,
]
PAGE_MODELS = [ConditionIndexPage, ConditionPage, TherapyIndexPage, TherapyPage]
PACKAGE_DIR = os.path.dirname(wagtail_conditions.__file__)
LOCALE_DIR = os.path.join(PACKAGE_DIR, "locale")
ROOT = Path(PACKAGE_DIR).parent
#: The English catalogue holds the source strings: its messages are untranslated by design.
SOURCE_LANGUAGE = "en"
#: gettext's plural rule of each language we ship (Django's own catalogues use the same).
PLURAL_FORMS = {
    "en": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
}
PO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def po_file(locale):
    return os.path.join(LOCALE_DIR, locale, "LC_MESSAGES", "django.po")


def mo_file(locale):
    return os.path.join(LOCALE_DIR, locale, "LC_MESSAGES", "django.mo")


def shipped_locales():
    """Every locale with a catalogue in the package's locale folder."""
    return sorted(name for name in os.listdir(LOCALE_DIR) if os.path.isfile(po_file(name)))


PO_FILE = po_file(SOURCE_LANGUAGE)
MO_FILE = mo_file(SOURCE_LANGUAGE)


@dataclasses.dataclass
class Entry:
    """One message of a .po file (the header is the message whose msgid is empty)."""

    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    #: form index -> text (only form 0 for a message without plural)
    msgstr: dict = dataclasses.field(default_factory=dict)
    flags: set = dataclasses.field(default_factory=set)
    references: list = dataclasses.field(default_factory=list)

    @property
    def key(self):
        return (self.msgctxt, self.msgid)

    @property
    def where(self):
        return " ".join(self.references) or repr(self.msgid[:60])

    def sources(self):
        """(source text, translation) of each form: form 0 renders the msgid, others the plural."""
        for index, text in sorted(self.msgstr.items()):
            yield (self.msgid if index == 0 else self.msgid_plural), text


def _unquote(quoted):
    return re.sub(r"\\(.)", lambda m: PO_ESCAPES.get(m.group(1), m.group(1)), quoted[1:-1])


def read_po(path):
    """The live messages of a .po file (not the obsolete ``#~`` ones), in file order."""
    entries, entry, target, in_msgstr = [], None, None, False
    with open(path, encoding="utf-8") as po:
        lines = po.read().splitlines()
    for line in lines:
        line = line.strip()
        keyword = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        starts_entry = line.startswith("#") or (
            keyword and keyword.group(1) in ("msgctxt", "msgid")
        )
        if starts_entry and (entry is None or in_msgstr):
            entry, in_msgstr = Entry(), False
            entries.append(entry)
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#:"):
            entry.references += line[2:].split()
        elif line.startswith("#"):
            continue
        elif keyword:
            name, index, text = keyword.groups()
            if name.startswith("msgstr"):
                in_msgstr, target = True, ("msgstr", int(index or 0))
                entry.msgstr[target[1]] = _unquote(text)
            else:
                target = (name, None)
                setattr(entry, name, _unquote(text))
        else:
            assert line.startswith('"'), f"{path}: cannot read {line!r}"
            if target[0] == "msgstr":
                entry.msgstr[target[1]] += _unquote(line)
            else:
                setattr(entry, target[0], getattr(entry, target[0]) + _unquote(line))
    return [entry for entry in entries if entry.msgid or entry.msgstr]


def messages_of(path):
    """The messages of a catalogue, without its header."""
    return [entry for entry in read_po(path) if entry.msgid]


def header_of(path):
    (header,) = [entry for entry in read_po(path) if not entry.msgid]
    return header, dict(
        line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line
    )


def own_fields(model):
    """Fields a model of ours declares (not Django's ids, nor fields of Wagtail's base classes)."""
    inherited = set()
    for base in model.__mro__[1:]:
        meta = getattr(base, "_meta", None)
        if meta is not None and not base.__module__.startswith("wagtail_conditions."):
            inherited |= {field.name for field in meta.local_fields + meta.local_many_to_many}
    return [
        field
        for field in model._meta.local_fields + model._meta.local_many_to_many
        if not field.auto_created and field.name not in inherited
    ]


def model_strings():
    """(where, string) of every verbose name, help text and page description of our models."""
    for model in MODELS:
        yield f"{model.__name__}.verbose_name", model._meta.verbose_name
        yield f"{model.__name__}.verbose_name_plural", model._meta.verbose_name_plural
        if model in PAGE_MODELS:
            yield f"{model.__name__}.page_description", model.page_description
        for field in own_fields(model):
            yield f"{model.__name__}.{field.name}.verbose_name", field.verbose_name
            if field.help_text:
                yield f"{model.__name__}.{field.name}.help_text", field.help_text


def catalog_msgids():
    return {entry.msgid for entry in messages_of(PO_FILE)}


def test_every_model_string_is_lazily_translated(subtests):
    strings = list(model_strings())
    assert len(strings) > 40
    for where, value in strings:
        with subtests.test(where=where):
            assert isinstance(value, Promise)


def test_model_strings_are_translated_when_rendered_not_at_import():
    def shout(message):
        return f"«{message.upper()}»"

    field = ConditionPage._meta.get_field("alternative_names")
    translation.gettext(".")  # load the real translations, so the patch below replaces them
    with mock.patch.object(translation._trans, "gettext", shout):
        assert str(field.verbose_name) == "«ALTERNATIVE NAMES»"
        assert str(ConditionPage._meta.verbose_name) == "«CONDITION PAGE»"
        assert str(BodyArea._meta.get_field("slug").verbose_name) == "«SLUG»"
    assert str(field.verbose_name) == "alternative names"


def test_english_spanish_and_french_are_shipped():
    assert {"en", "es", "fr"} <= set(shipped_locales())


def test_english_catalog_is_committed_and_compiled():
    assert os.path.isfile(PO_FILE), PO_FILE
    assert os.path.isfile(MO_FILE), MO_FILE
    with open(MO_FILE, "rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    assert catalog.info().get("language") == "en"


def test_every_catalog_has_a_complete_header(subtests):
    for locale in shipped_locales():
        with subtests.test(locale=locale):
            header, fields = header_of(po_file(locale))
            assert "fuzzy" not in header.flags
            assert fields["Language"] == locale
            assert fields["Content-Type"] == "text/plain; charset=UTF-8"
            assert fields.get("Language-Team"), "name the language team"
            if locale in PLURAL_FORMS:
                assert fields["Plural-Forms"] == PLURAL_FORMS[locale]
            nplurals = int(re.search(r"nplurals=(\d+)", fields["Plural-Forms"]).group(1))
            for entry in messages_of(po_file(locale)):
                if entry.msgid_plural is not None:
                    assert sorted(entry.msgstr) == list(range(nplurals)), entry.where


def test_every_catalog_is_compiled_from_its_po_file(subtests):
    """The committed .mo answers every message with the .po's translation (it is not stale)."""
    for locale in shipped_locales():
        with subtests.test(locale=locale):
            with open(mo_file(locale), "rb") as mo:
                catalog = gettext.GNUTranslations(mo)
            assert catalog.info().get("language") == locale
            stale = []
            for entry in messages_of(po_file(locale)):
                if entry.msgid_plural is None:
                    expected = entry.msgstr[0] or entry.msgid
                    if entry.msgctxt is None:
                        compiled = catalog.gettext(entry.msgid)
                    else:
                        compiled = catalog.pgettext(entry.msgctxt, entry.msgid)
                    if compiled != expected:
                        stale.append(entry.where)
                else:
                    # 1 takes form 0 and 2 form 1 in every language we ship (see PLURAL_FORMS).
                    for n, index, source in ((1, 0, entry.msgid), (2, 1, entry.msgid_plural)):
                        expected = entry.msgstr[index] or source
                        if catalog.ngettext(entry.msgid, entry.msgid_plural, n) != expected:
                            stale.append(entry.where)
            assert stale == [], "run `make messages` (or compilemessages) and commit the .mo"


def test_every_message_is_translated_and_none_is_fuzzy(subtests):
    translated_locales = [locale for locale in shipped_locales() if locale != SOURCE_LANGUAGE]
    assert translated_locales
    for locale in shipped_locales():
        messages = messages_of(po_file(locale))
        assert len(messages) > 400, locale
        with subtests.test(locale=locale, check="fuzzy"):
            assert [entry.where for entry in messages if "fuzzy" in entry.flags] == []
        if locale == SOURCE_LANGUAGE:
            continue
        with subtests.test(locale=locale, check="untranslated"):
            untranslated = [
                entry.where
                for entry in messages
                if not entry.msgstr or not all(entry.msgstr.values())
            ]
            assert untranslated == [], f"{len(untranslated)} untranslated in {locale}"


# What a translation must keep of its source text: what Python fills in, the markup, and the
# white space at either end (a log line's indent, a prompt's trailing space).
NAMED_PLACEHOLDER = re.compile(r"%\(([^)]+)\)[#0 +-]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa])")
POSITIONAL_PLACEHOLDER = re.compile(r"%[#0 +-]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa])")
BRACE_PLACEHOLDER = re.compile(r"\{[A-Za-z_]\w*(?:![rsa])?(?::[^{}]*)?\}|\{\d*\}")
HTML_TAG = re.compile(r"<(/?[A-Za-z][\w-]*)")
HTML_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|\w+);")


def what_must_be_kept(text, flags):
    kept = {
        "{placeholders}": Counter(BRACE_PLACEHOLDER.findall(text)),
        "HTML tags": Counter(HTML_TAG.findall(text)),
        "HTML entities": Counter(HTML_ENTITY.findall(text)),
        "leading white space": text[: len(text) - len(text.lstrip())],
        "trailing white space": text[len(text.rstrip()) :],
    }
    if "python-format" in flags:
        unescaped = text.replace("%%", "")
        kept["%(name)s placeholders"] = Counter(NAMED_PLACEHOLDER.findall(unescaped))
        kept["positional placeholders"] = sorted(
            POSITIONAL_PLACEHOLDER.findall(NAMED_PLACEHOLDER.sub("", unescaped))
        )
    return kept


def test_what_must_be_kept_sees_placeholders_markup_and_edges():
    kept = what_must_be_kept("  Sent %(count)s of %d to <b>{name}</b>&nbsp;%%\n", {"python-format"})
    assert kept["%(name)s placeholders"] == Counter({("count", "s"): 1})
    assert kept["positional placeholders"] == ["d"]
    assert kept["{placeholders}"] == Counter({"{name}": 1})
    assert kept["HTML tags"] == Counter({"b": 1, "/b": 1})
    assert kept["HTML entities"] == Counter({"&nbsp;": 1})
    assert (kept["leading white space"], kept["trailing white space"]) == ("  ", "\n")
    assert what_must_be_kept("Sent %(count)r", {"python-format"}) != what_must_be_kept(
        "Sent %(count)s", {"python-format"}
    )


def test_translations_keep_their_placeholders_markup_and_edges(subtests):
    for locale in shipped_locales():
        with subtests.test(locale=locale):
            wrong = []
            for entry in messages_of(po_file(locale)):
                for source, text in entry.sources():
                    if not text:
                        continue  # untranslated: the test above reports it
                    expected = what_must_be_kept(source, entry.flags)
                    kept = what_must_be_kept(text, entry.flags)
                    wrong += [
                        (entry.where, what, text)
                        for what in expected
                        if kept[what] != expected[what]
                    ]
            assert wrong == []


def run_makemessages(source_dir):
    """The template (.pot) that ``make messages`` would merge into the catalogues, built from a
    copy of ``source_dir`` so that the committed catalogues are left alone."""
    if not shutil.which("xgettext"):
        if os.environ.get("CI"):
            pytest.fail("GNU gettext (xgettext) is not installed")
        pytest.skip("GNU gettext (xgettext) is not installed")
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "--locale", SOURCE_LANGUAGE, "--keep-pot"],
        cwd=source_dir,
        env={**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "tests.settings"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return {entry.key for entry in messages_of(os.path.join(source_dir, "locale", "django.pot"))}


@pytest.fixture(scope="module")
def extracted_keys(tmp_path_factory):
    copy = tmp_path_factory.mktemp("makemessages") / "wagtail_conditions"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "locale"))
    (copy / "locale").mkdir()
    return run_makemessages(copy)


def test_makemessages_would_add_no_message_to_any_catalog(extracted_keys, subtests):
    assert len(extracted_keys) > 400
    for locale in shipped_locales():
        with subtests.test(locale=locale):
            catalog_keys = {entry.key for entry in messages_of(po_file(locale))}
            missing = sorted(msgid for _context, msgid in extracted_keys - catalog_keys)
            assert missing == [], "run `make messages` and translate the new messages"


def test_catalogs_hold_no_message_the_source_no_longer_has(extracted_keys, subtests):
    for locale in shipped_locales():
        with subtests.test(locale=locale):
            catalog_keys = {entry.key for entry in messages_of(po_file(locale))}
            stale = sorted(msgid for _context, msgid in catalog_keys - extracted_keys)
            assert stale == [], "run `make messages`"


def test_catalog_holds_every_model_string(subtests):
    msgids = catalog_msgids()
    for where, value in model_strings():
        with subtests.test(where=where):
            with translation.override(None):
                assert str(value) in msgids


def test_catalog_holds_template_strings(subtests):
    msgids = catalog_msgids()
    for message in ("Also called:", "Conditions it helps with", "Skip to main content"):
        with subtests.test(message=message):
            assert message in msgids


# --- A patient reads the appointment form in their language ---------------------------------

# What the page shows of our strings, by language (the heading and consent wording are the
# editor's content, so the test page leaves the heading and button to the block's defaults).
SPOKEN = {
    "es": {
        "labels": [
            "Nombre y apellidos",
            "Correo electrónico",
            "(opcional)",
            "¿Ha venido antes a la clínica?",
            "Por la mañana",
            "Solo lo usaremos para contactarle sobre su cita.",
        ],
        "button": "Enviar solicitud",
        "heading": "Solicitar una cita",
        "errors": [
            "Hay un problema",
            "Escriba su nombre y apellidos.",
            "Marque la casilla para dar su conformidad antes de enviar la solicitud.",
        ],
    },
    "fr": {
        "labels": [
            "Nom et prénom",
            "Adresse e-mail",
            "(facultatif)",
            "Avez-vous déjà consulté à la clinique\u00a0?",
            "Le matin",
            "Nous l'utiliserons uniquement pour vous contacter au sujet de votre rendez-vous.",
        ],
        "button": "Envoyer la demande",
        "heading": "Demander un rendez-vous",
        "errors": [
            "Il y a un problème",
            "Saisissez votre nom et votre prénom.",
            "Cochez la case pour donner votre accord avant d'envoyer votre demande.",
        ],
    },
}
ENGLISH = ["Full name", "Email address", "(optional)", "Have you been to the clinic before?"]


@pytest.fixture
def defaults_form_page(db, appointment_settings):
    """A published page whose form block leaves its heading and button text to the defaults."""
    from tests.builders.appointments import FormPage

    block = form_block()
    del block["value"]["heading"], block["value"]["button_label"]
    return FormPage(publish_host_page(block))


@pytest.mark.parametrize("language", sorted(SPOKEN))
def test_appointment_form_renders_in_the_visitors_language(client, defaults_form_page, language):
    # The active language, and the header that sets it where LocaleMiddleware is installed.
    with translation.override(language):
        response = client.get(defaults_form_page.page.url, headers={"accept-language": language})

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    for text in SPOKEN[language]["labels"]:
        assert text in page
    assert f'<button class="wc-button" type="submit">{SPOKEN[language]["button"]}</button>' in page
    assert f">{SPOKEN[language]['heading']}</h2>" in page
    for text in ENGLISH:
        assert text not in page


@pytest.mark.parametrize("language", sorted(SPOKEN))
def test_appointment_form_errors_are_in_the_visitors_language(client, defaults_form_page, language):
    with translation.override(language):
        response = defaults_form_page.post(
            client, name="", consent=None, headers={"accept-language": language}
        )

    assert response.status_code == 422
    assert AppointmentRequest.objects.count() == 0
    page = html.unescape(response.content.decode())
    for text in SPOKEN[language]["errors"]:
        assert text in page
    assert "There is a problem" not in page and "Enter your full name." not in page
