"""
The front-desk inbox for appointment requests.

Everything here is independent of the admin framework that shows it: ``permissions`` (who may
do what), ``exports`` (streamed CSV/XLSX with formula neutralisation), ``actions`` (status
changes, deletion, retrying notifications, retention and erasure) and ``audit`` (one Wagtail
audit-log entry per action, never with personal data). ``inbox.modeladmin`` is the thin
wagtail-modeladmin face registered in ``wagtail_hooks.py``; a ``SnippetViewSet`` could call the
same functions.
"""
