"""The query budgets ``bench.py --quick`` checks (no Django imports: tests read them too)."""

# The most queries each of our sides may cost: ``--quick`` fails above them. Each is the count
# measured when it was set; a change that adds a query must raise it and say why.
BUDGETS = {
    # +1 (13 -> 14): the site's clinic settings, read once per request (Wagtail's cache on the
    # request) by the header, footer, contact card, care levels and the JSON-LD; the JSON-LD's
    # breadcrumb ancestors are the visible breadcrumb's, one query for both.
    "page render": 14,
    # +2 each on the API (11 -> 13, 10 -> 12, 12 -> 14): the structured_data field's clinic
    # settings and breadcrumb ancestors, one query each for a whole response (the listing stays
    # flat in N).
    "API v2 detail": 13,
    "API v2 listing (20)": 14,
    "API v3 detail": 12,
    "appointment POST/FormPage": 10,
    "appointment POST/insert": 10,
    # +1 (20 -> 21): the thank-you page is the page again, with its clinic settings.
    "POST + thank-you page/FormPage": 21,
    "API v2 listing": 14,
    # Unchanged by the structured data: measured 6 at N = 1, 20 and 50.
    "API v3 listing": 6,
    "inbox list": 12,
    # 12 at 100 and 200 requests (--quick), where the term finds no request; 13 at 100,000,
    # where it finds one.
    "inbox search": 13,
}
