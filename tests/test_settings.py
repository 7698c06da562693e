"""Settings: unknown keys rejected, bounds enforced, the overlap check, the environment."""

from __future__ import annotations

import annotated_types
import pytest
from pydantic import BaseModel, ValidationError

from rag.settings import (
    AnswerSettings,
    EmbeddingSettings,
    IngestSettings,
    LLMSettings,
    RetrievalSettings,
    Settings,
    UISettings,
    get_settings,
)

SECTIONS: dict[str, type[BaseModel]] = {
    "embedding": EmbeddingSettings,
    "ingest": IngestSettings,
    "retrieval": RetrievalSettings,
    "answer": AnswerSettings,
    "llm": LLMSettings,
    "ui": UISettings,
}


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> list[tuple[tuple, str]]:
    return [(e["loc"], e["type"]) for e in exc.value.errors()]


# -- unknown keys ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_a_section_rejects_unknown_keys(name):
    with pytest.raises(ValidationError) as exc:
        SECTIONS[name](no_such_setting=1)
    assert _errors(exc) == [(("no_such_setting",), "extra_forbidden")]
    assert "no_such_setting\n  Extra inputs are not permitted" in str(exc.value)


def test_a_misspelt_nested_key_names_its_section():
    with pytest.raises(ValidationError) as exc:
        Settings(answer={"max_evidense": 2})
    assert _errors(exc) == [(("answer", "max_evidense"), "extra_forbidden")]
    assert "answer.max_evidense\n  Extra inputs are not permitted" in str(exc.value)


def test_a_misspelt_environment_variable_is_an_error(monkeypatch):
    monkeypatch.setenv("RAG_ANSWER__MAX_EVIDENSE", "2")
    with pytest.raises(ValidationError) as exc:
        Settings()
    assert _errors(exc) == [(("answer", "max_evidense"), "extra_forbidden")]


def test_unknown_top_level_keywords_are_rejected_but_unrelated_rag_variables_are_not(
    monkeypatch,
):
    with pytest.raises(ValidationError) as exc:
        Settings(hom="x")  # type: ignore[call-arg]
    assert _errors(exc) == [(("hom",), "extra_forbidden")]
    # variables that share the prefix without being settings (tests, evaluation data)
    monkeypatch.setenv("RAG_TEST_REQUIRE_COMPONENTS", "1")
    monkeypatch.setenv("RAG_CLAPNQ_DIR", "/nowhere")
    assert Settings().retrieval.k == 6


# -- bounds ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("section", "field", "value", "error"),
    [
        (EmbeddingSettings, "batch_size", 0, "greater_than_equal"),
        (IngestSettings, "chunk_sentences", 0, "greater_than_equal"),
        (IngestSettings, "max_chunk_chars", 199, "greater_than_equal"),
        (IngestSettings, "duplicate_threshold", 1.01, "less_than_equal"),
        (IngestSettings, "fetch_timeout", 0, "greater_than"),
        (RetrievalSettings, "k", 0, "greater_than_equal"),
        (RetrievalSettings, "rrf_k", 10_001, "less_than_equal"),
        (AnswerSettings, "min_coverage", 1.5, "less_than_equal"),
        (AnswerSettings, "min_similarity", -1.1, "greater_than_equal"),
        (AnswerSettings, "min_answerability", 2.5, "less_than_equal"),
        (AnswerSettings, "weight_similarity", -0.1, "greater_than_equal"),
        (AnswerSettings, "weight_rank", 1.1, "less_than_equal"),
        (AnswerSettings, "max_generated_sentences", 0, "greater_than_equal"),
        (AnswerSettings, "refusal_evidence", -1, "greater_than_equal"),
        (AnswerSettings, "quote_max_words", 0, "greater_than_equal"),
        (LLMSettings, "temperature", 2.5, "less_than_equal"),
        (LLMSettings, "max_tokens", 0, "greater_than_equal"),
        (LLMSettings, "token_timeout", 0, "greater_than"),
        (UISettings, "port", 65_536, "less_than_equal"),
    ],
)
def test_bounds_are_enforced(section, field, value, error):
    with pytest.raises(ValidationError) as exc:
        section(**{field: value})
    assert _errors(exc) == [((field,), error)]


def test_bounds_apply_to_environment_variables(monkeypatch):
    monkeypatch.setenv("RAG_ANSWER__MIN_COVERAGE", "1.5")
    with pytest.raises(ValidationError) as exc:
        Settings()
    assert _errors(exc) == [(("answer", "min_coverage"), "less_than_equal")]


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_every_number_has_a_description_and_bounds(name):
    for field, info in SECTIONS[name].model_fields.items():
        assert info.description, f"{name}.{field} has no description"
        kinds = {type(m) for m in info.metadata}
        if info.annotation in (int, float, int | None, float | None):
            assert kinds & {annotated_types.Ge, annotated_types.Gt}, f"{name}.{field}: no lower"
            assert kinds & {annotated_types.Le, annotated_types.Lt}, f"{name}.{field}: no upper"


