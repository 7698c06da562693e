"""Worker engines for tests: one that echoes, one that hangs, and ones that die mid-answer.

They run inside the LLM worker's child process (``RAG_LLM__ENGINE=tests.helpers.engines:...``),
as llama.cpp does; the crashing ones kill that process the way a native fault would.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from typing import Any


class _Engine:
    def __init__(self, config: dict[str, Any], how: str) -> None:
        self.config = config
        self.how = how

    def stream(self, request: dict[str, Any]) -> Iterator[str]:
        last = request["messages"][-1]["content"]
        yield "The sources say"  # a first token, then the fault: a crash mid-answer
        if self.how == "segfault":
            os.kill(os.getpid(), signal.SIGSEGV)
        elif self.how == "abort":
            os.abort()
        elif self.how == "hang":
            time.sleep(3600)
        yield f" {len(last.split())} words."


def echo(config: dict[str, Any]) -> _Engine:
    """Answers "The sources say N words." (N: the last message's word count)."""
    return _Engine(config, "echo")


def segfault(config: dict[str, Any]) -> _Engine:
    """Sends itself SIGSEGV after the first token."""
    return _Engine(config, "segfault")


def abort(config: dict[str, Any]) -> _Engine:
    """Calls os.abort() after the first token."""
    return _Engine(config, "abort")


def hang(config: dict[str, Any]) -> _Engine:
    """Stops producing tokens after the first one."""
    return _Engine(config, "hang")


def broken(config: dict[str, Any]) -> _Engine:
    """Fails to load, as a corrupt model file would."""
    raise ValueError(f"cannot load {config.get('model_path')}")
