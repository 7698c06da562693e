"""The Sahel news benchmark adapter (evals/data/sahel) and one end-to-end run of its CLI."""

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from evals.datasets import load_sahel
from evals.normalise import fold
from tests.conftest import ROOT, run_module

SAHEL = ROOT / "evals" / "data" / "sahel"
# evals/data/sahel/README.md, "Counts"
DEV_PER_KIND = 6
TEST_PER_KIND = {"number": 9, "french_only": 9, "near_miss": 43}
NEAR_MISS_DEV = 29


@pytest.fixture(scope="module")
def sahel_all():
    return load_sahel(SAHEL, "all")


def test_articles_are_loaded_with_their_front_matter(sahel_all):
    articles, _ = sahel_all
    assert len(articles) == 64
    assert Counter(a.language for a in articles) == {"en": 37, "fr": 27}
    assert len({a.doc_id for a in articles}) == 64
    kassoro = next(
        a for a in articles if a.path.endswith("sahelwire-20240315-kassoro-camp-attack.md")
    )
    assert (kassoro.source, kassoro.published) == ("Sahel Wire", "2024-03-15")
    assert kassoro.title.startswith("Nine soldiers killed")
    assert not kassoro.text.startswith("---")


def test_counts_by_split_and_kind():
    for split, total in (("dev", 101), ("test", 141), ("all", 242)):
        articles, items = load_sahel(SAHEL, split)
        assert len(articles) == 64 and len(items) == total, split
        assert split == "all" or {it.split for it in items} == {split}
    _, dev = load_sahel(SAHEL, "dev")
    _, test = load_sahel(SAHEL, "test")
    dev_kinds, test_kinds = Counter(it.kind for it in dev), Counter(it.kind for it in test)
    assert len(dev_kinds) == len(test_kinds) == 13
    assert dev_kinds["near_miss"] == NEAR_MISS_DEV
    assert all(n == DEV_PER_KIND for k, n in dev_kinds.items() if k != "near_miss")
    assert all(n == TEST_PER_KIND.get(k, 8) for k, n in test_kinds.items())
    assert not {it.id for it in dev} & {it.id for it in test}


