"""Real servers for tests: a free loopback port and a subprocess that is up before use."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    """A port nothing listens on, on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(cmd: list[str], ready_url: str, log_path: Path, timeout: float = 60) -> Iterator[None]:
    """Run ``cmd`` until the block ends; wait until ``ready_url`` answers 200.

    Output goes to a file, not a pipe: a chatty server would fill a pipe and block.
    """
    with log_path.open("w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"{cmd[0]} exited: {log_path.read_text()[-2000:]}")
                try:
                    if httpx.get(ready_url, timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{' '.join(cmd[:3])} did not start in {timeout:g} s")
                time.sleep(0.2)
            yield
        finally:
            proc.terminate()
            proc.wait(timeout=20)
