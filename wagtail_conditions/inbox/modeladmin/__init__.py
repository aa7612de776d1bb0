"""
The inbox's wagtail-modeladmin face, kept apart from the logic it calls (see ``inbox``) so a
``SnippetViewSet`` can replace it when modeladmin is retired.
"""

from .options import AppointmentRequestAdmin  # noqa: F401
