"""Benchmark suite: prints a table and writes JSON. Numbers, not timed assertions.

    python -m bench.suite [--sizes 10000,100000] [--clapnq ../shared/data/clapnq] [--out bench.json]

Every ratio is against a baseline measured in the same run on this machine.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from rag.settings import Settings


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _summary(ms: list[float]) -> dict[str, float]:
    return {"p50": _pct(ms, 50), "p95": _pct(ms, 95), "p99": _pct(ms, 99)}


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1024 / 1024


# -- 1. ingest: whole pipeline vs raw encode of the same chunks --------------------------------
def bench_ingest(clapnq: Path) -> dict[str, Any]:
    """Chunks/s of chunk+embed+store vs raw encode() of the same chunks, same run."""
    from evals.datasets import build_temp_index, load_clapnq
    from rag.embeddings import get_embedder
    from rag.index.chunking import chunk_article

    articles, _ = load_clapnq(clapnq)
    embedder = get_embedder()
    settings = Settings()
    texts = [c.text for a in articles for c in chunk_article(a, settings.ingest)]
    embedder.encode(texts[:64])  # warm-up
    t0 = time.perf_counter()
    embedder.encode(texts, batch_size=settings.embedding.batch_size)
    raw = time.perf_counter() - t0
    with build_temp_index(
        articles, settings=settings, embedder=embedder, prefix="bench-ingest-"
    ) as index:
        chunks, pipeline = index.indexed.chunks, index.seconds
    return {
        "articles": len(articles),
        "chunks": chunks,
        "raw_encode_chunks_per_s": len(texts) / raw,
        "pipeline_chunks_per_s": chunks / pipeline,
        "pipeline_over_raw": (chunks / pipeline) / (len(texts) / raw),
    }


# -- 1b. embedding backends: speed and retrieval quality on ClapNQ, same run ----------------
def bench_embeddings(
    clapnq: Path, backends: tuple[str, ...] = ("torch", "onnx", "onnx-int8")
) -> dict[str, Any]:
    """Passages/s per backend on the same chunks, and gold-passage hit@5 (dense and fused)."""
    from evals.datasets import build_temp_index, load_clapnq
    from evals.metrics import first_hit
    from rag.answering.retrieval import HybridRetriever
    from rag.embeddings import Embedder
    from rag.index.chunking import chunk_article
    from rag.settings import EmbeddingSettings

    articles, items = load_clapnq(clapnq)
    answerable = [it for it in items if it.answerable]
    base = Settings()
    texts = [c.text for a in articles for c in chunk_article(a, base.ingest)]
    out: dict[str, Any] = {"chunks": len(texts), "questions": len(answerable), "backends": {}}
    reference: np.ndarray | None = None
    for backend in backends:
        embedder = Embedder(EmbeddingSettings(backend=backend))
        t0 = time.perf_counter()
        embedder.encode(texts[:64])  # load (and, for ONNX, export once) + warm-up
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        vectors = embedder.encode(texts, batch_size=base.embedding.batch_size)
        secs = time.perf_counter() - t0
        if reference is None:
            reference = vectors
        settings = Settings(embedding=EmbeddingSettings(backend=backend))
        dense_hits = fused_hits = 0
        with build_temp_index(
            articles, settings=settings, embedder=embedder, prefix=f"bench-emb-{backend}-"
        ) as index:
            store = index.store
            retriever = HybridRetriever(store, settings.retrieval)
            for it in answerable:
                dense = [h.chunk for h in store.search(embedder.encode([it.question])[0], 5)]
                fused = [r.chunk for r in retriever.retrieve(it.question, k=5)]
                dense_hits += first_hit(it, dense) is not None
                fused_hits += first_hit(it, fused) is not None
        out["backends"][backend] = {
            "load_s": load_s,
            "passages_per_s": len(texts) / secs,
            "mean_cosine_to_torch": float((vectors * reference).sum(1).mean()),
            "dense_hit@5": dense_hits / len(answerable),
            "fused_hit@5": fused_hits / len(answerable),
        }
    torch_rate = out["backends"].get("torch", {}).get("passages_per_s")
    for r in out["backends"].values():
        r["speedup_vs_torch"] = r["passages_per_s"] / torch_rate if torch_rate else None
    return out


# -- 2. retrieval latency at N chunks (synthetic vectors and texts) ---------------------------
class _RandomEncoder:
    name = "bench-random-384"
    backend = "random"
    dimension = 384

    def __init__(self) -> None:
        self.rng = np.random.default_rng(1)

    def encode(self, texts: list[str], *, batch_size: int | None = None) -> np.ndarray:
        v = self.rng.standard_normal((len(texts), self.dimension)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def _build_index(n: int, home: str) -> float:
    """Insert ``n`` synthetic chunks under ``home``; returns seconds (run in a child process)."""
    from rag.index.store import Store
    from rag.models import Chunk

    rng = random.Random(n)
    vocab = [f"w{i}" for i in range(20000)]
    enc = _RandomEncoder()
    store = Store(Settings(home=Path(home)), enc, create=True)
    t0 = time.perf_counter()
    batch = 5000
    for start in range(0, n, batch):
        size = min(batch, n - start)
        chunks = [
            Chunk(
                id=f"c{start + i}",
                doc_id=f"d{(start + i) // 4}",
                index=i,
                start=0,
                end=10,
                text=" ".join(rng.choices(vocab, k=60)),
            )
            for i in range(size)
        ]
        store.collection.add(
            ids=[c.id for c in chunks],
            documents=[c.text for c in chunks],
            metadatas=[c.to_metadata() for c in chunks],
            embeddings=enc.encode([""] * size),
        )
    store._commit()  # bump the revision: BM25 must rebuild
    return time.perf_counter() - t0


def bench_retrieval(
    n: int, queries: int = 200, warmup: int = 50, reuse: Path | None = None
) -> dict[str, Any]:
    """Dense, BM25 and fused latency at ``n`` synthetic chunks; memory and disk.

    The index is built by a child process and opened here, as the UI opens what ingest built;
    ``warmup`` queries run before timing (page cache, lazy loads).
    """
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from rag.answering.retrieval import HybridRetriever
    from rag.index.store import Store

    insert_s: float | None = None
    if reuse is not None:  # an index an earlier run built for this size (same generator)
        home = reuse
    else:
        home = Path(tempfile.mkdtemp(prefix=f"bench-{n}-"))
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
            insert_s = pool.submit(_build_index, n, str(home)).result()
    rss0 = _rss_mb()
    enc = _RandomEncoder()
    store = Store(Settings(home=home), enc)
    retriever = HybridRetriever(store)
    t0 = time.perf_counter()
    retriever.lexical  # noqa: B018 - build BM25
    bm25_build_s = time.perf_counter() - t0
    rng = random.Random(-n)
    vocab = [f"w{i}" for i in range(20000)]
    qtexts = [" ".join(rng.choices(vocab, k=8)) for _ in range(warmup + queries)]
    qvecs = enc.encode([""] * (warmup + queries))
    dense, lexical, fused = [], [], []
    for i, (q, v) in enumerate(zip(qtexts, qvecs, strict=True)):
        t = time.perf_counter()
        store.search(v, 30, known=retriever.lexical.by_id)  # as retrieve() does
        d = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        retriever.lexical.search(q, 30)
        b = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        retriever.retrieve(q, k=6)  # embeds with the random encoder (µs), then both + RRF
        f = (time.perf_counter() - t) * 1000
        if i >= warmup:
            dense.append(d)
            lexical.append(b)
            fused.append(f)
    return {
        "chunks": n,
        "insert_per_s": n / insert_s if insert_s else None,
        "bm25_build_s": bm25_build_s,
        "dense_ms": _summary(dense),
        "bm25_ms": _summary(lexical),
        "fused_ms": _summary(fused),
        "rss_mb": _rss_mb(),
        "rss_growth_mb": _rss_mb() - rss0,
        "disk_mb": _du_mb(home),
    }


# -- 3. HNSW recall@10 against exact search, real MiniLM embeddings ----------------------------
def bench_recall(clapnq: Path, limit: int = 10000) -> dict[str, Any]:
    """HNSW top-10 against exact top-10 on real MiniLM sentence vectors."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from rag.embeddings import get_embedder

    sentences: list[str] = []
    for name in ("clapnq_dev_answerable.jsonl", "clapnq_dev_unanswerable.jsonl"):
        for line in (clapnq / name).read_text().splitlines():
            sentences += json.loads(line)["passages"][0]["sentences"]
    sentences = list(dict.fromkeys(s.strip() for s in sentences if s.strip()))[:limit]
    emb = get_embedder().encode(sentences, batch_size=64)
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    col = client.create_collection(
        "recall", embedding_function=None, metadata={"hnsw:space": "cosine"}
    )
    for i in range(0, len(sentences), 5000):
        col.add(
            ids=[str(j) for j in range(i, min(i + 5000, len(sentences)))],
            embeddings=emb[i : i + 5000],
        )
    rng = np.random.default_rng(0)
    picks = rng.choice(len(sentences), size=min(200, len(sentences)), replace=False)
    hits = 0
    for p in picks:
        q = emb[p]
        exact = set(np.argsort(-(emb @ q))[:10].tolist())
        got = col.query(query_embeddings=[q], n_results=10)["ids"][0]
        hits += len(exact & {int(x) for x in got})
    return {"vectors": len(sentences), "queries": len(picks), "recall@10": hits / (10 * len(picks))}


