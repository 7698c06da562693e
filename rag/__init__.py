"""Cited question answering over news articles on the Mali conflict.

>>> from rag import ask
>>> a = ask("How many Wagner fighters did the CSP say it killed?")
>>> a.answer, [c.source for c in a.citations], a.refused
"""

from typing import TYPE_CHECKING, Any

from rag.errors import (
    IndexMismatchError,
    IndexNotBuiltError,
    IndexUnavailableError,
    LLMCrashedError,
    LLMError,
    ModelNotFoundError,
    RagError,
)
from rag.models import Answer, AnswerSentence, Article, Chunk, Citation, Evidence, Filters
from rag.settings import Settings, get_settings

if TYPE_CHECKING:
    from rag.answering.assistant import Assistant, ask, get_assistant
    from rag.index.store import Store

# Heavy parts (models, Chroma) are imported on first use: `import rag` stays light.
_LAZY = {
    "ask": "rag.answering.assistant",
    "Assistant": "rag.answering.assistant",
    "get_assistant": "rag.answering.assistant",
    "Store": "rag.index.store",
}

__all__ = [
    "Answer",
    "AnswerSentence",
    "Assistant",
    "Filters",
    "IndexUnavailableError",
    "LLMCrashedError",
    "Store",
    "get_assistant",
    "Article",
    "Chunk",
    "Citation",
    "Evidence",
    "IndexMismatchError",
    "IndexNotBuiltError",
    "LLMError",
    "ModelNotFoundError",
    "RagError",
    "Settings",
    "ask",
    "get_settings",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
