from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import BodyArea


class BodyAreaViewSet(SnippetViewSet):
    model = BodyArea
    icon = "site"
    menu_label = _("Body areas")
    menu_order = 300
    add_to_admin_menu = False
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]
    ordering = ["sort_order", "name"]


register_snippet(BodyAreaViewSet)
