"""Render a delivery's HTML report to a PNG with headless Chromium (for the README).

    .venv/bin/seh-stops demo --data-dir /tmp/demo
    .venv/bin/seh-stops deliver --month 2023-01 --data-dir /tmp/demo
    .venv/bin/python scripts/screenshot_report.py --data-dir /tmp/demo --month 2023-01

writes ``docs/delivery-report.png`` from the month's latest revision (or pass ``--html``).
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--html", type=Path, help="the report to render")
    parser.add_argument("--data-dir", default="data", help="data dir whose delivery to render")
    parser.add_argument("--month", default="2023-01", help="month whose latest revision to render")
    parser.add_argument(
        "--out", type=Path, default=REPO_ROOT / "docs" / "delivery-report.png", help="PNG to write"
    )
    parser.add_argument("--width", type=int, default=1080, help="viewport width in pixels")
    parser.add_argument("--height", type=int, default=760, help="viewport height in pixels")
    args = parser.parse_args(argv)

    html = args.html or _latest_report(args.data_dir, args.month)
    browser = os.environ.get("CHROMIUM") or next(filter(None, map(shutil.which, CANDIDATES)), None)
    if browser is None:
        sys.exit("no Chromium found: install it (apt-get install chromium) or set CHROMIUM")
    args.out.parent.mkdir(parents=True, exist_ok=True)
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
                f"--screenshot={args.out.resolve()}",
                html.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    print(args.out)
    return 0


def _latest_report(data_dir: str, month: str) -> Path:
    sys.path.insert(0, str(REPO_ROOT))
    from seh_stops import settings
    from seh_stops.delivery.folders import delivery_root, latest_revision

    settings.use_data_dir(data_dir)
    revision = latest_revision(delivery_root(), month)
    if revision is None:
        sys.exit(f"{month} was never delivered in {delivery_root()}: run `seh-stops deliver` first")
    return revision.file(".html")


if __name__ == "__main__":
    sys.exit(main())
