"""
Behaviour shared by our page types, and the helpers that let a host site build on them.

Each page type comes in three layers, as ``wagtail.contrib.forms`` does it (``FormMixin`` →
``AbstractForm`` → the site's form page):

- a mixin holding the fields and behaviour, which does not subclass ``Page``
  (``ConditionPageMixin``, ``TherapyPageMixin`` and the two index mixins), so a site that
  swaps its base page model (Wagtail 8's ``WAGTAIL_PAGE_MODEL``) combines it with its own;
- an abstract page on Wagtail's ``Page`` adding the panels and search fields
  (``AbstractConditionPage`` …), for the usual site;
- our concrete pages (``ConditionPage`` …), which are thin.

The mixins never name our concrete models: an index finds its children through
``get_condition_page_model()``/``get_therapy_page_model()``, a condition its therapy links
through ``therapy_links_relation``, a therapy the conditions it treats through
``get_condition_link_model()``. The README's "Extending" section shows a host's code.
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from wagtail.coreutils import resolve_model_string

from ..conf import conf


def single_model(owner, attribute, candidates, kind):
    """The model named by ``owner.<attribute>`` (a model or "app_label.Model" string), or else
    the one model among ``candidates``; ImproperlyConfigured when that is ambiguous."""
    configured = getattr(owner, attribute)
    if configured is not None:
        return resolve_model_string(configured)
    candidates = list(dict.fromkeys(candidates))
    if len(candidates) != 1:
        found = ", ".join(model._meta.label for model in candidates) or "none"
        raise ImproperlyConfigured(
            f"{owner.__name__} cannot tell which {kind} to use (found: {found}). "
            f"Set {owner.__name__}.{attribute} = 'app_label.ModelName'."
        )
    return candidates[0]


class PageBehaviourMixin:
    """What all our page types share: the site's base template, and our template as the
    fallback of a host's page type that has no template of its own."""

    # Our template for this kind of page. A host's page type renders its own template
    # (``<app_label>/<model_name>.html``, Wagtail's default) when the site has one, else this.
    fallback_template = None

    def get_template(self, request, *args, **kwargs):
        template = super().get_template(request, *args, **kwargs)
        if self.fallback_template and template != self.fallback_template:
            return [template, self.fallback_template]
        return template

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["base_template"] = conf.BASE_TEMPLATE
        return context


class IndexPageMixin(PageBehaviourMixin):
    """Shared behaviour of the condition and therapy index pages."""

    @classmethod
    def clean_parent_page_models(cls):
        # Read the setting on each call (not once at import) so sites and tests can change it.
        labels = conf.INDEX_PARENT_PAGE_TYPES
        if labels is None:
            return super().clean_parent_page_models()  # any page type, as Wagtail's default
        return [resolve_model_string(label) for label in labels]

    @classmethod
    def child_page_model(cls, attribute, mixin, kind):
        """The page model of the index's children: ``cls.<attribute>`` when set, else the one
        allowed subpage type built on ``mixin``."""
        candidates = [model for model in cls.clean_subpage_models() if issubclass(model, mixin)]
        return single_model(cls, attribute, candidates, kind)

    @staticmethod
    def paginate(request, items, per_page):
        paginator = Paginator(items, per_page)
        try:
            return paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            return paginator.page(1)
        except EmptyPage:
            return paginator.page(paginator.num_pages)


class ContentPageMixin(PageBehaviourMixin):
    """Shared behaviour of the condition and therapy pages, which both have a ``summary``."""

    def get_meta_description(self):
        return self.search_description or self.summary

    def get_appointment_topic(self):
        """What an appointment request sent from this page is about, stored as the request's
        topic (the inbox lists and filters by it). A condition or therapy page answers with its
        title; override it to file requests differently, e.g. by a clinic or a specialty."""
        return self.title
