"""
Behaviour shared by our page types. The condition pages live in ``conditions.py``, the therapy
pages in ``therapies.py``; each has an abstract class (``AbstractConditionPage`` …) holding
its behaviour, so a host site whose needs differ can build its own concrete pages on them.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

from ..conf import conf


class IndexPageMixin:
    """Shared behaviour of the condition and therapy index pages."""

    @classmethod
    def clean_parent_page_models(cls):
        # Read the setting on each call (not once at import) so sites and tests can change it.
        from wagtail.coreutils import resolve_model_string

        labels = conf.INDEX_PARENT_PAGE_TYPES
        if labels is None:
            return super().clean_parent_page_models()  # any page type, as Wagtail's default
        return [resolve_model_string(label) for label in labels]

    @staticmethod
    def paginate(request, items, per_page):
        paginator = Paginator(items, per_page)
        try:
            return paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            return paginator.page(1)
        except EmptyPage:
            return paginator.page(paginator.num_pages)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["base_template"] = conf.BASE_TEMPLATE
        return context


class ContentPageMixin:
    """Shared behaviour of the condition and therapy pages, which both have a ``summary``."""

    def get_meta_description(self):
        return self.search_description or self.summary

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["base_template"] = conf.BASE_TEMPLATE
        return context
