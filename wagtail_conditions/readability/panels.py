"""
The read-only "Reading age" panel on the Summary tab of our pages' editor: each section's
reading age and band against the target, its longest sentences and its hard words with plainer
ones. It scores the content the editor opened (the latest draft); Wagtail's Checks panel
(``checks``) scores the preview as the editor types.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

from ..conf import conf
from . import counting
from .analysis import analyse_page


class ReadingAgePanel(Panel):
    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Reading age"))
        super().__init__(**kwargs)

    @property
    def clean_name(self):
        return super().clean_name or "reading_age"

    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_conditions/readability/panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["sections"] = analyse_page(self.instance)
            context["target_age"] = conf.READABILITY_TARGET_AGE
            context["long_sentence_words"] = conf.READABILITY_LONG_SENTENCE_WORDS
            context["dictionaries_missing"] = not all(counting.dependencies_installed().values())
            return context
