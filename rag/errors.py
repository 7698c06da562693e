"""Errors raised by the assistant: one tree, and every message says what to do.

RagError
 ├── InputError              a value given by the user is unusable (also a ValueError)
 │    └── LoadError           a file, record or URL cannot become an article: says what to fix
 ├── IndexNotBuiltError      no index yet: tells how to build one
 ├── IndexUnavailableError   the Chroma server cannot be reached: tells how to start it
 ├── IndexMismatchError      the index was built with another embedding model / dimension
 ├── ModelNotFoundError      a bundled model package is missing: names the pip command
 ├── EmbeddingError          the embedding backend is unknown: names the known ones
 └── LLMError                the chat model backend failed or is misconfigured
      └── LLMCrashedError     the model process died or hung (answers fall back to quotes)
"""

from __future__ import annotations


class RagError(Exception):
    """Base class for every error this project raises on purpose."""


class InputError(RagError, ValueError):
    """A question, filter, setting or file the user gave cannot be used as it is.

    Also a ``ValueError``, so callers that catch ``ValueError`` keep working.
    """


class LoadError(InputError):
    """A file, record or URL could not be turned into an article; the message says why.

    ``retry_after``: seconds a server asked to wait before asking again (HTTP ``Retry-After``
    on a 429 or 503), else None.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class IndexNotBuiltError(RagError):
    """The index directory or collection does not exist yet."""


class IndexUnavailableError(RagError):
    """The index exists elsewhere but cannot be reached now (a Chroma server is down)."""


class IndexMismatchError(RagError):
    """The stored collection was built with a different embedding model or dimension."""


class ModelNotFoundError(RagError):
    """A bundled model could not be located."""


class EmbeddingError(RagError):
    """The embedding backend asked for is not registered (or cannot run)."""


class LLMError(RagError):
    """The chat model backend could not be created or failed."""


class LLMCrashedError(LLMError):
    """The language model's process died or hung; answers fall back to quoted evidence."""
