import json
import subprocess
import sys

from tests.conftest import ROOT


def _run(*args, env_home):
    import os

    env = {**os.environ, "RAG_HOME": str(env_home)}
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_ask_without_index_is_a_one_line_error(tmp_path):
    r = _run("rag", "ask", "anything", env_home=tmp_path / "none")
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"error: no index at {(tmp_path / 'none').resolve()}: run 'make demo' or "
        "'python -m ingest corpus/' first (or point RAG_HOME at an index)"
    ]


def test_ui_refuses_to_expose_without_auth(tmp_path):
    r = _run("ui", "--host", "0.0.0.0", env_home=tmp_path / "none")
    assert r.returncode == 2
    assert "RAG_UI_USER" in r.stderr


def test_rag_without_command_and_index_says_how_to_build_it(tmp_path):
    r = _run("rag", env_home=tmp_path / "none")
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"error: no index at {(tmp_path / 'none').resolve()}: run 'make demo' or "
        "'python -m ingest corpus/' first"
    ]


def test_rag_without_command_prints_help_when_indexed(tmp_path):
    (tmp_path / "chroma").mkdir()
    r = _run("rag", env_home=tmp_path)
    assert r.returncode == 2 and "ask" in r.stdout and "eval" in r.stdout


import pytest  # noqa: E402


@pytest.mark.slow
def test_ingest_then_ask_json_through_the_cli(tmp_path):
    home = tmp_path / "home"
    first = _run("ingest", "--quiet", "corpus/", env_home=home)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().startswith("1 files, 1 articles indexed")
    again = _run("ingest", "--quiet", "corpus/", env_home=home)
    assert again.stdout.strip() == (
        "1 files, 0 articles indexed, 0 chunks embedded, 1 unchanged, 0 duplicates, 0 skipped, "
        "0 errors"
    )
    r = _run(
        "rag", "ask", "--json", "What homeland do the Tuareg separatists demand?", env_home=home
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["refused"] is False and "Azawad" in data["answer"]
    assert any("Azawad" in c["sentence"] for c in data["citations"])
