"""Sentences per second of ``rag.analysis.analyse`` on the Sahel benchmark's articles.

Run: ``.venv/bin/python -m bench.analysis_speed``
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import frontmatter

from rag.analysis import analyse
from rag.analysis.pipelines import pipeline
from rag.text import split_sentences

ARTICLES = Path(__file__).resolve().parent.parent / "evals" / "data" / "sahel" / "articles"


def main() -> None:
    """Analyse every article once (pipelines loaded first) and print the rate by language."""
    posts = [frontmatter.load(str(p)) for p in sorted(ARTICLES.glob("*.md"))]
    for lang in ("en", "fr"):
        pipeline(lang)
    totals = {"en": [0, 0, 0.0], "fr": [0, 0, 0.0]}
    for post in posts:
        lang = str(post.get("language") or "en")[:2]
        lang = "fr" if lang == "fr" else "en"
        raw = post.get("published") or post.get("date")
        published = date.fromisoformat(str(raw)[:10]) if raw else None
        t0 = time.perf_counter()
        claims = analyse(post.content, lang, published)
        totals[lang][2] += time.perf_counter() - t0
        totals[lang][0] += len(claims)
        totals[lang][1] += len(post.content.split())
    t0 = time.perf_counter()
    n = sum(len(split_sentences(p.content)) for p in posts)
    split = time.perf_counter() - t0
    for lang, (sentences, words, seconds) in totals.items():
        print(
            f"{lang}: {sentences} sentences, {words} words in {seconds:.2f}s: "
            f"{sentences / seconds:.0f} sentences/s, {words / seconds:.0f} words/s"
        )
    print(f"(of which sentence splitting: {n} sentences in {split:.2f}s)")


if __name__ == "__main__":
    main()
