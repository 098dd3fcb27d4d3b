"""End to end: the public ledger service gives identical results on every adapter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from backoffice_core.adapters.memory import MemoryStore
from backoffice_core.app import Backoffice
from backoffice_core.errors import BackofficeError, ValidationError
from backoffice_core.ledger.entries import EntryKind, NewEntry, credit, debit
from backoffice_core.ports import UnitOfWorkFactory
from backoffice_core.testing._contracts._base import Contract, open_book
from backoffice_core.testing._contracts._scenario import REFUSALS, run_scenario, snapshot
from backoffice_core.text import MAX_KEY_CHARS

__all__ = ["ServiceContract"]

_LONG_KEY = "k" * (MAX_KEY_CHARS + 1)


def _sale(**fields: Any) -> NewEntry:
    return NewEntry(date(2026, 1, 5), "Sale", [debit("1110", "5.00"), credit("4100", "5.00")],
                    **fields)


#: name -> (operation, part of the book it needs, field and value the error must name):
#: values the domain refuses the same way whatever the adapter stores
TEXT_REFUSALS: dict[str, tuple[Callable[[Backoffice], Any], str, tuple[str, Any]]] = {
    "idempotency_key_over_max_key_chars": (
        lambda bo: bo.ledger.post(_sale(idempotency_key=_LONG_KEY)), "ledger",
        ("idempotency_key", _LONG_KEY)),
    "dimension_value_over_max_key_chars": (
        lambda bo: bo.ledger.post(_sale(dimensions={"project": _LONG_KEY})), "ledger",
        ("dimensions.project", _LONG_KEY)),
    "nul_in_an_account_name": (
        lambda bo: bo.ledger.open_account("1199", "Petty\x00cash", "asset"), "ledger",
        ("name", "Petty\x00cash")),
    "nul_in_an_item_name": (
        lambda bo: bo.inventory.create_item("W3", "Wid\x00get"), "inventory",
        ("name", "Wid\x00get")),
    "bel_in_a_sku": (
        lambda bo: bo.inventory.create_item("W\x073", "Widget"), "inventory",
        ("sku", "W\x073")),
    "nul_in_a_party_name": (
        lambda bo: bo.documents.create_party("Ac\x00me"), "documents",
        ("legal_name", "Ac\x00me")),
}


class ServiceContract(Contract):
    """``Backoffice(uow_factory, ...)`` books exactly what the reference adapter books.

    A scenario (setup, foreign-currency and dimensioned posts, backdated and
    bulk posts, idempotent replay, reversal, correction, two-phase holds posted,
    voided and expired, revaluation, period closing and locking, year-end
    closing and reopening) runs on the adapter and on the in-memory reference
    with the same fixed clock and ids; every entry (hash included), balance,
    rollup, pending entry, account, fiscal year and the verification report
    must be identical. Refused operations must leave the book untouched.

    Example:
        >>> class TestMyService(ServiceContract):
        ...     pass
        >>> "test_service_matches_the_reference_adapter" in dir(TestMyService)
        True
    """

    def test_service_matches_the_reference_adapter(self, uow_factory: UnitOfWorkFactory
                                                   ) -> None:
        """The scenario leaves the same book on the adapter as on the reference."""
        bo = open_book(uow_factory)
        run_scenario(bo)
        reference = open_book(MemoryStore())
        run_scenario(reference)
        got, want = snapshot(bo), snapshot(reference)
        assert got["verify"][0], got["verify"]
        for part in want:
            assert got[part] == want[part], f"{part} differs from the reference adapter"

    def test_service_scenario_results(self, uow_factory: UnitOfWorkFactory) -> None:
        """Spot checks of the scenario, worked out by hand."""
        bo = open_book(uow_factory)
        sc = run_scenario(bo)
        led = bo.ledger
        money = led.money
        assert sc.replay_created is False, "an idempotent replay must not create an entry"
        assert len([e for e in led.entries() if e.idempotency_key == "invest-1"]) == 1
        assert led.balance("1120") == money("4685.00")  # 5000 - 300 - 15 - 20 + 20
        detail = led.balance_detail("1125")
        assert (detail.net, detail.pending_credits) == (27000, 6000)  # 300 - 30; open 60
        assert led.balance_detail("1140").pending_debits == 6000
        assert led.balance("1110", dimension=("project", "P1")) == money("30.00")  # 2+4+...+10
        assert led.balance("1140", as_of=date(2026, 1, 18)) == money("1200.00")
        assert led.balance("4100", as_of=date(2026, 12, 31)) == money("0.00")  # closed
        assert led.balance("4100") == money("-5.00")  # the new year's sale
        # the EUR income closed at its functional value: retained earnings hold USD only
        assert led.balance_detail("4110", "EUR", as_of=date(2026, 12, 31)).functional == 0
        assert {b.key.currency for b in led.balances() if b.key.account == "3200"} == {"USD"}
        assert [e.id for e in led.pending()] == [sc.ids["open_hold"]]
        # reopen_year reopened what close_year closed: January stayed locked, February
        # (closed by hand before the closing) closed; the second closing recorded the rest
        months = [f"2026-{m:02d}" for m in range(1, 13)]
        assert [(p.name, p.state.value) for p in sc.reopened[0].periods] == [
            ("2026-01", "locked"), ("2026-02", "closed"), *((m, "open") for m in months[2:])]
        assert sc.reopened[0].closed_by_closing is None
        assert led.fiscal_years()[0].closed_by_closing == tuple(months[2:])
        kinds = [e.kind for e in led.entries()]
        assert kinds.count(EntryKind.CLOSING) == 2
        assert kinds.count(EntryKind.PENDING_POST) == kinds.count(EntryKind.PENDING_VOID) == 1
        assert kinds.count(EntryKind.PENDING_EXPIRE) == 1
        chain = sorted(led.entries(), key=lambda e: e.seq)
        assert [e.seq for e in chain] == list(range(1, len(chain) + 1))
        report = led.verify()
        assert report.ok, report.problems
        for code, (debits, credits) in report.totals.items():
            assert debits == credits, f"trial balance off in {code}"
        net: dict[str, int] = {}
        for b in led.balances():
            net[b.key.currency] = net.get(b.key.currency, 0) + b.net
            net["functional"] = net.get("functional", 0) + b.functional
        assert set(net.values()) == {0}, f"balances do not sum to zero: {net}"

    def test_service_text_rules_are_the_domains(self, uow_factory: UnitOfWorkFactory
                                                 ) -> None:
        """Control characters and over-long keys are refused by the domain, before the
        adapter sees them: a ``ValidationError`` naming the field and value, the store
        unchanged (``TEXT_REFUSALS``; see ``backoffice_core.text``)."""
        for flag in ("inventory", "documents"):
            self.check_repository(flag, uow_factory)
        bo = open_book(uow_factory)
        bo.ledger.setup("Text Co", currency="USD", chart="generic")
        parts = {"ledger": True, "inventory": self.capabilities.inventory,
                 "documents": self.capabilities.documents}

        def state() -> tuple[Any, ...]:
            got: tuple[Any, ...] = (bo.ledger.entries(), bo.ledger.accounts(),
                                    bo.ledger.balances())
            if parts["inventory"]:
                got += (bo.inventory.items(),)
            if parts["documents"]:
                got += (bo.documents.parties(include_archived=True),)
            return got

        for name, (operation, part, (field, value)) in TEXT_REFUSALS.items():
            if not parts[part]:
                continue
            before = state()
            try:
                operation(bo)
            except ValidationError as exc:
                assert (exc.field, exc.value) == (field, value), f"{name} raised {exc!r}"
            else:
                raise AssertionError(f"{name} was accepted; expected ValidationError")
            assert state() == before, f"refused {name} changed the store"

    def test_service_refusals_change_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        """Every refused operation raises its typed error and leaves the book as it was."""
        bo = open_book(uow_factory)
        sc = run_scenario(bo)
        for name, (operation, error) in REFUSALS.items():
            before = snapshot(bo)
            try:
                operation(bo, sc)
            except BackofficeError as exc:
                assert isinstance(exc, error), f"{name} raised {exc!r}, expected {error}"
            else:
                raise AssertionError(f"{name} was accepted; expected {error.__name__}")
            after = snapshot(bo)
            changed = [part for part in before if after[part] != before[part]]
            assert not changed, f"refused {name} changed {changed}"
