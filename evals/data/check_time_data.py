"""Check the time-aware question files against their articles (standard library only).

    python3 evals/data/check_time_data.py            # both files, errors and a summary
    python3 evals/data/check_time_data.py --overlap  # also the question/support overlap per kind

Files checked: ``sahel/time_questions.jsonl`` (articles in ``sahel/articles``) and
``weeks/questions.jsonl`` (articles in ``weeks/articles``). For every question:

- fields, id pattern and the fixed split rule (see each README);
- ``doc_ids`` (and the ``doc_ids`` of timeline events) exist and were published on or before
  ``as_of``;
- ``support`` (answerable questions) is 20 to 120 characters and an exact substring of the body
  of one of ``doc_ids``; it is ``""`` for unanswerable ones;
- one ``any`` string, every ``all`` and ``first`` string and one ``any`` string of each timeline
  event appear in the articles (compared as the grader compares them: ``evals/normalise.py`` is
  loaded by path when present, else a plain accent/case fold is used);
- timeline events are in date order, 3 to 6 of them; ``first`` strings are in ``all``;
- the question shares no run of 4 words with the sentence holding its support;
- ``newest`` (coverage) is the date of an article and not after ``as_of``.

It does not check that a ``latest`` gold is the newest figure before ``as_of``, nor that a
coverage question's period really has no article: those were checked by hand.
Exit status 1 when there are errors.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIELDS = (
    "id",
    "split",
    "question",
    "language",
    "kind",
    "answerable",
    "any",
    "all",
    "support",
    "doc_ids",
    "as_of",
)
STOP = set(
    """
