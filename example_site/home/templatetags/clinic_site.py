"""The example site's navigation: its pages in the visitor's language."""

from django import template
from wagtail.models import Site

from wagtail_conditions.models import ConditionIndexPage, TherapyIndexPage

register = template.Library()


@register.simple_tag(takes_context=True)
def site_pages(context):
    """The home page and the two indexes in the current language (the default language's
    where a page has no translation), for the header's links. Two queries, once a request."""
    request = context.get("request")
    if request is None:
        return {}
    cached = getattr(request, "_example_site_pages", None)
    if cached is not None:
        return cached
    site = Site.find_for_request(request)
    pages = {}
    if site is not None:
        home = site.root_page.localized
        pages["home"] = home
        indexes = home.get_children().live().public().type(ConditionIndexPage, TherapyIndexPage)
        for page in indexes.specific():
            key = "conditions" if isinstance(page, ConditionIndexPage) else "therapies"
            pages.setdefault(key, page)
    request._example_site_pages = pages
    return pages
