"""
Plainer words for the medical terms that make patient information hard to read.

The shipped glossary is a list of (term, plainer words) pairs written in English and translated
like any other string (context "readability term" and "readability alternative"), so a page in
Spanish or French is checked for the Spanish or French term and offered its plainer words, and
a site adds a language by translating the catalogue. ``READABILITY_GLOSSARY`` adds terms per
language or replaces or removes shipped ones (docs/readability.md).
"""

import re
import unicodedata

from django.utils import translation
from django.utils.translation import pgettext_lazy

from ..conf import conf

# Each pair is written out so that makemessages finds it.
SHIPPED = [
    (
        pgettext_lazy("readability term", "allopathic"),
        pgettext_lazy("readability alternative", "conventional"),
    ),
    (
        pgettext_lazy("readability term", "analgesics"),
        pgettext_lazy("readability alternative", "painkillers"),
    ),
    (
        pgettext_lazy("readability term", "anti-inflammatories"),
        pgettext_lazy("readability alternative", "medicines that reduce swelling"),
    ),
    (
        pgettext_lazy("readability term", "inflammation"),
        pgettext_lazy("readability alternative", "swelling and soreness"),
    ),
    (
        pgettext_lazy("readability term", "vertebrae"),
        pgettext_lazy("readability alternative", "bones of the spine"),
    ),
    (
        pgettext_lazy("readability term", "spinal column"),
        pgettext_lazy("readability alternative", "spine"),
    ),
    (
        pgettext_lazy("readability term", "musculoskeletal"),
        pgettext_lazy("readability alternative", "muscles, bones and joints"),
    ),
    (
        pgettext_lazy("readability term", "chronic"),
        pgettext_lazy("readability alternative", "long-lasting"),
    ),
    (
        pgettext_lazy("readability term", "acute"),
        pgettext_lazy("readability alternative", "sudden"),
    ),
    (
        pgettext_lazy("readability term", "involuntary"),
        pgettext_lazy("readability alternative", "that you cannot control"),
    ),
    (
        pgettext_lazy("readability term", "contractions"),
        pgettext_lazy("readability alternative", "tightening"),
    ),
    (
        pgettext_lazy("readability term", "dehydration"),
        pgettext_lazy("readability alternative", "not having enough water in the body"),
    ),
    (
        pgettext_lazy("readability term", "electrolyte"),
        pgettext_lazy("readability alternative", "body salts"),
    ),
    (
        pgettext_lazy("readability term", "ailment"),
        pgettext_lazy("readability alternative", "illness"),
    ),
    (
        pgettext_lazy("readability term", "trauma"),
        pgettext_lazy("readability alternative", "injury"),
    ),
    (
        pgettext_lazy("readability term", "non-invasive"),
        pgettext_lazy("readability alternative", "without surgery or needles"),
    ),
    (
        pgettext_lazy("readability term", "holistic"),
        pgettext_lazy("readability alternative", "treating the whole person"),
    ),
    (
        pgettext_lazy("readability term", "kinesiology"),
        pgettext_lazy("readability alternative", "the study of movement"),
    ),
    (
        pgettext_lazy("readability term", "neuromuscular"),
        pgettext_lazy("readability alternative", "nerves and muscles"),
    ),
    (
        pgettext_lazy("readability term", "contraindications"),
        pgettext_lazy("readability alternative", "reasons not to have it"),
    ),
    (
        pgettext_lazy("readability term", "prognosis"),
        pgettext_lazy("readability alternative", "likely outcome"),
    ),
    (
        pgettext_lazy("readability term", "idiopathic"),
        pgettext_lazy("readability alternative", "with no known cause"),
    ),
    (
        pgettext_lazy("readability term", "mobility"),
        pgettext_lazy("readability alternative", "ease of movement"),
    ),
    (
        pgettext_lazy("readability term", "palpation"),
        pgettext_lazy("readability alternative", "feeling with the hands"),
    ),
]


def fold(text):
    """``text`` case-folded and without accents, for matching."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in plain if not unicodedata.combining(char))


def glossary(language):
    """``{folded term: (term, plainer words)}`` for ``language``: the shipped terms in that
    language, then the site's ``READABILITY_GLOSSARY[language]`` (a term mapped to None is
    removed)."""
    with translation.override(language):
        entries = {fold(str(term)): (str(term), str(plain)) for term, plain in SHIPPED}
    for term, plain in (conf.READABILITY_GLOSSARY or {}).get(language, {}).items():
        if plain is None:
            entries.pop(fold(term), None)
        else:
            entries[fold(term)] = (term, str(plain))
    return entries


def find_terms(text, entries):
    """The glossary entries whose term occurs in ``text`` (as whole words, plurals and other
    endings of up to two letters allowed), as ``{folded term: count}`` in order of first use."""
    folded = fold(text)
    found = {}
    for key in entries:
        pattern = r"(?<!\w)" + re.escape(key).replace(r"\ ", r"\s+") + r"\w{0,2}(?!\w)"
        hits = re.findall(pattern, folded)
        if hits:
            found[key] = (folded.find(hits[0]), len(hits))
    return {key: count for key, (_at, count) in sorted(found.items(), key=lambda kv: kv[1][0])}
