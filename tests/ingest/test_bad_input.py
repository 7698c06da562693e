"""A folder of malformed files: every bad one reported by name, every good one indexed."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths
from rag.index.manifest import SQLiteManifest
from rag.index.store import Store
from tests.conftest import ROOT
from tests.helpers.pdf import make_pdf

GOOD = (
    "Armed groups attacked an army convoy near {town} on Monday, residents and officials said, "
    "in the latest of a series of clashes in the north of the country."
)


def make_bad_folder(d: Path) -> tuple[set[str], set[str]]:
    """(bad file names, good file names)."""
    d.mkdir()
    bad = {
        "binary.txt": b"\x00\x01\x02\x03" * 100,
        "empty.txt": b"",
        "blank.md": b"   \n\n  \n",
        "invalid-utf8.txt": b"Bamako \x81\x8d\x8f\x90\x9d caf\xe9 and more text here",
        "broken.html": b"<html><body><div><p></div></span>",
        "corrupt.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage",
        "no-text.pdf": make_pdf([[]]),
        "bad-front-matter.md": b"---\ntitle: [unclosed\n---\nBody of the article here.\n",
        "bad-date.md": b"---\npublished: sometime last week maybe\n---\nBody text.\n",
        "no-text.csv": b"title,summary\nA,B\n",
        "broken.json": b'{"articles": [{"title": "x", ',
        "not-a-list.json": b'"just a string"',
        "corrupt.docx": b"PK\x03\x04 not really a zip",
        "garbage.rss": b"this is not xml at all <<<",
        "only-furniture.txt": b"Latest Stories\nGhana wins cup\n2 hours -\nCedi steady\n3 hours -\n",
        "bad-sidecar.txt": GOOD.format(town="Gao").encode(),
        "huge.txt": None,  # written below: over the size limit
        "latin1-undecodable.md": b"\x81\x81\x81\x81",
        "records-bad-lines.jsonl": None,  # good record + bad lines: partly indexed, errors named
        "all-bad.jsonl": b"{oops\n[1, 2]\n",
        # dates that are not real, or read two ways, or lack a year: no part is made up
        "impossible-date.md": b"---\npublished: 2024-13-45\n---\nBody text.\n",
        "two-way-date.md": b"---\npublished: 12/03/2024\n---\nBody text.\n",
        "weekday-date.md": b"---\npublished: Tuesday\n---\nBody text.\n",
        "bad-date-sidecar.txt": GOOD.format(town="Ansongo").encode(),
    }
    for name, data in bad.items():
        if data is not None:
            (d / name).write_bytes(data)
    (d / "bad-sidecar.meta.yaml").write_text("title: [oops\n")
    (d / "bad-date-sidecar.meta.yaml").write_text("published: 2024-02-30\n")
    # a name in Latin-1 bytes, which UTF-8 cannot write back
    (d / os.fsdecode(b"caf\xe9-latin1-name.txt")).write_text(GOOD.format(town="Koulikoro"))
    bad[os.fsdecode(b"caf\xe9-latin1-name.txt")] = None
    with open(d / "huge.txt", "wb") as f:
        f.truncate(50 * 1024 * 1024)  # 50 MB (sparse): over the 20 MB default limit
    (d / "records-bad-lines.jsonl").write_text(
        json.dumps({"title": "Mopti", "text": GOOD.format(town="Mopti")}) + "\n{bad json\n"
    )
    good = {
        "kidal.txt": GOOD.format(town="Kidal"),
        "gao.md": "---\ntitle: Gao\nsource: AFP\npublished: 2024-08-01\n---\n"
        + GOOD.format(town="Gao town"),
        "timbuktu.html": "<html><head><title>Timbuktu</title></head><body><article><p>"
        + " ".join([GOOD.format(town="Timbuktu")] * 3)
        + "</p></article></body></html>",
    }
    for name, text in good.items():
        (d / name).write_text(text)
    (d / "notes.odt").write_bytes(b"PK")  # unknown type: a note, not an error
    return set(bad), set(good)


def test_malformed_folder(tmp_path, settings, fake_embedder):
    bad, good = make_bad_folder(tmp_path / "in")
    assert len(bad) >= 20
    report = ingest_paths([tmp_path / "in"], settings=settings, embedder=fake_embedder)
    named = {Path(e.path.split("#")[0]).name for e in report.errors}
    assert named == bad
    assert all(e.reason and "\n" not in e.reason for e in report.errors)
    indexed = {
        Path(d.path.split("#")[0]).name for d in Store(settings, fake_embedder).documents().values()
    }
    assert indexed == good | {"records-bad-lines.jsonl"}
    assert report.skipped == [f"{tmp_path / 'in' / 'notes.odt'}: unsupported type '.odt', skipped"]
    reasons = {Path(e.path.split("#")[0]).name: e.reason for e in report.errors}
    assert "over the 20 MB limit" in reasons["huge.txt"]
    assert "neither UTF-8 nor Windows-1252" in reasons["invalid-utf8.txt"]
    assert "CSV has no text column" in reasons["no-text.csv"]
    assert reasons["records-bad-lines.jsonl"].startswith("line 2: not JSON")
    assert "not a real date" in reasons["impossible-date.md"]
    assert "reads as two dates" in reasons["two-way-date.md"]
    assert "no year or no month" in reasons["weekday-date.md"]
    assert "bad-date-sidecar.meta.yaml" in reasons["bad-date-sidecar.txt"]
    assert "not valid UTF-8" in reasons[os.fsdecode(b"caf\xe9-latin1-name.txt")]
    assert "YYYY-MM-DD" in reasons["bad-date-sidecar.txt"]
    # nothing already indexed is lost when a later batch is all bad
    before = Store(settings, fake_embedder).count()
    again = ingest_paths([tmp_path / "in"], settings=settings, embedder=fake_embedder)
    assert (again.articles, again.unchanged) == (0, 4)
    assert Store(settings, fake_embedder).count() == before


@pytest.mark.slow
def test_strict_and_json_report_through_the_cli(tmp_path):
    bad, _ = make_bad_folder(tmp_path / "in")
    env = {**os.environ, "RAG_HOME": str(tmp_path / "home")}
    cmd = [sys.executable, "-m", "ingest", "--json", "--strict", str(tmp_path / "in")]
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 1
    report = json.loads(r.stdout)
    assert report["articles"] == 4
    assert {Path(e["path"].split("#")[0]).name for e in report["errors"]} == bad
    lenient = subprocess.run(cmd[:4] + cmd[5:], cwd=ROOT, env=env, capture_output=True, text=True)
    assert lenient.returncode == 0


@pytest.mark.slow
def test_kill_9_mid_ingest_then_resume(tmp_path, real_embedder):
    src = tmp_path / "in"
    src.mkdir()
    towns = [f"Town{i:03d}" for i in range(60)]
    for i, town in enumerate(towns):
        text = " ".join(
            f"Report {i} sentence {j}: fighting near {town} displaced families, officials said."
            for j in range(8)
        )
        (src / f"{i:03d}.txt").write_text(text)
    home = tmp_path / "home"
    env = {
        **os.environ,
        "RAG_HOME": str(home),
        "RAG_EMBEDDING__BATCH_SIZE": "4",
        "RAG_INGEST__GROUP_CHUNKS": "16",  # many small groups: the kill lands between two
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "ingest", "--quiet", str(src)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    manifest = SQLiteManifest(home)
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        if manifest.path.exists() and manifest.read_all()[0]:  # a first group is recorded
            break
        time.sleep(0.02)
    assert proc.poll() is None, "ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    from rag.settings import Settings

    settings = Settings(home=home)
    settings.embedding.batch_size = 4
    settings.ingest.group_chunks = 16
    store = Store(settings, real_embedder)  # the index opens ...
    partial = len(store.documents())
    assert 0 < partial < len(towns)
    from rag.answering.retrieval import HybridRetriever

    assert HybridRetriever(store).retrieve("fighting displaced families", k=3)  # ... and answers

    report = ingest_paths([src], settings=settings, embedder=real_embedder)
    assert report.errors == []
    assert report.unchanged + report.articles == len(towns)
    docs = store.documents()
    assert len(docs) == len(towns)
    per_doc: dict[str, int] = {}
    for c in store.iter_chunks():
        per_doc[c.doc_id] = per_doc.get(c.doc_id, 0) + 1
    assert per_doc == {d: e.chunks for d, e in docs.items()}  # no duplicates, none lost
