from ingest.furniture import strip_furniture
from rag.index.chunking import chunk_article
from rag.models import Article
from rag.settings import IngestSettings
from tests.conftest import SEED


def _article() -> Article:
    text = strip_furniture(SEED.read_text(encoding="utf-8"))
    return Article(doc_id="doc-x", text=text, title="T", source="Reuters")


def test_chunks_carry_exact_spans_and_whole_sentences():
    art = _article()
    chunks = chunk_article(art, IngestSettings(chunk_sentences=3, chunk_overlap=1))
    assert len(chunks) > 3
    for c in chunks:
        assert art.text[c.start : c.end] == c.text
        assert c.sentences[0][0] == c.start and c.sentences[-1][1] == c.end
        for s, e in c.sentences:
            assert c.start <= s < e <= c.end
            assert art.text[s:e] == art.text[s:e].strip()
    # neighbours overlap by exactly one whole sentence
    for a, b in zip(chunks, chunks[1:], strict=False):
        assert a.sentences[-1] == b.sentences[0]
    # together they cover every sentence of the article
    covered = {s for c in chunks for s in c.sentences}
    from rag.text import split_sentences

    assert covered == set(split_sentences(art.text))


def test_chunk_ids_are_stable_and_unique():
    a = chunk_article(_article())
    b = chunk_article(_article())
    assert [c.id for c in a] == [c.id for c in b]
    assert len({c.id for c in a}) == len(a)


def test_long_sentences_close_a_chunk_early():
    text = " ".join(
        f"Sentence number {i} is here with some words to make it long enough." for i in range(10)
    )
    art = Article(doc_id="d", text=text)
    chunks = chunk_article(
        art, IngestSettings(chunk_sentences=8, chunk_overlap=0, max_chunk_chars=200)
    )
    assert all(len(c.text) <= 200 for c in chunks)
    assert sum(len(c.sentences) for c in chunks) == 10


def test_a_very_long_line_is_split_in_pieces_quickly_and_exactly():
    """pysbd is quadratic in a line's length: a 520,000-character line once took minutes."""
    from rag.text import PIECE, split_sentences

    blob = "Gao est une ville du Mali " * 20_000  # scraped text without a full stop
    spans = split_sentences(blob, offset=7)
    assert len(spans) > 200
    assert max(e - s for s, e in spans) <= PIECE
    assert [blob[s - 7 : e - 7] for s, e in spans] == [
        blob[s - 7 : e - 7].strip() for s, e in spans
    ]
    prose = "The army said 12 soldiers were killed near Gao on Sunday. " * 300
    texts = [prose[s:e] for s, e in split_sentences(prose)]
    # cut only where a sentence ends: every sentence is whole
    assert texts == ["The army said 12 soldiers were killed near Gao on Sunday."] * 300
