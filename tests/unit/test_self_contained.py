"""The repository explains itself: a clone on its own holds everything its text points at.

The rules are cited from docs/specification.md ("specification, section 4.2"); nothing may
point at a folder outside the repository or at an item of the issue tracker, which a reader
of a clone cannot open.
"""

from __future__ import annotations

import re
import subprocess

from seh_stops.settings import REPO_ROOT

# Built from parts so that this file does not match itself.
OUTSIDE = re.compile("|".join([r"\.\./" + "shared", r"\bshared/", "lpz-export-" + "contract"]))
TRACKER = re.compile(r"\b(?:[Ii]ssue|[Tt]ask|[Tt]icket)s?\s+#?\d+")
BINARY_SUFFIXES = (".png", ".jpg", ".xlsx", ".duckdb", ".lock")


def tracked_text_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [name for name in listed if not name.endswith(BINARY_SUFFIXES)]


def offending_lines(pattern: re.Pattern[str]) -> list[str]:
    found = []
    for name in tracked_text_files():
        path = REPO_ROOT / name
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if pattern.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    return found


def test_nothing_points_outside_the_repository():
    assert offending_lines(OUTSIDE) == []


def test_nothing_cites_a_tracker_item():
    assert offending_lines(TRACKER) == []


def test_the_specification_is_in_the_repository_with_the_sections_the_code_cites():
    text = (REPO_ROOT / "docs" / "specification.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)[. ]", text, flags=re.M))
    cited = set()
    for name in tracked_text_files():
        path = REPO_ROOT / name
        if name == "docs/specification.md" or not path.is_file():
            continue
        try:
            content = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        cited.update(re.findall(r"[Ss]pecification, sections? (\d+(?:\.\d+)?)", content))
    assert cited, "nothing cites the specification"
    assert cited <= headings, f"cited sections without a heading: {sorted(cited - headings)}"
