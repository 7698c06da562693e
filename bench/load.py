"""Concurrent chat sessions against a launched UI: errors, p50/p95 latency, throughput.

    python -m bench.load --sessions 1,5,20 --questions 3 [--ingest-during ../shared/data/clapnq]

Starts `python -m ui` on 127.0.0.1 (a free port, the index at $RAG_HOME) unless --url is given;
each session is its own gradio_client Client asking questions one after another. Bounded: every
session asks --questions questions and stops.

Every answer is compared with the answer the same question got before the load, one at a time:
"changed" counts those that differ. --ingest-during uploads articles through the UI's Corpus
tab (the ClapNQ passages, 597 Wikipedia articles, when given the ClapNQ folder) while the
sessions chat, and reports how long that ingest took and what it indexed.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

QUESTIONS = [
    "How many Wagner fighters did the rebels say they killed at Tinzaouaten?",
    "What did Wagner say about its losses?",
    "What is the population of Mali?",
    "When did Tuareg separatists launch an insurgency against Mali?",
    "What did Russia's foreign ministry say?",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answer(chat: list[dict[str, object]]) -> str:
    content = chat[-1]["content"]
    return content if isinstance(content, str) else json.dumps(content)


def baseline_answers(url: str) -> dict[str, str]:
    """Each question asked once, alone: what the answers are without load."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    return {
        q: _answer(client.predict(q, [], [], "", "", "", api_name="/ask")[1]) for q in QUESTIONS
    }


def _upload(url: str, path: Path) -> dict[str, object]:
    """Ingest ``path`` through the UI's Corpus tab; returns its status line and duration."""
    from gradio_client import Client, handle_file

    t0 = time.perf_counter()
    try:
        status, errors, *_ = Client(url, verbose=False).predict(
            [handle_file(str(path))], "", False, api_name="/ingest"
        )
        return {"status": status, "problems": errors, "seconds": time.perf_counter() - t0}
    except Exception as e:  # reported, never hidden
        return {"status": f"failed: {type(e).__name__}: {e}", "seconds": time.perf_counter() - t0}


def clapnq_jsonl(folder: Path, out: Path) -> Path:
    """The ClapNQ gold passages as one JSONL file of articles (title, text, source)."""
    from evals.datasets import load_clapnq

    articles, _ = load_clapnq(folder)
    out.write_text(
        "".join(
            json.dumps({"title": a.title, "text": a.text, "source": a.source}) + "\n"
            for a in articles
        )
    )
    return out


def run_sessions(
    url: str,
    sessions: int,
    questions: int,
    expected: dict[str, str] | None = None,
    ingest: Path | None = None,
) -> dict[str, object]:
    """Run ``sessions`` clients at once; each asks ``questions`` questions."""
    from gradio_client import Client

    latencies: list[float] = []
    errors: list[str] = []
    changed: list[str] = []
    lock = threading.Lock()
    ingest_result: dict[str, object] = {}

    def session(k: int) -> None:
        try:
            client = Client(url, verbose=False)
        except Exception as e:
            with lock:
                errors.append(f"connect: {e}")
            return
        for i in range(questions):
            q = QUESTIONS[(k + i) % len(QUESTIONS)]
            t0 = time.perf_counter()
            try:
                _, chat, _, _ = client.predict(q, [], [], "", "", "", api_name="/ask")
                assert chat and chat[-1]["role"] == "assistant"
                with lock:
                    latencies.append(time.perf_counter() - t0)
                    if expected is not None and _answer(chat) != expected[q]:
                        changed.append(f"{q} -> {_answer(chat)[:200]}")
            except Exception as e:
                with lock:
                    errors.append(f"{type(e).__name__}: {e}")

    t0 = time.perf_counter()
    threads = [threading.Thread(target=session, args=(k,)) for k in range(sessions)]
    if ingest is not None:
        threads.append(threading.Thread(target=lambda: ingest_result.update(_upload(url, ingest))))
    for t in threads:
        t.start()
    for t in threads[:sessions]:
        t.join(timeout=900)
    wall = time.perf_counter() - t0
    for t in threads[sessions:]:
        t.join(timeout=1800)
    ordered = sorted(latencies)
    return {
        "sessions": sessions,
        "requests": sessions * questions,
        "ok": len(latencies),
        "errors": len(errors),
        "p50_s": statistics.median(ordered) if ordered else float("nan"),
        "p95_s": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        if ordered
        else float("nan"),
        "throughput_per_s": len(latencies) / wall,
        "first_error": errors[0] if errors else "",
        "changed": len(changed),
        "changed_examples": changed[:3],
        "ingest": ingest_result,
    }


def main() -> None:
    """Start the UI (unless --url), run each session count, print and write JSON."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sessions", default="1,5,20")
    p.add_argument("--questions", type=int, default=3)
    p.add_argument("--url")
    p.add_argument("--out", default="bench-load.json")
    p.add_argument(
        "--ingest-during",
        type=Path,
        help="a file to ingest through the UI while the largest session count runs, or the "
        "ClapNQ folder (its passages are uploaded as one JSONL file)",
    )
    args = p.parse_args()
    proc = None
    url = args.url
    if not url:
        port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "ui", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=dict(os.environ),
        )
        url = f"http://127.0.0.1:{port}/"
        import httpx

        for _ in range(240):
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
    ingest = args.ingest_during
    if ingest is not None and ingest.is_dir():
        ingest = clapnq_jsonl(ingest, Path(tempfile.mkdtemp()) / "clapnq-passages.jsonl")
    try:
        expected = baseline_answers(url)
        results = []
        counts = [int(x) for x in args.sessions.split(",")]
        runs = [(n, None) for n in counts] + ([(max(counts), ingest)] if ingest else [])
        for n, path in runs:
            r = run_sessions(url, n, args.questions, expected, path)
            results.append(r)
            print(
                f"{n:3} sessions{' + ingest' if path else ''}: {r['ok']}/{r['requests']} ok, "
                f"{r['errors']} errors, {r['changed']} answers changed, p50 {r['p50_s']:.2f} s, "
                f"p95 {r['p95_s']:.2f} s, {r['throughput_per_s']:.2f} answers/s"
                + (f"  first error: {r['first_error']}" if r["errors"] else "")
                + "".join(f"\n      changed: {c}" for c in r["changed_examples"]),  # type: ignore[attr-defined]
                flush=True,
            )
            if path:
                i: dict[str, Any] = r["ingest"]  # type: ignore[assignment]
                print(f"      ingest meanwhile: {i.get('status')} in {i.get('seconds', 0):.0f} s")
        Path(args.out).write_text(json.dumps(results, indent=1))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
