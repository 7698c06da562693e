"""``analyse``: what each sentence of an article asserts, who asserts it, and what it names."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from spacy.tokens import Doc

from rag.analysis.dates import dates
from rag.analysis.models import Mention, SentenceClaim
from rag.analysis.numbers import figures
from rag.analysis.pipelines import language_of, pipeline
from rag.analysis.speakers import negated, speaker, tail_speaker
from rag.text import split_sentences

# spaCy entity labels (OntoNotes for English, WikiNER for French) -> SentenceClaim field.
ENTITY_FIELDS = {
    "GPE": "places",
    "LOC": "places",
    "FAC": "places",
    "PERSON": "people",
    "PER": "people",
    "ORG": "organisations",
    "NORP": "organisations",  # groups named by nationality or creed: "Malian", "Tuareg"
}
_BATCH = 64


def analyse(
    text: str,
    language: str,
    published: date | None = None,
    *,
    spans: Sequence[tuple[int, int]] | None = None,
) -> list[SentenceClaim]:
    """One :class:`SentenceClaim` per sentence of ``text``, spans into ``text``.

    Args:
        text: An article body (or any text).
        language: ISO 639-1 code; French gets the French pipeline, anything else English.
        published: The publication date: relative dates ("on Thursday", "jeudi") resolve
            against it; without it they stay unresolved.
        spans: Sentence spans to analyse (default: ``rag.text.split_sentences(text)``, the
            spans chunks record).
    """
    lang = language_of(language)
    nlp = pipeline(lang)
    spans = list(spans) if spans is not None else split_sentences(text)
    docs = nlp.pipe((text[s:e] for s, e in spans), batch_size=_BATCH)
    return [claim(doc, lang, published, offset=s) for (s, _e), doc in zip(spans, docs, strict=True)]


def claim(doc: Doc, language: str, published: date | None, *, offset: int = 0) -> SentenceClaim:
    """The claim of one parsed sentence (spans shifted by ``offset``)."""
    found_dates, date_tokens = dates(doc, language, published, offset=offset, ahead=True)
    entities: dict[str, list[Mention]] = {"places": [], "people": [], "organisations": []}
    for ent in doc.ents:
        field = ENTITY_FIELDS.get(ent.label_)
        if field:
            entities[field].append(
                Mention(
                    text=ent.text,
                    start=offset + ent.start_char,
                    end=offset + ent.end_char,
                    label=ent.label_,
                )
            )
    return SentenceClaim(
        start=offset,
        end=offset + len(doc.text),
        text=doc.text,
        speaker=speaker(doc, language, offset=offset)
        or tail_speaker(doc.text, language, offset=offset),
        figures=figures(doc, language, skip=date_tokens, offset=offset),
        dates=found_dates,
        negated=negated(doc, language),
        listed=listed(doc),
        **entities,
    )


_NOMINAL = frozenset({"NOUN", "PROPN", "ADJ", "NUM"})


def listed(doc: Doc) -> int:
    """The most items one coordination of nouns in ``doc`` lists (1 when it lists none).

    "traders, herders and children" lists 3; "killing 24 people and wounding 30" (verbs) none.
    """
    return max(
        (
            1 + sum(c.pos_ in _NOMINAL for c in tok.conjuncts)
            for tok in doc
            if tok.pos_ in _NOMINAL and tok.dep_ != "conj"
        ),
        default=1,
    )
