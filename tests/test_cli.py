import json

from tests.conftest import run_module


def test_ask_without_index_is_a_one_line_error(tmp_path):
    r = run_module("rag", "ask", "anything", home=tmp_path / "none")
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"error: no index at {(tmp_path / 'none').resolve()}: run 'make demo' or "
        "'python -m ingest corpus/' first (or point RAG_HOME at an index)"
    ]


def test_ui_refuses_to_expose_without_auth(tmp_path):
    r = run_module("ui", "--host", "0.0.0.0", home=tmp_path / "none")
    assert r.returncode == 2
    assert "RAG_UI_USER" in r.stderr


def test_rag_without_command_and_index_says_how_to_build_it(tmp_path):
    r = run_module("rag", home=tmp_path / "none")
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"error: no index at {(tmp_path / 'none').resolve()}: run 'make demo' or "
        "'python -m ingest corpus/' first"
    ]


def test_rag_without_command_prints_help_when_indexed(tmp_path):
    (tmp_path / "chroma").mkdir()
    r = run_module("rag", home=tmp_path)
    assert r.returncode == 2 and "ask" in r.stdout and "eval" in r.stdout


import pytest  # noqa: E402


@pytest.mark.slow
def test_ingest_then_ask_json_through_the_cli(tmp_path):
    home = tmp_path / "home"
    first = run_module("ingest", "--quiet", "corpus/", home=home)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().startswith("1 files, 1 articles indexed")
    again = run_module("ingest", "--quiet", "corpus/", home=home)
    assert again.stdout.strip() == (
        "1 files, 0 articles indexed, 0 chunks embedded, 1 unchanged, 0 duplicates, 0 skipped, "
        "0 errors"
    )
    r = run_module(
        "rag", "ask", "--json", "What homeland do the Tuareg separatists demand?", home=home
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["refused"] is False and "Azawad" in data["answer"]
    assert any("Azawad" in c["sentence"] for c in data["citations"])
