"""
The clinic in templates: ``{% load wagtail_conditions_clinic %}``.

- ``{% clinic_settings as clinic %}``: the ``ClinicSettings`` of the request's site (read once
  per request; Wagtail's ``{{ settings.wagtail_conditions.ClinicSettings }}`` is the same
  object), or None.
- ``{% clinic_name clinic %}``: its name, else the Wagtail site's name.
- ``{% opening_hours clinic as rows %}``, ``{% clinic_address clinic as lines %}``,
  ``{{ number|tel_href }}``, ``{% home_url %}``, ``{% booking_url clinic page as url %}``.
- ``{% condition_contents page sections therapy_links as entries %}``: the parts of a
  condition page in order, for both its "On this page" list and its sections.

The includes ``wagtail_conditions/includes/clinic_header.html``, ``clinic_footer.html`` and
``contact_card.html`` use them; a site's own base template can include the first two.
"""

from dataclasses import dataclass, field

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .. import contact
from ..blocks.appointment import AppointmentFormBlock, form_anchor, iter_stream_children

register = template.Library()


@register.simple_tag(takes_context=True)
def clinic_settings(context):
    return contact.clinic_settings(request=context.get("request"), page=context.get("page"))


@register.simple_tag(takes_context=True)
def clinic_name(context, clinic):
    """The clinic's name, else the name of the request's Wagtail site ('' if neither)."""
    if clinic is not None and clinic.name:
        return clinic.name
    request = context.get("request")
    site = contact.request_site(request) if request is not None else None
    return getattr(site, "site_name", "") or ""


@register.simple_tag
def opening_hours(clinic):
    return contact.opening_hours_rows(clinic)


@register.simple_tag
def clinic_address(clinic):
    return contact.address_lines(clinic)


@register.filter
def tel_href(number):
    return contact.tel_href(number)


@register.simple_tag
def home_url():
    """The home page's URL in the active language (Wagtail's serve view at its root)."""
    try:
        return reverse("wagtail_serve", args=[""])
    except NoReverseMatch:
        return "/"


@register.simple_tag(takes_context=True)
def booking_url(context, clinic, page=None):
    return contact.booking_url(clinic, page, context.get("request"))


@dataclass
class ContentsEntry:
    """One part of a condition page: a section (``blocks`` before its first form, ``rest``
    from it on) or the linked therapies, with the entries nested under it in "On this page"."""

    anchor: str
    heading: str
    kind: str  # "section", "therapies", "sources" or "form" (a form outside the sections)
    blocks: list = field(default_factory=list)
    rest: list = field(default_factory=list)
    children: list = field(default_factory=list)


THERAPIES_ANCHOR = "therapies"
SOURCES_ANCHOR = "sources"


def _split_at_form(value):
    """The stream's children before its first appointment form, and the rest."""
    children = list(value)
    for index, child in enumerate(children):
        if isinstance(child.block, AppointmentFormBlock):
            return children[:index], children[index:]
    return children, []


def _section_forms(value):
    return [
        (form_anchor(child.value, child.id), child.value.get("heading"))
        for child in iter_stream_children(value)
        if isinstance(child.block, AppointmentFormBlock) and child.id
    ]


@register.simple_tag
def condition_contents(page, sections, therapy_links, appointment_forms=(), sources=()):
    """The parts of a condition page in page order. The linked therapies go under their own
    heading inside "How we treat it", before any form placed there (a form closes the
    section), or, without that section, where it would be; forms are listed under their
    section; the cited ``sources`` (``page.get_sources()``) follow the sections, and any form
    outside the sections comes at the end."""
    therapies_heading = _("Therapies we use")
    entries = []
    listed_forms = set()
    filled = {name for name, _heading, _value in sections}
    order = [name for name, _heading in getattr(page, "sections", [])]
    therapies_at = None
    if therapy_links and "treatment" not in filled:
        # After the last filled section that comes before "treatment" in the page's order.
        if "treatment" in order:
            before = set(order[: order.index("treatment")])
            therapies_at = sum(1 for name, _h, _v in sections if name in before)
        else:
            therapies_at = len(sections)
    for position, (name, heading, value) in enumerate(sections):
        if position == therapies_at:
            entries.append(ContentsEntry(THERAPIES_ANCHOR, therapies_heading, "therapies"))
        entry = ContentsEntry(name, heading, "section")
        entry.blocks, entry.rest = _split_at_form(value)
        if name == "treatment" and therapy_links:
            entry.children.append((THERAPIES_ANCHOR, therapies_heading))
        forms = _section_forms(value)
        entry.children.extend(forms)
        listed_forms.update(anchor for anchor, _heading in forms)
        entries.append(entry)
    if therapies_at == len(sections):
        entries.append(ContentsEntry(THERAPIES_ANCHOR, therapies_heading, "therapies"))
    if sources:
        entry = ContentsEntry(SOURCES_ANCHOR, _("Sources"), "sources")
        entry.blocks = list(sources)
        entries.append(entry)
    for anchor, heading in appointment_forms or ():
        if anchor not in listed_forms:
            entries.append(ContentsEntry(anchor, heading, "form"))
    return entries


@register.filter
def contents_count(entries):
    """How many links an "On this page" list of ``entries`` holds."""
    return sum(1 + len(entry.children) for entry in entries)
