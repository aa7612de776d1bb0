"""
Wagtail's sitemap for a site in several languages.

Wagtail's ``wagtail.contrib.sitemaps`` lists the pages under the site's root page, which with
localisation on is the default language's tree only. This ``Sitemap`` lists the pages of every
language tree of the site (the root page's translations), each with its language versions as
``<xhtml:link rel="alternate" hreflang="…">`` (our page types add those to their entries,
``alternates.SitemapAlternatesMixin``; a host's page type can add the mixin too). With
localisation off it is Wagtail's sitemap. In the site's URLconf::

    from wagtail.contrib.sitemaps.views import sitemap
    from wagtail_conditions.sitemaps import Sitemap

    path("sitemap.xml", sitemap, {"sitemaps": {"pages": Sitemap}}),
"""

from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap
from wagtail.models import Page

from .alternates import i18n_enabled


class Sitemap(WagtailSitemap):
    def items(self):
        if not i18n_enabled():
            return super().items()
        roots = self.get_wagtail_site().root_page.get_translations(inclusive=True)
        in_site = Q()
        for root in roots:
            in_site |= Page.objects.descendant_of_q(root, inclusive=True)
        return (
            Page.objects.live()
            .public()
            .filter(in_site)
            .order_by("path")
            .defer_streamfields()
            .specific()
        )
