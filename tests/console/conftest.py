"""Fixtures for the console's browser tests: a server of their own, Debian's chromium driven by
Playwright (its own browser download is never used), and where screenshots go: a temporary
directory, or docs/console/ when HEADWATER_CONSOLE_SCREENSHOTS=docs (the README's set)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from server_support import Server, serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "console"


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    yield from serving("--in-memory")


@pytest.fixture(scope="session")
def endpoint(server: Server) -> str:
    return server.url


# Per module, not per session: Playwright's sync API keeps an event loop running in this thread
# while it is open, and later tests' asyncio.run() would find it.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("the console's browser tests need Debian's chromium at /usr/bin/chromium "
                    "(apt-get install chromium; .ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # bypass_csp: wait_for_function evaluates strings, which the page's CSP forbids.
    context = browser.new_context(viewport={"width": 1200, "height": 760}, bypass_csp=True)
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("HEADWATER_CONSOLE_SCREENSHOTS") == "docs":
        DOCS.mkdir(parents=True, exist_ok=True)
        return DOCS
    return tmp_path_factory.mktemp("console-screenshots")
