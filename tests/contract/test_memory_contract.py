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
    for typo in ("test_repo_rates_latest_on_or_befor", "test_no_such[x]"):  # never applied
        with pytest.raises(ValidationError) as info:
            AdapterCapabilities(expected_failures={typo: "a known bug"})
        assert (info.value.field, info.value.value) == ("expected_failures", typo)
    caps = AdapterCapabilities(expected_failures={
        "test_repo_rates_latest_on_or_before": "a", "test_uow_rollback_leaves_nothing[x-y]": "b"})
    assert caps.expected_failure("test_repo_rates_latest_on_or_before", "") == "a"


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


SLIPPING_ADAPTER = '''
import sqlite3

import pytest
from backoffice_core.adapters.memory import (MemoryLedgerRepository, MemoryStore,
                                             MemoryUnitOfWork)
from backoffice_core.adapters.memory_documents import MemoryDocumentsRepository
from backoffice_core.adapters.memory_inventory import MemoryInventoryRepository
from backoffice_core.errors import DuplicateError
from backoffice_core.testing import AdapterCapabilities


class SlipRepository(MemoryLedgerRepository):
    def list_accounts(self):  # hands out its own list, kept for the next call
        b = self._b
        stamp = tuple(b.accounts.values())
        if getattr(b, "stamp", None) != stamp:
            b.stamp, b.listed = stamp, [b.accounts[c] for c in sorted(b.accounts)]
        return b.listed

    def pending_entries(self):  # by id instead of by seq
        return sorted(super().pending_entries(), key=lambda e: e.id)

    def add_entries(self, entries):  # checks the stored rows only, never the batch
        b = self._b
        stored = set(b.reversals)
        seen = set()
        for e in entries:
            if e.id in seen:
                continue  # like INSERT ... ON CONFLICT DO NOTHING
            seen.add(e.id)
            if e.related is not None and e.related not in stored:
                b.reversals.pop(e.related, None)
            super().add_entries([e])


class SlipInventory(MemoryInventoryRepository):
    def list_items(self):  # its own list too
        d = self._d
        stamp = tuple(d.items.values())
        if getattr(d, "stamp", None) != stamp:
            d.stamp, d.listed = stamp, super().list_items()
        return d.listed

    def add_lot(self, lot):  # forgets to record the undo step
        super().add_lot(lot)
        self._undo.pop()

    def values(self, day=None):  # in the order of a hash, not by sku
        return super().values(day)[::-1]

    def lowest_quantity(self, sku, location, lot, day):  # a float column
        return float(super().lowest_quantity(sku, location, lot, day))


class SlipDocuments(MemoryDocumentsRepository):
    def list_handovers(self, document_id=None):  # its own list too
        d = self._d
        stamp = (document_id, tuple(d.handovers))
        if getattr(d, "stamp", None) != stamp:
            d.stamp, d.listed = stamp, super().list_handovers(document_id)
        return d.listed

    def add_allocation(self, allocation):  # forgets to record the undo step
        super().add_allocation(allocation)
        self._undo.pop()

    def add_payment(self, payment):  # lets the driver's error out
        try:
            super().add_payment(payment)
        except DuplicateError:
            raise sqlite3.IntegrityError("UNIQUE constraint failed: payments.id") from None


class SlipUnitOfWork(MemoryUnitOfWork):
    def __init__(self, store, book):
        super().__init__(store, book)
        self.ledger = SlipRepository(store._book(book), self._undo)
        self.inventory = SlipInventory(store._book(book).inventory, self._undo)
        self.documents = SlipDocuments(store._book(book).documents, self._undo)

    def commit(self):  # a new undo log: the repository goes on writing to the old one
        self._undo = []


class SlipStore(MemoryStore):
    def __call__(self, book):
        return SlipUnitOfWork(self, book)


@pytest.fixture
def uow_factory():
    return SlipStore()


@pytest.fixture
def adapter_capabilities():
    return AdapterCapabilities(large_volume=0)
'''


