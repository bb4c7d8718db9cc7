"""Picture a delivered page (the monthly report or the quarterly public page) as a PNG with
headless Chromium, for the docs.

    .venv/bin/seh-stops demo --data-dir /tmp/demo
    .venv/bin/seh-stops deliver --month 2023-01 --data-dir /tmp/demo
    .venv/bin/python scripts/screenshot_report.py --data-dir /tmp/demo --month 2023-01
    .venv/bin/python scripts/screenshot_report.py --data-dir /tmp/demo --quarter 2023-Q1
    .venv/bin/python scripts/screenshot_report.py /tmp/demo/publicatie/2023-Q1/revisie-1

``--month`` pictures the month's latest revision as ``docs/delivery-report.png``; ``--quarter``
the quarter's latest published revision (``publicatie/YYYY-QN/revisie-N/*.html`` under
``SEH_PUBLICATION_DIR`` or the data dir) as ``docs/publication-page.png``; a path pictures that
HTML file, or the one HTML file of that revision folder (``--out`` names the PNG).
Needs a Chromium binary (Debian: ``apt-get install chromium``); the test suite never does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DOCS = REPO_ROOT / "docs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", nargs="?", type=Path, help="an HTML file or a revision folder")
    parser.add_argument("--html", type=Path, help="the HTML file to picture (same as `page`)")
    parser.add_argument("--data-dir", default="data", help="data dir whose delivery to picture")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--month", help="month (YYYY-MM) whose latest revision to picture")
    which.add_argument("--quarter", help="quarter (YYYY-QN) whose latest publication to picture")
    parser.add_argument("--out", type=Path, help="PNG to write (default: in docs/)")
    parser.add_argument("--width", type=int, default=1080, help="viewport width in pixels")
    parser.add_argument("--height", type=int, default=1120, help="viewport height in pixels")
    args = parser.parse_args(argv)

    page = args.page or args.html
    if page is not None:
        html, out = _html_in(page), args.out or DOCS / "delivery-report.png"
    elif args.quarter:
        html = _latest_revision_page(args.data_dir, args.quarter)
        out = args.out or DOCS / "publication-page.png"
    else:
        html = _latest_revision_page(args.data_dir, args.month or "2023-01")
        out = args.out or DOCS / "delivery-report.png"
    browser = os.environ.get("CHROMIUM") or next(filter(None, map(shutil.which, CANDIDATES)), None)
    if browser is None:
        sys.exit("no Chromium found: install it (apt-get install chromium) or set CHROMIUM")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:  # a throwaway profile: no state is kept
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                f"--user-data-dir={profile}",
                f"--window-size={args.width},{args.height}",
                f"--screenshot={out.resolve()}",
                html.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    print(out)
    return 0


def _html_in(path: Path) -> Path:
    """``path`` if it is a file, else the one HTML file of the revision folder ``path``."""
    if path.is_file():
        return path
    pages = sorted(path.glob("*.html")) if path.is_dir() else []
    if len(pages) != 1:
        sys.exit(f"{path}: not an HTML file nor a revision folder with one HTML file in it")
    return pages[0]


def _latest_revision_page(data_dir: str, period: str) -> Path:
    """The HTML of the period's highest final ``revisie-N`` (never a preliminary): the monthly
    report for a month, the public page for a quarter."""
    sys.path.insert(0, str(REPO_ROOT))
    from seh_stops import settings
    from seh_stops.delivery.folders import delivery_root, latest_revision, publication_root

    settings.use_data_dir(data_dir)
    quarter = "-Q" in period
    root = publication_root() if quarter else delivery_root()
    revision = latest_revision(root, period)
    if revision is None:
        command = "publish" if quarter else "deliver"
        sys.exit(f"{period} is not in {root}: run `seh-stops {command}` first")
    return _html_in(revision.folder)


if __name__ == "__main__":
    sys.exit(main())
