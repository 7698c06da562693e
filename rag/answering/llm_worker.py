"""The embedded LLM in a child process: a native crash in llama.cpp never takes down its caller.

The parent (:class:`LLMWorker`) starts ``python -m rag.answering.llm_worker`` and talks JSON lines over
the child's stdin/stdout::

    child  -> {"ready": true, "info": {...}}           once the model is loaded
    parent -> {"id": 1, "messages": [...], "temperature": 0.0, "max_tokens": 120, "stop": []}
    child  -> {"id": 1, "delta": "..."} ... {"id": 1, "done": true}   or {"id": 1, "error": "..."}

When the child dies (SIGSEGV, abort, OOM kill) or stops answering, the call in progress raises
:class:`~rag.errors.LLMCrashedError` and a new child is started in the background. The engine
run in the child is found by name (``module:function``), so tests can run one that crashes.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import IO, Any, Protocol

from rag.errors import LLMCrashedError, LLMError

DEFAULT_ENGINE = "rag.answering.llm_worker:llama_engine"


class Engine(Protocol):
    """What the child runs: chat messages in, text deltas out."""

    def stream(self, request: dict[str, Any]) -> Iterator[str]:
        """Yield the reply to ``request`` (messages, temperature, max_tokens, stop) piece by piece."""
        ...


# -- the child ---------------------------------------------------------------------------


class LlamaEngine:
    """llama-cpp-python over a GGUF file."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.llama = load_llama(
            config["model_path"],
            n_ctx=int(config.get("n_ctx", 2048)),
            n_threads=config.get("n_threads"),
            extra_bufts=bool(config.get("extra_bufts", False)),
        )

    def stream(self, request: dict[str, Any]) -> Iterator[str]:
        """Stream a chat completion."""
        for part in self.llama.create_chat_completion(**request, stream=True):
            delta = part["choices"][0]["delta"].get("content") or ""
            if delta:
                yield delta


def load_llama(path: str, *, n_ctx: int, n_threads: int | None, extra_bufts: bool) -> Any:
    """A ``llama_cpp.Llama``, by default without llama.cpp's extra weight buffer types.

    Extra buffer types repack weights for AMX (and other CPU kernels); AMX repacking segfaults
    in ``ggml_backend_amx_mul_mat`` on some Sapphire Rapids CPUs, so it is off unless asked for.
    SEE: https://github.com/ggml-org/llama.cpp/issues/20824
    """
    try:
        import llama_cpp
        from llama_cpp import llama_cpp as native
    except ImportError as e:  # pragma: no cover - a hard dependency
        raise LLMError(
            "llama-cpp-python is not installed: run 'pip install llama-cpp-python'"
        ) from e
    original = native.llama_model_default_params

    def defaults() -> Any:
        params = original()
        if hasattr(params, "use_extra_bufts"):
            params.use_extra_bufts = extra_bufts
        return params

    # Llama() reads its model parameters from this function; there is no keyword for the flag
    native.llama_model_default_params = defaults
    try:
        return llama_cpp.Llama(
            model_path=path,
            n_ctx=n_ctx,
            n_threads=n_threads or os.cpu_count() or 2,
            verbose=False,
            seed=0,
        )
    finally:
        native.llama_model_default_params = original


def llama_engine(config: dict[str, Any]) -> Engine:
    """The default engine: the GGUF named in ``config['model_path']``."""
    return LlamaEngine(config)


def resolve_engine(spec: str) -> Callable[[dict[str, Any]], Engine]:
    """``"module:function"`` -> the function."""
    module, _, attr = spec.partition(":")
    if not module or not attr:
        raise LLMError(f"engine {spec!r} must be 'module:function'")
    factory: Callable[[dict[str, Any]], Engine] = getattr(importlib.import_module(module), attr)
    return factory


def serve(engine_spec: str, config: dict[str, Any]) -> int:
    """The child's main loop: load the engine, then answer requests until stdin closes."""
    # the protocol owns the real stdout; anything else printed (C code included) goes to stderr
    out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)

    def send(msg: dict[str, Any]) -> None:
        out.write(json.dumps(msg) + "\n")

    try:
        engine = resolve_engine(engine_spec)(config)
    except Exception as e:  # reported to the parent, which raises it as LLMError
        send({"ready": False, "error": f"{type(e).__name__}: {e}"})
        return 1
    send({"ready": True, "info": {"pid": os.getpid(), "engine": engine_spec}})
    for line in sys.stdin:
        request = json.loads(line)
        rid = request.pop("id")
        try:
            for delta in engine.stream(request):
                send({"id": rid, "delta": delta})
        except Exception as e:
            send({"id": rid, "error": f"{type(e).__name__}: {e}"})
        else:
            send({"id": rid, "done": True})
    return 0


# -- the parent --------------------------------------------------------------------------


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "stopped answering"
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"was killed by {signal.Signals(-code).name}"
    return f"exited with code {code}"


