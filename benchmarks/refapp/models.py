"""
The references our pages are measured against (benchmarks only; no migrations: the benchmark
creates the tables with ``migrate --run-syncdb``).
"""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.api import APIField
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField
from wagtail.fields import RichTextField
from wagtail.models import Page


class PlainPage(Page):
    """A plain page whose one rich text body holds the same text as a condition page."""

    body = RichTextField(blank=True)
    api_fields = [APIField("body")]
    template = "refapp/plain_page.html"


class BenchFormField(AbstractFormField):
    page = ParentalKey("BenchFormPage", on_delete=models.CASCADE, related_name="form_fields")


class BenchFormPage(AbstractForm):
    """Wagtail's form page asking what our appointment form asks."""

    template = "refapp/form_page.html"
    landing_page_template = "refapp/form_page_landing.html"