# -- 4. answer latency (ours, embedded LLM) and the naive peer, seed QA ------------------------
def _answer_times(assistant: Any, questions: list[str]) -> dict[str, Any]:
    """Median/p95 seconds to the first draft token (or refusal) and to the verified answer."""
    from rag.models import Answer

    assistant.ask(questions[0])  # warm-up (loads the model, starts the worker)
    ttft, final = [], []
    for q in questions:
        t0 = time.perf_counter()
        first = None
        for x in assistant.ask_stream(q):
            if first is None:
                first = time.perf_counter() - t0  # first draft token, or the refusal
            if isinstance(x, Answer):
                final.append(time.perf_counter() - t0)
        ttft.append(first or 0.0)
    return {
        "ttft_s": {"median": statistics.median(ttft), "p95": _pct(ttft, 95)},
        "final_s": {"median": statistics.median(final), "p95": _pct(final, 95)},
    }


def bench_answers(qa: Path) -> dict[str, Any]:
    """First token and verified answer: LLM in a worker (default) and in process; naive peer."""
    from evals.baseline import NaiveRAG
    from evals.metrics import load_qa
    from ingest.pipeline import ingest_paths
    from rag.answering.assistant import Assistant
    from rag.embeddings import get_embedder

    settings = Settings(home=Path(tempfile.mkdtemp(prefix="bench-answers-")))
    embedder = get_embedder()
    ingest_paths(["corpus"], settings=settings, embedder=embedder)
    questions = [it.question for it in load_qa(qa)]
    assistant = Assistant(settings, embedder=embedder)
    worker = _answer_times(assistant, questions)
    in_process = settings.model_copy(deep=True)
    in_process.llm.isolate = False
    inproc = _answer_times(Assistant(in_process, embedder=embedder), questions)
    naive_s = []
    store = assistant.store
    naive = NaiveRAG(
        [a for d in store.documents() if (a := store.article(d))],
        embedder=embedder,
        llm=assistant.llm,
    )
    for q in questions:
        t0 = time.perf_counter()
        naive.ask(q)
        naive_s.append(time.perf_counter() - t0)
    return {
        "questions": len(questions),
        **worker,
        "in_process": inproc,
        "naive_final_s": {"median": statistics.median(naive_s), "p95": _pct(naive_s, 95)},
    }


