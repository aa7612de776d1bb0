"""The example site's header and footer: its pages in the visitor's language, and the clinic's
opening hours in words."""

from django import template
from django.utils.translation import gettext as _
from wagtail.models import Site

from wagtail_conditions.blocks.clinic import DAYS_OF_WEEK
from wagtail_conditions.models import ConditionIndexPage, TherapyIndexPage

register = template.Library()

DAY_NAMES = dict(DAYS_OF_WEEK)
DAY_ORDER = [day for day, _name in DAYS_OF_WEEK]


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


@register.filter
def day_range(days):
    """Schema.org day names as words: "Monday to Friday" for three or more days in a row,
    otherwise each day, e.g. "Saturday" or "Monday, Wednesday"."""
    ordered = sorted((day for day in days if day in DAY_NAMES), key=DAY_ORDER.index)
    if not ordered:
        return ""
    positions = [DAY_ORDER.index(day) for day in ordered]
    if len(ordered) >= 3 and positions == list(range(positions[0], positions[-1] + 1)):
        return _("%(first)s to %(last)s") % {
            "first": DAY_NAMES[ordered[0]],
            "last": DAY_NAMES[ordered[-1]],
        }
    return ", ".join(str(DAY_NAMES[day]) for day in ordered)
