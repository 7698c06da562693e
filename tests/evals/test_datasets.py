"""evals.datasets: the ClapNQ adapter on a hand-made folder, build_temp_index with a fake embedder."""

import json
import tempfile
from pathlib import Path

import pytest

from evals.datasets import build_temp_index, load_clapnq
from rag.answering.retrieval import HybridRetriever
from rag.models import Article


def _record(i: int, title: str, text: str, question: str, selected: list[str]) -> dict:
    return {
        "id": i,
        "input": question,
        "passages": [{"title": title, "text": text, "sentences": [text]}],
        "output": [{"answer": "", "selected_sentences": selected}],
    }


@pytest.fixture
def clapnq_dir(tmp_path: Path) -> Path:
    niger = "The Niger River flows through Mali and reaches the Atlantic in Nigeria ."
    sahara = "The Sahara is the largest hot desert in the world , covering most of North Africa ."
    long_sentence = (
        "Timbuktu was a centre of Islamic scholarship under the Mali Empire in the fourteenth "
        "century ."
    )
    answerable = [
        _record(1, "Niger River", niger, "where does the niger river end", [niger]),
        _record(2, "Timbuktu", long_sentence, "what was timbuktu known for", [long_sentence]),
        _record(3, "Sahara", sahara, "how big is the sahara", [sahara]),
    ]
    unanswerable = [
        _record(4, "Niger River", niger, "who named the niger river", []),
        _record(5, "Sahara", sahara, "how hot is the sahara at night", []),
    ]
    for name, records in (
        ("clapnq_dev_answerable.jsonl", answerable),
        ("clapnq_dev_unanswerable.jsonl", unanswerable),
    ):
        (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in records))
    return tmp_path


def test_load_clapnq_dedupes_passages_and_marks_gold_documents(clapnq_dir):
    articles, items = load_clapnq(clapnq_dir)
    assert [a.title for a in articles] == ["Niger River", "Timbuktu", "Sahara"]
    assert len({a.doc_id for a in articles}) == 3 and all(a.source == "Wikipedia" for a in articles)
    assert [(it.id, it.answerable) for it in items] == [
        ("1", True),
        ("2", True),
        ("3", True),
        ("4", False),
        ("5", False),
    ]
    by_title = {a.title: a.doc_id for a in articles}
    assert items[0].doc_id == by_title["Niger River"]
    assert items[3].doc_id == "" and items[3].support == ""
    # support: a prefix of the gold sentence cut at a word, at most 60 characters
    assert items[1].support == "Timbuktu was a centre of Islamic scholarship under the Mali"
    assert items[0].support == "The Niger River flows through Mali and reaches the Atlantic"
    # reference: the whole gold sentence (ClapNQ has no short gold strings to grade by)
    assert items[1].reference.startswith("Timbuktu was a centre") and items[1].reference.endswith(
        "."
    )
    assert (items[1].any, items[1].all, items[3].reference) == ([], [], "")


def test_load_clapnq_limit_is_per_file_and_a_missing_file_says_where_to_point(clapnq_dir):
    articles, items = load_clapnq(clapnq_dir, limit=1)
    assert [it.id for it in items] == ["1", "4"] and len(articles) == 1
    (clapnq_dir / "clapnq_dev_unanswerable.jsonl").unlink()
    with pytest.raises(FileNotFoundError, match="point --clapnq at"):
        load_clapnq(clapnq_dir)


def _articles() -> list[Article]:
    texts = {
        "doc-niger": "The Niger River flows through Mali. It reaches the Atlantic in Nigeria.",
        "doc-sahara": "The Sahara is the largest hot desert. It covers most of North Africa.",
    }
    return [Article(doc_id=d, text=t, title=d, content_hash=d) for d, t in texts.items()]


def test_build_temp_index_indexes_then_removes_its_directory(settings, fake_embedder):
    with build_temp_index(
        _articles(), settings=settings, embedder=fake_embedder, prefix="t-evals-"
    ) as index:
        home = Path(index.settings.home)
        assert home.name.startswith("t-evals-") and home.parent == Path(tempfile.gettempdir())
        assert home != settings.home and (home / "chroma").is_dir()
        assert index.embedder is fake_embedder and index.store.count() == index.indexed.chunks > 0
        assert index.indexed.articles == 2 and index.seconds > 0
        hits = HybridRetriever(index.store, index.settings.retrieval).retrieve("Sahara desert", k=1)
        assert hits[0].chunk.doc_id == "doc-sahara"
        # every other setting is the caller's
        assert index.settings.answer == settings.answer
    assert not home.exists()
    assert not settings.home.exists()  # the caller's index is never touched


def test_build_temp_index_cleans_up_after_an_error(settings, fake_embedder):
    with (
        pytest.raises(RuntimeError, match="boom"),
        build_temp_index(_articles(), settings=settings, embedder=fake_embedder) as index,
    ):
        home = Path(index.settings.home)
        raise RuntimeError("boom")
    assert not home.exists()


def test_build_temp_index_never_writes_to_a_chroma_server(settings, fake_embedder):
    settings.chroma_url = "http://127.0.0.1:9"  # nothing listens there: embedded Chroma is used
    with build_temp_index(_articles(), settings=settings, embedder=fake_embedder) as index:
        assert index.settings.chroma_url is None and index.store.count() > 0


def test_build_temp_index_in_a_given_home_is_kept_and_reused(settings, fake_embedder, tmp_path):
    home = tmp_path / "clapnq-home"
    with build_temp_index(
        _articles(), settings=settings, embedder=fake_embedder, home=home
    ) as index:
        chunks = index.store.count()
        assert index.indexed.articles == 2
    assert (home / "chroma").is_dir()
    with build_temp_index(
        _articles()[:1], settings=settings, embedder=fake_embedder, home=home
    ) as again:
        assert again.indexed.articles == 0 and again.store.count() == chunks
    assert home.exists()