def test_every_gold_document_is_mapped_to_a_loaded_article(sahel_all):
    articles, items = sahel_all
    by_id = {a.doc_id: a for a in articles}
    stems = {}
    for line in (SAHEL / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        stems[rec["id"]] = rec["doc_ids"]
    for it in items:
        assert len(it.doc_ids) == len(stems[it.id]), it.id
        assert [Path(by_id[d].path).stem for d in it.doc_ids] == stems[it.id], it.id
        if it.answerable:
            assert it.doc_id == it.doc_ids[0]
            holders = [by_id[d] for d in it.doc_ids if fold(it.support) in fold(by_id[d].text)]
            assert holders, f"{it.id}: support not in its gold articles"
            assert it.doc_language == holders[0].language
        else:
            assert (it.kind, it.doc_ids, it.doc_language) == ("near_miss", [], "")
    assert Counter(it.language for it in items) == {"en": 207, "fr": 35}
    assert {it.doc_language for it in items if it.answerable} == {"en", "fr"}


def test_other_supports_are_verbatim_spans_of_their_articles(sahel_all):
    """supports.jsonl: other sentences stating an answer, each found in the article it names."""
    articles, items = sahel_all
    text = {Path(a.path).stem: fold(a.text) for a in articles}
    lines = (SAHEL / "supports.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    later = [
        it
        for name in ("dev2_questions.jsonl", "dev2_time_questions.jsonl")
        for it in load_sahel(SAHEL, "all", questions=name)[1]
    ]
    by_id = {it.id: it for it in [*items, *later]}
    assert records and all(by_id[r["id"]].answerable for r in records)
    for r in records:
        for s in r["supports"]:
            assert fold(s["text"]) in text[s["doc_id"]], (r["id"], s)
        assert by_id[r["id"]].supports == [s["text"] for s in r["supports"]]
    _, strict = load_sahel(SAHEL, "all", other_supports=False)
    assert not any(it.supports for it in strict)


def test_limit_takes_questions_in_turn_from_each_kind():
    _, items = load_sahel(SAHEL, "dev", limit=15)
    kinds = [it.kind for it in items]
    assert len(set(kinds[:13])) == 13 and kinds[13:] == ["number", "date"]


def test_a_bad_folder_split_or_article_stem_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="point --sahel at"):
        load_sahel(tmp_path)
    with pytest.raises(ValueError, match="split must be one of"):
        load_sahel(SAHEL, "train")
    folder = tmp_path / "sahel"
    (folder / "articles").mkdir(parents=True)
    shutil.copy(
        SAHEL / "articles" / "sahelwire-20240315-kassoro-camp-attack.md", folder / "articles"
    )
    lines = (SAHEL / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    (folder / "questions.jsonl").write_text(lines[0] + "\n" + lines[1] + "\n", encoding="utf-8")
    _, items = load_sahel(folder, "all")
    assert len(items) == 2 and items[0].doc_ids
    other = json.loads(lines[2])  # its article is not in the folder
    with (folder / "questions.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps(other) + "\n")
    with pytest.raises(ValueError, match=r"questions.jsonl:3: no article nigervalleypost-"):
        load_sahel(folder, "all")


@pytest.mark.slow
def test_cli_on_the_dev_split_reports_by_kind_and_language(tmp_path):
    r = run_module(
        "evals",
        *("--sahel", str(SAHEL), "--split", "dev", "--no-llm", "--limit", "20", "--json"),
        home=tmp_path,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert list(data) == ["ours"]
    m, rows = data["ours"]["metrics"], data["ours"]["rows"]
    assert m["questions"] == len(rows) == 20
    assert len(m["by_kind"]) == 13 and sum(g["questions"] for g in m["by_kind"].values()) == 20
    assert set(m["by_language"]) == {"en", "fr"}
    assert set(m["by_doc_language"]) == {"en", "fr", "none"}
    for key in ("correct", "cited", "correct_and_cited", "refusal_unanswerable", "hit@5"):
        assert m["by_kind"]["number"][key]["n"] >= 1 or key == "refusal_unanswerable"
        assert m[key]["value"] is not None and "lo" in m[key]
    assert m["hit@5"]["value"] >= 0.5  # the index holds the articles: retrieval finds them
    assert not list(tmp_path.iterdir())  # RAG_HOME untouched: the index was temporary


def test_the_second_dev_set_is_dev_only_with_supports_in_its_gold_articles(sahel_all):
    """dev2_questions.jsonl: questions written later, to measure the dev rules on new questions."""
    articles, _ = sahel_all
    text = {a.doc_id: fold(a.text) for a in articles}
    _, items = load_sahel(SAHEL, "all", questions="dev2_questions.jsonl")
    assert len(items) == 32 and {it.split for it in items} == {"dev"}
    assert sum(not it.answerable for it in items) == 8
    for it in items:
        if it.answerable:
            assert it.any or it.all, it.id
            assert any(fold(it.support) in text[d] for d in it.doc_ids), it.id
        else:
            assert (it.kind, it.doc_ids) == ("near_miss", []), it.id


def test_the_second_time_dev_set_is_dev_only_with_gold_in_its_articles(sahel_all):
    """dev2_time_questions.jsonl: time questions written later, each kind, dev only."""
    articles, _ = sahel_all
    text = {a.doc_id: fold(a.text) for a in articles}
    _, items = load_sahel(SAHEL, "all", questions="dev2_time_questions.jsonl")
    assert len(items) == 17 and {it.split for it in items} == {"dev"}
    assert {it.kind for it in items} == {
        "this_week",
        "latest",
        "since",
        "revision",
        "timeline",
        "coverage",
    }
    for it in items:
        assert it.as_of, it.id
        if not it.answerable:
            assert it.kind == "coverage" and it.doc_ids == [], it.id
        elif it.kind == "timeline":
            assert it.events and all(e.doc_ids and e.any for e in it.events), it.id
        else:
            assert it.any and any(fold(it.support) in text[d] for d in it.doc_ids), it.id