def bench_llm(runs: int = 5, tokens: int = 64) -> dict[str, Any]:
    """Generation speed of the bundled GGUF with llama.cpp's extra buffer types off and on."""
    from rag.answering.llm import default_gguf
    from rag.answering.llm_worker import load_llama

    prompt = "Write a short report about the weather in Bamako, Mali, in July." * 2
    out: dict[str, Any] = {}
    for extra in (False, True):
        llama = load_llama(str(default_gguf()), n_ctx=2048, n_threads=None, extra_bufts=extra)
        assert bool(llama.model_params.use_extra_bufts) is extra
        llama.create_completion(prompt, max_tokens=8)  # warm-up
        speeds = []
        for i in range(runs):
            llama.reset()
            t0 = time.perf_counter()
            r = llama.create_completion(prompt, max_tokens=tokens, temperature=0.7, seed=i)
            speeds.append(r["usage"]["completion_tokens"] / (time.perf_counter() - t0))
        out["extra_bufts_on" if extra else "extra_bufts_off"] = {
            "tokens_per_s_median": statistics.median(speeds)
        }
        llama.close()
    out["process_boundary"] = _bench_boundary()
    return out


def _bench_boundary(rounds: int = 15) -> dict[str, Any]:
    """First token and whole reply, the model in the worker process vs in this process.

    Same prompt, rounds alternate between the two so machine load hits both alike.
    """
    from langchain_core.messages import HumanMessage

    from rag.answering.llm import make_chat_model
    from rag.settings import LLMSettings

    models = {
        "worker": make_chat_model(LLMSettings(isolate=True)),
        "in_process": make_chat_model(LLMSettings(isolate=False)),
    }
    prompt = [HumanMessage(content="In two sentences: what happened in Mali in July 2024?")]
    times: dict[str, dict[str, list[float]]] = {k: {"ttft": [], "total": []} for k in models}
    for _ in range(rounds + 1):
        for name, model in models.items():
            assert model is not None
            t0 = time.perf_counter()
            first = None
            for _chunk in model.stream(prompt):
                first = first or time.perf_counter() - t0
            times[name]["ttft"].append(first or 0.0)
            times[name]["total"].append(time.perf_counter() - t0)
    return {  # the first round is a warm-up (loads the model, starts the worker)
        name: {k: statistics.median(v[1:]) for k, v in t.items()} for name, t in times.items()
    }


