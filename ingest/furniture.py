"""Remove page furniture from scraped plain text, by generic rules.

Scraped news pages carry lists of other headlines ("Latest Stories", "Les plus lus", "Read
more") with relative timestamps ("46 minutes -", "il y a 5 heures"), share buttons and ad
labels, in English and French. These
rules find them by their shape, never by matching a particular article.
"""

from __future__ import annotations

import re

# A heading that opens a list of other stories.
_LIST_HEADING = re.compile(
    r"^\s*(latest|related|recommended|trending|popular|top|more|other|recent|similar|"
    r"editor'?s'?|must|most)\b[\w\s'’]{0,30}\b(stories|story|news|articles?|posts?|reads?|"
    r"headlines|picks|from\b.*|for you|videos?|read|on\b.*)\s*:?\s*$"
    r"|^\s*(you (may|might) (also )?like|read (more|next|also)|also read|see also|"
    r"more from [\w\s]+|in other news|what to read next)\s*:?\s*$"
    # French: "Les plus lus", "À lire aussi", "Sur le même sujet", "Dernières actualités"
    r"|^\s*((les )?(articles? )?(les )?plus (lus|populaires|partagés|commentés)|"
    r"([àa] )?lire (aussi|également|ensuite)|voir aussi|sur le même (sujet|thème)|"
    r"(articles?|contenus?) (similaires|associés|recommandés)|dans la même rubrique|"
    r"(les )?derni[èe]res? (actualités|nouvelles|infos|informations|dépêches)|"
    r"vous (aimerez|pourriez aimer) aussi|à la une|en continu)\s*:?\s*$",
    re.IGNORECASE,
)
# A relative timestamp alone, or ending a line: "46 minutes -", "5 hours ago", "2 days".
_TIMESTAMP = re.compile(
    r"(^|\s)(\d+|an?|one)\s+(sec(ond)?s?|min(ute)?s?|h(ou)?rs?|days?|weeks?|months?|years?)"
    r"(\s+ago)?\s*[-–—|·•]?\s*$|^\s*(just now|yesterday|today)\s*[-–—|·•]?\s*$"
    # French: "il y a 5 heures", "il y a 2 jours", "à l'instant", "hier"
    r"|(^|\s)il y a\s+(\d+|une?)\s+(sec(onde)?s?|min(ute)?s?|h(eure)?s?|jours?|semaines?|"
    r"mois|ans?)\s*[-–—|·•]?\s*$|^\s*(à l'instant|hier|aujourd'hui)\s*[-–—|·•]?\s*$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"^\s*[-–—|·•*_=]*\s*$")
# One-line boilerplate that can sit anywhere in the body.
_BOILER = re.compile(
    r"^\s*(share( this( article| story)?)?( on (facebook|twitter|x|whatsapp|linkedin|email))?|"
    r"(tweet|email|print|copy link|whatsapp|facebook|twitter|linkedin)|advertisement|"
    r"sponsored( content)?|subscribe( now)?( to [\w\s]+)?|sign up for [\w\s]+|"
    r"click here [\w\s]+|read more\s*:.*|follow us on [\w\s,]+|"
    r"\(?reporting by [^)]*\)?|\(?editing by [^)]*\)?|©.*|copyright .*|all rights reserved\.?|"
    r"publicit[ée]|partager( (sur|par) [\w\s]+)?|imprimer|abonnez-vous( [\w\s']+)?|"
    r"inscrivez-vous( [\w\s']+)?|suivez-nous( sur [\w\s,]+)?|tous droits réservés\.?)"
    r"\s*[.!]?\s*$",
    re.IGNORECASE,
)


def _is_prose(line: str) -> bool:
    """A body paragraph: enough words and ends like a sentence."""
    text = line.strip()
    return len(text.split()) >= 12 and text[-1:] in '.!?"”’)' and "  " not in text


def _list_items(lines: list[str]) -> list[bool]:
    """Which lines look like entries of a headline list (or its separators)."""
    items = []
    for i, line in enumerate(lines):
        nxt = next((x for x in lines[i + 1 :] if x.strip()), "")
        items.append(
            bool(
                _TIMESTAMP.search(line)
                or _SEPARATOR.match(line)
                or _TIMESTAMP.search(nxt)
                and len(line.split()) <= 30
                or not _is_prose(line)
                and len(line.split()) <= 25
            )
        )
    return items


def _trailing_list_start(lines: list[str]) -> int | None:
    """Index of the first line of a trailing headline list, or None."""
    items = _list_items(lines)
    # 1. a list heading after which every line is a list entry
    for i, line in enumerate(lines):
        if _LIST_HEADING.match(line) and all(items[i + 1 :]):
            return i
    # 2. a tail of list entries holding at least two relative timestamps
    start = None
    for i in range(len(lines) - 1, -1, -1):
        if not items[i]:
            break
        start = i
    if start is None:
        return None
    if sum(bool(_TIMESTAMP.search(x)) for x in lines[start:]) < 2:
        return None
    # the tail may have swallowed the article's short last line: keep lines before the
    # first timestamped entry unless they are separators or headlines followed by a stamp
    first_stamp = next(i for i in range(start, len(lines)) if _TIMESTAMP.search(lines[i]))
    while start < first_stamp - 1 and not _SEPARATOR.match(lines[start]):
        start += 1
    return start


def strip_furniture(text: str) -> str:
    """The article body of a scraped text: trailing story lists and boilerplate lines removed.

    Paragraphs are kept as they are (one per line); only whole lines are dropped.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = _trailing_list_start(lines)
    if cut is not None:
        lines = lines[:cut]
    kept = [ln.rstrip() for ln in lines if not _BOILER.match(ln) and not _SEPARATOR.match(ln)]
    # collapse runs of blank lines
    out: list[str] = []
    for ln in kept:
        if not ln.strip() and (not out or not out[-1].strip()):
            continue
        out.append(ln)
    return "\n".join(out).strip()
