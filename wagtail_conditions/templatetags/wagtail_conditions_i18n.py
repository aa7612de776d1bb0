"""
``{% language_switcher %}``: links to the current page in each language it is published in,
for the header of a site's base template::

    {% load wagtail_conditions_i18n %}{% language_switcher %}

It renders ``wagtail_conditions/includes/language_switcher.html`` (a site overrides it by
path): a ``<nav>`` of plain links, each naming its language in that language ("Español") and
marked with ``lang`` and ``hreflang``, the current one with ``aria-current``. It renders
nothing when Wagtail's localisation is off or the page has no live, public translation, and
shares its one query with the ``hreflang`` links of ``{% seo_meta %}``.

``{% page_language_code %}`` is here too (as in ``wagtail_conditions_seo``): the language to
write in ``<html lang="…">``.
"""

from django import template
from wagtail.models import Page

from ..alternates import get_alternates, page_language_code

register = template.Library()


@register.simple_tag(takes_context=True, name="page_language_code")
def page_language_code_tag(context):
    """The language of the page in the context, for ``<html lang>``."""
    page = context.get("page")
    return page_language_code(page if isinstance(page, Page) else None)


@register.inclusion_tag("wagtail_conditions/includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    page = context.get("page")
    request = context.get("request")
    if not isinstance(page, Page):
        return {"alternates": []}
    return {
        "alternates": get_alternates(page, request),
        "current_pk": page.pk,
        "current_language_code": page_language_code(page),
    }
