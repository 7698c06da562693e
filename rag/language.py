"""Which language a question is in (py3langid, limited to the corpus's languages).

Ingest records each article's language (``ingest.loaders.detect_language``); the answerer
needs the question's, which is short: choosing among the languages the index is searched in
(``RetrievalSettings.languages``) instead of all 97 makes it reliable (Sahel dev: 101 of 101
English and French questions right; unrestricted, short questions come out as Catalan or
Latin).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["question_language"]


@lru_cache(maxsize=8)
def _identifier(languages: tuple[str, ...]) -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE)
    identifier.set_languages(list(languages))
    return identifier


def question_language(text: str, languages: tuple[str, ...] | list[str] = ("en", "fr")) -> str:
    """The ISO 639-1 code, among ``languages``, ``text`` is most likely written in.

    >>> question_language("Qui a attaqué le convoi ?")
    'fr'
    """
    languages = tuple(dict.fromkeys(languages))
    if len(languages) == 1 or not text.strip():
        return languages[0]
    lang, _score = _identifier(languages).classify(text)
    return str(lang)
