"""The LLM runs in a child process: a native crash there never reaches ask() or the UI."""

import os

import pytest

from rag.answering.assistant import LLM_STOPPED, Assistant
from rag.answering.llm import make_chat_model
from rag.answering.llm_worker import LLMWorker
from rag.errors import LLMCrashedError, LLMError

ENGINES = "tests.helpers.engines"
REQUEST = {"messages": [{"role": "user", "content": "how many were killed"}], "max_tokens": 8}
Q_TOLL = "How many Wagner fighters did the rebels say they killed?"


@pytest.fixture
def worker_of():
    made: list[LLMWorker] = []

    def make(engine: str, **kwargs) -> LLMWorker:
        w = LLMWorker({"model_path": "unused"}, engine=f"{ENGINES}:{engine}", **kwargs)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()


def test_worker_streams_a_reply_and_serves_the_next_request(worker_of):
    w = worker_of("echo")
    assert list(w.stream(REQUEST)) == ["The sources say", " 4 words."]
    pid = w.pid
    assert pid is not None and pid != os.getpid()
    assert "".join(w.stream(REQUEST)) == "The sources say 4 words."
    assert w.pid == pid and w.restarts == 0


@pytest.mark.parametrize(("engine", "signal_name"), [("segfault", "SIGSEGV"), ("abort", "SIGABRT")])
def test_a_crash_mid_answer_raises_and_the_worker_restarts(worker_of, engine, signal_name):
    w = worker_of(engine)
    got: list[str] = []
    with pytest.raises(LLMCrashedError, match=f"killed by {signal_name}"):
        for piece in w.stream(REQUEST):
            got.append(piece)
    assert got == ["The sources say"]  # the first token arrived before the crash
    first_pid = w._proc.pid if w._proc else None
    # a new child is started at once; the next request is served by it (and crashes again)
    with pytest.raises(LLMCrashedError):
        list(w.stream(REQUEST))
    assert w.restarts == 2 and first_pid is not None


def test_a_hung_worker_is_killed_after_the_token_timeout(worker_of):
    w = worker_of("hang", token_timeout=1.0)
    with pytest.raises(LLMCrashedError, match="gave no output for 1 s"):
        list(w.stream(REQUEST))
    assert w.restarts == 1


def test_a_model_that_cannot_load_is_a_clear_error(worker_of):
    w = worker_of("broken")
    with pytest.raises(LLMError, match="could not be loaded: ValueError: cannot load unused"):
        list(w.stream(REQUEST))


def test_ask_survives_a_crashing_model_and_answers_from_quotes(indexed, fake_embedder):
    indexed.llm.engine = f"{ENGINES}:segfault"
    llm = make_chat_model(indexed.llm)
    try:
        crashing = Assistant(indexed, embedder=fake_embedder, llm=llm)
        quotes = Assistant(indexed, embedder=fake_embedder, use_llm=False)
        for _ in range(2):  # and again, after the restart
            a = crashing.ask(Q_TOLL)
            assert a.notes == [LLM_STOPPED]
            assert not a.refused and "84" in a.answer
            # the same verified answer the quote-only pipeline gives
            assert a.answer == quotes.ask(Q_TOLL).answer
    finally:
        llm.worker.close()


@pytest.mark.ui
def test_the_chat_server_stays_up_and_answers_when_the_model_crashes(indexed, fake_embedder):
    from gradio_client import Client

    from tests.ui.test_ui import _content, launched
    from ui.app import build_demo

    indexed.llm.engine = f"{ENGINES}:abort"
    llm = make_chat_model(indexed.llm)
    assistant = Assistant(indexed, embedder=fake_embedder, llm=llm)
    demo = build_demo(stream_fn=assistant.ask_stream)
    url = launched(demo)
    try:
        client = Client(url, verbose=False)
        for _ in range(2):  # the server answers, the worker restarts, the server answers again
            _, chat, sources, _ = client.predict(Q_TOLL, [], [], "", "", "", api_name="/ask")
            text = _content(chat[-1])
            assert "84" in text and "the language model stopped; showing quoted evidence" in text
            assert "<mark id='mark-1'>" in sources
        assert llm.worker.restarts == 2
    finally:
        demo.close()
        llm.worker.close()


def test_extra_buffer_types_are_off_where_the_cpu_has_amx(monkeypatch):
    from rag.answering import llm as llm_module

    for amx, auto in ((True, False), (False, True)):
        monkeypatch.setattr(llm_module, "has_amx", lambda amx=amx: amx)
        assert [llm_module.use_extra_bufts(s) for s in ("auto", "on", "off")] == [auto, True, False]


@pytest.mark.slow
@pytest.mark.parametrize("extra", [False, True])
def test_the_bundled_gguf_loads_with_and_without_extra_buffer_types(extra):
    from rag.answering.llm import default_gguf
    from rag.answering.llm_worker import load_llama

    llama = load_llama(str(default_gguf()), n_ctx=512, n_threads=None, extra_bufts=extra)
    try:
        assert bool(llama.model_params.use_extra_bufts) is extra
        out = llama.create_chat_completion(
            messages=[{"role": "user", "content": "Say yes."}], max_tokens=4
        )
        assert out["usage"]["completion_tokens"] >= 1
    finally:
        llama.close()


@pytest.mark.slow
def test_the_default_model_answers_through_the_worker(indexed, fake_embedder):
    llm = make_chat_model(indexed.llm)
    try:
        reply = llm.invoke("Say yes.")
        assert reply.content.strip()
        assert llm.worker.pid is not None and llm.worker.pid != os.getpid()
    finally:
        llm.worker.close()
