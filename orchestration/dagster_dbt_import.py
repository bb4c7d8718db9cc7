"""dagster-dbt in the Dagster process without dbt-core: 1.2 s less in every process that loads
the definitions (the CLI's runs, the UI's code server, the daemon, each test that starts one).

The Dagster process never runs dbt-core: dbt runs in a process of its own (``dbt`` or
``seh-stops-dbt``, orchestration/dbt_worker.py), the manifest is read as JSON, and the
resource opens no adapter (orchestration/resources/dbt.py). Yet ``dagster_dbt.compat``
imports dbt-core's adapters, results and node types at import time when dbt-core is
installed, for type aliases and three enums (``NodeType``, ``NodeStatus``, ``TestStatus``),
and dagster-dbt then reads the asset graph out of the manifest through dbt-core's selection
engine. Where dbt-core cannot be imported, dagster-dbt defines the same enums itself (the same
string values) and takes every node of the manifest, which is the selection this project's
``@dbt_assets`` makes. So ``dagster_dbt.compat`` is imported with dbt-core out of its sight
and nothing else changes: the dbt command still runs as dbt-core (dagster-dbt decides that
from the executable's version, not from this import), and every other module, dbt's own
included, imports dbt-core as usual.

:func:`install` puts a finder first on ``sys.meta_path`` that changes only how that one module
is executed; the package's ``__init__`` calls it, so it holds however dagster-dbt is reached.
tests/integration/test_definitions.py checks that loading the definitions imports no dbt-core
and that the asset graph, its checks and the jobs are the ones dagster-dbt builds with
dbt-core (docs/decisions.md).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

COMPAT_MODULE = "dagster_dbt.compat"
# what dagster_dbt.compat imports first to learn whether dbt-core is installed
DBT_CORE_PROBE = "dbt.version"
_ABSENT = object()


class _WithoutDbtCore(importlib.abc.Loader):
    """The module's own loader, but dbt-core cannot be imported while the module executes."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        saved = sys.modules.get(DBT_CORE_PROBE, _ABSENT)
        sys.modules[DBT_CORE_PROBE] = None  # type: ignore[assignment]  # import raises ImportError
        try:
            self._loader.exec_module(module)
        finally:
            if saved is _ABSENT:
                sys.modules.pop(DBT_CORE_PROBE, None)
            else:
                sys.modules[DBT_CORE_PROBE] = saved  # type: ignore[assignment]

    def __getattr__(self, name: str) -> Any:
        # get_source, get_code, ...: tracebacks and inspect still read the module's source
        return getattr(self._loader, name)


class _CompatFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != COMPAT_MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _WithoutDbtCore(spec.loader)
        return spec


def install() -> None:
    """Have ``dagster_dbt.compat`` imported without dbt-core from now on in this process (a
    no-op once it is imported, or when the finder is in place)."""
    if COMPAT_MODULE in sys.modules or any(isinstance(f, _CompatFinder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _CompatFinder())
