"""The link checker of cited sources (``checker.py`` asks one address, ``links.py`` checks all
the sources of live pages and records what it found), its task and the review report's view of
sources (``attention.py``)."""
