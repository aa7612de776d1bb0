"""
A section's score, reading age and band, in its page's language, with what to fix first.

``analyse(chunks, language)`` scores plain text (see ``text``); ``analyse_page(page)`` scores
each section of a condition or therapy page (the StreamFields named in its ``sections``) and its
summary. English uses Flesch–Kincaid, Spanish Fernández-Huerta, French Kandel–Moles; any other
language, or English and French without the syllable dictionaries, LIX, with a note saying so.
The reading age is the US grade plus 5; the band compares it with ``READABILITY_TARGET_AGE``.
"""

from collections import Counter
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from .. import i18n
from ..conf import conf
from . import counting, formulas, glossary, text

# A word of this many syllables or more is hard (Spanish words run a syllable longer).
HARD_WORD_SYLLABLES = {"es": 5}
HARD_WORD_SYLLABLES_DEFAULT = 4
HARD_WORD_LETTERS = 10  # with LIX: a word of ten letters or more
LONGEST_SENTENCES = 3
HARD_WORDS = 8
GRADE_TO_AGE = 5  # a US pupil starts grade 1 at six


class Band(TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    HARD = "hard", _("Hard")


class Note(TextChoices):
    """Why a figure is not what the page's language would normally get."""

    NO_FORMULA = (
        "no_formula",
        _(
            "There is no formula for this language yet: it is scored with LIX, which works in any language, so the reading age is approximate."
        ),
    )
    NO_SYLLABLES = (
        "no_syllables",
        _(
            'The syllable dictionaries are not installed (pip install "wagtail-conditions[readability]"): it is scored with LIX, so the reading age is approximate.'
        ),
    )
    TOO_SHORT = "too_short", _("Too short to score.")


@dataclass
class HardWord:
    word: str
    count: int
    alternative: str = ""


@dataclass
class Analysis:
    """The figures of one piece of text. ``reading_age`` and ``band`` are None when it is
    too short to score."""

    language: str
    formula: str
    words: int
    sentences: int
    syllables: int | None
    long_words: int
    score: float | None
    grade: float | None
    reading_age: float | None
    band: str | None
    note: str = ""
    longest_sentences: list = field(default_factory=list)  # [(sentence, words)]
    hard_words: list = field(default_factory=list)  # [HardWord]

    @property
    def formula_name(self):
        return FORMULAS[self.formula].name

    @property
    def note_text(self):
        return Note(self.note).label if self.note else ""

    @property
    def band_label(self):
        return Band(self.band).label if self.band else ""

    @property
    def over_target(self):
        return self.band in (Band.FAIR, Band.HARD)

    def as_dict(self):
        """The figures as JSON-ready data (the API and the stored scores)."""
        data = asdict(self)
        data["formula_name"] = self.formula_name
        data["longest_sentences"] = [
            {"text": sentence, "words": count} for sentence, count in self.longest_sentences
        ]
        return data


FORMULAS = {
    formula.key: formula
    for formula in (formulas.FLESCH_KINCAID, formulas.FERNANDEZ_HUERTA, formulas.KANDEL_MOLES)
}
FORMULAS[formulas.LIX.key] = formulas.LIX


def primary_language(code):
    return (code or settings.LANGUAGE_CODE or "en").replace("_", "-").split("-")[0].lower()


def band_for(reading_age):
    """The band of ``reading_age`` against the target."""
    if reading_age is None:
        return None
    if reading_age <= conf.READABILITY_TARGET_AGE:
        return Band.GOOD.value
    if reading_age <= conf.READABILITY_TARGET_AGE + conf.READABILITY_FAIR_MARGIN:
        return Band.FAIR.value
    return Band.HARD.value


def choose_formula(language):
    """(formula, syllable counter or None, note) for ``language``."""
    formula = formulas.LANGUAGE_FORMULAS.get(language)
    if formula is None:
        return formulas.LIX, None, Note.NO_FORMULA.value
    counter = counting.syllable_counter(language)
    if counter is None:
        return formulas.LIX, None, Note.NO_SYLLABLES.value
    return formula, counter, ""


def analyse(chunks, language):
    """The ``Analysis`` of ``chunks`` (see ``text``) written in ``language``."""
    language = primary_language(language)
    formula, count_syllables, note = choose_formula(language)
    sentences = [s for chunk in chunks for s in counting.sentences(chunk)]
    sentence_words = [counting.words(s) for s in sentences]
    all_words = [word for words in sentence_words for word in words]
    word_syllables = [count_syllables(w) for w in all_words] if count_syllables else []
    long_words = sum(1 for word in all_words if counting.is_long_word(word))
    analysis = Analysis(
        language=language,
        formula=formula.key,
        words=len(all_words),
        sentences=len(sentences),
        syllables=sum(word_syllables) if count_syllables else None,
        long_words=long_words,
        score=None,
        grade=None,
        reading_age=None,
        band=None,
        note=note,
    )
    if len(all_words) < conf.READABILITY_MIN_WORDS:
        analysis.note = Note.TOO_SHORT.value
        return analysis
    third = analysis.syllables if formula.needs_syllables else long_words
    analysis.score = round(formula.score(len(all_words), len(sentences), third), 1)
    analysis.grade = round(max(formula.grade(analysis.score), 0), 1)
    analysis.reading_age = round(analysis.grade + GRADE_TO_AGE, 1)
    analysis.band = band_for(analysis.reading_age)

    longest = sorted(zip(sentences, sentence_words, strict=True), key=lambda s: -len(s[1]))
    analysis.longest_sentences = [
        (sentence, len(words))
        for sentence, words in longest[:LONGEST_SENTENCES]
        if len(words) > conf.READABILITY_LONG_SENTENCE_WORDS
    ]
    analysis.hard_words = hard_words(chunks, all_words, word_syllables, language)
    return analysis


def hard_words(chunks, all_words, word_syllables, language):
    """The glossary's terms found (with their plainer words), then the other long words, most
    used first."""
    entries = glossary.glossary(language)
    found = glossary.find_terms(" ".join(chunks), entries)
    result = [HardWord(entries[key][0], count, entries[key][1]) for key, count in found.items()]
    # Words already covered by a glossary term are not listed again.
    covered = {word for key in found for word in key.split()}
    if word_syllables:
        most = HARD_WORD_SYLLABLES.get(language, HARD_WORD_SYLLABLES_DEFAULT)
        long = [w for w, n in zip(all_words, word_syllables, strict=True) if n >= most]
    else:
        long = [w for w in all_words if counting.letters(w) >= HARD_WORD_LETTERS]
    counts = Counter(glossary.fold(word) for word in long)
    spelled = {}
    for word in long:
        spelled.setdefault(glossary.fold(word), word.lower() if not word.isupper() else word)
    for key, count in counts.most_common():
        if len(result) >= HARD_WORDS:
            break
        if not any(key.startswith(term) for term in covered):
            result.append(HardWord(spelled[key], count))
    return result[:HARD_WORDS]


@dataclass
class SectionAnalysis:
    name: str  # the field name: "summary", "overview"…
    heading: str
    selector: str  # where the section starts on the public page, for the Checks panel
    analysis: Analysis


def page_language(page):
    """The language a page is written in: its locale's, else the site's ``LANGUAGE_CODE``."""
    return primary_language(i18n.page_language(page) or settings.LANGUAGE_CODE)


def readability_sections(page):
    """(field name, heading, selector, chunks) of the summary and each section of ``page``,
    in page order, empty ones left out."""
    result = []
    if getattr(page, "summary", ""):
        result.append(("summary", _("Summary"), ".wc-lead", text.plain_chunks(page.summary)))
    anchors = getattr(page, "section_heading_ids", {})
    for name, heading in getattr(page, "sections", ()):
        chunks = text.stream_chunks(getattr(page, name, None))
        if chunks:
            result.append((name, heading, f"#{anchors.get(name, name + '-heading')}", chunks))
    return result


def analyse_page(page):
    """A ``SectionAnalysis`` per section of ``page`` (see ``readability_sections``)."""
    language = page_language(page)
    return [
        SectionAnalysis(name, heading, selector, analyse(chunks, language))
        for name, heading, selector, chunks in readability_sections(page)
    ]


def worst(sections):
    """The section analysis with the highest reading age, or None when none was scored."""
    scored = [s for s in sections if s.analysis.reading_age is not None]
    return max(scored, key=lambda s: s.analysis.reading_age) if scored else None


def page_figures(page):
    """The figures of ``page`` as JSON-ready data, for a headless preview: the target, then
    each section's name, heading, selector and ``Analysis.as_dict()``."""
    return {
        "target_age": conf.READABILITY_TARGET_AGE,
        "language": page_language(page),
        "sections": [
            {
                "name": section.name,
                "heading": str(section.heading),
                "selector": section.selector,
                **section.analysis.as_dict(),
                "band_label": str(section.analysis.band_label),
                "note_text": str(section.analysis.note_text),
            }
            for section in analyse_page(page)
        ],
    }