def test_the_kit_names_each_slip_of_a_plugin_author(tmp_path: Path) -> None:
    """An adapter that hands out its own lists, orders pending entries by id, checks
    duplicates against the stored rows only, forgets to undo the writes after a commit
    and one kind of inventory and of documents write, lists item values out of sku order
    reads a lowest quantity back as a float and lets a driver's error out fails exactly
    the checks for those slips, each with a message that says what to do."""
    (tmp_path / "conftest.py").write_text(SLIPPING_ADAPTER)
    (tmp_path / "test_slips.py").write_text(
        "from backoffice_core.testing.suite import *  # noqa: F403\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rf", "-p",
                          "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:randomly",
                          "-k", "TestConstraints or TestLedgerRepository or TestUnitOfWork "
                          "or fresh_containers or each_write_rolls_back or in_their_order "
                          "or quantities_as_of or duplicates_and_stale"],
                         cwd=tmp_path, capture_output=True, text=True)
    out = run.stdout
    assert run.returncode == 1, out + run.stderr
    failed = sorted(line.split(" - ")[0].removeprefix("FAILED test_slips.py::")
                    for line in out.splitlines() if line.startswith("FAILED "))
    violation = "TestConstraints::test_constraint_violation_raises_typed_error"
    assert failed == [
        f"{violation}[entry_id_twice_in_batch]",
        f"{violation}[second_reversal_in_batch]",
        "TestDocumentsRepository::test_docs_duplicates_and_stale_versions",
        "TestDocumentsRepository::test_docs_each_write_rolls_back[allocation_add]",
        "TestDocumentsRepository::test_docs_reads_hand_out_fresh_containers",
        "TestInventoryRepository::test_inventory_each_write_rolls_back[lot_add]",
        "TestInventoryRepository::test_inventory_quantities_as_of",
        "TestInventoryRepository::test_inventory_reads_hand_out_fresh_containers",
        "TestInventoryRepository::test_inventory_reads_in_their_order",
        "TestLedgerRepository::test_repo_pending_entries_in_seq_order",
        "TestLedgerRepository::test_repo_reads_hand_out_fresh_containers",
        "TestUnitOfWork::test_uow_goes_on_after_commit_and_rollback",
    ], out
    for message in (
            "entry_id_twice_in_batch (in the write or at commit()): nothing raised; "
            "expected DuplicateError naming field='id' value='je-015'",
            "second_reversal_in_batch (in the write or at commit()): nothing raised; "
            "expected DuplicateError naming field='related' value='je-001'",
            "pending_entries() must order by seq",
            "emptying the result of list_accounts() changed ['accounts']",
            "emptying the result of list_items() changed ['items']",
            "emptying the result of list_handovers() changed ['handovers']",
            "lot_add, left by an exception, stayed in ['lots']: undo this kind of write too",
            "allocation_add, left by an exception, stayed in ['allocations']: undo this kind "
            "of write too",
            "a write made after commit() stayed although the unit of work ended"):
        assert message in out, message
    assert "'values() by sku': ['WID', 'BOLT']" in out, out
    assert "lowest_quantity() must return a Decimal, got 2.0" in out, out
    assert ("duplicate 3 (id='pay-1'): raw sqlite3.IntegrityError (UNIQUE constraint failed: "
            "payments.id) escaped the adapter: translate it into DuplicateError naming "
            "field='id' value='pay-1' (keep it as __cause__)") in out, out
    assert "12 failed" in out, out


LEDGER_ONLY_ADAPTER = '''
import pytest
from backoffice_core.adapters.memory import MemoryStore, MemoryUnitOfWork


class LedgerOnlyUnitOfWork(MemoryUnitOfWork):
    def __init__(self, store, book):
        super().__init__(store, book)
        del self.inventory, self.documents


class LedgerOnlyStore(MemoryStore):
    def __call__(self, book):
        return LedgerOnlyUnitOfWork(self, book)


@pytest.fixture
def uow_factory():  # no adapter_capabilities: the defaults ask for every port
    return LedgerOnlyStore()
'''


