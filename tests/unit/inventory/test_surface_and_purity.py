"""The inventory package: an explicit public surface, and pure domain code."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import backoffice_core
import backoffice_core.inventory

ROOT = Path(backoffice_core.__file__).resolve().parent
MODULES = sorted(m.name for m in pkgutil.iter_modules(backoffice_core.inventory.__path__,
                                                      "backoffice_core.inventory."))
SOURCES = sorted((ROOT / "inventory").glob("*.py"))
FORBIDDEN = ("sqlalchemy", "backoffice_core.adapters", "alembic", "psycopg")
CLOCK_CALLS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"),
               ("date", "today"), ("time", "time"), ("time", "monotonic"),
               ("time", "perf_counter")}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@pytest.mark.parametrize("module", ["backoffice_core.inventory", *MODULES])
def test_every_module_declares_an_honest_all(module: str) -> None:
    mod = importlib.import_module(module)
    names = getattr(mod, "__all__", None)
    assert isinstance(names, list) and names, module
    assert len(set(names)) == len(names)
    for name in names:
        assert hasattr(mod, name), f"{module}.{name}"
        assert not _private(name), f"{module}.{name}"


def test_the_package_exports_what_a_caller_needs() -> None:
    inv = backoffice_core.inventory
    for name in ("Inventory", "Item", "Location", "Move", "MoveSpec", "Lot", "Unit", "Count",
                 "ReorderRule", "ValuationReport", "StockReport", "Layer", "eoq",
                 "InventoryRepository", "InventoryUnitOfWork"):
        assert name in inv.__all__
    assert backoffice_core.InsufficientStockError is backoffice_core.errors.InsufficientStockError


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_storage_imports_and_no_wall_clock(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported: list[str] = []
    calls: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.append(node.module or "")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            if (name, node.func.attr) in CLOCK_CALLS:
                calls.append(f"{name}.{node.func.attr} at line {node.lineno}")
    bad = [m for m in imported if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]
    assert bad == [] and calls == [], (bad, calls)
