"""What the analysis layer returns: pydantic records with character spans into the analysed text."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Hedge = Literal["exact", "at_least", "at_most", "about", "vague"]
Precision = Literal["day", "week", "month", "year"]
QuestionKind = Literal["number", "date", "actor", "place", "reason", "yesno", "list", "other"]


class Mention(BaseModel):
    """A stretch of the analysed text: ``text == analysed[start:end]``."""

    text: str
    start: int
    end: int
    label: str = Field("", description="The named-entity label, when one ('PERSON', 'NORP').")


class Speaker(Mention):
    """Who asserts a sentence: the subject of a reporting verb, or the object of "according to"."""

    cue: str = Field(description="Lemma of the reporting verb or preposition: 'say', 'selon'.")
    pronoun: bool = Field(False, description="The speaker is a pronoun ('it said'): unresolved.")


class Figure(Mention):
    """A quantity the sentence states (years and days of the month are dates, not figures)."""

    value: float | None = Field(description="None when vague ('dozens', 'des dizaines').")
    hedge: Hedge = "exact"
    counts: str = Field("", description="The noun phrase it quantifies: 'Wagner mercenaries'.")
    counts_lemma: str = Field(
        "", description="Lower-cased lemma of that phrase's head: 'mercenary'."
    )


class DateMention(Mention):
    """A date the sentence mentions, resolved against the publication date when relative."""

    iso: str | None = Field(
        description="YYYY-MM-DD (day, week: its first day), YYYY-MM or YYYY; None if unresolvable."
    )
    precision: Precision = "day"
    relative: bool = Field(
        description="Written without its year ('on Thursday', 'in March', 'last week')."
    )


class SentenceClaim(BaseModel):
    """What one sentence asserts, who asserts it, and what it names."""

    start: int
    end: int
    text: str
    speaker: Speaker | None = Field(None, description="None: the outlet's own voice.")
    figures: list[Figure] = Field(default_factory=list)
    dates: list[DateMention] = Field(default_factory=list)
    places: list[Mention] = Field(default_factory=list)
    people: list[Mention] = Field(default_factory=list)
    organisations: list[Mention] = Field(default_factory=list)
    negated: bool = Field(False, description="The main assertion is negated or denied.")
    listed: int = Field(
        1, description="Most nouns one coordination lists ('traders, herders and children': 3)."
    )


class QuestionAnalysis(BaseModel):
    """What a question asks for (frozen: ``analyse_question`` shares one per question)."""

    model_config = ConfigDict(frozen=True)

    question: str
    language: Literal["en", "fr"]
    kind: QuestionKind = "other"
    counted: str = Field("", description="Number questions: the counted noun ('fighters').")
    counted_lemma: str = Field("", description="Its lower-cased lemma ('fighter').")
    source: str = Field(
        "", description="A named source constraint: 'the Malian army' in 'according to ...'."
    )
    plural: bool = Field(
        False,
        description="Asks for several ('in which years', 'quelles dates'): its noun is plural.",
    )
    person: bool = Field(
        False,
        description="Asks who by a person's role ('which officer', 'the name of the governor', "
        "'comment s'appelle le chauffeur'): an organisation does not answer it.",
    )
    speaker_asked: bool = Field(
        False,
        description="Asks who asserts something ('who claimed to have killed the soldiers', "
        "'qui a revendiqué l'attaque'): the speaker of the claim answers it.",
    )
    terms: list[str] = Field(
        default_factory=list, description="Lemmas of the content words, lower-cased, unique."
    )
