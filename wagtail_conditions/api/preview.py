"""
The ``page_preview`` endpoint for wagtail-headless-preview: the API v2 representation of the
draft an editor is previewing, found by the ``content_type`` and ``token`` query parameters
that wagtail-headless-preview appends to the front end's URL.

A condition or therapy page's draft also carries ``readability``: each section's reading age,
band, longest sentences and hard words (``readability.analysis.page_figures``), which the public
pages endpoint never shows.

It follows the pattern of wagtail-headless-preview's README, with two differences: every kind of
bad request answers 400 or 404 with a JSON ``message`` (the README's version raises, so a
forged token is a 500), and the token's signature is checked before the database is asked, as
the package's own ``get_page_from_preview_token`` does.

Only imported when ``wagtail_headless_preview`` is installed; see ``v2.py``.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.signing import BadSignature
from django.http import Http404
from rest_framework.response import Response
from wagtail.api.v2.utils import BadRequestError
from wagtail.models import get_page_models
from wagtail_headless_preview.models import PagePreview

from ..models import ContentPageMixin
from ..readability.analysis import page_figures
from .pages import PagesAPIViewSet


class PagePreviewAPIViewSet(PagesAPIViewSet):
    """``GET page_preview/?content_type=<app_label.model>&token=<token>``: one page, serialized
    exactly as the pages endpoint's detail view serializes it, from the previewed draft."""

    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(["content_type", "token"])
    render_cache = False  # a draft, for one editor

    def listing_view(self, request):
        # A listing of one: answer in the detail format, so the front end reads one shape.
        self.action = "detail_view"
        return self.detail_view(request, None)

    def detail_view(self, request, pk):
        page = self.get_object()
        data = self.get_serializer(page).data
        if isinstance(page, ContentPageMixin):
            # The draft's reading ages, for the editor's eyes only: never in the public API.
            data = {**data, "readability": page_figures(page)}
        return Response(data, headers={"Cache-Control": "no-store"})

    def get_object(self):
        if not hasattr(self, "_cached_object"):
            self._cached_object = self.get_preview_page()
        return self._cached_object

    def get_preview_page(self):
        content_type_param = self.request.GET.get("content_type", "").strip()
        token = self.request.GET.get("token", "").strip()
        if not content_type_param or not token:
            raise BadRequestError(
                "Give both the content_type and token query parameters, as in the preview URL."
            )
        model = self.get_page_model(content_type_param)

        # A token not signed by this site (forged, truncated, or from another SECRET_KEY)
        # never reaches the database.
        try:
            model.get_preview_signer().unsign(token)
        except BadSignature:
            raise BadRequestError("The preview token is not valid.") from None

        preview = PagePreview.objects.filter(
            content_type=ContentType.objects.get_for_model(model), token=token
        ).first()
        if preview is None:
            raise Http404(
                "There is no preview for this token; it may have expired. "
                "Preview the page again from the editor."
            )
        page = preview.as_page()
        if page.pk is None:
            # A page not saved yet; the serializer needs an id for its detail URL.
            page.pk = 0
        return page

    def get_page_model(self, value):
        app_label, _dot, model_name = value.partition(".")
        try:
            content_type = ContentType.objects.get_by_natural_key(app_label, model_name.lower())
        except ContentType.DoesNotExist:
            raise BadRequestError(f"content_type {value!r} is not a page type.") from None
        model = content_type.model_class()
        # get_page_models() rather than issubclass(Page): Wagtail 8 sites may swap the base Page.
        if model not in get_page_models() or not hasattr(model, "get_preview_signer"):
            raise BadRequestError(f"content_type {value!r} is not a page type with previews.")
        return model
