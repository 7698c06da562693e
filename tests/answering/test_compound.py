"""Questions that ask two things: split into parts, answered part by part, merged."""

import pytest

from rag.answering.compose import Composed
from rag.answering.compound import merge, split_question, unanswered
from rag.models import Evidence


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "How many tankers were burned, and who claimed the attack?",
            ["How many tankers were burned?", "Who claimed the attack?"],
        ),
        (
            "How many soldiers was the camp home to, and how many of them were killed?",
            ["How many soldiers was the camp home to?", "How many soldiers were killed?"],
        ),
        (
            "How many schools were closed according to the coalition and according to the "
            "ministry?",
            [
                "How many schools were closed according to the coalition?",
                "How many schools were closed according to the ministry?",
            ],
        ),
        (
            "Combien de soldats étaient présents, et combien d'entre eux ont été tués ?",
            ["Combien de soldats étaient présents ?", "Combien de soldats ont été tués ?"],
        ),
        (
            "How many schools reopened, and through how many radio stations are lessons broadcast?",
            [
                "How many schools reopened?",
                "Through how many radio stations are lessons broadcast?",
            ],
        ),
        (
            "How many tankers made up the first convoy, and how many had the army escorted?",
            [
                "How many tankers made up the first convoy?",
                "How many tankers had the army escorted?",
            ],
        ),
        (
            "How does the army's final toll compare with the number JNIM claimed?",
            ["What is the army's final toll?", "What is the number JNIM claimed?"],
        ),
        ("How does it compare with Gao?", ["How does it compare with Gao?"]),
        ("Who attacked the convoy?", ["Who attacked the convoy?"]),
        (
            "What tolls for the blast did the government and the local authorities give?",
            [
                "What tolls for the blast did the government give?",
                "What tolls for the blast did the local authorities give?",
            ],
        ),
        (
            "Did the army and the rebels sign the deal?",
            ["Did the army and the rebels sign the deal?"],
        ),
        ("When and where did the attack happen?", ["When and where did the attack happen?"]),
        ("Who attacked and why?", ["Who attacked and why?"]),
    ],
)
def test_split_question(question, parts):
    assert split_question(question) == parts


def _ev(doc: str, start: int) -> Evidence:
    return Evidence(
        chunk_id=f"{doc}-c",
        doc_id=doc,
        text=f"sentence {doc} {start}",
        start=start,
        end=start + 10,
        similarity=0.5,
        coverage=0.5,
        type_ok=True,
        score=1.0,
    )


def test_merge_joins_the_direct_answers_and_cites_a_shared_sentence_once():
    a, b, shared = _ev("a", 0), _ev("b", 5), _ev("c", 9)
    first = (
        [Composed("150 soldiers", [0], True, False), Composed("“q1”", [1], True, True)],
        [a, shared],
    )
    second = (
        [
            Composed("At least 21 soldiers; 150 soldiers", [0], True, False),
            Composed("“q2”", [1], True, True),
        ],
        [b, shared],
    )
    sentences, pooled = merge([first, second])
    assert pooled == [a, shared, b]
    assert sentences[0] == Composed("150 soldiers; At least 21 soldiers", [0, 2], True, False)
    assert [s.text for s in sentences[1:]] == ["“q1”"]  # the shared sentence, quoted once
    assert [s.evidence for s in sentences[1:]] == [[1]]


def test_an_unanswered_part_is_named_in_the_question_language():
    assert "do not answer" in unanswered("How many?", "en")
    assert "« Combien ? »" in unanswered("Combien ?", "fr")


def test_a_pronoun_in_the_second_part_searches_for_what_the_first_part_asks_about():
    from types import SimpleNamespace

    from rag.answering.compound import answer_in_parts
    from rag.settings import Settings

    searched: list[str] = []
    selected_with: list[list[str]] = []

    def retrieve(query, k=None, filters=None):
        searched.append(query)
        return []

    def select(part, found, extra_terms=(), frame=None):
        selected_with.append(list(extra_terms))
        return [], []

    assistant = SimpleNamespace(
        settings=Settings(),
        retriever=SimpleNamespace(retrieve=retrieve),
        select=select,
    )
    parts = split_question("What is the function of insulin and where is it produced?")
    assert parts == ["What is the function of insulin?", "Where is it produced?"]
    assert answer_in_parts(assistant, parts, " ".join(parts), None, None, [], None) is None
    assert searched[0] == "What is the function of insulin?"
    assert searched[1].startswith("Where is it produced?") and "insulin" in searched[1]
    assert "insulin" in selected_with[1] and selected_with[0] == []
