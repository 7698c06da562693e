"""`python -m rag doctor`: the checks print what they find and say what to do about problems."""

import subprocess
import sys

import pytest

from rag import doctor
from rag.cpu import cpu_features
from tests.conftest import ROOT


def test_cpu_flags_are_read_from_cpuinfo(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("model name\t: Test CPU\nflags\t\t: fpu sse2 avx2 avx512f amx_tile amx_int8\n")
    assert cpu_features(info) == {"AVX2": True, "AVX-512": True, "AMX": True}
    info.write_text("model name\t: Old CPU\nflags\t\t: fpu sse2 avx\n")
    assert cpu_features(info) == {"AVX2": False, "AVX-512": False, "AMX": False}
    assert cpu_features(tmp_path / "missing") == {}


def test_a_missing_index_is_a_problem_with_its_fix(settings):
    report = doctor.Report()
    doctor.check_index(report, settings)
    assert report.problems == ["index: run 'make demo' or 'python -m ingest corpus/'"]


def test_a_model_that_crashes_is_reported_with_what_to_do(settings, monkeypatch):
    # the one-token run happens in a child process: a crash there is a line, not our crash
    monkeypatch.setenv("RAG_LLM__ENGINE", "tests.helpers.engines:segfault")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    report = doctor.Report()
    doctor.check_llm(report, settings)
    assert report.lines[0].split()[:5] == ["llm", "backend", "embedded,", "worker", "process,"]
    assert len(report.problems) == 1
    assert report.problems[0].startswith("llm test: ")
    assert "killed by SIGSEGV" in report.lines[1]


@pytest.mark.slow
def test_doctor_runs_end_to_end_with_the_real_model(tmp_path):
    env_home = tmp_path / "none"
    import os

    run = subprocess.run(
        [sys.executable, "-m", "rag", "doctor"],
        cwd=ROOT,
        env={**os.environ, "RAG_HOME": str(env_home)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = run.stdout
    assert run.returncode == 1, run.stderr  # one problem: no index there yet
    assert "  ok    python" in out and "AVX2" in out and "llama-cpp-python" in out
    assert "  ok    embedding" in out and ".gguf" in out
    assert f"  FAIL  index                  none at {env_home.resolve()}" in out
    assert "  ok    llm test               one token generated in a child process" in out
    assert out.rstrip().endswith("1 problem(s); the '->' lines say what to do.")
