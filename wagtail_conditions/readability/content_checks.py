"""
The reading ages in Wagtail's Checks panel (the page editor's side panel, and the userbar's
"Checks" on the site): one Axe rule per section of the page type, which fails on the section's
heading when the section reads above the target.

The reading ages are computed here, in Python, from the page the userbar is rendered for: in
the editor that is the preview of what the editor has typed. They reach the browser as the
options of one custom Axe check (``over``: the selectors of the sections above the target),
whose function ``reading-age-check.js`` registers with ``window.wagtail.userbar.registerCheck``.
``construct_userbar`` (the ``construct_wagtail_userbar`` hook, Wagtail 7.3+) adds the rules,
the check, the messages and the script to Wagtail's content checker item, keeping whatever the
site configured on it.
"""

from django.forms import Media
from django.utils.translation import gettext_lazy as _
from wagtail.admin.userbar import BaseItem, ContentCheckerItem

from ..conf import conf
from ..models import ContentPageMixin
from .analysis import analyse_page

CHECK_ID = "wagtail-conditions-reading-age"
RULE_TAG = "wagtail-conditions-reading-age"
SUMMARY = ("summary", _("Summary"))


def rule_id(name):
    return f"{CHECK_ID}-{name}"


def section_selector(page, name):
    if name == "summary":
        return ".wc-lead"
    return "#" + getattr(page, "section_heading_ids", {}).get(name, f"{name}-heading")


def page_sections(page):
    """(name, heading) of every section a page of this type can have, filled in or not: the
    editor's rules and the preview's must be the same set."""
    return [SUMMARY, *getattr(page, "sections", ())]


def over_target_selectors(page):
    """The selectors of the sections of ``page`` that read above the target."""
    return [section.selector for section in analyse_page(page) if section.analysis.over_target]


class ReadingAgeScript(BaseItem):
    """Renders nothing: carries the script registering the check's function (the userbar adds
    every item's media to the page)."""

    media = Media(js=["wagtail_conditions/js/reading-age-check.js"])

    def render_html(self, parent_context=None):
        return ""


def add_reading_age_checks(item, request, page):
    """Add the reading-age rules of ``page`` to ``item`` (a ``ContentCheckerItem``)."""
    sections = page_sections(page)
    rules = [
        {
            "id": rule_id(name),
            "impact": "moderate",
            "selector": section_selector(page, name),
            "tags": [RULE_TAG],
            "any": [CHECK_ID],
            "enabled": True,
        }
        for name, _heading in sections
    ]
    target = conf.READABILITY_TARGET_AGE
    messages = {
        rule_id(name): {
            "error_name": _("%(section)s reads above reading age %(age)s")
            % {"section": heading, "age": target},
            "help_text": _(
                "Use shorter sentences and everyday words. The Reading age panel on the "
                "Summary tab lists the longest sentences and the hard words, with plainer ones."
            ),
        }
        for name, heading in sections
    }
    item.axe_custom_rules = [*item.get_axe_custom_rules(request), *rules]
    item.axe_custom_checks = [
        *item.get_axe_custom_checks(request),
        {"id": CHECK_ID, "options": {"over": over_target_selectors(page)}},
    ]
    item.axe_messages = {**item.get_axe_messages(request), **messages}
    # Axe runs rules listed by id or by tag, never both. Wagtail lists ids; a site that lists
    # tags adds ours, RULE_TAG, itself. Nothing listed: every rule runs, ours included.
    run_only = item.get_axe_run_only(request)
    if run_only and RULE_TAG not in run_only:
        item.axe_run_only = [*run_only, *(rule["id"] for rule in rules)]


def construct_userbar(request, items, page):
    """The ``construct_wagtail_userbar`` hook: reading-age checks for our pages."""
    if not isinstance(page, ContentPageMixin):
        return
    checkers = [item for item in items if isinstance(item, ContentCheckerItem)]
    for item in checkers:
        add_reading_age_checks(item, request, page)
    if checkers:
        items.append(ReadingAgeScript())
