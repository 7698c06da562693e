"""The LLM backend registry: names map to factories, make_chat_model only looks them up."""

from __future__ import annotations

import typing

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from rag.answering import llm as llm_module
from rag.answering.llm import (
    LLM_BACKENDS,
    ChatLlamaCpp,
    embedded_backend,
    make_chat_model,
    no_backend,
    ollama_backend,
    openai_backend,
    register_llm_backend,
)
from rag.errors import LLMError, ModelNotFoundError, RagError
from rag.settings import LLMSettings


@pytest.fixture
def registry():
    """The registry, restored after the test (tests may register their own backends)."""
    saved = dict(LLM_BACKENDS)
    yield LLM_BACKENDS
    LLM_BACKENDS.clear()
    LLM_BACKENDS.update(saved)


def _named(backend: str, **kw) -> LLMSettings:
    # a name outside the settings' Literal: model_copy does not validate
    return LLMSettings(**kw).model_copy(update={"backend": backend})


def test_each_built_in_name_maps_to_its_factory():
    assert LLM_BACKENDS["embedded"] is embedded_backend
    assert LLM_BACKENDS["llamacpp"] is embedded_backend  # an alias
    assert LLM_BACKENDS["openai"] is openai_backend
    assert LLM_BACKENDS["ollama"] is ollama_backend
    assert LLM_BACKENDS["none"] is no_backend


def test_every_backend_the_settings_accept_is_registered():
    names = typing.get_args(LLMSettings.model_fields["backend"].annotation)
    assert set(names) == set(LLM_BACKENDS)


def test_none_gives_no_model():
    assert make_chat_model(LLMSettings(backend="none")) is None


def test_embedded_builds_a_llamacpp_model_without_loading_it(tmp_path, monkeypatch):
    monkeypatch.setattr(llm_module, "has_amx", lambda: False)
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"")
    for name in ("embedded", "llamacpp"):
        settings = LLMSettings(backend=name, model_path=str(gguf), n_ctx=512, extra_bufts="auto")
        model = make_chat_model(settings)
        assert isinstance(model, ChatLlamaCpp)
        assert (model.model_path, model.n_ctx, model.extra_bufts) == (str(gguf), 512, True)


def test_embedded_with_a_missing_file_names_the_setting(tmp_path):
    with pytest.raises(ModelNotFoundError, match="RAG_LLM__MODEL_PATH=.*does not exist"):
        make_chat_model(LLMSettings(backend="embedded", model_path=str(tmp_path / "no.gguf")))


def test_openai_needs_a_base_url():
    with pytest.raises(LLMError, match="RAG_LLM__BASE_URL"):
        make_chat_model(LLMSettings(backend="openai"))


def test_openai_builds_a_client_for_the_endpoint():
    model = make_chat_model(
        LLMSettings(backend="openai", base_url="http://127.0.0.1:9/v1", model="m", max_tokens=7)
    )
    assert type(model).__name__ == "ChatOpenAI"
    assert (model.model_name, model.max_tokens) == ("m", 7)


def test_an_unknown_name_lists_the_known_ones():
    with pytest.raises(RagError) as info:
        make_chat_model(_named("gpt-telepathy"))
    assert isinstance(info.value, LLMError)
    message = str(info.value)
    assert "'gpt-telepathy'" in message and "RAG_LLM__BACKEND" in message
    for name in ("embedded", "llamacpp", "openai", "ollama", "none"):
        assert name in message


def test_a_backend_registered_here_is_found(registry):
    seen = []

    @register_llm_backend("canned", "canned-alias")
    def canned(settings: LLMSettings) -> FakeListChatModel:
        seen.append(settings)
        return FakeListChatModel(responses=[f"max {settings.max_tokens}"])

    assert registry["canned"] is registry["canned-alias"] is canned
    settings = _named("canned", max_tokens=9)
    model = make_chat_model(settings)
    assert model is not None and model.invoke("hi").content == "max 9"
    assert seen == [settings]
    assert "canned" in str(pytest.raises(LLMError, make_chat_model, _named("other")).value)


def test_registering_a_name_again_replaces_it(registry):
    register_llm_backend("none")(lambda settings: FakeListChatModel(responses=["x"]))
    assert isinstance(make_chat_model(LLMSettings(backend="none")), FakeListChatModel)
