"""The API v2 pages endpoint that our router and the preview endpoint both build on."""

from functools import partial

from rest_framework.response import Response
from wagtail.api.v2.filters import LocaleFilter as WagtailLocaleFilter
from wagtail.api.v2.views import PagesAPIViewSet as WagtailPagesAPIViewSet

from .. import render_cache
from .filters import LocaleFilter


class PagesAPIViewSet(WagtailPagesAPIViewSet):
    """Wagtail's pages endpoint, fetching each page's locale with the page, and answering in
    compact JSON.

    Wagtail's own reads ``meta.locale`` with one query per listed page of a given ``type``, and
    indents its JSON by four spaces, which makes Python encode it with its pure-Python encoder
    (a fifth of a listing's time). A client that wants indented JSON asks for it with
    ``Accept: application/json; indent=4``; the browsable API still indents.

    ``?locale=`` answers 400 for a locale the site does not have (filters.py).

    Anonymous JSON answers are kept in the render cache until the content version moves on
    (render_cache.serve_api), with their form tokens issued per answer; ``render_cache =
    False`` on a subclass turns that off (the preview endpoint does).
    """

    render_cache = True

    filter_backends = [
        LocaleFilter if backend is WagtailLocaleFilter else backend
        for backend in WagtailPagesAPIViewSet.filter_backends
    ]

    def dispatch(self, request, *args, **kwargs):
        view = partial(super().dispatch, request, *args, **kwargs)
        return render_cache.serve_api(request, view) if self.render_cache else view()

    def listing_view(self, request):
        # Wagtail's, with each listed page's JSON kept by what it shows (kept_api_items).
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        queryset = self.filter_queryset(queryset)
        pages = list(self.paginate_queryset(queryset))
        items = render_cache.kept_api_items(request, "listing", pages, self._serialize_many)
        return self.get_paginated_response(items)

    def detail_view(self, request, pk):
        [item] = render_cache.kept_api_items(
            request, "detail", [self.get_object()], self._serialize_one
        )
        return Response(item)

    def _serialize_many(self, pages):
        return list(self.get_serializer(pages, many=True).data)

    def _serialize_one(self, pages):
        return [self.get_serializer(page).data for page in pages]

    def get_queryset(self):
        return super().get_queryset().select_related("locale")

    def get_renderer_context(self):
        context = super().get_renderer_context()
        context.pop("indent", None)
        return context
