"""Debian's Chromium, headless, with every request that leaves the file system refused.

The delivered pages (the monthly report, the public quarter page) and the Data Docs must render
offline: a test opens them here and asserts that ``refused`` stayed empty. Browser downloads
fail on this network, so the tests use Debian's package and skip where it is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed"
)


@contextmanager
def offline_browser(width: int, height: int) -> Iterator[tuple[object, list[str]]]:
    """A browser context of that viewport, and the list of the URLs it refused to fetch."""
    from playwright.sync_api import sync_playwright

    refused: list[str] = []

    def route(request_route) -> None:
        if request_route.request.url.startswith("file://"):
            request_route.continue_()
        else:
            refused.append(request_route.request.url)
            request_route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            context = browser.new_context(viewport={"width": width, "height": height})
            context.route("**/*", route)
            yield context, refused
        finally:
            browser.close()
