"""A sentence whose speaker is the question's named source and that fills its slot needs less."""

import pytest

from tests.helpers.evidence import LOOSE, select_in_text

pytestmark = pytest.mark.slow
QUESTION = "What death toll for the bus blast did the government give?"


def _bar(text: str, embedder) -> float:
    _, scored = select_in_text(QUESTION, text, embedder)
    (e,) = scored
    return e.coverage + e.similarity


@pytest.mark.parametrize("speaker", ["the government", "residents"])
def test_the_named_source_lowers_the_bar(real_embedder, speaker):
    text = f"At least 15 passengers were killed on Saturday, {speaker} said."
    reached = _bar(text, real_embedder)
    # a bar just above what the sentence reaches: only the named source's relief lets it answer
    strict = LOOSE.model_copy(
        update={"min_answerability": reached + 0.1, "named_source_relief": 0.0}
    )
    relieved = strict.model_copy(update={"named_source_relief": 0.2})
    assert select_in_text(QUESTION, text, real_embedder, settings=strict)[0] == []
    selected, _ = select_in_text(QUESTION, text, real_embedder, settings=relieved)
    assert bool(selected) == (speaker == "the government")
