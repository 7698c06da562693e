"""Language analysis (English and French) on spaCy, dateparser and text2num.

``analyse`` tells, for each sentence, who asserts it, the figures and dates it states and the
places, people and organisations it names; ``analyse_question`` tells what a question asks for;
``dumps_claims``/``loads_claims`` keep a chunk's claims in Chroma metadata. spaCy is imported
on first use: importing this package stays light.
"""

from typing import TYPE_CHECKING, Any

from rag.analysis.models import (
    DateMention,
    Figure,
    Mention,
    QuestionAnalysis,
    SentenceClaim,
    Speaker,
)
from rag.analysis.storage import claims_within, dumps_claims, loads_claims

if TYPE_CHECKING:
    from rag.analysis.claims import analyse
    from rag.analysis.questions import analyse_question

_LAZY = {"analyse": "rag.analysis.claims", "analyse_question": "rag.analysis.questions"}

__all__ = [
    "DateMention",
    "Figure",
    "Mention",
    "QuestionAnalysis",
    "SentenceClaim",
    "Speaker",
    "analyse",
    "analyse_question",
    "claims_within",
    "dumps_claims",
    "loads_claims",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'rag.analysis' has no attribute {name!r}")
