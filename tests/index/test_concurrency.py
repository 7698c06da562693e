"""Users keep getting the same answers while an ingest job writes to the index."""

from __future__ import annotations

import random
import shutil
import threading

from ingest.pipeline import ingest_paths
from rag.answering.assistant import Assistant
from rag.index.store import Store
from tests.conftest import CORPUS

Q = "How many Malian soldiers did the rebels say they killed?"
WORDS = (
    "river market season rainfall harvest cattle herders road bridge school clinic council "
    "cooperative price grain well pump solar radio festival museum library"
).split()


def _articles(folder, n: int) -> None:
    rng = random.Random(0)
    folder.mkdir()
    for i in range(n):
        filler = ". ".join(" ".join(rng.choices(WORDS, k=12)).capitalize() for _ in range(4))
        (folder / f"district-{i}.md").write_text(
            f"---\ntitle: Harvest report {i}\nsource: Farm Weekly\npublished: 2024-10-01\n---\n"
            f"{filler}. The millet harvest in district {i} reached {100 + i} tonnes, "
            f"the cooperative said.\n"
        )


def test_answers_hold_while_ingest_runs(tmp_path, store_settings, fake_embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    ingest_paths([corpus], settings=store_settings, embedder=fake_embedder)
    _articles(tmp_path / "extra", 60)
    store_settings.ingest.group_chunks = 2  # many small writes: the manifest moves often
    assistant = Assistant(store_settings, embedder=fake_embedder, use_llm=False)
    before = assistant.ask(Q)
    assert "47" in before.answer

    done = threading.Event()
    outcome: dict[str, object] = {}

    def ingest() -> None:
        try:  # its own Store, as a separate ingest process (or machine) would have
            outcome["report"] = ingest_paths(
                [tmp_path / "extra"], settings=store_settings, embedder=fake_embedder
            )
        except Exception as e:  # reported by the assertion below
            outcome["error"] = e
        finally:
            done.set()

    job = threading.Thread(target=ingest)
    job.start()
    during = []
    while not done.is_set():
        during.append(assistant.ask(Q))
    job.join()

    assert "error" not in outcome, outcome.get("error")
    report = outcome["report"]
    assert (report.articles, report.errors) == (60, [])  # type: ignore[attr-defined]
    assert len(during) >= 3  # the questions really overlapped the writes
    # word statistics move as articles arrive, so the chosen evidence may differ; what may not
    # happen is an error, a refusal, a lost figure or a citation of an unrelated article
    assert all(not a.refused and "47 Malian soldiers" in a.answer for a in during)
    assert all(c.doc_id == before.citations[0].doc_id for a in during for c in a.citations)
    # and what was ingested meanwhile is answerable now
    after = assistant.ask("How many tonnes did the millet harvest in district 42 reach?")
    assert "142 tonnes" in after.answer
    assert len(Store(store_settings, fake_embedder).documents()) == 61
