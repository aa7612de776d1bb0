"""
What the tests build, in one place: ``pages`` (factories, the site tree, query-count checks),
``appointments`` (a page with the form, answers, form tokens, reading the form), ``api`` (JSON
bodies and problem documents, a condition with every block), ``inbox`` (staff users, inbox
URLs, sentinels), ``faults`` (real components made to fail: mail servers, the database, the
task queue) and ``servers`` (gunicorn, PostgreSQL, Redis and SMTP for the server fault tests).
"""
