"""Every user-facing string of the models goes through gettext_lazy, and the catalog is shipped."""

import gettext
import os
import re
from unittest import mock

from django.utils import translation
from django.utils.functional import Promise

import wagtail_conditions
from wagtail_conditions.models import (
    AppointmentRequest,
    AppointmentSettings,
    BodyArea,
    ConditionIndexPage,
    ConditionPage,
    ConditionTherapy,
    TherapyIndexPage,
    TherapyPage,
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
]
PAGE_MODELS = [ConditionIndexPage, ConditionPage, TherapyIndexPage, TherapyPage]
LOCALE_DIR = os.path.join(os.path.dirname(wagtail_conditions.__file__), "locale")
PO_FILE = os.path.join(LOCALE_DIR, "en", "LC_MESSAGES", "django.po")
MO_FILE = os.path.join(LOCALE_DIR, "en", "LC_MESSAGES", "django.mo")
PO_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


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
    with open(PO_FILE, encoding="utf-8") as po:
        text = po.read()
    msgids = set()
    for block in re.findall(r'^msgid ((?:".*"\n)+)', text, flags=re.MULTILINE):
        escaped = "".join(re.findall(r'"(.*)"', block))
        msgids.add(re.sub(r"\\(.)", lambda m: PO_ESCAPES.get(m.group(1), m.group(1)), escaped))
    return msgids


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


def test_english_catalog_is_committed_and_compiled():
    assert os.path.isfile(PO_FILE), PO_FILE
    assert os.path.isfile(MO_FILE), MO_FILE
    with open(MO_FILE, "rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    assert catalog.info().get("language") == "en"


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
