"""The public surface: what ``__all__`` promises exists, and nothing private leaks."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date

import pytest

import backoffice_core
import backoffice_core.ledger

PACKAGES = ["backoffice_core", "backoffice_core.ledger"]
MODULES = sorted(
    ["backoffice_core.money", "backoffice_core.errors", "backoffice_core.ports",
     "backoffice_core.app", "backoffice_core.adapters", "backoffice_core.adapters.memory"]
    + [m.name for m in pkgutil.iter_modules(backoffice_core.ledger.__path__,
                                            "backoffice_core.ledger.")]
)


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@pytest.mark.parametrize("package", PACKAGES)
def test_all_names_exist(package: str) -> None:
    mod = importlib.import_module(package)
    assert mod.__all__, package
    for name in mod.__all__:
        assert hasattr(mod, name), f"{package}.{name} is in __all__ but missing"
    assert len(set(mod.__all__)) == len(mod.__all__), "duplicates in __all__"


@pytest.mark.parametrize("package", PACKAGES)
def test_nothing_private_is_exported(package: str) -> None:
    mod = importlib.import_module(package)
    assert [n for n in mod.__all__ if _private(n)] == []


@pytest.mark.parametrize("module", MODULES)
def test_every_module_declares_all(module: str) -> None:
    mod = importlib.import_module(module)
    assert isinstance(getattr(mod, "__all__", None), list | tuple), module
    for name in mod.__all__:
        assert hasattr(mod, name), f"{module}.{name}"
        assert not _private(name), f"{module}.{name}"


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from backoffice_core import *", namespace)
    exported = {k for k in namespace if k != "__builtins__"}
    assert exported == set(backoffice_core.__all__)


def test_ledger_names_are_reexported_at_the_top() -> None:
    for name in ("Account", "AccountType", "AccountLimit", "FiscalYear", "JournalEntry",
                 "Line", "NewEntry", "PeriodState", "PostResult", "credit", "debit"):
        assert getattr(backoffice_core, name) is getattr(backoffice_core.ledger, name)


def test_notebook_usage() -> None:
    import backoffice_core as bc

    assert repr(bc.Money("12.50", "USD")) == "Money('12.50', 'USD')"
    assert bc.allocate(bc.Money("1.00", "USD"), 3)[0] == bc.Money("0.34", "USD")
    bo = bc.Backoffice.open("memory://")
    bo.ledger.setup("Nb", currency="EUR", chart="generic")
    bo.ledger.post(bc.NewEntry(date(2026, 1, 1), "x",
                               [bc.debit("1110", "1.00"), bc.credit("4100", "1.00")]))
    assert bo.ledger.balance("1110") == bc.Money("1.00", "EUR")
    assert isinstance(backoffice_core.__version__, str)


def test_storage_url_errors() -> None:
    import backoffice_core as bc

    with pytest.raises(bc.ValidationError) as info:
        bc.Backoffice.open("no-scheme")
    assert info.value.field == "url"
    with pytest.raises(bc.NotFoundError):
        bc.Backoffice.open("nosuchdb://x")
    with pytest.raises(bc.ValidationError) as info:
        bc.Backoffice.open("memory://", book="")
    assert info.value.field == "book"


def test_dir_lists_the_public_surface_not_the_package_imports() -> None:
    # what a notebook's tab completion shows: the exports and the subpackages
    listed = dir(backoffice_core)
    assert set(backoffice_core.__all__) <= set(listed)
    assert {"ledger", "inventory", "documents", "money", "errors"} <= set(listed)
    assert not {"Any", "TYPE_CHECKING", "annotations", "importlib", "ModuleType"} & set(listed)


def test_subpackages_load_on_first_attribute_access() -> None:
    import subprocess
    import sys

    code = ("import backoffice_core as bc, sys; "
            "assert 'backoffice_core.documents' not in sys.modules; "
            "print(bc.documents.__name__, bc.inventory.Item.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["backoffice_core.documents", "Item"]
