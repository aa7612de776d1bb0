"""
The readability formulas, each a pure function of counts, with the sources they come from.

Every formula here takes the counts of a text (words, sentences, syllables or long words) and
returns its published score, unrounded; ``analysis`` turns a score into a US school grade and a
reading age (the grade plus 5, the age a US pupil starts that grade).
"""

from dataclasses import dataclass


def flesch_reading_ease(words, sentences, syllables):
    """Flesch (1948), "A new readability yardstick", J. Applied Psychology 32(3): 0–100,
    higher is easier."""
    return 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)


def flesch_kincaid_grade(words, sentences, syllables):
    """Kincaid, Fishburne, Rogers & Chissom (1975), "Derivation of new readability formulas
    for Navy enlisted personnel", Research Branch Report 8-75: a US school grade."""
    return 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59


def fernandez_huerta(words, sentences, syllables):
    """Fernández Huerta (1959), "Medidas sencillas de lecturabilidad", Consigna 214: Flesch's
    reading ease recalibrated for Spanish, L = 206.84 − 0.60 P − 1.02 F, with P the syllables
    and F the sentences per 100 words. Read on Flesch's scale (0–100, higher is easier)."""
    per_hundred = 100 / words
    return 206.84 - 0.60 * syllables * per_hundred - 1.02 * sentences * per_hundred


def szigriszt_pazos(words, sentences, syllables):
    """Szigriszt Pazos (1993), "Sistemas predictivos de legibilidad del mensaje escrito:
    fórmula de perspicuidad" (thesis, Universidad Complutense de Madrid):
    P = 206.835 − 62.3 S/P − P/F, with S syllables, P words, F sentences. Read on the INFLESZ
    scale (Barrio-Cantalejo et al. 2008, Anales Sis San Navarra 31(2))."""
    return 206.835 - 62.3 * (syllables / words) - (words / sentences)


def kandel_moles(words, sentences, syllables):
    """Kandel & Moles (1958), "Application de l'indice de Flesch à la langue française",
    Cahiers Études de Radio-Télévision 19: L = 207 − 1.015 W/S − 73.6 Syl/W, read on Flesch's
    scale."""
    return 207 - 1.015 * (words / sentences) - 73.6 * (syllables / words)


def lix(words, sentences, long_words):
    """Björnsson (1968), "Läsbarhet", Liber: words per sentence plus the percentage of long
    words (more than six letters). Needs no syllables, so it works for any alphabetic
    language; higher is harder."""
    return words / sentences + 100 * long_words / words


# Flesch's (1948) table from reading ease to the school grade that reads it (90–100: 5th grade,
# 80–90: 6th, 70–80: 7th, 60–70: 8th–9th, 50–60: 10th–12th, 30–50: college, 0–30: college
# graduate) as points (score, grade) joined by straight lines: a grade band [6, 7) spans
# scores (80, 90], so 90 reads as grade 6.0 and 85 as 6.5, on the scale Flesch–Kincaid's
# grades use. Fernández-Huerta and Kandel–Moles are read on it too, as their authors meant.
FLESCH_POINTS = ((0, 18), (30, 17), (50, 13), (60, 10), (70, 8), (80, 7), (90, 6), (100, 5))

# Björnsson's LIX bands as US grades, points (LIX, grade) joined by straight lines: very easy
# below 30 (children's books, up to grade 5), easy 30–40 (fiction, grades 5–7), medium 40–50
# (newspapers, 7–11), difficult 50–60 (official texts, 11–15), very difficult above 60. An
# approximation: LIX was calibrated on Swedish texts, not against US grades, so a LIX reading
# age comes with a note saying so.
LIX_POINTS = ((20, 3), (30, 5), (40, 7), (50, 11), (60, 15), (70, 19))


def interpolate(points, x):
    """The y of ``x`` on the line through ``points`` ((x, y) by increasing x), continued
    beyond the ends along the first and last segments."""
    segments = list(zip(points, points[1:], strict=False))
    # The first segment ending at or after x; beyond the last point, the last segment.
    (x0, y0), (x1, y1) = next((s for s in segments if x <= s[1][0]), segments[-1])
    return y0 + (x - x0) * (y1 - y0) / (x1 - x0)


def flesch_scale_grade(score):
    """The US grade of a score on Flesch's reading ease scale."""
    return interpolate(FLESCH_POINTS, score)


def lix_grade(score):
    """The approximate US grade of a LIX score."""
    return interpolate(LIX_POINTS, score)


@dataclass(frozen=True)
class Formula:
    """A formula as the analysis uses it: its name, what it needs, and how its score reads."""

    key: str
    name: str
    needs_syllables: bool
    score: object  # callable(words, sentences, syllables or long words)
    grade: object  # callable(score) -> US grade


FLESCH_KINCAID = Formula(
    "flesch_kincaid", "Flesch–Kincaid", True, flesch_kincaid_grade, lambda score: score
)
FERNANDEZ_HUERTA = Formula(
    "fernandez_huerta", "Fernández-Huerta", True, fernandez_huerta, flesch_scale_grade
)
KANDEL_MOLES = Formula("kandel_moles", "Kandel–Moles", True, kandel_moles, flesch_scale_grade)
LIX = Formula("lix", "LIX", False, lix, lix_grade)

# The formula for each language (its primary subtag); any other falls back to LIX.
LANGUAGE_FORMULAS = {"en": FLESCH_KINCAID, "es": FERNANDEZ_HUERTA, "fr": KANDEL_MOLES}
