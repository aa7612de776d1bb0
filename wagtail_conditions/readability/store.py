"""
The reading ages kept per page (``PageReadability``) for the review report: written when one of
our pages is saved, read by ``reviews.pages`` as annotations.

Saving a page row (creating it, publishing, a revision applied) scores the content the row now
holds; a draft saved as a revision only leaves the row as it was, as the report's other columns
are. Pure Python, a few milliseconds a page, one write.
"""

import logging

from django.db.models.signals import post_save

from ..models import ContentPageMixin, PageReadability
from .analysis import analyse_page, page_language, worst

logger = logging.getLogger(__name__)


def scores(page):
    """The ``PageReadability`` fields of ``page``."""
    sections = analyse_page(page)
    highest = worst(sections)
    return {
        "reading_age": highest.analysis.reading_age if highest else None,
        "band": highest.analysis.band if highest else "",
        "language": page_language(page),
        "sections": [
            {
                "name": section.name,
                "reading_age": section.analysis.reading_age,
                "band": section.analysis.band,
                "formula": section.analysis.formula,
                "words": section.analysis.words,
            }
            for section in sections
        ],
    }


def update_page(page):
    """Score ``page`` (one of our condition or therapy pages) and store its figures. Text the
    scoring cannot read (a host's block holding something unexpected) never stops the page
    being saved: it is logged, and the page's figures are dropped until it can be scored."""
    try:
        figures = scores(page)
    except Exception:
        logger.exception("Could not score the reading age of page %s", page.pk)
        PageReadability.objects.filter(page_id=page.pk).delete()
        return
    PageReadability.objects.update_or_create(page_id=page.pk, defaults=figures)


def _page_saved(sender, instance, raw=False, **kwargs):
    if raw or not isinstance(instance, ContentPageMixin) or not instance.pk:
        return
    update_page(instance)


def connect_signals():
    post_save.connect(_page_saved, dispatch_uid="wagtail_conditions_readability")
