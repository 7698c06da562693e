"""Shared fixtures: an isolated RAG_HOME, deterministic fakes, no network but loopback."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from rag.settings import Settings
from rag.text import content_terms

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
# The seed article as scraped; the repository's copy, so a lone clone runs every test.
SEED = CORPUS / "reuters-2024-mali-tinzaouaten.txt"
SEED_SHA256 = "842f1fb9ce83178267d5cd1301e7bce85573f6c171d1a63a12632bb1c1e7c3d6"
QA = ROOT / "tests" / "data" / "seed_qa.jsonl"
# Evaluation-only data (ClapNQ) beside the project; tests that need it skip when it is absent.
SHARED = ROOT.parent / "shared"
CLAPNQ = Path(os.environ.get("RAG_CLAPNQ_DIR", SHARED / "data" / "clapnq"))
# Set by .ci/run: a test that lacks a real component (chroma CLI, chromium, llama_cpp.server)
# fails instead of skipping, so CI cannot go green by testing less.
REQUIRE_COMPONENTS = os.environ.get("RAG_TEST_REQUIRE_COMPONENTS", "") not in ("", "0")


def missing_component(what: str, how: str) -> None:
    """Skip (or, under RAG_TEST_REQUIRE_COMPONENTS=1, fail) a test that lacks a real part."""
    if REQUIRE_COMPONENTS:
        pytest.fail(f"{what} is missing and RAG_TEST_REQUIRE_COMPONENTS is set: {how}")
    pytest.skip(f"{what} is missing: {how}")


os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection to a non-loopback address fails loudly."""
    real = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")
        ):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def rag_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own index directory."""
    home = tmp_path / "rag-home"
    monkeypatch.setenv("RAG_HOME", str(home))
    from rag.settings import get_settings

    get_settings.cache_clear()
    return home


class FakeEmbedder:
    """Deterministic bag-of-stems hashing embedder: shared words -> high cosine."""

    name = "fake-hash-256"
    backend = "fake"
    dimension = 256

    def encode(self, texts: list[str], *, batch_size: int | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for term in content_terms(text) or ["\x00"]:
                h = int(hashlib.md5(term.encode()).hexdigest(), 16)
                out[i, h % self.dimension] += 1.0 if (h >> 8) % 2 else -1.0
            norm = np.linalg.norm(out[i])
            if norm:
                out[i] /= norm
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()


class FakeDualEncoder:
    """A deterministic "multilingual" embedder: shared words after a tiny fr->en glossary.

    Questions and passages are embedded alike except that passages, like e5's, sit a little
    apart from queries (a constant component), so code that mixes them up shows.
    """

    name = "fake-multilingual-256"
    backend = "fake"
    dimension = 256
    GLOSSARY = {"attaque": "attack", "convoi": "convoy", "soldats": "soldier", "tués": "killed"}

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def _encode(self, texts: list[str], offset: float) -> np.ndarray:
        words = [" ".join(self.GLOSSARY.get(w.lower(), w) for w in t.split()) for t in texts]
        out = FakeEmbedder().encode(words)
        out[:, 0] += offset
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self.calls.append(("query", len(texts)))
        return self._encode(texts, 0.0)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        self.calls.append(("passage", len(texts)))
        return self._encode(texts, 0.1)


@pytest.fixture
def fake_multilingual() -> FakeDualEncoder:
    return FakeDualEncoder()


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def settings(rag_home: Path) -> Settings:
    s = Settings(home=rag_home)
    s.embedding.model = FakeEmbedder.name
    # the multilingual embedder is opted into by the tests about it (with a fake, or marked slow)
    s.embedding.multilingual = ""
    # bag-of-words cosines run lower than MiniLM's for the same paraphrase
    s.answer.min_support_similarity = 0.5
    return s


def scripted_llm(*responses: str) -> FakeListChatModel:
    """A chat model that returns these texts in turn."""
    return FakeListChatModel(responses=list(responses))


@pytest.fixture(scope="session")
def real_embedder():
    from rag.embeddings import get_embedder

    return get_embedder()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real `chroma run` server on 127.0.0.1, a free port and a temporary data dir."""
    import sys

    from tests.helpers.servers import free_port, running

    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        missing_component("the chroma CLI", "pip install chromadb in this venv")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    url = f"http://127.0.0.1:{port}"
    cmd = [str(exe), "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)]
    with running(cmd, f"{url}/api/v2/heartbeat", data / "server.log", timeout=20):
        yield url


@pytest.fixture(params=["embedded", "server"])
def store_settings(request, settings: Settings) -> Settings:
    """The same settings against embedded Chroma and against a real Chroma server."""
    if request.param == "server":
        import uuid

        settings.chroma_url = request.getfixturevalue("chroma_server")
        settings.collection = f"t{uuid.uuid4().hex[:12]}"  # one server, isolated tests
    return settings


@pytest.fixture
def indexed(tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder) -> Settings:
    """Settings of an index holding corpus/ (the seed article), built with the fake embedder."""
    from ingest.pipeline import ingest_paths

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    ingest_paths([corpus], settings=settings, embedder=fake_embedder)
    return settings


def run_module(*args: str, home: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """``python -m ARGS`` from the project root with ``RAG_HOME=home``; output captured."""
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env={**os.environ, "RAG_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
