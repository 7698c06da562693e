import ingest
import rag
import ui


def test_rag_all_is_pinned():
    assert sorted(rag.__all__) == sorted(
        [
            "Answer",
            "AnswerSentence",
            "Article",
            "Assistant",
            "Filters",
            "IndexUnavailableError",
            "LLMCrashedError",
            "Store",
            "get_assistant",
            "Chunk",
            "Citation",
            "Evidence",
            "IndexMismatchError",
            "IndexNotBuiltError",
            "LLMError",
            "ModelNotFoundError",
            "RagError",
            "Settings",
            "ask",
            "get_settings",
        ]
    )
    for name in rag.__all__:
        assert getattr(rag, name) is not None, name


def test_ingest_and_ui_all():
    assert sorted(ingest.__all__) == sorted(
        [
            "FileProblem",
            "IngestReport",
            "LoadError",
            "Outcome",
            "Refresher",
            "Source",
            "chunk_article",
            "ingest_paths",
            "list_articles",
            "load_file",
            "load_sources",
            "prune",
            "refresh_all",
            "remove_articles",
            "strip_furniture",
            "watch",
        ]
    )
    assert sorted(ui.__all__) == ["build_demo", "launch_kwargs"]


def test_ask_signature_and_models():
    import inspect

    sig = inspect.signature(rag.ask)
    assert list(sig.parameters) == ["question", "history", "k", "filters", "settings", "as_of"]
    assert all(
        p.kind is inspect.Parameter.KEYWORD_ONLY
        for n, p in sig.parameters.items()
        if n != "question"
    )
    assert {"answer", "citations", "refused", "sentences", "evidence"} <= set(
        rag.Answer.model_fields
    )
    assert {
        "n",
        "chunk_id",
        "doc_id",
        "title",
        "source",
        "url",
        "published",
        "text",
        "start",
        "end",
    } <= set(rag.Citation.model_fields)


def test_settings_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("RAG_HOME", str(tmp_path / "x"))
    monkeypatch.setenv("RAG_RETRIEVAL__K", "9")
    monkeypatch.setenv("RAG_LLM__BACKEND", "none")
    s = rag.Settings()
    assert (s.home, s.retrieval.k, s.llm.backend) == (tmp_path / "x", 9, "none")
