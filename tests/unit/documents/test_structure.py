"""The documents package: declared public names, no private leaks, pure domain code."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import backoffice_core.documents as documents

ROOT = Path(documents.__file__).resolve().parent
OWN = sorted(p for p in ROOT.glob("*.py"))
MODULES = [f"backoffice_core.documents.{p.stem}" for p in OWN if p.stem != "__init__"] + [
    "backoffice_core.documents", "backoffice_core.schemas",
    "backoffice_core.schemas.parties", "backoffice_core.schemas.documents",
    "backoffice_core.adapters.memory_documents"]
FORBIDDEN = ("sqlalchemy", "backoffice_core.adapters", "alembic", "psycopg", "pydantic")
CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"),
         ("date", "today"), ("time", "time"), ("time", "monotonic")}


@pytest.mark.parametrize("module", MODULES)
def test_every_module_declares_its_public_names(module: str) -> None:
    mod = importlib.import_module(module)
    names = getattr(mod, "__all__", None)
    assert isinstance(names, list | tuple), module
    for name in names:
        assert hasattr(mod, name), f"{module}.{name}"
        assert not name.startswith("_"), f"{module}.{name}"
        assert getattr(mod, name).__doc__, f"{module}.{name} has no docstring"


@pytest.mark.parametrize("path", OWN, ids=lambda p: p.name)
def test_domain_code_is_pure(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            assert not any(name == f or name.startswith(f + ".") for f in FORBIDDEN), \
                f"{path.name} imports {name}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name):
            assert (node.func.value.id, node.func.attr) not in CLOCK, \
                f"{path.name} reads the wall clock at line {node.lineno}"


def test_the_package_exports_the_model_and_the_service() -> None:
    for name in ("Party", "Document", "DocumentLine", "Totals", "VatBreakdown", "Tax",
                 "DocumentRounding", "Documents", "Payment", "Allocation", "AgingReport"):
        assert name in documents.__all__