def test_moved_numbers_keep_their_values():
    a = AnswerSettings()
    assert (
        a.weight_similarity,
        a.weight_own_coverage,
        a.weight_context_coverage,
        a.weight_rank,
        a.clause_min_words,
        a.refusal_evidence,
        a.max_generated_sentences,
        a.min_generated_words,
        a.relevance_slack,
        a.quote_max_words,
    ) == (0.45, 0.25, 0.2, 0.1, 20, 5, 2, 3, 0.1, 30)
    assert IngestSettings().duplicate_threshold == 0.7
    assert (UISettings().host, UISettings().port) == ("127.0.0.1", 7860)


# -- chunk overlap ---------------------------------------------------------------------------
def test_overlap_must_be_smaller_than_the_chunk():
    assert IngestSettings(chunk_sentences=3, chunk_overlap=2).chunk_overlap == 2
    assert IngestSettings(chunk_sentences=1, chunk_overlap=0).chunk_overlap == 0
    for overlap in (3, 4):
        with pytest.raises(ValidationError) as exc:
            IngestSettings(chunk_sentences=3, chunk_overlap=overlap)
        assert _errors(exc) == [((), "value_error")]
        assert f"chunk_overlap ({overlap}) must be smaller than chunk_sentences (3)" in str(
            exc.value
        )


def test_overlap_check_covers_the_default_chunk_size(monkeypatch):
    monkeypatch.setenv("RAG_INGEST__CHUNK_OVERLAP", "4")  # chunk_sentences defaults to 4
    with pytest.raises(ValidationError, match=r"chunk_overlap \(4\) must be smaller"):
        Settings()


# -- the environment -------------------------------------------------------------------------
def test_nested_environment_variables_are_read(monkeypatch, tmp_path):
    monkeypatch.setenv("RAG_HOME", str(tmp_path / "idx"))
    monkeypatch.setenv("RAG_ANSWER__MIN_COVERAGE", "0.5")
    monkeypatch.setenv("RAG_ANSWER__USE_LLM", "false")
    monkeypatch.setenv("RAG_ANSWER__WEIGHT_RANK", "0.2")
    monkeypatch.setenv("RAG_INGEST__CHUNK_SENTENCES", "6")
    monkeypatch.setenv("RAG_UI__PORT", "8080")
    s = Settings()
    assert (
        s.home,
        s.answer.min_coverage,
        s.answer.use_llm,
        s.answer.weight_rank,
        s.ingest.chunk_sentences,
        s.ui.port,
    ) == (tmp_path / "idx", 0.5, False, 0.2, 6, 8080)
    # untouched fields keep their defaults
    assert s.answer.model_dump(exclude={"min_coverage", "use_llm", "weight_rank"}) == (
        AnswerSettings().model_dump(exclude={"min_coverage", "use_llm", "weight_rank"})
    )


def test_legacy_ui_variables_are_read(monkeypatch):
    monkeypatch.setenv("RAG_UI_USER", "editor")
    monkeypatch.setenv("RAG_UI_PASSWORD", "s3cret")
    monkeypatch.setenv("RAG_UI_HOST", "0.0.0.0")
    monkeypatch.setenv("RAG_UI_PORT", "8000")
    ui = Settings().ui
    secret = ui.password.get_secret_value() if ui.password else None
    assert (ui.user, secret, ui.host, ui.port) == ("editor", "s3cret", "0.0.0.0", 8000)
    assert "s3cret" not in repr(ui) and "s3cret" not in Settings().model_dump_json()


def test_new_ui_variables_win_over_legacy_ones(monkeypatch):
    monkeypatch.setenv("RAG_UI_USER", "old")
    monkeypatch.setenv("RAG_UI__USER", "new")
    monkeypatch.setenv("RAG_UI_PASSWORD", "pw")  # merged with the new names
    ui = Settings().ui
    assert (ui.user, ui.password and ui.password.get_secret_value()) == ("new", "pw")
    # arguments win over both
    assert Settings(ui=UISettings(user="arg")).ui.user == "arg"


def test_legacy_ui_variables_are_validated(monkeypatch):
    monkeypatch.setenv("RAG_UI_PORT", "0")
    with pytest.raises(ValidationError) as exc:
        Settings()
    assert _errors(exc) == [(("ui", "port"), "greater_than_equal")]


def test_without_ui_variables_nothing_is_set(monkeypatch):
    for name in ("RAG_UI_USER", "RAG_UI_PASSWORD", "RAG_UI_HOST", "RAG_UI_PORT"):
        monkeypatch.delenv(name, raising=False)
    assert Settings().ui == UISettings()
    assert UISettings().model_dump() == {
        "host": "127.0.0.1",
        "port": 7860,
        "user": None,
        "password": None,
    }


def test_ui_command_takes_host_and_login_from_the_settings(monkeypatch, capsys):
    from ui.__main__ import main

    monkeypatch.setenv("RAG_UI__HOST", "0.0.0.0")
    monkeypatch.setenv("RAG_UI_USER", "editor")  # no password: exposing the UI is refused
    monkeypatch.delenv("RAG_UI_PASSWORD", raising=False)
    monkeypatch.delenv("RAG_UI__PASSWORD", raising=False)
    get_settings.cache_clear()
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: serving beyond 127.0.0.1 (--share or --host) needs RAG_UI_USER")