class LLMWorker:
    """One child process serving one model; calls are serialised, the child restarts on death.

    Args:
        config: passed to the engine in the child (model path, context size, threads...).
        engine: ``module:function`` building the engine in the child.
        load_timeout: seconds the child may take to load the model.
        token_timeout: seconds without a new token before the child is declared hung.
    """

    def __init__(
        self,
        config: dict[str, Any],
        *,
        engine: str = DEFAULT_ENGINE,
        load_timeout: float = 120.0,
        token_timeout: float = 60.0,
    ) -> None:
        self.config = config
        self.engine = engine
        self.load_timeout = load_timeout
        self.token_timeout = token_timeout
        self.restarts = 0
        self._proc: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: IO[bytes] | None = None
        self._lock = threading.Lock()  # one request at a time, as one llama.cpp context needs
        self._next_id = 0
        self._ready = threading.Event()
        self._start_error: Exception | None = None

    # lifecycle ------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        """The child's pid, when one runs."""
        return self._proc.pid if self._proc and self._proc.poll() is None else None

    def start(self) -> None:
        """Start the child and wait until its model is loaded."""
        self._spawn()
        self._await_ready()

    def _spawn(self) -> None:
        self._ready.clear()
        self._start_error = None
        self._lines = queue.Queue()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the child
        env = dict(os.environ)
        # the child imports what the parent can (the engine may live beside the caller's code)
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        self._proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "rag.answering.llm_worker",
                self.engine,
                json.dumps(self.config),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
            env=env,
            start_new_session=True,  # a Ctrl-C in the terminal reaches the parent only
        )
        lines = self._lines
        stdout = self._proc.stdout
        assert stdout is not None

        def pump() -> None:
            for line in stdout:
                lines.put(line)
            lines.put(None)  # EOF: the child is gone

        threading.Thread(target=pump, name="llm-worker-reader", daemon=True).start()

    def _await_ready(self) -> None:
        try:
            msg = self._read(self.load_timeout)
        except LLMCrashedError as e:
            self._start_error = e
            raise
        finally:
            self._ready.set()
        if not msg.get("ready"):
            self._kill()
            err = LLMError(f"the language model could not be loaded: {msg.get('error')}")
            self._start_error = err
            raise err

    def _restart_in_background(self) -> None:
        self.restarts += 1
        self._kill()
        self._spawn()
        threading.Thread(target=self._quiet_ready, name="llm-worker-restart", daemon=True).start()

    def _quiet_ready(self) -> None:
        # a failed restart is reported by the next request (through _start_error)
        with contextlib.suppress(Exception):
            self._await_ready()

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        with contextlib.suppress(Exception):
            proc.wait(timeout=10)
        for f in (proc.stdin, proc.stdout):
            with contextlib.suppress(Exception):
                f and f.close()

    def close(self) -> None:
        """Stop the child."""
        with self._lock:
            proc = self._proc
            if proc is not None and proc.poll() is None and proc.stdin:
                with contextlib.suppress(Exception):
                    proc.stdin.close()  # a clean end of input: the child returns
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=5)
            self._kill()

    def stderr_tail(self, chars: int = 2000) -> str:
        """The end of what the child wrote to stderr (a crash report, for instance)."""
        if self._stderr is None:
            return ""
        with contextlib.suppress(Exception):
            self._stderr.seek(0)
            return self._stderr.read().decode("utf-8", "replace")[-chars:]
        return ""

    # requests -------------------------------------------------------------------------
    def _read(self, timeout: float) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            line = None
            how = f"gave no output for {timeout:g} s"
        else:
            how = ""
        if line is None:
            proc = self._proc
            code = proc.wait(timeout=5) if proc is not None and not how else None
            how = how or _describe_exit(code)
            raise LLMCrashedError(f"the language model process {how}")
        msg: dict[str, Any] = json.loads(line)
        return msg

    def stream(self, request: dict[str, Any]) -> Iterator[str]:
        """Send one chat request; yield the reply's text pieces.

        Raises:
            LLMCrashedError: the child died or hung; a new one is being started.
            LLMError: the engine reported an error, or the model could not be loaded.
        """
        with self._lock:
            if self._proc is None:
                self._spawn()
                self._await_ready()
            else:
                self._ready.wait()
                if self._start_error is not None:
                    err, self._start_error = self._start_error, None
                    self._kill()
                    raise err
            self._next_id += 1
            rid = self._next_id
            proc = self._proc
            assert proc is not None and proc.stdin is not None
            try:
                proc.stdin.write(json.dumps({"id": rid, **request}) + "\n")
                proc.stdin.flush()
                while True:
                    msg = self._read(self.token_timeout)
                    if msg.get("id") != rid:
                        continue  # the rest of an abandoned earlier reply
                    if "delta" in msg:
                        yield str(msg["delta"])
                    elif msg.get("done"):
                        return
                    else:
                        raise LLMError(f"the language model failed: {msg.get('error')}")
            except (BrokenPipeError, OSError) as e:
                self._restart_in_background()
                raise LLMCrashedError("the language model process stopped") from e
            except LLMCrashedError:
                self._restart_in_background()
                raise


_workers: dict[str, LLMWorker] = {}
_workers_lock = threading.Lock()


def get_worker(config: dict[str, Any], *, engine: str = DEFAULT_ENGINE, **kwargs: Any) -> LLMWorker:
    """The worker for this model and engine, one per process (started on first request)."""
    key = json.dumps([engine, config], sort_keys=True)
    with _workers_lock:
        if key not in _workers:
            _workers[key] = LLMWorker(config, engine=engine, **kwargs)
        return _workers[key]


@atexit.register
def _close_all() -> None:
    for worker in list(_workers.values()):
        with contextlib.suppress(Exception):
            worker.close()
    _workers.clear()


def main(argv: list[str] | None = None) -> int:
    """``python -m rag.answering.llm_worker ENGINE CONFIG_JSON`` (started by :class:`LLMWorker`)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(
            "usage: python -m rag.answering.llm_worker MODULE:FUNCTION CONFIG_JSON", file=sys.stderr
        )
        return 2
    return serve(args[0], json.loads(args[1]))


if __name__ == "__main__":
    sys.exit(main())
