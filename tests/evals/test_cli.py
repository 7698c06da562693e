"""``python -m evals`` and ``python -m rag eval`` through a subprocess; the rag -> evals rule."""

import ast
import json

import pytest

from tests.conftest import CORPUS, QA, ROOT, run_module

# Two answerable seed questions (the second retrieved at rank 3) and one unanswerable.
TINY_IDS = ["toll-rebels-wagner", "toll-rebels-soldiers", "ghana-league"]


def test_without_or_with_two_question_sets_is_a_one_line_error(tmp_path):
    for args in (["--no-llm"], ["qa.jsonl", "--sahel", "evals/data/sahel"]):
        r = run_module("evals", *args, home=tmp_path)
        assert r.returncode == 2
        assert r.stderr.strip().splitlines() == [
            "error: give one of a QA file, --clapnq DIR or --sahel DIR"
        ]


def test_a_folder_without_the_sahel_benchmark_is_a_one_line_error(tmp_path):
    r = run_module("evals", "--sahel", str(tmp_path), "--no-llm", home=tmp_path)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "point --sahel at" in lines[0]


def test_rag_eval_hands_its_options_to_evals(tmp_path):
    r = run_module("rag", "eval", "--help", home=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: python -m rag eval")
    options = ("--clapnq", "--sahel", "--split", "--baseline", "--limit", "--json", "--verbose")
    for option in (*options, "--no-llm"):
        assert option in r.stdout


def test_calibrate_is_a_subcommand_with_its_options(tmp_path):
    r = run_module("evals", "calibrate", "--help", home=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: python -m evals calibrate")
    for option in ("--clapnq", "--clapnq-home", "--seed", "--cache"):
        assert option in r.stdout


def test_a_missing_qa_file_is_a_one_line_error(tmp_path):
    r = run_module("evals", str(tmp_path / "nope.jsonl"), "--no-llm", home=tmp_path)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "nope.jsonl" in lines[0]


def _evals_imports(path) -> list[tuple[int, str | None]]:
    """(line, enclosing function) of every import of evals in ``path``."""
    found: list[tuple[int, str | None]] = []

    def visit(node: ast.AST, func: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, ast.FunctionDef) else func
            if isinstance(child, ast.Import):
                mods = [a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom):
                mods = [child.module or ""]
            else:
                mods = []
            if any(m == "evals" or m.startswith("evals.") for m in mods):
                found.append((child.lineno, func))
            visit(child, name)

    visit(ast.parse(path.read_text(encoding="utf-8")), None)
    return found


def test_rag_and_ingest_import_evals_only_where_rag_eval_hands_over():
    imports = {
        str(p.relative_to(ROOT)): found
        for pkg in ("rag", "ingest")
        for p in sorted((ROOT / pkg).rglob("*.py"))
        if (found := _evals_imports(p))
    }
    assert list(imports) == ["rag/cli.py"]
    assert [func for _, func in imports["rag/cli.py"]] == ["_cmd_eval"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory, real_embedder):
    """An index of corpus/ in its own RAG_HOME and a three-question QA file."""
    from ingest.pipeline import ingest_paths
    from rag.settings import Settings

    root = tmp_path_factory.mktemp("evals-cli")
    home = root / "home"
    report = ingest_paths([CORPUS], settings=Settings(home=home), embedder=real_embedder)
    assert (report.articles, len(report.errors)) == (1, 0)
    lines = {json.loads(x)["id"]: x for x in QA.read_text(encoding="utf-8").splitlines() if x}
    qa = root / "tiny.jsonl"
    qa.write_text("".join(lines[i] + "\n" for i in TINY_IDS), encoding="utf-8")
    return home, qa


def _without_times(metrics: dict) -> dict:
    return {k: v for k, v in metrics.items() if not k.endswith("_seconds")}


@pytest.mark.slow
def test_eval_no_llm_prints_the_table_and_rag_eval_gives_the_same_figures(tiny):
    home, qa = tiny
    r = run_module("evals", str(qa), "--no-llm", home=home)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.split("\n\n")[0].splitlines()  # the overall table; no groups: one kind
    assert "by kind" not in r.stdout
    assert lines[0].split() == ["metric", "ours"]
    by_key = {line.split()[0]: line.split()[1:] for line in lines[1:]}
    assert list(by_key) == [
        "questions",
        "answerable",
        "unanswerable",
        "hit@1",
        "hit@5",
        "hit@10",
        "mrr@10",
        "correct",
        "cited",
        "correct_and_cited",
        "states_answer",
        "citation_precision",
        "citations",
        "refusal_unanswerable",
        "false_refusal_answerable",
        "correct_anywhere",
        "cited_passage",
        "sentences_with_citation",
        "sentences_quoted",
        "answers_with_notes",
        "source_dates_shown",
        "timeline_events_found",
        "median_words",
        "median_seconds",
        "p95_seconds",
    ]
    assert by_key["questions"] == ["3"]
    assert by_key["hit@5"] == ["1.000", "[1.00,1.00]", "n=2"]
    # quotes only: the gold is somewhere in each answer and its chunks (the lenient rules); the
    # strict ones (first sentence, cited sentence) are pinned on hand-made answers elsewhere
    assert by_key["correct_anywhere"] == ["1.000", "[1.00,1.00]", "n=2"]
    assert by_key["cited_passage"] == ["1.000", "[1.00,1.00]", "n=2"]
    assert by_key["correct"][-1] == by_key["correct_and_cited"][-1] == "n=2"
    assert by_key["refusal_unanswerable"] == ["1.000", "[1.00,1.00]", "n=1"]
    assert by_key["states_answer"][-1] == "n=2"  # no kinds: numbers are facts
    assert 0.0 <= float(by_key["citation_precision"][0]) <= 1.0
    # stderr is not a terminal here: no progress bar, no carriage returns
    assert "\r" not in r.stderr

    j = run_module("rag", "eval", str(qa), "--no-llm", "--json", home=home)
    assert j.returncode == 0, j.stderr
    data = json.loads(j.stdout)
    assert list(data) == ["ours"]
    assert [row["id"] for row in data["ours"]["rows"]] == TINY_IDS
    assert [row["refused"] for row in data["ours"]["rows"]] == [False, False, True]
    m = _without_times(data["ours"]["metrics"])
    assert m["questions"] == 3 and m["correct_anywhere"]["value"] == 1.0
    assert m["correct_and_cited"]["value"] == float(by_key["correct_and_cited"][0])
    assert set(m["by_kind"]) == {"all"} and set(m["by_language"]) == {"en"}
    assert m["refusal_unanswerable"] == {"value": 1.0, "lo": 1.0, "hi": 1.0, "n": 1}
