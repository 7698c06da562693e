"""corpus/sources.yaml: entries checked one by one, intervals, backoff, politeness (fast, pure)."""

import datetime as dt
import shutil

import pytest

from ingest.loaders import LoadError
from ingest.pipeline import ingest_paths
from ingest.refresh import HostGate, backoff, is_due
from ingest.sources import Source, format_interval, load_sources, parse_interval
from rag.settings import IngestSettings
from rag.sources import SourceState
from tests.conftest import CORPUS

GOOD = "  - {outlet: Sahel Wire, url: https://sahelwire.example/rss, language: en, every: 6h}\n"


def test_the_shipped_list_is_valid_and_names_both_languages():
    sources, problems = load_sources(CORPUS / "sources.yaml")
    assert problems == []
    assert {s.language for s in sources} == {"en", "fr"}
    assert len({s.url for s in sources}) == len(sources) >= 10
    assert all(s.url.startswith("https://") for s in sources)


def test_bad_entries_name_the_file_entry_and_field_and_good_ones_still_load(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n"
        + GOOD
        + "  - {outlet: Bad, url: 'ftp://x.example/rss', language: de, every: 6 hours}\n"
        + "  - {url: https://other.example/rss, language: fr, colour: red}\n"
        + "  - {outlet: Quick, url: https://quick.example/rss, language: fr, every: 10s}\n"
        + "  - {outlet: Bare, url: https://bare.example/rss, language: fr, every: 30}\n"
        + "  - {outlet: Again, url: https://sahelwire.example/rss, language: en}\n"
        + "  - just a string\n"
    )
    sources, problems = load_sources(path)
    assert sources == [
        Source(outlet="Sahel Wire", url="https://sahelwire.example/rss", language="en", every="6h")
    ]
    assert problems == [
        f"{path}: entry 2 (Bad): field 'url': 'ftp://x.example/rss' is not an http(s) URL: "
        "write it as https://host/path",
        f"{path}: entry 2 (Bad): field 'language': 'de' is not allowed: write 'en' or 'fr'",
        f"{path}: entry 2 (Bad): field 'every': '6 hours' is not an interval: write a number "
        "and a unit, e.g. 30m, 6h or 1d",
        f"{path}: entry 3: field 'outlet': missing: add it",
        f"{path}: entry 3: field 'colour': unknown field: the fields are outlet, url, "
        "language, kind, every",
        f"{path}: entry 4 (Quick): field 'every': '10s' is shorter than 1m: refresh a source "
        "at most once a minute",
        f"{path}: entry 5 (Bare): field 'every': 30 is not an interval (a bare number has no "
        "unit): write a number and a unit, e.g. 30m, 6h or 1d",
        f"{path}: entry 6 (Again): field 'url': the same URL as entry 1",
        f"{path}: entry 7: not a mapping: give outlet, url, language, kind, every",
    ]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("sources: [\n", "not valid YAML .* line"),
        ("- {outlet: A}\n", "expected a mapping with a 'sources:' list"),
        ("sources: 3\n", "expected a mapping with a 'sources:' list"),
    ],
)
def test_an_unusable_file_is_one_error_naming_it(tmp_path, text, match):
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    with pytest.raises(LoadError, match=f"^{path}: {match}"):
        load_sources(path)
    with pytest.raises(LoadError, match="cannot read the sources list"):
        load_sources(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    ("text", "seconds", "back"),
    [("90s", 90, "90s"), ("30m", 1800, "30m"), ("6h", 21600, "6h"), ("1d", 86400, "1d")],
)
def test_intervals(text, seconds, back):
    assert parse_interval(text) == seconds
    assert format_interval(seconds) == back


def test_backoff_doubles_from_ten_minutes_to_a_day():
    s = IngestSettings()
    assert [backoff(n, s) for n in range(9)] == [
        0,
        600,
        1200,
        2400,
        4800,
        9600,
        19200,
        38400,
        76800,
    ]
    assert backoff(9, s) == backoff(30, s) == 86400


def test_a_source_is_due_after_its_interval_or_its_backoff():
    s = IngestSettings()
    src = Source(outlet="A", url="https://a.example/rss", language="en", every="1h")
    t0 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    ok = SourceState(url=src.url, last_refresh=t0)
    failing = SourceState(url=src.url, last_refresh=t0, failures=3)  # backoff 40 min
    at = [t0 + dt.timedelta(minutes=m) for m in (39, 40, 59, 60)]
    assert [is_due(src, None, s, t0), is_due(src, SourceState(url=src.url), s, t0)] == [True, True]
    assert [is_due(src, ok, s, t) for t in at] == [False, False, False, True]
    assert [is_due(src, failing, s, t) for t in at] == [False, True, True, True]


def test_the_host_gate_spaces_requests_to_one_host_only():
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    gate = HostGate(2.0, clock=lambda: now[0], sleep=sleep)
    for url in ("https://a.example/1", "https://b.example/1", "https://A.example/2"):
        with gate.slot(url):
            now[0] += 0.5  # the request takes half a second
    # b.example did not wait for a.example; a.example's second request waited until 2 s after
    # its first ended (100.5 + 2), half a second of which b.example's request had taken
    assert slept == [1.5]


def test_ingesting_the_corpus_folder_skips_the_sources_list_silently(
    tmp_path, settings, fake_embedder
):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    assert (corpus / "sources.yaml").exists()
    report = ingest_paths([corpus], settings=settings, embedder=fake_embedder)
    assert (report.files, report.articles, report.skipped, report.errors) == (1, 1, [], [])
    named = ingest_paths([corpus / "sources.yaml"], settings=settings, embedder=fake_embedder)
    assert (named.files, named.errors) == (0, [])
    assert named.skipped == [
        f"{corpus / 'sources.yaml'}: a list of sources, not an article: refresh it with "
        f"'python -m ingest --sources {corpus / 'sources.yaml'}'"
    ]
