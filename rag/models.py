"""Data models shared by ingest, retrieval, answering and the UI (pydantic at the boundaries)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from rag.analysis.models import SentenceClaim


class Article(BaseModel):
    """A cleaned article, ready to chunk."""

    doc_id: str = Field(description="Stable ID derived from the file path or URL.")
    text: str = Field(description="Cleaned article body: furniture removed.")
    title: str = ""
    source: str = Field("", description="Outlet, e.g. Reuters.")
    url: str = ""
    published: str = Field("", description="ISO date (YYYY-MM-DD) or ''.")
    author: str = ""
    path: str = Field("", description="File or URL the article was read from.")
    content_hash: str = Field("", description="sha256 of text + metadata: re-ingest key.")
    language: str = Field("", description="ISO 639-1 code, detected from the text.")
    pages: list[int] = Field(
        default_factory=list, description="Offset where each page starts (PDFs); empty otherwise."
    )

    def page_at(self, offset: int) -> int:
        """1-based page holding ``offset`` (0 when the article has no pages)."""
        return sum(1 for p in self.pages if p <= offset)


class Record(BaseModel):
    """A stored record: immutable, and it keeps the fields it does not declare.

    Unknown fields (written by a newer version) survive a read and a re-write.
    """

    model_config = ConfigDict(extra="allow", frozen=True)


class DocumentEntry(Record):
    """The manifest's record of an indexed article: metadata, chunk count, duplicate keys.

    Fields in the order they have always been written: the article's fields but its text and
    page offsets, then ``chunks``, ``fingerprint`` and ``signature``.
    """

    doc_id: str = ""
    title: str = ""
    source: str = ""
    url: str = ""
    published: str = ""
    author: str = ""
    path: str = ""
    content_hash: str = ""
    language: str = ""
    chunks: int = Field(0, description="Chunks the article is indexed as.")
    fingerprint: str = Field("", description="Exact-duplicate key (normalised-text hash).")
    signature: list[int] = Field(
        default_factory=list, description="MinHash signature (near-duplicate key)."
    )

    @classmethod
    def of(
        cls, article: Article, *, chunks: int, fingerprint: str, signature: list[int]
    ) -> DocumentEntry:
        """The entry recording ``article`` as indexed in ``chunks`` chunks."""
        return cls(
            **article.model_dump(exclude={"text", "pages"}),
            chunks=chunks,
            fingerprint=fingerprint,
            signature=signature,
        )


class AliasEntry(Record):
    """The manifest's record of a copy not indexed itself: another outlet carrying a story."""

    title: str = ""
    source: str = ""
    url: str = ""
    path: str = ""
    content_hash: str = ""
    canonical: str = Field(description="doc_id of the indexed article it duplicates.")

    @classmethod
    def of(cls, article: Article, *, canonical: str) -> AliasEntry:
        """The entry recording ``article`` as a copy of the indexed article ``canonical``."""
        return cls(
            **article.model_dump(include={"title", "source", "url", "path", "content_hash"}),
            canonical=canonical,
        )

    @property
    def carrier(self) -> str:
        """Who carried the copy: its outlet, else its URL, else its path ('' if none known)."""
        return self.source or self.url or self.path


class ArticleListing(Record):
    """One row of the article listing (``python -m ingest --list``, the UI's table)."""

    id: str
    title: str = ""
    source: str = ""
    published: str = ""
    chunks: int = 0
    carried_by: list[str] = Field(
        default_factory=list, description="Other outlets (or URLs) that carried the story."
    )
    path: str = ""


