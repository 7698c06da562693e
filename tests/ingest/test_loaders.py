import pytest

from ingest.loaders import LoadError, load_file


def test_front_matter_is_read(tmp_path):
    p = tmp_path / "a.md"
    p.write_text(
        "---\ntitle: Talks stall\nsource: AFP\nurl: https://example.org/a\npublished: 2024-08-02\n"
        "author: A. Writer\n---\n# Talks stall\nThe talks in Algiers stalled on Friday, officials said.\n",
        encoding="utf-8",
    )
    a = load_file(p)
    assert (a.title, a.source, a.url, a.published, a.author) == (
        "Talks stall",
        "AFP",
        "https://example.org/a",
        "2024-08-02",
        "A. Writer",
    )
    assert a.text == "Talks stall\nThe talks in Algiers stalled on Friday, officials said."


def test_sidecar_metadata_and_seed_corpus():
    import hashlib

    from tests.conftest import SEED, SEED_SHA256

    a = load_file(SEED)
    assert (a.source, a.published) == ("Reuters", "2024-08-01")
    assert "Latest Stories" not in a.text
    # the shipped file is the scraped file, byte for byte (furniture stripped by ingest, not by hand)
    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == SEED_SHA256


def test_html_is_extracted_with_trafilatura(tmp_path):
    p = tmp_path / "page.html"
    body = " ".join(["Fighting resumed near Kidal on Monday, residents said."] * 6)
    p.write_text(
        f"<html><head><title>Kidal clashes</title><meta property='og:site_name' content='Sahel Times'>"
        f"<meta name='date' content='2024-09-03'></head><body><nav>Home | World | Sport</nav>"
        f"<article><h1>Kidal clashes</h1><p>{body}</p><p>{body}</p></article>"
        f"<footer>Copyright Sahel Times</footer></body></html>",
        encoding="utf-8",
    )
    a = load_file(p)
    assert a.title == "Kidal clashes"
    assert a.published == "2024-09-03"
    assert "Fighting resumed near Kidal" in a.text
    assert "Home | World" not in a.text and "Copyright" not in a.text


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bin.txt", b"\x00\x01\x02binary", "binary file"),
        ("mark.txt", b"\xff\xfe\x00\x00garbage", "starts like UTF-16 text but is not"),
        ("empty.txt", b"", "no article text"),
        (
            "bad-front.md",
            b"---\ntitle: [unclosed\n---\nBody text here.\n",
            "front matter is not valid YAML",
        ),
        ("bad-date.md", b"---\npublished: last week\n---\nBody text here.\n", "YYYY-MM-DD"),
        ("x.pdf", b"%PDF-1.4 garbage", "not a readable PDF"),
        ("x.odt", b"PK", "unsupported file type"),
    ],
)
def test_bad_files_give_clear_errors(tmp_path, name, content, reason):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(LoadError, match=reason):
        load_file(p)


def test_latin1_text_is_decoded(tmp_path):
    p = tmp_path / "latin.txt"
    p.write_bytes(
        "Le Mali a sign\xe9 un accord de paix avec les groupes arm\xe9s du nord.".encode("latin-1")
    )
    assert "signé" in load_file(p).text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_text_without_a_byte_order_mark_is_decoded(tmp_path, encoding):
    p = tmp_path / "windows-export.txt"
    p.write_bytes("Les rebelles ont pris la ville de Léré vendredi, selon un élu.".encode(encoding))
    assert "Léré" in load_file(p).text


def test_a_title_from_a_file_name_is_one_line(tmp_path):
    p = tmp_path / "mali\nnews_report.txt"
    p.write_text("Rebels seized the town of Léré on Friday, a local official said.")
    assert load_file(p).title == "mali news report"


def test_decomposed_accents_and_invisible_characters_are_normalised(tmp_path):
    import unicodedata

    # as copied from a macOS page: accents decomposed, a soft hyphen and a zero-width space
    # inside words, a right-to-left override that would make the UI display other text
    text = unicodedata.normalize(
        "NFD",
        "L'armée a déclaré que Wag\u00adner avait perdu 8\u200b4 hommes\u202e à Tinzaouatène, "
        "selon l'état-major. Le bilan dépasse 1\u202f200 déplacés.",
    )
    p = tmp_path / "nfd.txt"
    p.write_text(f"---\ntitle: {unicodedata.normalize('NFD', 'Bilan de l’été')}\n---\n{text}\n")
    a = load_file(p)
    assert a.text == (
        "L'armée a déclaré que Wagner avait perdu 84 hommes à Tinzaouatène, selon l'état-major. "
        "Le bilan dépasse 1\u202f200 déplacés."
    )
    assert unicodedata.is_normalized("NFC", a.title) and a.title == "Bilan de l’été"
    assert a.language == "fr"
