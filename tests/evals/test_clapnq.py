"""ClapNQ in a temporary index (the real embedding model): the gold passage is retrieved.

ClapNQ is evaluation data beside the project (``tests.conftest.CLAPNQ``, ``RAG_CLAPNQ_DIR``):
these tests skip when it is absent.
"""

from pathlib import Path

import pytest

from evals.datasets import build_temp_index, load_clapnq
from evals.metrics import first_hit
from rag.answering.assistant import Assistant
from tests.conftest import CLAPNQ

pytestmark = pytest.mark.slow

# Questions per ClapNQ file: 60 answerable + 60 unanswerable, and their passages (~120).
LIMIT = 60


@pytest.fixture(scope="module")
def clapnq():
    if not (CLAPNQ / "clapnq_dev_answerable.jsonl").is_file():
        pytest.skip(
            f"ClapNQ not found at {CLAPNQ}: set RAG_CLAPNQ_DIR or add ../shared/data/clapnq"
        )
    return load_clapnq(CLAPNQ, limit=LIMIT)


def test_gold_passage_is_in_the_top_5_for_answerable_questions(clapnq, request):
    articles, items = clapnq
    real_embedder = request.getfixturevalue("real_embedder")  # after the skip: no model load
    answerable = [it for it in items if it.answerable]
    assert (len(answerable), len(items)) == (LIMIT, 2 * LIMIT)
    with build_temp_index(articles, embedder=real_embedder) as index:
        home = Path(index.settings.home)
        assert len(index.store.documents()) == len(articles) == index.indexed.articles
        assistant = Assistant(index.settings, embedder=index.embedder, use_llm=False)
        ranks = {
            it.id: first_hit(
                it, [r.chunk for r in assistant.retriever.retrieve(it.question, k=10)][:5]
            )
            for it in answerable
        }
    assert not home.exists()
    hit_at_5 = sum(rank is not None for rank in ranks.values()) / len(ranks)
    missed = [i for i, rank in ranks.items() if rank is None]
    assert hit_at_5 >= 0.95, f"hit@5 {hit_at_5:.3f}; missed {missed}"
