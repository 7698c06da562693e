"""Follow-up questions made to stand alone, from the conversation so far."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from rag.text import content_terms, names

History = list[Any]  # [(user, assistant)] pairs or [{"role": ..., "content": ...}] messages

_FOLLOW_UP = re.compile(
    r"^\W*(and|but|also|what about|how about|and what|so)\b|\b(it|its|they|them|their|he|she|"
    r"his|her|this|that|these|those|there)\b",
    re.I,
)


def _user_turns(history: History | None) -> list[str]:
    turns: list[str] = []
    for item in history or []:
        if isinstance(item, dict):
            if item.get("role") == "user":
                turns.append(str(item.get("content") or ""))
        elif isinstance(item, list | tuple) and item:
            turns.append(str(item[0] or ""))
    return [t for t in turns if t.strip()]


class Standalone(NamedTuple):
    """A question made to stand alone: what to answer, what to search, terms carried over."""

    question: str
    query: str
    carried: list[str]


_HOW_MANY = re.compile(
    r"\bhow (?:many|much)\s+(.+?)\s+(?:did|do|does|were|was|are|is|have|has|had|will|would|"
    r"could|can)\b",
    re.I,
)
_ELLIPTIC = re.compile(
    r"^\W*(?:and|but|also|so)?\s*(?:(?:what|how) about|how (?:many|much))\s+(?:the\s+)?"
    r"(?P<np>[^?.!]+?)\W*$",
    re.I,
)


def condense(question: str, history: History | None) -> Standalone:
    """Make a follow-up stand alone, keeping the previous question's entities.

    "And how many soldiers?" after "How many Wagner fighters did the rebels say they killed?"
    becomes "How many soldiers did the rebels say they killed?". Other follow-ups ("where is
    it?") are searched together with the previous question and carry its names as terms the
    evidence must cover. A question that names its own subject is left alone.
    """
    turns = _user_turns(history)
    if not turns:
        return Standalone(question, question, [])
    own = content_terms(question)
    if not _FOLLOW_UP.search(question) and len(own) >= 3:
        return Standalone(question, question, [])
    prev = turns[-1]
    counted, elliptic = _HOW_MANY.search(prev), _ELLIPTIC.match(question)
    if counted and elliptic:
        rewritten = prev[: counted.start(1)] + elliptic.group("np") + prev[counted.end(1) :]
        return Standalone(rewritten, rewritten, [])
    carried = [t for t in content_terms(prev) if t not in own]
    carried_names = [t for t in names(prev) if t in carried]
    return Standalone(question, f"{question} ({prev})", carried_names)
