"""
The page-model settings check (E006, E007): a page type built on our mixins that cannot tell
which related model to use, or names one that is not a model of the right kind, is reported at
start-up, with the model, the candidates and the attribute to set, instead of failing on the
first request to the page.

The host page types here are defined inside each test, in an isolated app registry, and listed
among Wagtail's page models for that test only.
"""

from unittest import mock

import pytest
from django.core.checks import run_checks
from django.db import models
from django.test import override_settings
from django.test.utils import isolate_apps
from modelcluster.fields import ParentalKey
from wagtail.models import Page, get_page_models

from wagtail_conditions import checks
from wagtail_conditions.models import (
    AbstractConditionIndexPage,
    AbstractConditionPage,
    AbstractConditionTherapy,
    AbstractTherapyIndexPage,
    AbstractTherapyPage,
)


@pytest.fixture
def host_app():
    """Page models defined in the test join Wagtail's page models until the test ends."""
    with (
        isolate_apps("tests.testapp"),
        mock.patch("wagtail.models.pages.PAGE_MODEL_CLASSES", get_page_models()),
    ):
        yield


class HostMeta:
    app_label = "testapp"


def model_errors():
    return checks.check_page_model_settings(None)


def test_the_test_sites_page_types_pass():
    assert model_errors() == []


def test_an_index_allowing_two_condition_page_types_is_e006(host_app):
    class OpenConditionIndexPage(AbstractConditionIndexPage):
        # subpage_types unset: any page type, ours and the test app's.
        Meta = HostMeta

    [error] = model_errors()
    assert error.id == "wagtail_conditions.E006"
    assert error.obj is OpenConditionIndexPage
    assert error.msg == (
        "testapp.OpenConditionIndexPage cannot tell which model built on ConditionPageMixin "
        "to use (found: wagtail_conditions.ConditionPage, testapp.HostConditionPage): "
        "set condition_page_model."
    )
    assert error.hint == (
        "Set condition_page_model = 'app_label.ModelName' on testapp.OpenConditionIndexPage, "
        "naming a model built on ConditionPageMixin."
    )


def test_an_index_allowing_no_therapy_page_type_is_e006(host_app):
    class EmptyTherapyIndexPage(AbstractTherapyIndexPage):
        subpage_types = ["testapp.HostPage"]
        Meta = HostMeta

    [error] = model_errors()
    assert error.id == "wagtail_conditions.E006"
    assert "testapp.EmptyTherapyIndexPage" in error.msg
    assert "TherapyPageMixin" in error.msg
    assert "(found: none)" in error.msg
    assert "therapy_page_model" in error.hint


def test_setting_the_attribute_resolves_the_ambiguity(host_app):
    class OpenConditionIndexPage(AbstractConditionIndexPage):
        condition_page_model = "testapp.HostConditionPage"
        Meta = HostMeta

    assert model_errors() == []


def test_a_setting_that_is_not_a_model_of_the_right_kind_is_e007(host_app, subtests):
    for number, value in enumerate(
        ["testapp.NoSuchPage", "not-a-label", "wagtail_conditions.TherapyPage"]
    ):
        with subtests.test(value=value):
            index = type(
                f"MisconfiguredIndexPage{number}",
                (AbstractConditionIndexPage,),
                {"__module__": __name__, "Meta": HostMeta, "condition_page_model": value},
            )
            [error] = [error for error in model_errors() if error.obj is index]
            assert error.id == "wagtail_conditions.E007"
            assert error.msg == (
                f"testapp.MisconfiguredIndexPage{number}.condition_page_model is {value!r}, "
                "which is not an installed model built on ConditionPageMixin."
            )
            assert error.hint == (
                "Name a model built on ConditionPageMixin, as 'app_label.ModelName'."
            )


