"""Admin panels our condition and therapy pages share beyond their own fields."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

SEARCH_DESCRIPTION_HELP = _(
    "Leave blank to use the summary. Fill it in only to give search engines a different "
    "description of the page; the summary is still shown on cards."
)


def content_promote_panels():
    """Wagtail's promote panels for a page with a ``summary``: the same fields, the meta
    description's help text saying that the summary stands in for it when it is blank."""
    return [
        MultiFieldPanel(
            [
                FieldPanel("slug"),
                FieldPanel("seo_title"),
                FieldPanel("search_description", help_text=SEARCH_DESCRIPTION_HELP),
            ],
            heading=_("For search engines"),
        ),
        MultiFieldPanel([FieldPanel("show_in_menus")], heading=_("For site menus")),
    ]
