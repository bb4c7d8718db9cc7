"""Data Docs pages that render offline and call nowhere.

GX's page templates load their scripts and styles from public CDNs and the GX logo from a
public S3 bucket (with the data context's id in the URL): offline the pages are empty, online
each opening tells third parties the deployment exists. The site's store backend (configured
in ``expectations/great_expectations.yml``) is :class:`OfflineSiteBackend`: when GX writes a
page, it rewrites the page with :func:`offline_html` to load the local copies that
``data_docs_assets`` fetched at set-up, which it copies into the site's ``static/vendor/``
first. One place, at write time: a page is never on disk in its CDN form, and GX's installed
templates stay as they are.

A page's links a reader clicks (``<a href="https://...">``) stay: they fetch nothing unless
clicked.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

import jinja2
from great_expectations.data_context.store import TupleFilesystemStoreBackend

from seh_stops.quality import data_docs_assets
from seh_stops.quality.data_docs_assets import ASSETS_DIR, CDN_FILES, PACKAGES

logger = logging.getLogger(__name__)

# The GX logo comes from this bucket; GX ships the same image in the site's static/images.
GX_ASSETS_BUCKET = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
LOCAL_LOGO = "static/images/logo-long.png"
VENDOR_DIR = "static/vendor"
VENDOR_MARKER = ".packages"  # in the site's static/vendor: which package versions it holds

_ELEMENT = re.compile(
    r"<script\b[^>]*>\s*</script>|<(?:link|img)\b[^>]*>", re.IGNORECASE | re.DOTALL
)
_URL_ATTRIBUTE = re.compile(r'(?<![\w-])(src|href)="([^"]*)"', re.IGNORECASE)
_SRI_ATTRIBUTES = re.compile(r'\s(?:integrity|crossorigin)="[^"]*"', re.IGNORECASE)
_RELATIVE_STATIC = re.compile(r"^(?:\./|(?:\.\./)+)?static/")
_CSS_EXTERNAL_URL = re.compile(r"""url\(\s*['"]?(?:https?:)?//[^)]*\)""", re.IGNORECASE)
_STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.IGNORECASE | re.DOTALL)


class DataDocsAssetsMissing(RuntimeError):
    """The set-up step that fetches the Data Docs' scripts and styles has not run."""


def offline_html(html: str, depth: int) -> str:
    """``html`` of a page ``depth`` folders below the site root, with every script, style and
    image it loads pointing at the site's own files.

    A CDN file becomes its local copy (without the ``integrity``/``crossorigin`` attributes:
    a file:// page cannot make the CORS request they ask for; set-up checked the hashes), the
    GX logo becomes GX's own copy in ``static/images``, relative ``static/`` paths are made
    right for the page's folder (GX's favicon path is one folder short on validation pages),
    and an external load this module does not know is removed, with a warning, rather than
    left to call out. External ``url(...)`` in ``<style>`` blocks (GX's dark-mode logo)
    become ``none``; the rest of the page (values of the data among it) is left as it is.
    """
    root = "../" * depth

    def element(match: re.Match[str]) -> str:
        tag = match.group(0)
        found = _URL_ATTRIBUTE.search(tag)
        if not found:
            return tag
        url = found.group(2)
        local = _local(url, root)
        if local is None:
            logger.warning("Data Docs: removed a load of %s, which has no local copy", url)
            return ""
        if local == url:
            return tag
        start, end = found.span(2)
        tag = tag[:start] + local + tag[end:]
        return _SRI_ATTRIBUTES.sub("", tag) if _is_external(url) else tag

    def style(match: re.Match[str]) -> str:
        opening, css, closing = match.groups()
        return opening + _CSS_EXTERNAL_URL.sub("none", css) + closing

    return _STYLE.sub(style, _ELEMENT.sub(element, html))


def _local(url: str, root: str) -> str | None:
    """The page-relative local file for ``url``; ``url`` itself when it is not an external
    or static load; None for an external load without a local copy."""
    if _is_external(url):
        if url in CDN_FILES:
            return root + CDN_FILES[url]
        if url.startswith(GX_ASSETS_BUCKET) and url.split("?", 1)[0].endswith("/logo-long.png"):
            return root + LOCAL_LOGO
        return None
    if _RELATIVE_STATIC.match(url):
        return root + _RELATIVE_STATIC.sub("static/", url, count=1)
    return url


def _is_external(url: str) -> bool:
    return url.lower().startswith(("http://", "https://", "//"))


def copy_vendor_assets(site_root: Path, assets_dir: Path = ASSETS_DIR) -> bool:
    """Copy the fetched packages into ``site_root/static/vendor`` unless they are there at
    their pinned versions; True when copied.

    Files are copied under temporary names and renamed, and the marker is written last, so
    a concurrent or interrupted build never leaves a vendor folder that looks complete.
    """
    vendor = site_root / VENDOR_DIR
    wanted = "\n".join(f"{p.folder} {p.integrity}" for p in PACKAGES)
    marker = vendor / VENDOR_MARKER
    if marker.is_file() and marker.read_text(encoding="utf-8") == wanted:
        return False
    absent = data_docs_assets.missing(assets_dir)
    if absent:
        raise DataDocsAssetsMissing(
            f"the Data Docs' scripts and styles ({', '.join(p.folder for p in absent)}) are "
            f"not in {assets_dir}: run `make setup` (or `python -m "
            "seh_stops.quality.data_docs_assets`) once with access to the npm registry"
        )
    for package in PACKAGES:
        source = assets_dir / package.folder
        for path in sorted(source.rglob("*")):
            if path.is_file() and path.name != data_docs_assets.MARKER:
                _write_atomically(vendor / package.folder / path.relative_to(source), path)
    _write_atomically(marker, wanted.encode("utf-8"))
    return True


def _write_atomically(target: Path, content: Path | bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            if isinstance(content, Path):
                with content.open("rb") as source:
                    shutil.copyfileobj(source, out)
            else:
                out.write(content)
        os.replace(scratch, target)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise


class OfflineSiteBackend(TupleFilesystemStoreBackend):
    """GX's filesystem store for a Data Docs site, writing pages that render offline.

    GX makes one of these per part of the site (suites, validations, index, static files),
    each with the site's ``base_directory`` as root; only ``.html`` pages are rewritten.
    Pages are written under a temporary name and renamed, so a reader never opens half a page.
    """

    def _set(self, key, value, **kwargs):
        if not isinstance(key, tuple):
            key = key.to_tuple()
        relative = Path(self._convert_key_to_filepath(key))
        if relative.suffix != ".html":
            return super()._set(key, value, **kwargs)
        site_root = Path(self.full_base_directory)
        copy_vendor_assets(site_root)
        html = value.decode("utf-8") if isinstance(value, bytes) else value
        page = site_root / relative
        _write_atomically(page, offline_html(html, len(relative.parts) - 1).encode("utf-8"))
        return str(page)


class _ProcessTemplateCache(jinja2.BytecodeCache):
    """GX's page templates, compiled once per process.

    Every GX view makes a new jinja ``Environment``, so every Data Docs build compiled the
    same hundred templates again: most of a build's time (docs/performance.md). Jinja keys a
    compiled template by its name and checks it against the checksum of its source, so a
    changed template compiles again. The compiled code depends on the environment's settings
    too, which jinja does not key on: they are part of the key here, and GX builds every
    environment alike (one place, ``DefaultJinjaView.__init__``).
    """

    def __init__(self) -> None:
        self._compiled: dict[tuple, bytes] = {}

    @staticmethod
    def _key(bucket: jinja2.bccache.Bucket) -> tuple:
        env = bucket.environment
        settings = (
            tuple(sorted(env.extensions)),
            env.block_start_string,
            env.variable_start_string,
            env.comment_start_string,
            env.line_statement_prefix,
            env.trim_blocks,
            env.lstrip_blocks,
            env.newline_sequence,
            env.keep_trailing_newline,
            env.optimized,
            getattr(env.autoescape, "__qualname__", repr(env.autoescape)),
        )
        return (bucket.key, bucket.checksum, settings)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._compiled.get(self._key(bucket))
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[self._key(bucket)] = bucket.bytecode_to_string()


_TEMPLATE_CACHE = _ProcessTemplateCache()


def share_compiled_templates() -> None:
    """Give every GX view of this process the one template cache (idempotent)."""
    from great_expectations.render.view.view import DefaultJinjaView

    if getattr(DefaultJinjaView, "_seh_stops_template_cache", False):
        return
    make_environment = DefaultJinjaView.__init__

    def __init__(self, *args, **kwargs) -> None:
        make_environment(self, *args, **kwargs)
        self.env.bytecode_cache = _TEMPLATE_CACHE

    DefaultJinjaView.__init__ = __init__
    DefaultJinjaView._seh_stops_template_cache = True
