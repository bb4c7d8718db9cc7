"""Content hashes of what a pipeline run leaves behind: warehouse tables, deliveries, archive.

The crash-safety and idempotency tests compare two data dirs that were filled in different
ways (killed and rerun, or loaded in other orders) and must end up the same. Comparing hashes
of ordered rows and of file contents says *whether* they are equal; the dictionaries keyed by
table or file say *where* they differ, so a failing test points at the table.

What is legitimately different between two runs is left out, exactly and nowhere else:

- the moments a run took: ``geladen_at`` (when a version was loaded), ``gecontroleerd_at``
  (when the inventory last verified a day), the findings' ``eerst_gezien_at`` and
  ``laatst_gezien_at``, and the ledger's ``verzonden_at``;
- the data dir's own path, which the raw layer records as lineage (``archief_pad``): it is
  replaced by ``<data dir>`` so two data dirs compare;
- in a delivery, the moment it was generated: the manifest's ``gegenereerd_op``, the "gegenereerd
  op" line of the HTML report, the workbook's document properties (``docProps/core.xml``) and
  the zip timestamps inside the ``.xlsx``. The manifest's SHA-256 of the HTML and Excel files
  depends on that moment, so it is checked against the files themselves instead.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

import duckdb

# Schemas whose every table and view is compared (the alert ledger included).
SCHEMAS = ("raw", "staging", "intermediate", "marts", "reference", "alerts")
# Columns that hold the moment of a run, per table: the only columns left out of a hash.
RUN_MOMENT_COLUMNS = {
    "raw.export_versies": {"geladen_at"},
    "staging.stg_lpz__export_versies": {"geladen_at"},
    "raw.export_controles": {"gecontroleerd_at"},
    "staging.stg_lpz__export_controles": {"gecontroleerd_at"},
    "marts.dq_bevindingen": {"eerst_gezien_at", "laatst_gezien_at"},
    "alerts.verzonden_bevindingen": {"verzonden_at"},
}
_GENERATED_LINE = re.compile(r"gegenereerd op \d{1,2} [a-z]+ \d{4}, \d{2}:\d{2}")
_WORKBOOK_PROPERTIES = "docProps/core.xml"


def table_digest(
    con: duckdb.DuckDBPyConnection,
    table: str,
    data_dir: Path,
    exclude: Iterable[str] = (),
    where: str | None = None,
) -> str:
    """``<rows>:<sha256>`` of a table's rows in a fixed order, without ``exclude`` columns."""
    schema, name = table.split(".")
    columns = [
        column
        for (column,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, name],
        ).fetchall()
        if column not in set(exclude)
    ]
    selected = ", ".join(f'"{column}"' for column in columns)
    condition = f" where {where}" if where else ""
    rows = con.execute(f"select {selected} from {table}{condition} order by all").fetchall()
    digest = hashlib.sha256(repr(columns).encode())
    prefix = str(data_dir)
    for row in rows:
        values = tuple(
            value.replace(prefix, "<data dir>") if isinstance(value, str) else value
            for value in row
        )
        digest.update(repr(values).encode())
    return f"{len(rows)}:{digest.hexdigest()}"


def warehouse_digests(
    warehouse: Path, data_dir: Path, where: dict[str, str] | None = None
) -> dict[str, str]:
    """Every table and view of :data:`SCHEMAS` -> its :func:`table_digest`.

    ``where`` restricts a table to some rows (e.g. the open findings only).
    """
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [
            f"{schema}.{name}"
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables "
                f"where table_schema in ({', '.join('?' for _ in SCHEMAS)}) order by 1, 2",
                list(SCHEMAS),
            ).fetchall()
        ]
        return {
            table: table_digest(
                con,
                table,
                data_dir,
                RUN_MOMENT_COLUMNS.get(table, ()),
                (where or {}).get(table),
            )
            for table in tables
        }
    finally:
        con.close()


def differences(expected: dict[str, str], actual: dict[str, str]) -> dict[str, tuple]:
    """The keys whose digests differ (or exist on one side only), for assertion messages."""
    return {
        key: (expected.get(key), actual.get(key))
        for key in sorted(expected.keys() | actual.keys())
        if expected.get(key) != actual.get(key)
    }


def file_digests(root: Path, *, include_hidden: bool = False) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``root``.

    Hidden entries (a leading dot anywhere in the path: the temporary names that writes go to
    before their rename) are left out unless ``include_hidden``.
    """
    if not root.exists():
        return {}
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file():
            continue
        if not include_hidden and any(part.startswith(".") for part in relative.parts):
            continue
        found[relative.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def hidden_entries(root: Path) -> list[str]:
    """Files and folders under ``root`` with a temporary (hidden) name, relative paths."""
    if not root.exists():
        return []
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob(".*")
        if path.relative_to(root).parts
    )


def delivery_digests(root: Path) -> dict[str, str]:
    """Relative path -> digest of every delivered file, with the generation moment left out.

    Each manifest is checked first: every file it lists must exist with the listed SHA-256
    (a half-written or missing file fails here), and no other file may sit in the folder.
    """
    digests = {}
    for manifest_path in sorted(root.rglob("manifest.json")):
        relative = manifest_path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue
        folder = manifest_path.parent
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        listed = {entry["naam"]: entry for entry in manifest["bestanden"]}
        present = {path.name for path in folder.iterdir()} - {"manifest.json"}
        assert present == set(listed), f"{folder}: files {present} but manifest lists {listed}"
        for name, entry in listed.items():
            data = (folder / name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], f"{folder / name}"
            digests[(relative.parent / name).as_posix()] = _delivered_file_digest(name, data)
        comparable = {key: value for key, value in manifest.items() if key != "gegenereerd_op"}
        comparable["bestanden"] = [
            {key: value for key, value in entry.items() if key != "sha256"}
            | ({"sha256": entry["sha256"]} if entry["naam"].endswith(".csv") else {})
            for entry in manifest["bestanden"]
        ]
        canonical = json.dumps(comparable, sort_keys=True, ensure_ascii=False).encode()
        digests[relative.as_posix()] = hashlib.sha256(canonical).hexdigest()
    return digests


def _delivered_file_digest(name: str, data: bytes) -> str:
    if name.endswith(".html"):
        text = _GENERATED_LINE.sub("gegenereerd op <moment>", data.decode("utf-8"))
        return hashlib.sha256(text.encode()).hexdigest()
    if name.endswith(".xlsx"):
        digest = hashlib.sha256()
        with zipfile.ZipFile(io.BytesIO(data)) as workbook:
            for member in sorted(workbook.namelist()):
                if member != _WORKBOOK_PROPERTIES:
                    digest.update(member.encode() + b"\0" + workbook.read(member))
        return digest.hexdigest()
    return hashlib.sha256(data).hexdigest()
