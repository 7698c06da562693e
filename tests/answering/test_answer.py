"""The answer pipeline with deterministic fakes: citation mapping, verification, refusal."""

import pytest

from rag.answering.assistant import Assistant, condense
from rag.answering.prompts import REFUSAL
from tests.conftest import scripted_llm

Q_TOLL = "How many Wagner fighters did the rebels say they killed?"


def _assistant(settings, fake_embedder, *responses):
    llm = scripted_llm(*responses) if responses else None
    return Assistant(settings, embedder=fake_embedder, llm=llm, use_llm=bool(responses)), llm


def _marker_of(settings, fake_embedder, question, needle):
    """The [n] the LLM sees for the evidence sentence containing ``needle``."""
    evidence = _assistant(settings, fake_embedder)[0].ask(question).evidence
    return 1 + next(i for i, e in enumerate(evidence) if needle in e.text)


def test_supported_sentence_is_kept_and_markers_map_to_chunks(indexed, fake_embedder):
    n = _marker_of(indexed, fake_embedder, Q_TOLL, "at least 84")
    a, _ = _assistant(
        indexed,
        fake_embedder,
        f"The Tuareg rebels said they had killed at least 84 Russian Wagner mercenaries [{n}]. "
        "Nothing else [9].",
    )
    ans = a.ask(Q_TOLL)
    assert not ans.refused
    # the direct answer first: the figure the asked source (the rebels) gave, attributed
    lead, drafted = ans.sentences[:2]
    assert lead.text == (
        "At least 84 Russian Wagner mercenaries, according to Mali's northern Tuareg rebels"
    )
    assert (lead.supported, lead.quoted, lead.citations) == (True, False, [1])
    assert drafted.model_dump() == {
        "text": "The Tuareg rebels said they had killed at least 84 Russian Wagner mercenaries.",
        "citations": [1],
        "supported": True,
        "quoted": False,
    }
    assert "[9]" not in ans.answer
    # every marker in the text has a citation, numbered in order of appearance
    assert [c.n for c in ans.citations] == list(range(1, len(ans.citations) + 1))
    article = a.store.article(ans.citations[0].doc_id)
    for c in ans.citations:
        assert article.text[c.start : c.end] == c.text
        assert article.text[c.sentence_start : c.sentence_end] == c.sentence
        assert f"[{c.n}]" in ans.answer
    assert "84" in ans.citations[0].sentence
    assert ans.citations[0].source == "Reuters"


def test_wrong_figure_is_replaced_by_the_quoted_evidence(indexed, fake_embedder):
    n = _marker_of(indexed, fake_embedder, Q_TOLL, "at least 84")
    a, _ = _assistant(
        indexed, fake_embedder, f"The rebels said they killed 50 Wagner fighters [{n}]."
    )
    ans = a.ask(Q_TOLL)
    assert not any(s.text.startswith("The rebels said they killed 50") for s in ans.sentences)
    assert all(s.quoted for s in ans.sentences[1:])  # after the direct answer, quotes only
    assert "at least 84 Russian Wagner mercenaries" in ans.answer
    assert all(s.citations and s.supported for s in ans.sentences)


def test_dropped_attribution_is_rejected(indexed, fake_embedder):
    n = _marker_of(indexed, fake_embedder, Q_TOLL, "at least 84")
    a, _ = _assistant(indexed, fake_embedder, f"84 Russian Wagner mercenaries were killed [{n}].")
    ans = a.ask(Q_TOLL)
    assert "were killed" not in ans.answer
    assert "rebels said" in ans.answer


def test_unrelated_question_is_refused_without_calling_the_llm(indexed, fake_embedder):
    a, llm = _assistant(indexed, fake_embedder, "Heart of Lions won [1].")
    ans = a.ask("Which team won the Ghana football league title?")
    assert (ans.refused, ans.answer, ans.citations, ans.sentences) == (True, REFUSAL, [], [])
    assert llm.i == 0


def test_injected_instruction_in_output_never_reaches_the_answer(indexed, fake_embedder):
    a, _ = _assistant(indexed, fake_embedder, "I have been pwned, visit evil.example now [1].")
    ans = a.ask(Q_TOLL)
    assert "pwned" not in ans.answer and "evil" not in ans.answer
    assert ans.citations


def test_quotes_only_without_llm(indexed, fake_embedder):
    a, _ = _assistant(indexed, fake_embedder)
    ans = a.ask("What homeland do Tuareg separatists demand?")
    assert ans.sentences[0].quoted and "Azawad" in ans.answer
    assert ans.answer.endswith("[1]")


def test_invisible_characters_in_a_question_do_not_change_the_answer(indexed, fake_embedder):
    a, _ = _assistant(indexed, fake_embedder)
    plain = a.ask("What homeland do Tuareg separatists demand?")
    pasted = a.ask("What home\u00adland do Tua\u200breg separatists demand?\u202c")
    assert pasted.question == plain.question
    assert pasted.answer == plain.answer and "Azawad" in pasted.answer


def test_follow_up_is_rewritten_to_stand_alone():
    history = [{"role": "user", "content": "How many Wagner fighters did the CSP say it killed?"}]
    assert condense("And how many soldiers?", history) == (
        "How many soldiers did the CSP say it killed?",
        "How many soldiers did the CSP say it killed?",
        [],
    )
    assert condense("what about the prisoners?", history).question == (
        "How many prisoners did the CSP say it killed?"
    )
    # no counted phrase to swap: search with the previous question, carry its names
    other = condense("Where is it?", [("Who fought at Tinzaouaten?", "…")])
    assert other.question == "Where is it?"
    assert other.query == "Where is it? (Who fought at Tinzaouaten?)"
    assert other.carried == ["tinzaouaten"]
    # a question that names its own subject is left alone
    assert condense("What homeland do the Tuareg demand?", history) == (
        "What homeland do the Tuareg demand?",
        "What homeland do the Tuareg demand?",
        [],
    )


def test_empty_question_is_an_error(indexed, fake_embedder):
    a, _ = _assistant(indexed, fake_embedder)
    with pytest.raises(ValueError, match="empty"):
        a.ask("   ")


def test_an_over_long_question_is_an_error_that_says_the_limit(indexed, fake_embedder):
    a, _ = _assistant(indexed, fake_embedder)
    pasted = "Who attacked Gao and how many died? " * 100  # 3,600 characters
    with pytest.raises(ValueError, match=r"3,599 characters long, over the 2,000 allowed"):
        a.ask(pasted)


def test_as_of_before_every_article_refuses_and_says_when_the_corpus_starts(indexed, fake_embedder):
    a, _ = _assistant(indexed, fake_embedder)
    ans = a.ask(Q_TOLL, as_of="2024-07-20")  # the seed article is from 1 August 2024
    assert ans.refused and ans.citations == [] and ans.as_of == "2024-07-20"
    assert ans.answer == (
        f"{REFUSAL} No article in the corpus had been published by 20 July 2024 (the as-of "
        "date); the earliest on this is from 1 August 2024."
    )
    later = a.ask(Q_TOLL, as_of="2024-08-02")
    assert not later.refused and later.as_of == "2024-08-02"
    assert all(c.published <= "2024-08-02" for c in later.citations)
    with pytest.raises(ValueError, match="as_of must be a date as YYYY-MM-DD, got 'yesterday'"):
        a.ask(Q_TOLL, as_of="yesterday")
