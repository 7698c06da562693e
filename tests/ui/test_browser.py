"""End to end in headless Chromium (Debian's, driven by Playwright): ask, click [1], see the
highlighted passage; an article carrying <script> renders as text and runs nothing.

Skipped where /usr/bin/chromium is absent; `.ci/run` installs it and sets
RAG_TEST_REQUIRE_COMPONENTS=1, which turns that skip into a failure.
"""

import os
import shutil
from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths
from rag.answering.assistant import Assistant
from rag.settings import Settings
from tests.conftest import CORPUS, missing_component
from tests.ui.test_ui import launched
from ui.app import build_demo
from ui.corpus import Corpus

CHROMIUM = Path(os.environ.get("RAG_CHROMIUM", "/usr/bin/chromium"))
pytestmark = [pytest.mark.slow, pytest.mark.ui]


ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
XSS = (
    "---\ntitle: Notice in Menaka\nsource: Sahel Post\npublished: 2024-09-12\n---\n"
    "Officials in Menaka said the water supply was restored on Friday after a notice reading "
    '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> was posted '
    "on the town hall door.\n"
)


@pytest.fixture(scope="module")
def app(tmp_path_factory, real_embedder):
    if not CHROMIUM.exists():
        missing_component("Debian's chromium", "run 'make browser' (apt-get install chromium)")
    root = tmp_path_factory.mktemp("browser")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "menaka.md").write_text(XSS)
    settings = Settings(home=root / "home")
    report = ingest_paths([corpus], settings=settings, embedder=real_embedder)
    assert (report.articles, report.errors) == (2, [])
    assistant = Assistant(settings, embedder=real_embedder, use_llm=False)
    demo = build_demo(stream_fn=assistant.ask_stream, corpus=Corpus(assistant.store))
    url = launched(demo)
    yield url, assistant
    demo.close()


@pytest.fixture(scope="module")
def page(app):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        pg.goto(app[0])
        pg.get_by_role("button", name="Ask", exact=True).wait_for()
        yield pg
        browser.close()


def ask(page, question: str) -> None:
    """Start a new chat and ask; a click before the app has connected is retried."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.get_by_role("button", name="New chat").click()
    for _attempt in range(5):
        page.get_by_label("Question").fill(question)
        page.get_by_role("button", name="Ask", exact=True).click()
        try:
            page.get_by_text(question, exact=True).first.wait_for(timeout=5_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"the question never reached the chat: {question!r}")


def test_click_a_citation_opens_the_highlighted_passage(app, page):
    url, assistant = app
    q = "How many Malian soldiers did the Tuareg rebels say they had killed?"
    expected = assistant.ask(q).citations[0].sentence
    ask(page, q)
    marker = page.locator("a[href='#src-1']:visible").first
    marker.wait_for(timeout=60_000)
    marker.click()
    mark = page.locator("#src-1 mark")
    mark.wait_for(state="visible")
    assert mark.inner_text().strip() == expected
    assert "Malian soldiers" in mark.inner_text()
    assert page.locator("#src-1").get_attribute("class") == "source active"
    shot = os.environ.get("RAG_SCREENSHOT")
    if shot:
        page.screenshot(path=shot, full_page=False)


def test_script_in_an_article_is_shown_as_text_and_never_runs(app, page):
    ask(page, "When was the water supply in Menaka restored?")
    page.locator("a[href='#src-1']:visible").first.wait_for(timeout=60_000)
    assert page.evaluate("window.__pwned") is None
    literal = "<script>window.__pwned = 1</script>"
    assert literal in page.locator("#src-1").inner_text()
    assert page.locator("#sources script, #sources img").count() == 0
