"""The openai backend against a real OpenAI-compatible server: llama-cpp-python's, on 127.0.0.1."""

import shutil
import sys

import pytest

from ingest.pipeline import ingest_paths
from rag.answering.assistant import Assistant
from rag.answering.llm import default_gguf, make_chat_model
from rag.settings import LLMSettings, Settings
from tests.conftest import CORPUS, missing_component
from tests.helpers.servers import free_port, running

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    try:
        import llama_cpp.server.app  # noqa: F401
    except ImportError:
        missing_component("llama_cpp.server", "pip install 'llama-cpp-python[server]'")
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(default_gguf()),
        "--model_alias",
        "smollm2",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "2048",
    ]
    base = f"http://127.0.0.1:{port}/v1"
    with running(cmd, f"{base}/models", tmp_path_factory.mktemp("server") / "server.log"):
        yield base


def test_openai_chat_model_talks_to_the_server(server):
    llm = make_chat_model(
        LLMSettings(backend="openai", base_url=server, model="smollm2", max_tokens=16)
    )
    out = llm.invoke("Say hello.")
    assert isinstance(out.content, str) and out.content.strip()


def test_answers_through_the_openai_backend_are_verified(server, tmp_path, real_embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = Settings(home=tmp_path / "home")
    settings.llm = LLMSettings(backend="openai", base_url=server, model="smollm2")
    ingest_paths([corpus], settings=settings, embedder=real_embedder)
    assistant = Assistant(settings, embedder=real_embedder)
    assert type(assistant.llm).__name__ == "ChatOpenAI"
    ans = assistant.ask("How many Malian soldiers did the Tuareg rebels say they had killed?")
    assert not ans.refused and "47" in ans.answer
    assert all(s.supported and s.citations for s in ans.sentences)
    assert any("47 Malian soldiers" in c.sentence for c in ans.citations)
    refused = assistant.ask("What is the population of Mali?")
    assert refused.refused and refused.citations == []
