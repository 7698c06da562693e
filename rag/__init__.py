"""Cited question answering over news articles on the Mali conflict.

>>> from rag import ask
>>> a = ask("How many Wagner fighters did the CSP say it killed?")
>>> a.answer, [c.source for c in a.citations], a.refused
"""

from rag.errors import (
    IndexMismatchError,
    IndexNotBuiltError,
    LLMError,
    ModelNotFoundError,
    RagError,
)
from rag.models import Answer, AnswerSentence, Article, Chunk, Citation, Evidence
from rag.settings import Settings, get_settings

__all__ = [
    "Answer",
    "AnswerSentence",
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


def __getattr__(name: str):  # noqa: ANN202 - lazy import keeps `import rag` light
    if name == "ask":
        from rag.answering.assistant import ask

        return ask
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
