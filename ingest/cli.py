"""The ingest command line: ``python -m ingest PATH|URL... [--rebuild]`` and friends.

``--list``, ``--remove ID``, ``--prune PATH``; ``--sources FILE [--watch]`` keeps the corpus
current from a list of feeds and pages.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rag.errors import RagError

if TYPE_CHECKING:
    from ingest.refresh import Outcome


def main(argv: list[str] | None = None) -> int:
    """Run the ingest CLI; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m ingest",
        description="Ingest files, folders, URLs and RSS/Atom feeds into the index at $RAG_HOME "
        "(default ./.rag): .txt .md .html .pdf .docx .jsonl .json .csv .rss .atom .xml. "
        "Unchanged articles are not re-embedded; duplicates are recorded, not re-indexed.",
    )
    parser.add_argument("paths", nargs="*", help="files, folders or http(s) URLs")
    parser.add_argument("--rebuild", action="store_true", help="delete the index and start over")
    parser.add_argument("--quiet", action="store_true", help="no progress bar, errors only")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 if anything failed")
    parser.add_argument(
        "--allow-private", action="store_true", help="allow URLs on private/loopback addresses"
    )
    parser.add_argument("--list", action="store_true", help="list indexed articles")
    parser.add_argument("--remove", nargs="+", metavar="ID", help="remove articles by ID")
    parser.add_argument(
        "--prune", nargs="+", metavar="PATH", help="remove articles whose files under PATH are gone"
    )
    parser.add_argument(
        "--sources",
        metavar="FILE",
        help="refresh every feed and page listed in FILE (e.g. corpus/sources.yaml) once",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="with --sources: keep refreshing each source on its own interval (Ctrl-C stops)",
    )
    args = parser.parse_args(argv)
    if args.watch and not args.sources:
        parser.error("--watch needs --sources FILE")
    if args.sources and (args.paths or args.rebuild or args.list or args.remove or args.prune):
        parser.error("--sources refreshes the listed feeds only: ingest paths in another run")
    from ingest.pipeline import ingest_paths, list_articles, prune, remove_articles

    try:
        if args.list:
            rows = list_articles()
            if args.json:
                print(json.dumps([r.model_dump() for r in rows], indent=1))
            for r in [] if args.json else rows:
                extra = f"  (also carried by {', '.join(r.carried_by)})" if r.carried_by else ""
                print(
                    f"{r.id}  {r.published or '----------'}  {r.source[:20]:20}  "
                    f"{r.chunks:4} chunks  {r.title[:70]}{extra}"
                )
            return 0
        if args.remove:
            removed = remove_articles(args.remove)
            missing = [i for i in args.remove if i not in removed]
            print(f"removed {len(removed)}: {' '.join(removed)}" if removed else "removed 0")
            for i in missing:
                print(f"error: no article {i} (see --list)", file=sys.stderr)
            return 1 if missing else 0
        if args.prune:
            removed = prune(args.prune)
            print(f"pruned {len(removed)} articles whose files are gone")
            return 0
        if args.sources:
            return _sources(args)
        if not args.paths:
            parser.error("give files, folders or URLs to ingest (or --list/--remove/--prune)")
        report = ingest_paths(
            args.paths,
            rebuild=args.rebuild,
            progress=not (args.quiet or args.json),
            allow_private=args.allow_private,
        )
    except RagError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.as_dict(), indent=1, default=str))
    else:
        for err in report.errors:
            print(err, file=sys.stderr)
        if not args.quiet:
            for note in report.skipped:
                print(f"note: {note}", file=sys.stderr)
        print(report.summary())
    return 1 if args.strict and (report.errors) else 0


def _sources(args: argparse.Namespace) -> int:
    """``--sources FILE [--watch]``: one line per refreshed source."""
    from ingest.refresh import Refresher, refresh_all, watch
    from ingest.sources import load_sources
    from rag.embeddings import get_embedder
    from rag.index.store import Store
    from rag.settings import get_settings

    sources, problems = load_sources(Path(args.sources))
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if not sources:
        print(f"error: {args.sources}: no usable source: fix the entries above", file=sys.stderr)
        return 2
    settings = get_settings()
    store = Store(settings, get_embedder(settings.embedding), create=True)
    refresher = Refresher(store, settings=settings, allow_private=args.allow_private)

    def show(outcome: Outcome) -> None:
        if args.json:  # one JSON object per refreshed source (JSON Lines, --watch too)
            row = outcome.as_dict()
            print(json.dumps({"time": dt.datetime.now().isoformat(timespec="seconds"), **row}))
            sys.stdout.flush()
            return
        failed = outcome.result == "error" or outcome.problems
        if args.quiet and not failed:
            return
        stamp = f"{dt.datetime.now():%Y-%m-%d %H:%M:%S}  " if args.watch else ""
        print(stamp + outcome.line(), flush=True)
        for problem in outcome.problems:
            print(f"  error: {problem}", file=sys.stderr, flush=True)

    try:
        if args.watch:
            if not (args.json or args.quiet):
                print(f"watching {len(sources)} sources (Ctrl-C stops)", flush=True)
            watch(sources, refresher, on_outcome=show)
            return 0
        outcomes = refresh_all(sources, refresher, on_outcome=show)
    except KeyboardInterrupt:  # what is indexed stays indexed; the state is always whole
        print("stopped", flush=True)
        return 0 if args.watch else 130
    results = [o.result for o in outcomes]
    counts = ", ".join(f"{results.count(r)} {r}" for r in dict.fromkeys(results))
    plural = "s" if len(sources) != 1 else ""
    if not (args.json or args.quiet):
        new = sum(o.new for o in outcomes)
        print(f"{len(sources)} source{plural}: {counts}; {new} new articles")
    failed = problems or any(o.result == "error" or o.problems for o in outcomes)
    return 1 if args.strict and failed else 0