def main() -> None:
    """Run the suite, print the table, write JSON."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sizes", default="10000,100000", help="chunk counts for retrieval latency")
    p.add_argument("--clapnq", default="../shared/data/clapnq")
    p.add_argument("--qa", default="tests/data/seed_qa.jsonl")
    p.add_argument("--out", default="bench-results.json")
    p.add_argument("--only", default="ingest,embeddings,retrieval,recall,answers,llm")
    p.add_argument(
        "--reuse",
        action="append",
        default=[],
        metavar="N=DIR",
        help="query the index an earlier run built for size N in DIR instead of building it",
    )
    args = p.parse_args()
    only = set(args.only.split(","))
    results: dict[str, Any] = {}
    if "ingest" in only:
        results["ingest"] = r = bench_ingest(Path(args.clapnq))
        print(
            f"ingest: {r['chunks']} chunks; raw encode {r['raw_encode_chunks_per_s']:.1f}/s, "
            f"pipeline {r['pipeline_chunks_per_s']:.1f}/s, ratio {r['pipeline_over_raw']:.2f}",
            flush=True,
        )
    if "embeddings" in only:
        results["embeddings"] = r = bench_embeddings(Path(args.clapnq))
        print(f"embeddings: {r['chunks']} ClapNQ chunks, {r['questions']} answerable questions")
        for name, b in r["backends"].items():
            print(
                f"  {name:10s} {b['passages_per_s']:6.1f} passages/s (x{b['speedup_vs_torch']:.2f}); "
                f"cosine to torch {b['mean_cosine_to_torch']:.4f}; hit@5 dense "
                f"{b['dense_hit@5']:.3f}, fused {b['fused_hit@5']:.3f}; load {b['load_s']:.1f} s",
                flush=True,
            )
    if "retrieval" in only:
        results["retrieval"] = []
        reuse = {int(k): Path(v) for k, v in (x.split("=", 1) for x in args.reuse)}
        for n in [int(x) for x in args.sizes.split(",")]:
            r = bench_retrieval(n, reuse=reuse.get(n))
            results["retrieval"].append(r)
            ins = f"{r['insert_per_s']:.0f}/s" if r["insert_per_s"] else "(index reused)"
            print(
                f"retrieval @ {n}: dense p50/p95/p99 {r['dense_ms']['p50']:.1f}/{r['dense_ms']['p95']:.1f}/"
                f"{r['dense_ms']['p99']:.1f} ms; bm25 {r['bm25_ms']['p50']:.1f}/{r['bm25_ms']['p95']:.1f}/"
                f"{r['bm25_ms']['p99']:.1f} ms; fused {r['fused_ms']['p50']:.1f}/{r['fused_ms']['p95']:.1f}/"
                f"{r['fused_ms']['p99']:.1f} ms; insert {ins}; RSS {r['rss_mb']:.0f} MB; "
                f"disk {r['disk_mb']:.0f} MB",
                flush=True,
            )
    if "recall" in only:
        results["recall"] = r = bench_recall(Path(args.clapnq))
        print(
            f"HNSW recall@10 vs exact: {r['recall@10']:.3f} ({r['vectors']} real MiniLM vectors)",
            flush=True,
        )
    if "answers" in only:
        results["answers"] = r = bench_answers(Path(args.qa))
        print(
            f"answers ({r['questions']} seed questions): TTFT median {r['ttft_s']['median']:.2f} s "
            f"(p95 {r['ttft_s']['p95']:.2f}); final median {r['final_s']['median']:.2f} s "
            f"(p95 {r['final_s']['p95']:.2f}); naive peer final median "
            f"{r['naive_final_s']['median']:.2f} s (p95 {r['naive_final_s']['p95']:.2f})",
            flush=True,
        )
        ip = r["in_process"]
        print(
            f"  LLM in this process instead of the worker: TTFT median "
            f"{ip['ttft_s']['median']:.2f} s (p95 {ip['ttft_s']['p95']:.2f}); final median "
            f"{ip['final_s']['median']:.2f} s (p95 {ip['final_s']['p95']:.2f}) -> worker/in-process "
            f"TTFT x{r['ttft_s']['median'] / ip['ttft_s']['median']:.2f}, final "
            f"x{r['final_s']['median'] / ip['final_s']['median']:.2f}",
            flush=True,
        )
    if "llm" in only:
        results["llm"] = r = bench_llm()
        off, on = r["extra_bufts_off"], r["extra_bufts_on"]
        print(
            f"llm generation (bundled GGUF, 64 tokens): extra buffer types off "
            f"{off['tokens_per_s_median']:.1f} tok/s, on {on['tokens_per_s_median']:.1f} tok/s "
            f"-> off/on x{off['tokens_per_s_median'] / on['tokens_per_s_median']:.2f}",
            flush=True,
        )
        w, ip = r["process_boundary"]["worker"], r["process_boundary"]["in_process"]
        print(
            f"llm process boundary (median of 15 alternating rounds): first token worker "
            f"{w['ttft'] * 1000:.0f} ms vs in process {ip['ttft'] * 1000:.0f} ms (+"
            f"{(w['ttft'] - ip['ttft']) * 1000:.0f} ms); whole reply {w['total']:.2f} s vs "
            f"{ip['total']:.2f} s (x{w['total'] / ip['total']:.2f})",
            flush=True,
        )
    Path(args.out).write_text(json.dumps(results, indent=1))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
