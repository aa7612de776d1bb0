"""
Each formula against a published worked example or its published constants, from given counts
(words, sentences, syllables or long words), so the figures are exact. The counting is tested
separately (test_counting.py).
"""

import pytest

from wagtail_conditions.readability import formulas


def test_flesch_kincaid_grade_of_the_platypus_sentence():
    # Wikipedia, "Flesch–Kincaid readability tests": "The Australian platypus is seemingly a
    # hybrid of a mammal and reptilian creature." — 13 words, 1 sentence, 24 syllables — is
    # grade 11.3 (0.39 × 13 + 11.8 × 24/13 − 15.59 = 11.2646…).
    assert formulas.flesch_kincaid_grade(13, 1, 24) == pytest.approx(11.2646, abs=1e-4)
    assert round(formulas.flesch_kincaid_grade(13, 1, 24), 1) == 11.3


def test_flesch_reading_ease_of_the_cat_sat_on_the_mat():
    # Wikipedia, same article: "The cat sat on the mat." (6 words, 1 sentence, 6 syllables)
    # scores 116 (206.835 − 1.015 × 6 − 84.6 × 1 = 116.145).
    assert formulas.flesch_reading_ease(6, 1, 6) == pytest.approx(116.145)
    # And the platypus sentence 37.5 (206.835 − 13.195 − 156.185 = 37.455).
    assert formulas.flesch_reading_ease(13, 1, 24) == pytest.approx(37.455, abs=1e-3)


def test_fernandez_huerta_published_constants():
    # Fernández Huerta (1959): L = 206.84 − 0.60 P − 1.02 F, P syllables and F sentences per
    # 100 words. 100 words, 200 syllables, 5 sentences: 206.84 − 120 − 5.1 = 81.74.
    assert formulas.fernandez_huerta(100, 5, 200) == pytest.approx(81.74)
    # Per 100 words, whatever the length: 50 words, 100 syllables, 2.5 sentences' worth.
    assert formulas.fernandez_huerta(200, 10, 400) == pytest.approx(81.74)


def test_szigriszt_pazos_published_constants():
    # Szigriszt Pazos (1993): P = 206.835 − 62.3 S/P − P/F. 100 words, 200 syllables,
    # 5 sentences: 206.835 − 124.6 − 20 = 62.235, "normal" on the INFLESZ scale (55–65).
    assert formulas.szigriszt_pazos(100, 5, 200) == pytest.approx(62.235)


def test_kandel_moles_published_constants():
    # Kandel & Moles (1958): L = 207 − 1.015 W/S − 73.6 Syl/W. 100 words, 5 sentences,
    # 150 syllables: 207 − 20.3 − 110.4 = 76.3.
    assert formulas.kandel_moles(100, 5, 150) == pytest.approx(76.3)


def test_lix_published_formula():
    # Björnsson (1968): LIX = words/sentences + 100 × long words/words. 100 words, 5 sentences,
    # 30 words of more than six letters: 20 + 30 = 50, "difficult" (50–60).
    assert formulas.lix(100, 5, 30) == pytest.approx(50)
    assert formulas.lix(12, 2, 3) == pytest.approx(31)


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (116.145, 3.3855),  # "The cat sat on the mat.", beyond the table: the 5th-grade line
        (100, 5),
        (95, 5.5),
        (90, 6),
        (85, 6.5),
        (80, 7),
        (75, 7.5),
        (65, 9),
        (55, 11.5),
        (40, 15),
        (37.455, 15.509),  # the platypus sentence: "difficult", college
        (15, 17.5),
        (-10, 18 + 1 / 3),
    ],
)
def test_flesch_scale_reads_on_flesch_table(score, grade):
    # Flesch (1948): 90–100 very easy (5th grade), 80–90 easy (6th), 70–80 fairly easy (7th),
    # 60–70 standard (8th–9th), 50–60 fairly difficult (10th–12th), 30–50 difficult
    # (college), 0–30 very difficult (college graduate); within a band, a straight line.
    assert formulas.flesch_scale_grade(score) == pytest.approx(grade, abs=1e-3)


@pytest.mark.parametrize(
    ("score", "grade"), [(10, 1), (20, 3), (30, 5), (35, 6), (45, 9), (50, 11), (60, 15), (75, 21)]
)
def test_lix_grades(score, grade):
    assert formulas.lix_grade(score) == pytest.approx(grade)


def test_each_language_has_its_formula():
    assert formulas.LANGUAGE_FORMULAS["en"] is formulas.FLESCH_KINCAID
    assert formulas.LANGUAGE_FORMULAS["es"] is formulas.FERNANDEZ_HUERTA
    assert formulas.LANGUAGE_FORMULAS["fr"] is formulas.KANDEL_MOLES
    assert "de" not in formulas.LANGUAGE_FORMULAS
