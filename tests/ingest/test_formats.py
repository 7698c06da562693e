"""Every supported format, records with bad lines, duplicates, prune/remove (fake embeddings)."""

import json
from pathlib import Path

import docx
import pytest

from ingest.loaders import load_file
from ingest.pipeline import ingest_paths, list_articles, prune, remove_articles
from ingest.records import load_records
from rag.answering.retrieval import HybridRetriever
from rag.index.store import Store
from rag.models import Chunk, Filters
from rag.settings import IngestSettings
from tests.helpers.pdf import make_pdf

PARA = (
    "Fighting resumed near Kidal on Monday after armed groups attacked an army convoy on the "
    "road from Gao, residents and officials said."
)


def test_pdf_keeps_pages(tmp_path):
    p = tmp_path / "report.pdf"
    p.write_bytes(make_pdf([[PARA[:60], PARA[60:]], ["Officials said 12 people were killed."]]))
    a = load_file(p)
    # hard-wrapped lines are joined into one paragraph per page
    assert a.text == " ".join([PARA[:60].strip(), PARA[60:].strip()]) + (
        "\nOfficials said 12 people were killed."
    )
    assert a.pages == [0, a.text.index("Officials")]
    assert a.page_at(a.text.index("Officials")) == 2
    from rag.index.chunking import chunk_article

    assert [c.page for c in chunk_article(a)] == [1]


def test_page_offsets_hold_when_the_text_is_trimmed():
    from ingest.loaders import make_article

    body = "\n  Fighting resumed near Kidal on Monday, residents said.\nPage two."
    a = make_article("k", body, {}, path="r.pdf", strip=False, pages=[0, body.index("Page")])
    assert a.text.startswith("Fighting")
    assert a.text[a.pages[1] :] == "Page two."


def test_docx(tmp_path):
    d = docx.Document()
    d.core_properties.title = "Kidal report"
    d.core_properties.author = "A. Writer"
    d.add_paragraph(PARA)
    d.add_paragraph("The army said it had retaken the airport by nightfall on Tuesday.")
    d.save(tmp_path / "r.docx")
    a = load_file(tmp_path / "r.docx")
    assert (a.title, a.author, a.language) == ("Kidal report", "A. Writer", "en")
    assert a.text == PARA + "\nThe army said it had retaken the airport by nightfall on Tuesday."


def test_records_with_default_fields_and_bad_lines(tmp_path):
    p = tmp_path / "monitor.jsonl"
    p.write_text(
        json.dumps(
            {
                "headline": "Kidal",
                "content": PARA,
                "link": "https://news.example.org/k",
                "date": "Aug 2, 2024",
            }
        )
        + "\n{not json\n"
        + json.dumps({"title": "No text here"})
        + "\n"
        + json.dumps(
            {
                "title": "Gao",
                "body": PARA.replace("Kidal", "Gao"),
                "published": "2024-08-03",
                "source": "AFP",
            }
        )
        + "\n"
    )
    arts, errors = load_records(p, IngestSettings())
    assert [(a.title, a.source, a.published, a.url) for a in arts] == [
        ("Kidal", "news.example.org", "2024-08-02", "https://news.example.org/k"),
        ("Gao", "AFP", "2024-08-03", ""),
    ]
    assert errors[0].startswith("line 2: not JSON")
    assert errors[1] == "line 3: no text (expected one of text, content, body, article)"


def test_csv_and_json_records(tmp_path):
    (tmp_path / "a.csv").write_text(f'title,text,date\nKidal,"{PARA}",2024-08-02\n')
    (tmp_path / "b.json").write_text(json.dumps({"articles": [{"title": "Gao", "text": PARA}]}))
    (tmp_path / "c.csv").write_text("title,summary\nx,y\n")
    s = IngestSettings()
    assert [a.title for a in load_records(tmp_path / "a.csv", s)[0]] == ["Kidal"]
    assert [a.title for a in load_records(tmp_path / "b.json", s)[0]] == ["Gao"]
    from ingest.loaders import LoadError

    with pytest.raises(LoadError, match="CSV has no text column \\(columns: title, summary"):
        load_records(tmp_path / "c.csv", s)


WIRE = (
    "BAMAKO, Aug 2 (Reuters) - Mali's army said on Friday it had retaken control of a military "
    "base near Kidal after two days of fighting with separatist rebels, in a statement read on "
    "state television.\n"
    "The rebels did not immediately respond to a request for comment. Residents said heavy gunfire "
    "could be heard throughout Thursday night and that several families had fled towards the "
    "Algerian border.\n"
    "The fighting is the latest in a series of clashes since the collapse of a 2015 peace deal "
    "between the government and the mostly Tuareg rebel alliance in the north of the country.\n"
)


def _copy(outlet: str, headline: str, furniture: str) -> str:
    return f"---\ntitle: {headline}\nsource: {outlet}\n---\n{WIRE}{furniture}"


def test_wire_story_and_two_copies_are_one_article(tmp_path, store_settings, fake_embedder):
    d = tmp_path / "news"
    d.mkdir()
    (d / "1-reuters.md").write_text(_copy("Reuters", "Mali army retakes base near Kidal", ""))
    (d / "2-ghana.md").write_text(
        _copy(
            "Ghana Daily",
            "Malian troops retake Kidal base",
            "Share this article\n"
            "Latest Stories\nGhana wins cup\n2 hours -\nCedi steady\n3 hours -\n",
        )
    )
    (d / "3-sahel.md").write_text(
        _copy(
            "Sahel Post",
            "Army claims Kidal base",
            "Advertisement\nRelated Articles\n"
            "Niger names cabinet\n1 day ago\nBurkina radio suspended\n2 days ago\n",
        )
    )
    report = ingest_paths([d], settings=store_settings, embedder=fake_embedder)
    assert (report.articles, report.duplicates, report.errors) == (1, 2, [])
    rows = list_articles(store_settings)
    assert [(r.source, r.carried_by) for r in rows] == [("Reuters", ["Ghana Daily", "Sahel Post"])]
    # re-run: nothing changes; the citation names the other outlets
    again = ingest_paths([d], settings=store_settings, embedder=fake_embedder)
    assert (again.articles, again.unchanged, again.duplicates) == (0, 3, 0)
    from rag.answering.assistant import Assistant

    ans = Assistant(store_settings, embedder=fake_embedder, use_llm=False).ask(
        "What did Mali's army say about the military base near Kidal?"
    )
    assert ans.citations and ans.citations[0].carried_by == ["Ghana Daily", "Sahel Post"]


