"""``python -m ingest PATH... [--rebuild]``."""

from __future__ import annotations

import argparse
import os
import sys

from rag.errors import RagError


def main(argv: list[str] | None = None) -> int:
    """Run the ingest CLI; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m ingest",
        description="Ingest .txt/.md/.html files and folders into the index at $RAG_HOME "
        "(default ./.rag). Unchanged files are not re-embedded.",
    )
    parser.add_argument("paths", nargs="+", help="files or folders")
    parser.add_argument("--rebuild", action="store_true", help="delete the index and start over")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any file failed")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from ingest.pipeline import ingest_paths

    try:
        report = ingest_paths(args.paths, rebuild=args.rebuild, progress=not args.quiet)
    except RagError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for err in report.errors:
        print(err, file=sys.stderr)
    print(report.summary())
    return 1 if args.strict and report.errors else 0
