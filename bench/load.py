"""Concurrent chat sessions against a launched UI: errors, p50/p95 latency, throughput.

    python -m bench.load --sessions 1,5,20 --questions 3

Starts `python -m ui` on 127.0.0.1 (a free port, the index at $RAG_HOME) unless --url is given;
each session is its own gradio_client Client asking questions one after another. Bounded: every
session asks --questions questions and stops.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

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


def run_sessions(url: str, sessions: int, questions: int) -> dict[str, float]:
    """Run ``sessions`` clients at once; each asks ``questions`` questions."""
    from gradio_client import Client

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

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
                _, chat, _, _ = client.predict(q, [], [], "", "", api_name="/ask")
                assert chat and chat[-1]["role"] == "assistant"
                with lock:
                    latencies.append(time.perf_counter() - t0)
            except Exception as e:
                with lock:
                    errors.append(f"{type(e).__name__}: {e}")

    t0 = time.perf_counter()
    threads = [threading.Thread(target=session, args=(k,)) for k in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=900)
    wall = time.perf_counter() - t0
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
    }


def main() -> None:
    """Start the UI (unless --url), run each session count, print and write JSON."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sessions", default="1,5,20")
    p.add_argument("--questions", type=int, default=3)
    p.add_argument("--url")
    p.add_argument("--out", default="bench-load.json")
    args = p.parse_args()
    proc = None
    url = args.url
    if not url:
        port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "ui", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )
        url = f"http://127.0.0.1:{port}/"
        import httpx

        for _ in range(240):
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
    try:
        results = []
        for n in [int(x) for x in args.sessions.split(",")]:
            r = run_sessions(url, n, args.questions)
            results.append(r)
            print(
                f"{n:3} sessions: {r['ok']}/{r['requests']} ok, {r['errors']} errors, "
                f"p50 {r['p50_s']:.2f} s, p95 {r['p95_s']:.2f} s, {r['throughput_per_s']:.2f} answers/s"
                + (f"  first error: {r['first_error']}" if r["errors"] else ""),
                flush=True,
            )
        Path(args.out).write_text(json.dumps(results, indent=1))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
