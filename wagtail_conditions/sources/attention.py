"""
The sources that need an editor: not checked within ``SOURCES_CHECK_INTERVAL_DAYS``, or whose
address the link checker last found moved, broken, unreachable or refused. The review report
shows them per page (``summaries``) and filters pages by them (``pages_needing``).

Sources live in each page type's own table, so both read one query per table holding a
``sources`` field plus one for the link checks: the cost does not grow with the pages.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..conf import conf
from ..models import SourceLinkCheck
from ..reviews.schedule import today
from .links import raw_source_links, source_tables

# What the report's "Sources" filter offers.
CHECK_DUE = "check_due"
LINK_PROBLEMS = "link_problems"
ANY = "attention"
FILTER_CHOICES = [
    (ANY, _("Need attention")),
    (CHECK_DUE, _("Not checked in time")),
    (LINK_PROBLEMS, _("Moved or broken links")),
]


def check_due_before(day=None):
    """Sources last checked before this date are due for a check."""
    return (day or today()) - datetime.timedelta(days=conf.SOURCES_CHECK_INTERVAL_DAYS)


@dataclass
class LinkProblem:
    number: int
    title: str
    check: SourceLinkCheck


@dataclass
class SourcesSummary:
    """A page's sources as the review report shows them."""

    count: int = 0
    check_due: int = 0
    problems: list = field(default_factory=list)  # LinkProblem

    @property
    def needs_attention(self):
        return bool(self.check_due or self.problems)

    def __str__(self):
        """One line, for the exports."""
        parts = [
            ngettext("%(count)s source", "%(count)s sources", self.count) % {"count": self.count}
        ]
        if self.check_due:
            parts.append(
                ngettext(
                    "%(count)s not checked in time", "%(count)s not checked in time", self.check_due
                )
                % {"count": self.check_due}
            )
        for problem in self.problems:
            parts.append(f"[{problem.number}] {problem.check.get_status_display()}")
        return "; ".join(parts)


def _sources(item):
    return [
        child.get("value") or {}
        for child in (getattr(item, "raw_data", item) or ())
        if child.get("type") == "source"
    ]


def page_sources(pks=None):
    """``{page pk: [raw source values]}`` of the pages ``pks`` (default: every page with
    sources), one query per table."""
    found = {}
    for table in source_tables():
        rows = table._base_manager.all() if pks is None else table._base_manager.filter(pk__in=pks)
        for pk, stream in rows.values_list("pk", "sources"):
            sources = _sources(stream)
            if sources:
                found.setdefault(pk, sources)
    return found


def _is_due(raw, cutoff):
    checked = raw.get("last_checked")
    return not checked or str(checked) < cutoff.isoformat()


def summarise(by_page, day=None):
    """``{page pk: SourcesSummary}`` of ``by_page`` (from ``page_sources``): one query."""
    cutoff = check_due_before(day)
    urls = {url for sources in by_page.values() for raw in sources for url in raw_source_links(raw)}
    checks = (
        {
            check.url: check
            for check in SourceLinkCheck.objects.filter(
                url__in=urls, status__in=SourceLinkCheck.PROBLEMS
            )
        }
        if urls
        else {}
    )
    summaries = {}
    for pk, sources in by_page.items():
        summary = SourcesSummary(count=len(sources))
        for number, raw in enumerate(sources, start=1):
            summary.check_due += _is_due(raw, cutoff)
            problem = next((checks[url] for url in raw_source_links(raw) if url in checks), None)
            if problem is not None:
                summary.problems.append(LinkProblem(number, raw.get("title", ""), problem))
        summaries[pk] = summary
    return summaries


def summaries(pks, day=None):
    return summarise(page_sources(pks), day)


def pages_needing(kind, day=None):
    """The pks of the pages whose sources need ``kind`` of attention (``FILTER_CHOICES``)."""
    return {
        pk
        for pk, summary in summarise(page_sources(), day).items()
        if (kind in (ANY, CHECK_DUE) and summary.check_due)
        or (kind in (ANY, LINK_PROBLEMS) and summary.problems)
    }
