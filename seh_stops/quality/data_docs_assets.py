"""Set-up step: the scripts, styles and fonts GX's Data Docs load, fetched once from npm.

GX's page templates load bootstrap, bootstrap-table, jQuery, popper, vega, font-awesome and a
datepicker from public CDNs, and its tables are built by that JavaScript. Data Docs must render
where LNAZ opens them, often without internet, and opening them must tell no third party that
the deployment exists. So ``make setup`` (``python -m seh_stops.quality.data_docs_assets``)
fetches the npm packages those CDN URLs serve, pinned by version and by the registry's sha512
integrity, and unpacks the files the pages use into ``expectations/uncommitted/data_docs_assets``
(not committed). Writing a page copies them into the site's ``static/vendor/`` and points the
page at them (``data_docs``). Nothing is fetched when a run builds pages: a run may be offline.

Already unpacked packages are not fetched again, so an offline ``make setup`` of a set-up
checkout works. ``SEH_NPM_REGISTRY`` names a mirror of the npm registry; the hashes still hold.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import os
import shutil
import tarfile
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from seh_stops.settings import REPO_ROOT

ASSETS_DIR = REPO_ROOT / "expectations" / "uncommitted" / "data_docs_assets"
NPM_REGISTRY_ENV = "SEH_NPM_REGISTRY"
DEFAULT_NPM_REGISTRY = "https://registry.npmjs.org"
MARKER = ".integrity"  # in each unpacked package: the integrity it was checked against
DOWNLOAD_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class NpmPackage:
    """One npm package version and the files of it the Data Docs pages load."""

    name: str  # as npm spells it, scope included
    version: str
    integrity: str  # the registry's dist.integrity: "sha512-" and the base64 digest
    files: tuple[str, ...]  # paths inside the package; one ending in "/" is a whole folder

    @property
    def folder(self) -> str:
        """Its folder under ``static/vendor/`` (npm's tarball name: no scope, no '@')."""
        return f"{self.name.rsplit('/', 1)[-1]}-{self.version}"

    def tarball_url(self, registry: str) -> str:
        return f"{registry.rstrip('/')}/{self.name}/-/{self.folder}.tgz"

    def vendor_path(self, file: str) -> str:
        """The file's path relative to the Data Docs site root."""
        return f"static/vendor/{self.folder}/{file}"


BOOTSTRAP = NpmPackage(
    "bootstrap",
    "4.3.1",
    "sha512-rXqOmH1VilAt2DyPzluTi2blhk17bO7ef+zLLPlWvG494pDxcM234pJ8wTc/6R40UWizAIIMgxjvxZg5kmsbag==",
    ("dist/css/bootstrap.min.css", "dist/js/bootstrap.min.js"),
)
BOOTSTRAP_TABLE = NpmPackage(
    "bootstrap-table",
    "1.19.1",
    "sha512-WvV+l1AI/C+zThaKmfHmi/IuayVNB0qdFyEhFx1jyZhO0oLtNJNANkCR3rvJf6Dkh72dsLElxpE/bzK9seEQLA==",
    (
        "dist/bootstrap-table.min.css",
        "dist/bootstrap-table.min.js",
        "dist/extensions/filter-control/bootstrap-table-filter-control.css",
        "dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
        "dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    ),
)
JQUERY = NpmPackage(
    "jquery",
    "3.7.1",
    "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
    ("dist/jquery.min.js",),
)
POPPER = NpmPackage(
    "popper.js",
    "1.12.9",
    "sha512-s0EEi9xiSCdqz9lV4IiVH5yIZnDX/U1t0tCjB+0jXx9jW8lrR7kOpVupiUg175ogqVoudpDXHF1p6dKATCHMeg==",
    ("dist/umd/popper.min.js",),
)
FONT_AWESOME = NpmPackage(
    "@fortawesome/fontawesome-free",
    "6.6.0",
    "sha512-60G28ke/sXdtS9KZCpZSHHkCbdsOGEhIUGlwq6yhY74UpTiToIh8np7A8yphhM4BWsvNFtIvLpi4co+h9Mr9Ow==",
    ("css/all.min.css", "webfonts/"),  # the stylesheet loads ../webfonts/
)
DATEPICKER = NpmPackage(
    "bootstrap-datepicker",
    "1.9.0",
    "sha512-9rYYbaVOheGYxjOr/+bJCmRPihfy+LkLSg4fIFMT9Od8WwWB/MB50w0JO1eBgKUMbb7PFHQD5uAfI3ArAxZRXA==",
    ("dist/css/bootstrap-datepicker.min.css", "dist/js/bootstrap-datepicker.min.js"),
)
BOOTSTRAP_DARK = NpmPackage(
    "@forevolve/bootstrap-dark",
    "1.1.0",
    "sha512-A3ucpEpxPoTVO490lZZCfjPXxv832l7mm1IxX3bXyxvgwnPGXDLyh7dWrphXKO8YBAu3EswbBEu3VSW8NRMW3A==",
    ("dist/css/bootstrap-prefers-dark.css",),
)
# GX loads the newest vega@5, vega-lite@5 and vega-embed@6; these are the newest of those.
VEGA = NpmPackage(
    "vega",
    "5.33.1",
    "sha512-1fArfVDUqVbb5z8n+/nVQb+VNBzx8svY6CrsyTK4Ujm4yrd9I1auoKxBAPXLCavY1LcrbHUskQbGUP8gXOzyQw==",
    ("build/vega.min.js",),
)
VEGA_LITE = NpmPackage(
    "vega-lite",
    "5.23.0",
    "sha512-l4J6+AWE3DIjvovEoHl2LdtCUkfm4zs8Xxx7INwZEAv+XVb6kR6vIN1gt3t2gN2gs/y4DYTs/RPoTeYAuEg6mA==",
    ("build/vega-lite.min.js",),
)
VEGA_EMBED = NpmPackage(
    "vega-embed",
    "6.29.0",
    "sha512-PmlshTLtLFLgWtF/b23T1OwX53AugJ9RZ3qPE2c01VFAbgt3/GSNI/etzA/GzdrkceXFma+FDHNXUppKuM0U6Q==",
    ("build/vega-embed.min.js",),
)
PACKAGES = (
    BOOTSTRAP,
    BOOTSTRAP_TABLE,
    JQUERY,
    POPPER,
    FONT_AWESOME,
    DATEPICKER,
    BOOTSTRAP_DARK,
    VEGA,
    VEGA_LITE,
    VEGA_EMBED,
)

_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"
_JSDELIVR = "https://cdn.jsdelivr.net/npm"
_UNPKG_BT = "https://unpkg.com/bootstrap-table"
_BT_FILTER = "dist/extensions/filter-control/bootstrap-table-filter-control"
# Every CDN URL in GX's page templates (great_expectations/render/view/templates) and the
# local file that replaces it, relative to the site root. The pages of the index ask for
# filter-control 1.19.0's stylesheet; 1.19.1's is the one the script beside it expects.
CDN_FILES: dict[str, str] = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": (
        BOOTSTRAP.vendor_path("dist/css/bootstrap.min.css")
    ),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": (
        BOOTSTRAP.vendor_path("dist/js/bootstrap.min.js")
    ),
    f"{_UNPKG_BT}@1.19.1/dist/bootstrap-table.min.css": (
        BOOTSTRAP_TABLE.vendor_path("dist/bootstrap-table.min.css")
    ),
    f"{_UNPKG_BT}@1.19.1/dist/bootstrap-table.min.js": (
        BOOTSTRAP_TABLE.vendor_path("dist/bootstrap-table.min.js")
    ),
    f"{_UNPKG_BT}@1.19.1/{_BT_FILTER}.min.js": BOOTSTRAP_TABLE.vendor_path(f"{_BT_FILTER}.min.js"),
    f"{_UNPKG_BT}@1.19.0/{_BT_FILTER}.css": BOOTSTRAP_TABLE.vendor_path(f"{_BT_FILTER}.css"),
    f"{_UNPKG_BT}@1.19.0/{_BT_FILTER}.min.css": (
        BOOTSTRAP_TABLE.vendor_path(f"{_BT_FILTER}.min.css")
    ),
    "https://code.jquery.com/jquery-3.7.1.min.js": JQUERY.vendor_path("dist/jquery.min.js"),
    f"{_CDNJS}/popper.js/1.12.9/umd/popper.min.js": POPPER.vendor_path("dist/umd/popper.min.js"),
    f"{_CDNJS}/font-awesome/6.6.0/css/all.min.css": FONT_AWESOME.vendor_path("css/all.min.css"),
    f"{_CDNJS}/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": (
        DATEPICKER.vendor_path("dist/css/bootstrap-datepicker.min.css")
    ),
    f"{_CDNJS}/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": (
        DATEPICKER.vendor_path("dist/js/bootstrap-datepicker.min.js")
    ),
    f"{_JSDELIVR}/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": (
        BOOTSTRAP_DARK.vendor_path("dist/css/bootstrap-prefers-dark.css")
    ),
    f"{_JSDELIVR}/vega@5": VEGA.vendor_path("build/vega.min.js"),
    f"{_JSDELIVR}/vega-lite@5": VEGA_LITE.vendor_path("build/vega-lite.min.js"),
    f"{_JSDELIVR}/vega-embed@6": VEGA_EMBED.vendor_path("build/vega-embed.min.js"),
}


