"""evals.normalise: one form for gold strings and answers (English and French numbers)."""

import pytest

from evals.normalise import contains, fold, normalise, parse_number_words, words_in


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # thousands separators: comma, space, no-break and narrow no-break space
        ("1,200 tankers", "1200 tankers"),
        ("1 200 citernes", "1200 citernes"),
        ("1\u00a0200", "1200"),
        ("1\u202f200", "1200"),
        ("402 167 déplacés", "402167 deplaces"),
        ("500,000", "500000"),
        # a year before a number, and lists, keep their numbers apart
        ("In 2024, 300 people", "in 2024, 300 people"),
        ("2024 500", "2024 500"),
        ("12, 300", "12, 300"),
        # decimal comma
        ("2,5 milliards", "2.5 milliards"),
        ("2.5 billion", "2.5 billion"),
        # ordinals and ISO dates
        ("March 14th, 2024", "march 14, 2024"),
        ("le 1er février", "le 1 fevrier"),
        ("2024-03-14", "2024 03 14"),
        # case, accents, quote marks, apostrophes, hyphens, spacing
        ("Ménaka  « Tin-Adar »", "menaka tin adar"),
        ("the army’s “figure”", "the army's figure"),
    ],
)
def test_separators_dates_and_folding(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Forty-seven soldiers", "47 soldiers"),
        ("twenty three", "23"),
        ("one hundred and twenty", "120"),
        ("two thousand", "2000"),
        ("twenty-one", "21"),
        ("quarante-sept", "47"),
        ("dix-sept", "17"),
        ("vingt et un morts", "21 morts"),
        ("soixante-dix-sept", "77"),
        ("quatre-vingts", "80"),
        ("quatre-vingt-dix-neuf", "99"),
        ("deux cents", "200"),
        ("mille deux cents", "1200"),
        ("deux mille", "2000"),
        # scale words stay words: "two million" reads as "2 million"
        ("two million", "2 million"),
        ("2 million", "2 million"),
        # alone, "one", "un", "une", "hundred", "cent" are not numbers
        ("one of the nine", "one of the 9"),
        ("un soldat", "un soldat"),
        ("40 per cent", "40 per cent"),
        ("40 pour cent", "40 pour cent"),
        # two numbers joined by "et"/"and" stay two numbers
        ("entre deux et trois heures", "entre 2 et 3 heures"),
        ("two and three", "2 and 3"),
        # approximate words stay words
        ("une quarantaine", "une quarantaine"),
        ("dozens", "dozens"),
    ],
)
def test_number_words_in_english_and_french(text, expected):
    assert normalise(text) == expected


def test_parse_number_words():
    assert parse_number_words(["quatre", "vingt", "dix"]) == 90
    assert parse_number_words(["vingt", "et", "un"]) == 21
    assert parse_number_words(["one"]) is None
    assert parse_number_words(["nine", "soldiers"]) is None


def test_gold_and_answer_meet_in_any_format():
    same = [
        ("1,200", "1 200 camions"),
        ("1200", "1,200 trucks"),
        ("47", "quarante-sept soldats"),
        ("forty-seven", "47 soldiers"),
        ("vingt-trois", "twenty-three attackers"),
        ("2,5 milliards", "2,5 milliards de francs"),
        ("Ménaka", "in Menaka"),
        ("March 14", "on March 14th"),
        ("1er février", "le 1 février"),
    ]
    for gold, answer in same:
        assert contains(normalise(answer), normalise(gold)), (gold, answer)


def test_contains_keeps_digits_apart_but_not_words():
    assert not contains(normalise("in 2021"), "21")
    assert not contains(normalise("21.5 percent"), "21")
    assert not contains(normalise("11,200 people"), normalise("1,200"))
    assert contains(normalise("it rose to 21."), "21")
    assert contains(normalise("recruiting"), "recruit")
    assert not contains("anything", "")


def test_fold_and_words():
    assert fold("  Kanouté   SAID ") == "kanoute said"
    assert words_in("“Nine soldiers died,” the army said [1] [2].") == 6
    assert words_in("") == 0