def test_prune_and_remove(tmp_path, store_settings, fake_embedder):
    d = tmp_path / "news"
    d.mkdir()
    for i, town in enumerate(["Kidal", "Gao", "Timbuktu"]):
        (d / f"{i}.txt").write_text(
            PARA.replace("Kidal", town) + f" Story number {i} about {town}."
        )
    ingest_paths([d], settings=store_settings, embedder=fake_embedder)
    store = Store(store_settings, fake_embedder)
    retriever = HybridRetriever(store)
    assert len(store.documents()) == 3
    (d / "1.txt").unlink()
    assert len(prune([d], store_settings)) == 1
    assert sorted(r.title for r in list_articles(store_settings)) == ["0", "2"]
    doc = next(r.id for r in list_articles(store_settings) if r.title == "0")
    assert remove_articles([doc], store_settings) == [doc]
    assert [r.title for r in list_articles(store_settings)] == ["2"]
    # Chroma and BM25 agree with the manifest
    assert {c.doc_id for c in store.iter_chunks()} == set(store.documents())
    assert {r.chunk.doc_id for r in retriever.retrieve("Kidal Gao Timbuktu story", k=10)} == set(
        store.documents()
    )


def test_filters_by_source_and_date(tmp_path, store_settings, fake_embedder):
    d = tmp_path / "news"
    d.mkdir()
    for outlet, day, town in [("AFP", "2024-07-01", "Kidal"), ("Reuters", "2024-08-15", "Gao")]:
        (d / f"{outlet}.md").write_text(
            f"---\nsource: {outlet}\npublished: {day}\n---\n{PARA.replace('Kidal', town)}\n"
        )
    (d / "undated.txt").write_text(PARA.replace("Kidal", "Mopti"))
    ingest_paths([d], settings=store_settings, embedder=fake_embedder)
    r = HybridRetriever(Store(store_settings, fake_embedder))

    def sources(f: Filters) -> set[str]:
        return {x.chunk.source for x in r.retrieve("fighting convoy attacked", k=10, filters=f)}

    assert sources(Filters()) == {"AFP", "Reuters", ""}
    assert sources(Filters(sources=["Reuters"])) == {"Reuters"}
    assert sources(Filters(date_from="2024-08-01")) == {"Reuters"}
    assert sources(Filters(date_to="2024-07-31")) == {"AFP"}
    assert Filters(date_from="2024-08-01", sources=["AFP"]).matches(
        Chunk(
            id="x",
            doc_id="d",
            index=0,
            text="t",
            start=0,
            end=1,
            source="AFP",
            published="2024-08-02",
        )
    )


def test_a_copys_story_outlives_its_indexed_twin(tmp_path, store_settings, fake_embedder):
    """b.txt is recorded as a copy of a.txt. When a.txt is edited into another story, or
    deleted and pruned, b.txt's story is indexed in its own right, not lost."""
    d = tmp_path / "news"
    d.mkdir()
    story = PARA + " Rebels seized the town of Léré on Friday, a local official said."
    (d / "a.txt").write_text(story)
    (d / "b.txt").write_text(story)
    ingest_paths([d], settings=store_settings, embedder=fake_embedder)
    rows = list_articles(store_settings)
    assert [(r.title, [Path(c).name for c in r.carried_by]) for r in rows] == [("a", ["b.txt"])]

    def texts() -> set[str]:
        store = Store(store_settings, fake_embedder)
        return {store.article(i).text for i in store.documents()}

    football = "The national football team beat Ghana two goals to one in Bamako on Saturday."
    (d / "a.txt").write_text(football)
    report = ingest_paths([d], settings=store_settings, embedder=fake_embedder)
    assert (report.articles, report.errors) == (2, [])
    assert texts() == {football, story}
    assert all(not r.carried_by for r in list_articles(store_settings))

    (d / "c.txt").write_text(story)  # b's copy this time
    ingest_paths([d], settings=store_settings, embedder=fake_embedder)
    (d / "b.txt").unlink()
    gone = prune([d], store_settings, embedder=fake_embedder)
    assert len(gone) == 1  # only b.txt's file is gone
    assert texts() == {football, story}  # c.txt now carries the story


def test_a_link_to_nothing_is_named_not_dropped(tmp_path, store_settings, fake_embedder):
    d = tmp_path / "news"
    d.mkdir()
    (d / "a.txt").write_text(PARA)
    (d / "dangling.txt").symlink_to(d / "deleted.txt")
    report = ingest_paths([d], settings=store_settings, embedder=fake_embedder)
    assert report.articles == 1
    assert [s.split(": ", 1)[0] for s in report.skipped] == [str(d / "dangling.txt")]
    assert "leads nowhere" in report.skipped[0]
    alone = ingest_paths([d / "dangling.txt"], settings=store_settings, embedder=fake_embedder)
    assert [e.reason for e in alone.errors] == [
        "a symbolic link that leads nowhere (its target is missing or it loops)"
    ]
