"""
The link check as a django-tasks task, for a site that runs it from its task worker (e.g. a
periodic job queueing it nightly); ``manage.py check_sources`` runs the same check from cron.
It takes no arguments: it checks every address the live pages cite.
"""

from django_tasks import task

from .links import check_all


@task()
def check_source_links():
    return check_all()
