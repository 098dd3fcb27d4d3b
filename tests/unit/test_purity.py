"""Domain code stays pure: no SQLAlchemy, no adapters, no wall clock (checked on the source)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import backoffice_core

ROOT = Path(backoffice_core.__file__).resolve().parent
PURE = sorted(
    [*(ROOT / "ledger").rglob("*.py"), ROOT / "money.py", ROOT / "errors.py", ROOT / "ports.py"]
)
FORBIDDEN_IMPORTS = ("sqlalchemy", "backoffice_core.adapters", "alembic", "psycopg")
CLOCK_CALLS = {
    ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
    ("time", "time"), ("time", "time_ns"), ("time", "monotonic"), ("time", "perf_counter"),
    ("time", "localtime"), ("time", "gmtime"),
}


def _imports(tree: ast.AST, module: str) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import: resolve against the module's package
                pkg = module.split(".")[: -node.level]
                base = ".".join([*pkg, base]) if base else ".".join(pkg)
            found.append(base)
            found.extend(f"{base}.{alias.name}" for alias in node.names)
    return found


def _clock_calls(tree: ast.AST) -> list[str]:
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            owner = func.value
            if isinstance(owner, ast.Attribute):  # datetime.datetime.now()
                owner_name = owner.attr
            elif isinstance(owner, ast.Name):
                owner_name = owner.id
            else:
                continue
            if (owner_name, func.attr) in CLOCK_CALLS:
                out.append(f"{owner_name}.{func.attr}() at line {node.lineno}")
        elif isinstance(func, ast.Name) and func.id in {"time", "time_ns", "monotonic"}:
            out.append(f"{func.id}() at line {node.lineno}")
    return out


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_the_scan_covers_the_domain() -> None:
    names = {p.name for p in PURE}
    assert {"posting.py", "service.py", "entries.py", "money.py", "errors.py", "ports.py"} <= names


@pytest.mark.parametrize("path", PURE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_storage_imports(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = [m for m in _imports(tree, _module_name(path))
           if any(m == f or m.startswith(f + ".") for f in FORBIDDEN_IMPORTS)]
    assert bad == [], f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", PURE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_wall_clock(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert _clock_calls(tree) == [], f"{path.name} reads the wall clock"


def test_the_scanner_catches_what_it_should() -> None:
    """The checks above are only worth something if they can fail."""
    src = (
        "import sqlalchemy as sa\n"
        "from backoffice_core.adapters.memory import MemoryStore\n"
        "from ..adapters import memory\n"
        "import datetime, time\n"
        "from datetime import date\n"
        "a = datetime.datetime.now()\n"
        "b = date.today()\n"
        "c = time.time()\n"
        "d = self_clock.now()\n"
    )
    tree = ast.parse(src)
    imports = _imports(tree, "backoffice_core.ledger.fake")
    assert "sqlalchemy" in imports
    assert "backoffice_core.adapters.memory" in imports
    assert "backoffice_core.adapters" in imports
    calls = _clock_calls(tree)
    assert len(calls) == 3, calls  # the injected clock's .now() is fine


def test_every_module_stays_small() -> None:
    """Modules stay small and named for what they hold: none grows past 560 lines."""
    big = {path.relative_to(ROOT).as_posix(): n for path in sorted(ROOT.rglob("*.py"))
           if (n := len(path.read_text(encoding="utf-8").splitlines())) > 560}
    assert big == {}