def test_the_kit_tells_a_ledger_only_adapter_to_declare_it(tmp_path: Path) -> None:
    """An adapter without inventory or documents repositories that does not opt out gets
    one message per test saying what to do, not an AttributeError from deep inside."""
    (tmp_path / "conftest.py").write_text(LEDGER_ONLY_ADAPTER)
    (tmp_path / "test_ledger_only.py").write_text(
        "from backoffice_core.testing.suite import *  # noqa: F403\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-p", "no:hypothesispytest", "-p", "no:randomly", "-rN", "-k",
                          "test_inventory_round_trip or test_item_attributes or "
                          "test_docs_new_book_is_empty or test_docs_bulk_add_all_or_none or "
                          "test_docs_party_codes_are_unique_ignoring_case or text_rules"],
                         cwd=tmp_path, capture_output=True, text=True)
    out = run.stdout
    assert run.returncode == 1, out + run.stderr
    for flag, times in (("inventory", 3), ("documents", 3)):
        assert out.count(
            f"LedgerOnlyUnitOfWork has no {flag} repository (uow.{flag}): implement the "
            f"{flag} port, or declare AdapterCapabilities({flag}=False) in your "
            "adapter_capabilities fixture") == times, out
    assert "AttributeError" not in out and "1 failed" in out and "5 error" in out, out


REUSED_STORE_ADAPTER = '''
import pytest
from backoffice_core.adapters.memory import MemoryStore

STORE = MemoryStore()


@pytest.fixture
def uow_factory():  # a slip: one store for every test
    return STORE
'''


def test_the_kit_tells_an_author_whose_uow_factory_reuses_a_store(tmp_path: Path) -> None:
    """A ``uow_factory`` fixture handing every test the same store: each test after the
    first that wrote fails before it runs, saying so, not deep in a contract."""
    (tmp_path / "conftest.py").write_text(REUSED_STORE_ADAPTER)
    (tmp_path / "test_reused.py").write_text(
        "from backoffice_core.testing.suite import *  # noqa: F403\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-p", "no:hypothesispytest", "-p", "no:randomly", "-rp", "-k",
                          "TestLedgerRepository"],
                         cwd=tmp_path, capture_output=True, text=True)
    out = run.stdout
    assert run.returncode == 1, out + run.stderr
    passed = [line for line in out.splitlines() if line.startswith("PASSED")]
    assert passed == ["PASSED test_reused.py::TestLedgerRepository::test_repo_new_book_is_empty",
                      "PASSED test_reused.py::TestLedgerRepository::"
                      "test_repo_settings_round_trip"], out
    from backoffice_core.testing.suite import TestLedgerRepository

    # every other ledger test of the kit (its count follows the kit as it grows)
    errors = len([m for m in dir(TestLedgerRepository) if m.startswith("test_")]) - 2
    assert errors >= 19
    assert "2 passed" in out and f"{errors} error" in out and " failed" not in out, out
    assert out.count("uow_factory must return a new, empty store for each test: the "
                     "`uow_factory` fixture gave a store whose book 'kit' already holds "
                     "settings") == errors, out


def test_every_thread_or_process_contract_is_marked_slow() -> None:
    """``-m "not backoffice_slow"`` leaves out every contract that starts threads or
    processes, as adapters.md promises, in every contract (documents and inventory too)."""
    import inspect

    unmarked = []
    for name in sorted(n for n in dir(AdapterContract) if n.startswith("test_")):
        fn = getattr(AdapterContract, name)
        source = inspect.getsource(fn)
        if any(word in source for word in ("run_threads(", '"concurrent_writers"',
                                           '"multi_process"')):
            marks = {m.name for m in getattr(fn, "pytestmark", [])}
            if "backoffice_slow" not in marks:
                unmarked.append(name)
    assert unmarked == [], f"start threads or processes but are not backoffice_slow: {unmarked}"
