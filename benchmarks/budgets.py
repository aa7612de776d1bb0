"""The query budgets ``bench.py --quick`` checks (no Django imports: tests read them too)."""

# The most queries each of our sides may cost: ``--quick`` fails above them. Each is the count
# measured when it was set; a change that adds a query must raise it and say why.
BUDGETS = {
    # +1 (13 -> 14): the site's clinic settings, read once per request (Wagtail's cache on the
    # request) by the header, footer, contact card, care levels and the JSON-LD; the JSON-LD's
    # breadcrumb ancestors are the visible breadcrumb's, one query for both.
    # 14 -> 13: the condition found by its index with its own fields in one query.
    # 13 -> 11: the view restrictions read once (Wagtail's serve hook, then the form and the
    # render cache reuse them); the breadcrumb is the pages the routing went through.
    "page render (cache off)": 11,
    # The first view after a change every page may show: the page rendered (11) and the
    # content version (1); the form's HTML is read back from the cache
    # (AppointmentFormBlock.render). +2 (12 -> 14, render_deps): the changes since the page
    # kept at the older version (which say it must be rendered again), and the pages its
    # content links to, read once per render to keep it with its dependencies.
    "page render (site-wide change)": 14,
    # The first view after another page is published: the warm view's 7 and the changes since
    # the kept page was rendered (1; render_deps).
    "page render (cold)": 8,
    # Served from the render cache: Wagtail's routing (site, the route down the tree, the
    # specific page, aliases, view restrictions: 6, the condition found by its index with its
    # own fields in one query) and the content version (1).
    "page render (warm)": 7,
    # +2 each on the API (11 -> 13, 10 -> 12, 12 -> 14): the structured_data field's clinic
    # settings and breadcrumb ancestors, one query each for a whole response (the listing stays
    # flat in N).
    "API v2 detail (cache off)": 13,
    "API v2 listing (20) (cache off)": 14,
    "API v3 detail (cache off)": 12,
    # The first answer after a condition of the listing is published (render_cache.
    # kept_api_items). A detail of another page: the warm answer's version, the API's own
    # lookups (the site, the page, its view restrictions) and the changes since (6). The
    # listing: its own queries, the changes since, the published page serialized alone (its
    # related rows, its structured data) and what it shows, read to keep it (17, 3 more than
    # the whole listing computed, for a twentieth of its serializing).
    "API v2 detail (cold)": 6,
    "API v2 listing (20) (cold)": 17,
    # API v3 keeps whole answers only: the first after any publish is computed (12) after the
    # version's read.
    "API v3 detail (cold)": 13,
    # Kept by the render cache (issue 19): the content version only.
    "API v2 detail (warm)": 1,
    "API v2 listing (20) (warm)": 1,
    "API v3 detail (warm)": 1,
    # 10 -> 7: the notification queued for the worker (one INSERT), as deployed, instead of
    # sent in the request (its own transaction: BEGIN, the row read again, UPDATE, COMMIT).
    # 7 -> 5: the form read from the render cache (appointments/kept_forms.py): the content
    # version instead of the page, its specific row and the site's settings. 5 -> 6: the
    # enabled webhook endpoints, read in the insert's transaction (issue 17; none here, so no
    # delivery rows).
    "appointment POST/FormPage": 6,
    "appointment POST/insert": 6,
    # 21 -> 18: the thank-you page is the cached page with the form's section rendered alone
    # (render once, issue 19); 21 when the page is not in the cache. 18 -> 8: the next
    # thank-you of a form is read whole from the cache (the content version only), and the
    # notification is queued for the worker, as deployed, not sent in the request. 8 -> 6:
    # the POST reads its form from the render cache. 6 -> 7: the enabled webhook endpoints.
    "POST + thank-you page/FormPage": 7,
    "API v2 listing": 14,
    # Unchanged by the structured data: measured 6 at N = 1, 20 and 50.
    "API v3 listing": 6,
    "inbox list": 12,
    # 12 at 100 and 200 requests (--quick), where the term finds no request; 13 at 100,000,
    # where it finds one.
    "inbox search": 13,
}