class AssetFetchError(RuntimeError):
    """A package could not be fetched, or it is not the one the pinned hash names."""


def registry() -> str:
    return os.environ.get(NPM_REGISTRY_ENV) or DEFAULT_NPM_REGISTRY


def is_unpacked(package: NpmPackage, assets_dir: Path = ASSETS_DIR) -> bool:
    marker = assets_dir / package.folder / MARKER
    return marker.is_file() and marker.read_text(encoding="utf-8") == package.integrity


def missing(assets_dir: Path = ASSETS_DIR) -> list[NpmPackage]:
    """The packages not (or not at their pinned hash) unpacked in ``assets_dir``."""
    return [package for package in PACKAGES if not is_unpacked(package, assets_dir)]


def fetch_all(assets_dir: Path = ASSETS_DIR, registry_url: str | None = None) -> list[str]:
    """Fetch, check and unpack every package not yet unpacked; return the fetched ones."""
    fetched = []
    for package in missing(assets_dir):
        data = _download(package.tarball_url(registry_url or registry()))
        unpack(package, data, assets_dir)
        fetched.append(package.folder)
    return fetched


def unpack(package: NpmPackage, tarball: bytes, assets_dir: Path = ASSETS_DIR) -> Path:
    """Check ``tarball`` against the pinned integrity, then unpack the package's files.

    The files land in a temporary folder that replaces the package's folder only when
    complete, so an interrupted set-up leaves no half package that looks unpacked.
    """
    verify(package, tarball)
    assets_dir.mkdir(parents=True, exist_ok=True)
    target = assets_dir / package.folder
    with tempfile.TemporaryDirectory(dir=assets_dir, prefix=".unpack-") as scratch:
        staging = Path(scratch) / package.folder
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            members = [m for m in archive.getmembers() if m.isfile() and _wanted(package, m)]
            archive.extractall(staging, members=members, filter="data")
        unpacked = staging / "package"
        absent = [f for f in package.files if not (unpacked / f).exists()]
        if absent:
            raise AssetFetchError(f"{package.folder} has no {', '.join(absent)}")
        (unpacked / MARKER).write_text(package.integrity, encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        unpacked.rename(target)
    return target


def verify(package: NpmPackage, tarball: bytes) -> None:
    algorithm, _, expected = package.integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode("ascii")
    if actual != expected:
        raise AssetFetchError(
            f"{package.folder}.tgz does not match its pinned {algorithm} hash (got "
            f"{algorithm}-{actual}): the registry or a mirror served another file. Do not "
            "use it; check SEH_NPM_REGISTRY, or the pin in seh_stops/quality/data_docs_assets.py"
        )


def _wanted(package: NpmPackage, member: tarfile.TarInfo) -> bool:
    path = member.name.removeprefix("package/")
    return any(path == f or (f.endswith("/") and path.startswith(f)) for f in package.files)


def _download(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            return response.read()
    except OSError as error:
        raise AssetFetchError(
            f"could not fetch {url} ({error}); set-up needs the npm registry once (or a "
            f"mirror in {NPM_REGISTRY_ENV}) to fetch the Data Docs' scripts and styles"
        ) from error


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m seh_stops.quality.data_docs_assets [--assets-dir DIR]``."""
    parser = argparse.ArgumentParser(
        description=(
            "Fetch the scripts, styles and fonts of the GX Data Docs from the npm registry "
            "(pinned versions, checked hashes), so the pages render offline."
        )
    )
    parser.add_argument("--assets-dir", type=Path, default=ASSETS_DIR)
    args = parser.parse_args(argv)
    fetched = fetch_all(args.assets_dir)
    state = f"fetched {', '.join(fetched)}" if fetched else "all present"
    print(f"Data Docs assets in {args.assets_dir}: {state}.")


if __name__ == "__main__":
    main()
