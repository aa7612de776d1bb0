"""The query budgets ``bench.py --quick`` checks (no Django imports: tests read them too)."""

# The most queries each of our sides may cost: ``--quick`` fails above them. Each is the count
# measured when it was set; a change that adds a query must raise it and say why.
BUDGETS = {
    "page render": 13,
    "API v2 detail": 11,
    "API v2 listing (20)": 12,
    "API v3 detail": 10,
    "appointment POST/FormPage": 10,
    "appointment POST/insert": 10,
    "POST + thank-you page/FormPage": 20,
    "API v2 listing": 12,
    "API v3 listing": 6,
    "inbox list": 12,
    # 12 at 100 and 200 requests (--quick), where the term finds no request; 13 at 100,000,
    # where it finds one.
    "inbox search": 13,
}
