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


def _entry(term, alternative):
    return (
        pgettext_lazy("readability term", term),
        pgettext_lazy("readability alternative", alternative),
    )


SHIPPED = [
    _entry("allopathic", "conventional"),
    _entry("analgesics", "painkillers"),
    _entry("anti-inflammatories", "medicines that reduce swelling"),
    _entry("inflammation", "swelling and soreness"),
    _entry("vertebrae", "bones of the spine"),
    _entry("spinal column", "spine"),
    _entry("musculoskeletal", "muscles, bones and joints"),
    _entry("chronic", "long-lasting"),
    _entry("acute", "sudden"),
    _entry("involuntary", "that you cannot control"),
    _entry("contractions", "tightening"),
    _entry("dehydration", "not having enough water in the body"),
    _entry("electrolyte", "body salts"),
    _entry("ailment", "illness"),
    _entry("trauma", "injury"),
    _entry("non-invasive", "without surgery or needles"),
    _entry("holistic", "treating the whole person"),
    _entry("kinesiology", "the study of movement"),
    _entry("symptoms", "signs"),
    _entry("contraindications", "reasons not to have it"),
    _entry("prognosis", "likely outcome"),
    _entry("idiopathic", "with no known cause"),
    _entry("mobility", "ease of movement"),
    _entry("stimulation", "triggering"),
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
