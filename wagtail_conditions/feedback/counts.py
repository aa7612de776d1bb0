"""
What the answers add up to: yes and no counts and the share found helpful, for a page or per
page, each in one query whatever the number of answers. Spam is never counted. Takes the
queryset to count (no models imported: the page models' review panel uses this module).
"""

from django.db.models import Count, Q

LATEST_COMMENTS = 5


def percent(yes, total):
    """The whole-number percentage of ``yes`` in ``total``, or None when nothing was answered."""
    return round(100 * yes / total) if total else None


def _with_percent(row):
    row["total"] = row["yes"] + row["no"]
    row["percent_helpful"] = percent(row["yes"], row["total"])
    return row


def summary(answers):
    """``{"yes", "no", "total", "percent_helpful"}`` of ``answers`` (not spam): one query."""
    row = answers.filter(is_spam=False).aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    return _with_percent(row)


def per_page(answers, limit=None):
    """One row per page among ``answers`` (not spam), most answered first: ``page_id``,
    ``title``, ``yes``, ``no``, ``total``, ``percent_helpful``. One query."""
    rows = (
        answers.filter(is_spam=False)
        .order_by()
        .values("page_id", "page__title")
        .annotate(
            yes=Count("pk", filter=Q(helpful=True)),
            no=Count("pk", filter=Q(helpful=False)),
            answers=Count("pk"),
        )
        .order_by("-answers", "page__title", "page_id")
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        _with_percent({"page_id": r["page_id"], "title": r["page__title"], "yes": r["yes"], "no": r["no"]})
        for r in rows
    ]


def latest_comments(answers, limit=LATEST_COMMENTS):
    """The newest ``limit`` answers among ``answers`` (not spam) that have a comment: one
    query."""
    return list(
        answers.filter(is_spam=False)
        .exclude(comment="")
        .order_by("-created_at", "-pk")
        .only("pk", "helpful", "comment", "created_at", "locale_id")[:limit]
    )