a an the of in on at to for from by with and or is are was were be been has have had do does did
what which who whom whose when where why how this that these those it its as about into than then
there their they them he she his her we our you your i me my not no yes so if up out over after
before since still now now latest current currently according give tell me please far many much
le la les l un une des du de d au aux et ou est sont a ont été etre être qui que quoi quel quelle
quels quelles dont où quand comment pourquoi combien ce cet cette ces se sa son ses leur leurs il
elle ils elles en y dans sur pour par avec sans plus ne pas t on lors depuis selon
""".split()
)


def _load_normalise():
    path = HERE.parent / "normalise.py"
    if path.is_file():
        spec = importlib.util.spec_from_file_location("_time_check_normalise", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)  # type: ignore[union-attr]
        return mod.normalise, mod.contains

    def fold(text: str) -> str:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
        text = re.sub(r"(?<=\d)[, \u00a0](?=\d{3}\b)", "", text.lower())
        return " ".join(text.replace("-", " ").split())

    return fold, lambda hay, needle: bool(needle) and needle in hay


normalise, contains = _load_normalise()


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def load_articles(folder: Path) -> dict[str, dict]:
    out = {}
    for p in sorted(folder.glob("*.md")):
        raw = p.read_text(encoding="utf-8")
        m = re.match(r"---\n(.*?)\n---\n(.*)", raw, re.S)
        if not m:
            raise SystemExit(f"{p}: no front matter")
        meta = dict(re.findall(r'^(\w+): "?(.*?)"?$', m.group(1), re.M))
        out[p.stem] = {
            "published": meta.get("published", ""),
            "body": m.group(2),
            "language": meta.get("language", ""),
            "meta": meta,
        }
    return out


def sentence_of(body: str, support: str) -> str:
    i = body.find(support)
    start = max(body.rfind(". ", 0, i), body.rfind("\n", 0, i)) + 1
    ends = [
        j for j in (body.find(". ", i + len(support)), body.find("\n", i + len(support))) if j >= 0
    ]
    return body[start : min(ends) + 1 if ends else len(body)]


def longest_run(a: list[str], b: list[str]) -> int:
    best, prev = 0, [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b, 1):
            if x == y:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def in_docs(s: str, bodies: list[str]) -> bool:
    n = normalise(s)
    return any(contains(normalise(b), n) for b in bodies)


def check_file(
    path: Path,
    articles: dict[str, dict],
    split_rule,
    id_re: str,
    kinds: set[str],
    errors: list[str],
    overlap: dict[str, list[float]],
) -> list[dict]:
    rows = []
    seen = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}:{n}"
        try:
            q = json.loads(line)
        except ValueError as e:
            errors.append(f"{where}: bad JSON ({e})")
            continue
        rows.append(q)
        err = lambda msg: errors.append(f"{where} {q.get('id')}: {msg}")  # noqa: E731
        for f in FIELDS:
            if f not in q:
                err(f"missing field {f}")
        if q["id"] in seen:
            err("duplicate id")
        seen.add(q["id"])
        if not re.fullmatch(id_re, q["id"]):
            err(f"id does not match {id_re}")
        if q["kind"] not in kinds:
            err(f"unknown kind {q['kind']}")
        want = split_rule(q)
        if q["split"] != want:
            err(f"split {q['split']}, rule says {want}")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", q["as_of"]):
            err("as_of is not YYYY-MM-DD")
        if q["answerable"] != (q["kind"] != "coverage"):
            err("answerable must be false exactly for coverage questions")
        docs = list(q["doc_ids"])
        for e in q.get("events", []):
            docs += e["doc_ids"]
        for dd in docs:
            if dd not in articles:
                err(f"no article {dd}")
            elif articles[dd]["published"] > q["as_of"]:
                err(f"{dd} published {articles[dd]['published']} after as_of {q['as_of']}")
        bodies = [articles[dd]["body"] for dd in q["doc_ids"] if dd in articles]
        if not q["answerable"]:
            if q["support"] or q["doc_ids"] or q["any"] or q["all"]:
                err("unanswerable: support, doc_ids, any and all must be empty")
            newest = q.get("newest")
            if not newest or not any(a["published"] == newest for a in articles.values()):
                err(f"newest {newest!r} is no article's date")
            elif newest > q["as_of"]:
                err("newest is after as_of")
            continue
        s = q["support"]
        if not 20 <= len(s) <= 120:
            err(f"support has {len(s)} characters")
        holder = next((b for b in bodies if s in b), None)
        if holder is None:
            err(f"support not in the body of any doc_id: {s!r}")
        else:
            sent = sentence_of(holder, s)
            run = longest_run(words(q["question"]), words(sent))
            if run >= 4:
                err(f"question shares {run} consecutive words with its support sentence")
            content = [w for w in words(q["question"]) if w not in STOP and len(w) > 1]
            have = set(words(s))
            if content:
                overlap[q["kind"]].append(sum(w in have for w in content) / len(content))
        if q["any"] and not any(in_docs(x, bodies) for x in q["any"]):
            err(f"no any string in the articles: {q['any']}")
        for x in q["all"]:
            if not in_docs(x, bodies):
                err(f"all string {x!r} not in the articles")
        for x in q.get("first", []):
            if x not in q["all"]:
                err(f"first string {x!r} not in all")
        if q["kind"] == "timeline":
            ev = q.get("events") or []
            if not 3 <= len(ev) <= 6:
                err(f"{len(ev)} events")
            dates = [e["date"] for e in ev]
            if dates != sorted(dates):
                err("events not in date order")
            for e in ev:
                eb = [articles[dd]["body"] for dd in e["doc_ids"] if dd in articles]
                if e["date"] > q["as_of"]:
                    err(f"event {e['date']} after as_of")
                if not any(in_docs(x, eb) for x in e["any"]):
                    err(f"event {e['date']}: no any string in its articles")
    return rows


def summary(rows: list[dict], name: str) -> None:
    table = defaultdict(Counter)
    for q in rows:
        t = table[q["kind"]]
        t["total"] += 1
        t[q["split"]] += 1
        t[q["language"]] += 1
    print(f"\n{name}: {len(rows)} questions")
    print(f"{'kind':<12}{'total':>6}{'dev':>5}{'test':>5}{'en':>5}{'fr':>5}")
    for k, t in table.items():
        print(f"{k:<12}{t['total']:>6}{t['dev']:>5}{t['test']:>5}{t['en']:>5}{t['fr']:>5}")


def sahel_split(q: dict) -> str:
    pos = int(q["id"].rsplit("-", 1)[1]) - 1
    return "dev" if pos % 5 in (0, 3) else "test"


# Weeks corpus: see weeks/README.md ("Split").
WEEKS_DEV_TEMPLATES = {"road", "talks"}
WEEKS_START = "2025-09-01"  # Monday of week 1


def weeks_split(q: dict) -> str:
    template = q["id"].split("-")[1]
    if template in ("latest", "coverage"):
        return sahel_split(q)
    return "dev" if template in WEEKS_DEV_TEMPLATES else "test"


def check_weeks(rows: list[dict], articles: dict[str, dict], errors: list[str]) -> None:
    """Weekly templates: same text for the 6 weeks, as_of the Sunday of ``week``, the support in
    an article published that week (Monday to Sunday)."""
    from datetime import date, timedelta

    start = date.fromisoformat(WEEKS_START)
    texts: dict[str, set[str]] = defaultdict(set)
    for q in rows:
        if q["kind"] != "this_week":
            continue
        template = q["id"].split("-")[1]
        texts[template].add(q["question"])
        week = q.get("week")
        monday = start + timedelta(days=7 * (week - 1))
        sunday = monday + timedelta(days=6)
        if q["as_of"] != sunday.isoformat():
            errors.append(f"{q['id']}: as_of {q['as_of']} is not the Sunday of week {week}")
        holders = [d for d in q["doc_ids"] if d in articles and q["support"] in articles[d]["body"]]
        if not any(
            monday.isoformat() <= articles[d]["published"] <= sunday.isoformat() for d in holders
        ):
            errors.append(f"{q['id']}: the support is in no article of week {week}")
    for template, t in texts.items():
        if len(t) != 1:
            errors.append(f"template {template}: {len(t)} different question texts")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--overlap", action="store_true", help="print question/support overlap")
    args = ap.parse_args()
    errors: list[str] = []
    sets = [
        (
            HERE / "sahel" / "time_questions.jsonl",
            HERE / "sahel" / "articles",
            sahel_split,
            r"sahel-time-(this_week|latest|since|revision|timeline|coverage)-\d{2}",
            {"this_week", "latest", "since", "revision", "timeline", "coverage"},
        ),
        (
            HERE / "weeks" / "questions.jsonl",
            HERE / "weeks" / "articles",
            weeks_split,
            r"weeks-(toll|road|fuel|talks)-w[1-6]|weeks-(latest|coverage)-\d{2}",
            {"this_week", "latest", "coverage"},
        ),
    ]
    for qpath, apath, rule, id_re, kinds in sets:
        if not qpath.is_file():
            print(f"(no {qpath})")
            continue
        articles = load_articles(apath)
        overlap = defaultdict(list)
        rows = check_file(qpath, articles, rule, id_re, kinds, errors, overlap)
        if rule is weeks_split:
            check_weeks(rows, articles, errors)
        summary(rows, str(qpath.relative_to(HERE)))
        if args.overlap:
            print("question content words found in the support (mean share)")
            for k, v in overlap.items():
                print(f"  {k:<12}{sum(v) / len(v):.2f}  (n={len(v)}, max {max(v):.2f})")
    for e in errors:
        print("ERROR", e)
    print(f"\n{len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