def test_a_therapy_page_linked_by_two_link_models_is_e006(host_app):
    class LinkedConditionPage(AbstractConditionPage):
        Meta = HostMeta

    class LinkedTherapyPage(AbstractTherapyPage):
        Meta = HostMeta

    class FirstLink(AbstractConditionTherapy):
        condition = ParentalKey(
            LinkedConditionPage, on_delete=models.CASCADE, related_name="therapy_links"
        )
        therapy = models.ForeignKey(
            LinkedTherapyPage, on_delete=models.CASCADE, related_name="first_links"
        )
        Meta = HostMeta

    class SecondLink(AbstractConditionTherapy):
        condition = ParentalKey(
            LinkedConditionPage, on_delete=models.CASCADE, related_name="other_links"
        )
        therapy = models.ForeignKey(
            LinkedTherapyPage, on_delete=models.CASCADE, related_name="second_links"
        )
        Meta = HostMeta

    [error] = model_errors()
    assert error.id == "wagtail_conditions.E006"
    assert error.obj is LinkedTherapyPage
    assert error.msg == (
        "testapp.LinkedTherapyPage cannot tell which model built on AbstractConditionTherapy "
        "to use (found: testapp.FirstLink, testapp.SecondLink): set condition_link_model."
    )

    LinkedTherapyPage.condition_link_model = FirstLink
    assert model_errors() == []

    LinkedTherapyPage.condition_link_model = "testapp.HostPage"
    [error] = model_errors()
    assert error.id == "wagtail_conditions.E007"
    assert "condition_link_model is 'testapp.HostPage'" in error.msg
    assert "AbstractConditionTherapy" in error.msg


def test_the_check_runs_with_the_system_checks(host_app):
    class OpenTherapyIndexPage(AbstractTherapyIndexPage):
        Meta = HostMeta

    errors = run_checks(tags=["models"])
    assert "wagtail_conditions.E006" in [error.id for error in errors]


@override_settings(WAGTAIL_PAGE_MODEL="testapp.HostPage")
def test_a_swapped_base_page_model_is_e008_on_wagtail_8():
    errors = checks.check_base_page_model(None)
    if Page._meta.swappable is None:
        # Wagtail 7.4 has no swappable Page: the setting means nothing there.
        assert errors == []
        return
    [error] = errors
    assert error.id == "wagtail_conditions.E008"
    assert error.msg == (
        "WAGTAIL_PAGE_MODEL swaps Wagtail's Page for testapp.HostPage, but the page types of "
        "wagtail-conditions (wagtail_conditions.ConditionIndexPage, "
        "wagtail_conditions.ConditionPage, wagtail_conditions.TherapyIndexPage, "
        "wagtail_conditions.TherapyPage) are built on wagtailcore.Page: Django refuses them "
        "(fields.E301) and migrate cannot create their tables."
    )
    assert "leave WAGTAIL_PAGE_MODEL unset" in error.hint


@override_settings(WAGTAIL_PAGE_MODEL="testapp.HostPage")
def test_no_e008_once_our_page_types_are_swapped_out_too():
    # A swapped model is left out of get_models(), as our page types would be if a site
    # swapped them for its own.
    app_config = checks.apps.get_app_config("wagtail_conditions")
    not_pages = [model for model in app_config.get_models() if not issubclass(model, Page)]
    with mock.patch.object(app_config, "get_models", return_value=not_pages):
        assert checks.check_base_page_model(None) == []


def test_wagtails_own_page_model_passes(subtests):
    for value in (None, "wagtailcore.Page", "wagtailcore.page"):
        with subtests.test(value=value), override_settings(WAGTAIL_PAGE_MODEL=value):
            assert checks.check_base_page_model(None) == []


def test_a_condition_page_without_its_therapy_links_is_e009(host_app):
    class UnlinkedConditionPage(AbstractConditionPage):
        Meta = HostMeta

    [error] = model_errors()
    assert error.id == "wagtail_conditions.E009"
    assert error.obj is UnlinkedConditionPage
    assert error.msg == (
        "testapp.UnlinkedConditionPage reads its therapy links through 'therapy_links' "
        "(therapy_links_relation), but no link model built on AbstractConditionTherapy has a "
        "ParentalKey to it with that related name."
    )
    assert "related_name='therapy_links'" in error.hint

    class UnlinkedConditionTherapy(AbstractConditionTherapy):
        condition = ParentalKey(
            UnlinkedConditionPage, on_delete=models.CASCADE, related_name="therapy_links"
        )
        therapy = models.ForeignKey(
            "testapp.HostTherapyPage", on_delete=models.CASCADE, related_name="+"
        )
        Meta = HostMeta

    UnlinkedConditionPage._meta._expire_cache()
    assert model_errors() == []
