"""Filters of our API v2 pages endpoint that differ from Wagtail's."""

from wagtail.api.v2.filters import LocaleFilter as WagtailLocaleFilter
from wagtail.api.v2.utils import BadRequestError
from wagtail.models import Locale


class LocaleFilter(WagtailLocaleFilter):
    """``?locale=es``: the pages in one locale, as Wagtail's filter does, but a locale the site
    does not have is a bad request (400, naming the locales there are) rather than Wagtail's
    bare 404, which a client would read as "no such page"."""

    def filter_queryset(self, request, queryset, view):
        if "locale" not in request.GET:
            return queryset
        language_code = request.GET["locale"]
        locales = {locale.language_code: locale for locale in Locale.objects.all()}
        if language_code not in locales:
            raise BadRequestError(
                f"locale {language_code!r} doesn't exist; the locales are: "
                + ", ".join(sorted(locales))
            )
        # Wagtail's child_of filter marks the queryset for the listing's parent; keep it.
        filtered_by_child_of = getattr(queryset, "_filtered_by_child_of", None)
        queryset = queryset.filter(locale=locales[language_code])
        if filtered_by_child_of:
            queryset._filtered_by_child_of = filtered_by_child_of
        return queryset
