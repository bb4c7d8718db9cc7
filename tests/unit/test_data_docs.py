"""The rewrite that makes a GX Data Docs page load only the site's own files."""

from __future__ import annotations

import re
from pathlib import Path

import great_expectations
import pytest

from seh_stops.quality import data_docs
from seh_stops.quality.data_docs import DataDocsAssetsMissing, copy_vendor_assets, offline_html
from seh_stops.quality.data_docs_assets import CDN_FILES, PACKAGES

TEMPLATES = Path(great_expectations.__file__).parent / "render" / "view"
BUCKET = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"


def test_every_cdn_url_of_the_installed_gx_templates_has_a_local_copy():
    """A GX upgrade that loads something new fails here, before a page calls out."""
    loads = set()
    pages = [p for p in TEMPLATES.glob("templates/*.j2") if not p.name.startswith("markdown")]
    for path in [*pages, *TEMPLATES.glob("static/styles/*.css")]:
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"<a\b[^>]*>", "", text)  # links a reader clicks fetch nothing
        text = re.sub(r"\{#.*?#\}", "", text, flags=re.DOTALL)  # Jinja comments
        loads |= set(re.findall(r"https?://[^\s\"'<>)]+", text))
    assert loads, "the templates moved: point TEMPLATES at them"
    # the GX logos come from the bucket; the rewrite replaces or drops them
    assert {url for url in loads - set(CDN_FILES) if not url.startswith(BUCKET)} == set()


def test_cdn_loads_become_local_files_relative_to_the_page():
    html = "\n".join(
        f'<script src="{url}" integrity="sha384-x" crossorigin="anonymous"></script>'
        if url.endswith(".js") or "vega" in url
        else f'<link rel="stylesheet" href="{url}"/>'
        for url in CDN_FILES
    )
    out = offline_html(html, depth=4)
    assert "http" not in out and "integrity" not in out and "crossorigin" not in out
    for local in CDN_FILES.values():
        assert f'"../../../../{local}"' in out


def test_the_logo_is_gx_own_copy_and_the_context_id_is_gone():
    html = (
        f'<img class="NO-CACHE" src="{BUCKET}logo-long.png?d=20230101T000000Z&amp;'
        'dataContextId=c71ea029" alt="Great Expectations"/>'
        f"<style>.navbar-brand a {{ background: url('{BUCKET}full_logo_dark.png') 0 0; }}</style>"
        "<td>url(https://example.org/a value in the data)</td>"
    )
    out = offline_html(html, depth=1)
    assert '<img class="NO-CACHE" src="../static/images/logo-long.png"' in out
    assert "background: none 0 0;" in out
    assert "<td>url(https://example.org/a value in the data)</td>" in out
    assert "dataContextId" not in out and "amazonaws" not in out


def test_static_paths_are_made_right_for_the_page_folder():
    # GX puts a validation page's favicon one folder short
    html = '<link rel="shortcut icon" href="../../../static/images/favicon.ico"/>'
    assert 'href="../../../../static/images/favicon.ico"' in offline_html(html, depth=4)
    assert 'href="static/images/favicon.ico"' in offline_html(
        '<link href="./static/images/favicon.ico"/>', depth=0
    )


def test_an_unknown_external_load_is_removed_and_links_stay():
    html = (
        '<script src="https://cdn.example.org/new.js"></script>'
        '<link rel="stylesheet" href="//fonts.example.org/x.css">'
        "<script>var inline = 1;</script>"
        '<a href="https://greatexpectations.io">Great Expectations</a>'
        '<a href="../index.html">Home</a>'
    )
    out = offline_html(html, depth=1)
    assert "example.org" not in out
    assert "<script>var inline = 1;</script>" in out
    assert '<a href="https://greatexpectations.io">' in out and 'href="../index.html"' in out


def test_the_rewrite_leaves_a_rewritten_page_as_it_is():
    html = f'<script src="{next(iter(CDN_FILES))}"></script><img src="{BUCKET}logo-long.png">'
    once = offline_html(html, depth=2)
    assert offline_html(once, depth=2) == once


def test_vendor_files_are_copied_once_and_missing_ones_say_run_make_setup(tmp_path, monkeypatch):
    assets = tmp_path / "assets"
    site = tmp_path / "site"
    with pytest.raises(DataDocsAssetsMissing, match="make setup"):
        copy_vendor_assets(site, assets)
    for package in PACKAGES:
        folder = assets / package.folder
        (folder / "dist").mkdir(parents=True)
        (folder / "dist" / "a.js").write_text(package.folder, encoding="utf-8")
        (folder / ".integrity").write_text(package.integrity, encoding="utf-8")
    assert copy_vendor_assets(site, assets)
    first = PACKAGES[0].folder
    assert (site / "static/vendor" / first / "dist/a.js").read_text(encoding="utf-8") == first
    assert not (site / "static/vendor" / first / ".integrity").exists()
    assert not copy_vendor_assets(site, assets)  # the marker says they are there
    monkeypatch.setattr(data_docs, "PACKAGES", PACKAGES[:1])  # another set of pins
    assert copy_vendor_assets(site, assets)
