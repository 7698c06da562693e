"""The layers hold: imports go one way, and no module grows past what one can read."""

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("rag", "ingest", "ui", "evals")
# package -> packages of this project it may import (besides itself)
ALLOWED = {"rag": set(), "ingest": {"rag"}, "ui": {"rag"}, "evals": {"rag", "ingest"}}
# the documented exceptions: (module, imported package)
EXCEPTIONS = {("rag/cli.py", "evals"), ("ui/__main__.py", "ingest")}
MAX_LINES = 400


def _modules():
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def _imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(PACKAGES)


@pytest.mark.parametrize("path", list(_modules()), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_go_one_way(path):
    rel = str(path.relative_to(ROOT))
    package = rel.split("/")[0]
    wrong = {
        p
        for p in _imported_packages(path) - {package} - ALLOWED[package]
        if (rel, p) not in EXCEPTIONS
    }
    assert not wrong, f"{rel} imports {sorted(wrong)}: see docs/architecture.md"


def test_no_module_is_too_long():
    long = {
        str(p.relative_to(ROOT)): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
