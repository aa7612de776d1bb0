"""
Check every distinct address the live pages cite, and record what each answered.

Addresses are read from the pages' stored sources (one query per table holding a ``sources``
field), asked ``SOURCES_CHECK_CONCURRENCY`` at a time on threads (``checker.check``: no
database there), and the results written here, one ``SourceLinkCheck`` per address; rows of
addresses no live page cites any more are deleted.
"""

import concurrent.futures

from django.db import transaction
from django.utils import timezone
from wagtail.models import Site, get_page_models

from .. import citations
from ..conf import conf
from ..models import CitedSourcesMixin, SourceLinkCheck
from . import checker


def source_tables():
    """One model per table holding a ``sources`` field, among the page models built on
    ``CitedSourcesMixin`` (a page type subclassing another reads its parent's)."""
    tables = {}
    for model in get_page_models():
        if issubclass(model, CitedSourcesMixin) and not model._meta.abstract:
            owner = model._meta.get_field("sources").model._meta.concrete_model
            tables.setdefault(owner, None)
    return list(tables)


def raw_source_links(raw):
    """The addresses a stored source (its raw JSON value) is linked at, as ``SourceValue.links``
    gives them."""
    return [
        url
        for url in (
            raw.get("url") or "",
            citations.doi_url(raw.get("doi") or ""),
            citations.pubmed_url(raw.get("pmid") or ""),
        )
        if url
    ]


def cited_urls():
    """Every distinct address the live pages' sources are linked at, sorted."""
    urls = set()
    for table in source_tables():
        for stream in table._default_manager.live().values_list("sources", flat=True):
            for item in getattr(stream, "raw_data", stream) or ():
                if item.get("type") == "source":
                    urls.update(raw_source_links(item.get("value") or {}))
    return sorted(urls)


def site_url():
    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url if site else ""


def check_all(urls=None, *, agent=None):
    """Check ``urls`` (default: every cited address) and record the results; returns
    ``{status: count}``. The addresses are asked ``SOURCES_CHECK_CONCURRENCY`` at a time."""
    prune = urls is None
    urls = cited_urls() if urls is None else sorted(set(urls))
    agent = agent or checker.user_agent(site_url())
    workers = max(1, int(conf.SOURCES_CHECK_CONCURRENCY))
    with concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="source-check") as pool:
        results = list(pool.map(lambda url: checker.check(url, agent), urls))
    now = timezone.now()
    counts = {}
    with transaction.atomic():
        for url, result in zip(urls, results, strict=True):
            SourceLinkCheck.objects.update_or_create(
                url=url,
                defaults={
                    "status": result.status,
                    "status_code": result.status_code,
                    "final_url": result.final_url[:2000],
                    "error": result.error[:255],
                    "checked_at": now,
                },
            )
            counts[result.status] = counts.get(result.status, 0) + 1
        if prune:
            SourceLinkCheck.objects.exclude(url__in=urls).delete()
    return counts
