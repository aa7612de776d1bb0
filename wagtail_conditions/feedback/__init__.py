"""
"Was this page helpful?" on condition and therapy pages (issue 18).

The patient answers yes or no and may add a short comment; nothing identifies them. One
submission path (``pipeline``) behind two faces, the HTML form (``views``: POST, then a 303 to
a thank-you page, as the appointment form does) and JSON for the form's script (``api``).
What a page shows is in ``rendering`` and its template tag; editors read the answers in the
Reports menu (``report``) and on the page's review panel (``panels``); ``counts`` holds their
queries. Old answers go with ``purge_page_feedback``.
"""
