"""The reference in-memory adapter passes the whole conformance kit.

Also checks the kit itself: its public surface, that ``suite`` offers one
``Test*`` class per contract, that no contract test shadows another when they
are combined, that the ``pytest11`` plugin stays light, and that the kit fails
a broken adapter while honouring its declared ``expected_failures``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import backoffice_core.testing as kit
from backoffice_core.adapters.memory import MemoryStore
from backoffice_core.errors import ValidationError
from backoffice_core.testing import AdapterCapabilities, AdapterContract
from backoffice_core.testing.suite import __all__ as suite_names

CONTRACTS = [name for name in kit.__all__ if name.endswith("Contract")
             and name != "AdapterContract"]


@pytest.fixture
def uow_factory() -> MemoryStore:
    """A fresh, empty in-memory store."""
    return MemoryStore()


@pytest.fixture
def adapter_capabilities() -> AdapterCapabilities:
    """The reference adapter: every capability but durability and processes.

    A known adapter bug would be listed here as ``expected_failures={test id: reason}``
    (strict xfail) until fixed; the reference adapter has none.
    """
    return AdapterCapabilities()


class TestMemoryStore(AdapterContract):
    """The whole kit against ``MemoryStore``."""


def _tests(cls: type) -> set[str]:
    return {n for n in dir(cls) if n.startswith("test_")}


def test_suite_offers_one_test_class_per_contract() -> None:
    import backoffice_core.testing.suite as suite

    bases = {getattr(suite, name).__mro__[1].__name__ for name in suite_names}
    assert bases == set(CONTRACTS)
    assert all(name.startswith("Test") for name in suite_names)
    assert not any(name.startswith("Test") for name in kit.__all__), (
        "the kit's own names must never be collected by pytest")


def test_adapter_contract_combines_every_contract_without_shadowing() -> None:
    parts = [getattr(kit, name) for name in CONTRACTS]
    assert all(issubclass(AdapterContract, part) for part in parts)
    counted = sum(len(_tests(part)) for part in parts)
    assert len(_tests(AdapterContract)) == counted, "two contracts define the same test name"


def test_capabilities_refuse_what_the_kit_cannot_use() -> None:
    for bad in ({"durable": True}, {"multi_process": True}, {"large_volume": -1},
                {"url": "no-scheme"}):
        with pytest.raises(ValidationError):
            AdapterCapabilities(**bad)


def test_the_plugin_imports_nothing_beyond_pytest_and_the_package() -> None:
    code = (
        "import sys, pytest, backoffice_core\n"
        "before = set(sys.modules)\n"
        "import backoffice_core.testing.plugin\n"
        "print(sorted(set(sys.modules) - before))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "['backoffice_core.testing', 'backoffice_core.testing.plugin']"


BROKEN_ADAPTER = '''
import pytest
from backoffice_core.adapters.memory import MemoryLedgerRepository, MemoryStore
from backoffice_core.testing import AdapterCapabilities


class BrokenRepository(MemoryLedgerRepository):
    def list_accounts(self):  # locale-like collation instead of code points
        return sorted(self._b.accounts.values(), key=lambda a: a.code.casefold())

    def get_rate(self, base, quote, day):  # floats instead of Decimal
        found = super().get_rate(base, quote, day)
        return None if found is None else (found[0], float(found[1]))


class BrokenStore(MemoryStore):
    def __call__(self, book):
        uow = super().__call__(book)
        uow.ledger = BrokenRepository(self._book(book), uow._undo)
        return uow


@pytest.fixture
def uow_factory():
    return BrokenStore()


@pytest.fixture
def adapter_capabilities():
    return AdapterCapabilities(expected_failures={
        "test_repo_accounts_round_trip_in_code_order": "collation bug, known",
        "test_repo_new_book_is_empty": "declared, but it passes",
    })
'''


def test_the_kit_fails_a_broken_adapter_and_honours_expected_failures(tmp_path: Path
                                                                       ) -> None:
    (tmp_path / "conftest.py").write_text(BROKEN_ADAPTER)
    (tmp_path / "test_broken.py").write_text(
        "from backoffice_core.testing.suite import TestLedgerRepository  # noqa: F401\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rfxX", "-p",
                          "no:cacheprovider", "-p", "no:hypothesispytest"], cwd=tmp_path,
                         capture_output=True, text=True)
    out = run.stdout
    cls = "test_broken.py::TestLedgerRepository"
    assert run.returncode == 1, out + run.stderr
    assert f"XFAIL {cls}::test_repo_accounts_round_trip_in_code_order" in out
    assert f"FAILED {cls}::test_repo_rates_latest_on_or_before" in out
    assert f"FAILED {cls}::test_repo_rates_read_back_in_their_canonical_form" in out  # floats
    assert "[XPASS(strict)] declared, but it passes" in out
    assert "3 failed" in out and "1 xfailed" in out, out
