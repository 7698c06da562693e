"""Language analysis (English and French) on spaCy, dateparser and text2num.

``analyse`` tells, for each sentence, who asserts it, the figures and dates it states and the
places, people and organisations it names; ``analyse_question`` tells what a question asks for;
``dumps_claims``/``loads_claims`` keep a chunk's claims in Chroma metadata.
"""

from rag.analysis.claims import analyse
from rag.analysis.models import (
    DateMention,
    Figure,
    Mention,
    QuestionAnalysis,
    SentenceClaim,
    Speaker,
)

__all__ = [
    "DateMention",
    "Figure",
    "Mention",
    "QuestionAnalysis",
    "SentenceClaim",
    "Speaker",
    "analyse",
]