class Chunk(BaseModel):
    """A run of whole sentences of one article, with its character span in the cleaned text."""

    id: str
    doc_id: str
    index: int = Field(description="Position of the chunk in its article.")
    text: str
    start: int = Field(description="Offset of text[0] in the cleaned article.")
    end: int = Field(description="Offset one past the chunk's last character.")
    sentences: list[tuple[int, int]] = Field(
        default_factory=list, description="Sentence spans, relative to the article."
    )
    title: str = ""
    source: str = ""
    url: str = ""
    published: str = ""
    page: int = Field(0, description="PDF page the chunk starts on (0: not paged).")
    language: str = ""
    claims: str = Field(
        "", description="Its sentences' claims as compact JSON (rag.analysis.storage); '' if none."
    )

    def to_metadata(self) -> dict[str, Any]:
        """Flat metadata for Chroma (scalars only); ``claims`` only when there are some."""
        meta: dict[str, Any] = {
            "published_int": published_int(self.published),
            "page": self.page,
            "language": self.language,
            "doc_id": self.doc_id,
            "index": self.index,
            "start": self.start,
            "end": self.end,
            "sentences": json.dumps(self.sentences),
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published,
        }
        if self.claims:
            meta["claims"] = self.claims
        return meta

    @classmethod
    def from_record(cls, chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
        """Rebuild a chunk from what Chroma stored."""
        return cls(
            id=chunk_id,
            text=text,
            doc_id=str(meta["doc_id"]),
            index=int(meta["index"]),
            start=int(meta["start"]),
            end=int(meta["end"]),
            sentences=[tuple(s) for s in json.loads(str(meta.get("sentences") or "[]"))],
            title=str(meta.get("title") or ""),
            source=str(meta.get("source") or ""),
            url=str(meta.get("url") or ""),
            published=str(meta.get("published") or ""),
            page=int(meta.get("page") or 0),
            language=str(meta.get("language") or ""),
            claims=str(meta.get("claims") or ""),
        )


def published_int(published: str) -> int:
    """YYYYMMDD as an integer (Chroma's range filters compare numbers only); 0 if unknown."""
    digits = published.replace("-", "")[:8]
    if len(digits) == 6:
        digits += "01"
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0


class Citation(BaseModel):
    """What an ``[n]`` marker in an answer points to."""

    n: int = Field(description="The marker number in the answer text.")
    chunk_id: str
    doc_id: str
    title: str = ""
    source: str = ""
    url: str = ""
    published: str = ""
    text: str = Field(description="The cited passage (the whole chunk).")
    start: int = Field(description="Chunk start in the cleaned article.")
    end: int = Field(description="Chunk end in the cleaned article.")
    sentence: str = Field("", description="The evidence sentence the answer rests on.")
    sentence_start: int = Field(0, description="Its start in the cleaned article.")
    sentence_end: int = Field(0, description="Its end in the cleaned article.")
    page: int = Field(0, description="PDF page of the passage (0: not paged).")
    carried_by: list[str] = Field(
        default_factory=list, description="Other outlets that carried the same story."
    )


class Evidence(BaseModel):
    """A candidate sentence selected from a retrieved chunk, with its scores."""

    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    similarity: float = Field(description="Cosine similarity to the question.")
    coverage: float = Field(description="IDF-weighted share of question terms in its context.")
    type_ok: bool = Field(description="Holds what the question asks for (number, date, actor).")
    score: float
    signals: dict[str, float] = Field(
        default_factory=dict, description="What the score was computed from, by name."
    )
    claim: SentenceClaim | None = Field(
        None, description="What the sentence asserts: speaker, figures, dates, names."
    )
    language: str = Field("", description="The sentence's language (its article's).")
    source: str = Field("", description="Its article's outlet.")
    published: str = Field("", description="Its article's publication date (YYYY-MM-DD or '').")


class AnswerSentence(BaseModel):
    """One sentence of the answer and what it rests on."""

    text: str
    citations: list[int] = Field(default_factory=list)
    supported: bool = Field(description="Passed the support check against what it cites.")
    quoted: bool = Field(False, description="Verbatim evidence used instead of generated text.")


class TimelineEvent(BaseModel):
    """One line of a timeline answer: what happened when, and the passages that report it."""

    date: str = Field(description="When it happened (YYYY-MM-DD, YYYY-MM or YYYY).")
    reported: bool = Field(
        False, description="True when the only date known is the report's publication date."
    )
    text: str = Field(description="The line as shown, without its [n] markers.")
    citations: list[int] = Field(default_factory=list, description="Every source reporting it.")


class Answer(BaseModel):
    """The result of :func:`rag.ask`."""

    question: str
    answer: str = Field(description="The answer text with [n] markers.")
    citations: list[Citation] = Field(default_factory=list)
    refused: bool = Field(False, description="True when the sources do not answer.")
    sentences: list[AnswerSentence] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    standalone_question: str = Field("", description="The question as used for retrieval.")
    notes: list[str] = Field(
        default_factory=list,
        description="Said to the reader beside the answer, e.g. 'the language model stopped; "
        "showing quoted evidence'.",
    )
    timeline: list[TimelineEvent] = Field(
        default_factory=list,
        description="For 'timeline of' / 'what happened' questions: the events in date order "
        "(``answer`` holds them as a Markdown list).",
    )
    as_of: str = Field("", description="The date the question was answered as of (YYYY-MM-DD).")
    seconds: float = 0.0


class Filters(BaseModel):
    """Restrict retrieval by outlet and publication date.

    Articles with no known date never match a date range.
    """

    sources: list[str] = Field(default_factory=list, description="Outlets to keep (any of).")
    date_from: str | None = Field(None, description="YYYY-MM-DD, inclusive.")
    date_to: str | None = Field(None, description="YYYY-MM-DD, inclusive.")
    keep_undated: bool = Field(
        False,
        description="Articles with no known date pass the date range too (the as-of bound "
        "of a question: an undated article is not known to be later).",
    )

    def days(self) -> tuple[date | None, date | None]:
        """The date range as dates (a YYYY-MM bound counts from the 1st)."""
        lo, hi = self._range()

        def day(n: int | None) -> date | None:
            return date(n // 10000, n // 100 % 100, n % 100) if n else None

        return day(lo), day(hi)

    def _range(self) -> tuple[int | None, int | None]:
        lo = published_int(self.date_from) if self.date_from else None
        hi = published_int(self.date_to) if self.date_to else None
        if (self.date_from and not lo) or (self.date_to and not hi):
            raise ValueError(f"dates must be YYYY-MM-DD, got {self.date_from!r}/{self.date_to!r}")
        return lo, hi

    def where(self) -> dict[str, Any] | None:
        """The same restriction as a Chroma ``where`` clause."""
        clauses: list[dict[str, Any]] = []
        if self.sources:
            clauses.append({"source": {"$in": list(self.sources)}})
        lo, hi = self._range()
        dated: list[dict[str, Any]] = []
        if lo is not None:
            dated.append({"published_int": {"$gte": lo}})
        if hi is not None:
            dated.append({"published_int": {"$lte": hi}})
            if lo is None and not self.keep_undated:  # undated articles are stored as 0
                dated.append({"published_int": {"$gt": 0}})
        if dated and self.keep_undated:
            inside = dated[0] if len(dated) == 1 else {"$and": dated}
            clauses.append({"$or": [inside, {"published_int": {"$eq": 0}}]})
        else:
            clauses += dated
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def matches(self, chunk: Chunk) -> bool:
        """True when the chunk passes (the BM25 side of the same filter)."""
        if self.sources and chunk.source not in self.sources:
            return False
        lo, hi = self._range()
        day = published_int(chunk.published)
        if (lo is not None or hi is not None) and not day:
            return self.keep_undated
        return (lo is None or lo <= day) and (hi is None or day <= hi)
