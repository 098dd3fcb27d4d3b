"""Round trips, ordering and filtering, running balances and rollups of the ledger port."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest

from backoffice_core.ledger.accounts import Account, AccountType
from backoffice_core.ledger.balances import Balance, BalanceDelta, BalanceKey
from backoffice_core.ledger.entries import (
    EntryKind,
    EntryStatus,
    JournalEntry,
    Posting,
    chain_hash,
)
from backoffice_core.ledger.periods import FiscalYear, PeriodState
from backoffice_core.ledger.repository import BookSettings
from backoffice_core.ledger.verify import verify_ledger
from backoffice_core.ports import UnitOfWorkFactory
from backoffice_core.testing._contracts import _samples as s
from backoffice_core.testing._contracts._base import Contract, check_fresh_results, open_book

__all__ = ["LedgerRepositoryContract", "check_entry"]

D = date


def check_entry(got: Any, want: JournalEntry) -> None:
    """``got`` is ``want`` read back: equal, of the domain types, instants and offsets kept."""
    assert type(got) is JournalEntry, f"{type(got)!r} is not a JournalEntry"
    assert got == want, f"entry {want.id} came back changed:\n{got!r}\nwanted\n{want!r}"
    assert type(got.postings) is tuple, "postings must come back as a tuple"
    for p in got.postings:
        assert isinstance(p, Posting), f"{p!r} is not a Posting"
        assert type(p.amount) is int and type(p.functional) is int, (
            f"amounts of {want.id} must be int minor units, got {p.amount!r}/{p.functional!r}")
        assert type(p.dimensions) is tuple and all(
            type(d) is tuple and len(d) == 2 for d in p.dimensions), p.dimensions
    assert type(got.date) is date, f"entry date must be a date, got {got.date!r}"
    for name in ("expires_at", "recorded_at"):
        g, w = getattr(got, name), getattr(want, name)
        assert (g.isoformat() if g else g) == (w.isoformat() if w else w), (
            f"{name} of {want.id}: {g!r} (keep the UTC offset and microseconds: "
            "the hash chain covers them)")
    assert chain_hash(got) == got.hash, f"entry {want.id} no longer matches its hash"


def _check_balance(got: Any, want: Balance) -> None:
    assert type(got) is Balance and got == want, f"balance {want.key}: {got!r}, want {want!r}"
    for name in ("debits", "credits", "pending_debits", "pending_credits", "functional"):
        assert type(getattr(got, name)) is int, f"{name} of {want.key} must be an int"


class LedgerRepositoryContract(Contract):
    """Every aggregate reads back exactly as written; reads are ordered and filtered.

    Covers settings, accounts, entries with every field (postings, dimensions,
    datetimes with their UTC offset), pending entries and their resolutions,
    reversals, fiscal years with period states, exchange rates, running
    balances and per-day rollups (backdated days included).

    Example:
        >>> class TestMyRepository(LedgerRepositoryContract):
        ...     pass  # plus a ``uow_factory`` fixture in conftest.py
        >>> "test_repo_entries_round_trip" in dir(TestMyRepository)
        True
    """

    def _fill(self, uow_factory: UnitOfWorkFactory, book: str = "kit") -> s.Sample:
        with uow_factory(book) as uow:
            sample = s.fill(uow.ledger)
            uow.commit()
        return sample

    def test_repo_new_book_is_empty(self, uow_factory: UnitOfWorkFactory) -> None:
        """A book never written holds nothing, and every read says so without raising."""
        with uow_factory("kit") as uow:
            assert uow.book == "kit"
            before = s.dump(uow.ledger)
            repo = uow.ledger
            assert repo.get_settings() is None
            assert repo.list_accounts() == [] and repo.get_account("1120") is None
            assert repo.last_entry() is None and list(repo.iter_chain()) == []
            assert list(repo.iter_entries()) == [] and repo.pending_entries() == []
            assert repo.get_entry("je-001") is None
            assert repo.find_by_idempotency_key("kit-key-1") is None
            assert repo.find_resolution("je-003") is None and repo.find_reversal("x") is None
            assert repo.list_balances() == [] and repo.balances_as_of(D(2030, 1, 1)) == []
            key = BalanceKey("1120", "USD")
            _check_balance(repo.get_balance(key), Balance(key))
            _check_balance(repo.balance_as_of(key, D(2030, 1, 1)), Balance(key))
            assert repo.list_fiscal_years() == []
            assert repo.get_rate("EUR", "USD", D(2030, 1, 1)) is None
        with uow_factory("kit") as uow:
            assert s.dump(uow.ledger) == before, "reading a book changed it"

    def test_repo_settings_round_trip(self, uow_factory: UnitOfWorkFactory) -> None:
        """Settings come back equal; a replace with the right version takes effect."""
        first = s.settings()
        with uow_factory("kit") as uow:
            uow.ledger.save_settings(first, None)
            uow.commit()
        with uow_factory("kit") as uow:
            got = uow.ledger.get_settings()
            assert type(got) is BookSettings and got == first
            second = attrs.evolve(first, roles={**first.roles, "bank": "1120"}, chart="",
                                  name="Renamed", version=1)
            uow.ledger.save_settings(second, 0)
            uow.commit()
        with uow_factory("kit") as uow:
            assert uow.ledger.get_settings() == second

    def test_repo_accounts_round_trip_in_code_order(self, uow_factory: UnitOfWorkFactory
                                                    ) -> None:
        """Accounts come back equal, listed by code in code-point order."""
        self._fill(uow_factory)
        want = sorted(s.accounts(), key=lambda a: a.code)
        with uow_factory("kit") as uow:
            got = uow.ledger.list_accounts()
            assert [a.code for a in got] == [a.code for a in want], (
                "list_accounts must order by code point (binary collation)")
            assert got == want and all(type(a) is Account for a in got)
            for acc in want:
                assert uow.ledger.get_account(acc.code) == acc
            assert uow.ledger.get_account("1121") is None

    def test_repo_has_children_when_offered(self, uow_factory: UnitOfWorkFactory) -> None:
        """The optional ``has_children(code)`` agrees with the accounts' parents."""
        self._fill(uow_factory)
        with uow_factory("kit") as uow:
            ask = getattr(uow.ledger, "has_children", None)
            if ask is None:
                pytest.skip("the repository does not offer the optional has_children()")
            parents = {a.parent for a in s.accounts() if a.parent}
            for code in [a.code for a in s.accounts()] + ["nope", "9"]:
                assert ask(code) is (code in parents), code
            uow.ledger.add_account(Account("90.02", "More sales", AccountType.INCOME,
                                           parent="1120"))
            assert ask("1120") is True  # seen inside the unit of work that added the child
        with uow_factory("kit") as uow:  # rolled back: never committed
            assert getattr(uow.ledger, "has_children")("1120") is False  # noqa: B009
        with uow_factory("other") as uow:  # books never see each other
            assert getattr(uow.ledger, "has_children")("90") is False  # noqa: B009

    def test_repo_has_postings_when_offered(self, uow_factory: UnitOfWorkFactory) -> None:
        """The optional ``has_postings(code)`` says whether ``iter_entries(account=code)``
        finds anything (entries of every status), inside the unit of work and per book."""
        self._fill(uow_factory)
        with uow_factory("kit") as uow:
            ask = getattr(uow.ledger, "has_postings", None)
            if ask is None:
                pytest.skip("the repository does not offer the optional has_postings()")
            for code in [a.code for a in s.accounts()] + ["nope", "9"]:
                found = next(iter(uow.ledger.iter_entries(account=code)), None) is not None
                assert ask(code) is found, code
            assert ask("1120") is True and ask("4100") is False and ask("90") is False
            uow.ledger.add_entries(s.extra_entries(uow.ledger.last_entry()))
            posted = {p.account for e in s.extra_entries(None) for p in e.postings}
            assert all(ask(code) is True for code in posted)  # seen in the unit of work
        with uow_factory("other") as uow:  # books never see each other
            assert getattr(uow.ledger, "has_postings")("1120") is False  # noqa: B009

    def test_repo_finds_many_idempotency_keys_when_offered(
            self, uow_factory: UnitOfWorkFactory) -> None:
        """The optional ``find_by_idempotency_keys`` equals one ``find_by_idempotency_key``
        per key: taken keys only, by key, inside the unit of work and per book."""
        self._fill(uow_factory)
        with uow_factory("kit") as uow:
            ask = getattr(uow.ledger, "find_by_idempotency_keys", None)
            if ask is None:
                pytest.skip("the repository does not offer find_by_idempotency_keys()")
            taken = [e.idempotency_key for e in uow.ledger.iter_chain() if e.idempotency_key]
            assert taken, "the sample book has entries with idempotency keys"
            keys = [*taken, "nope", taken[0], "ключ 🔑"]
            want = {k: uow.ledger.find_by_idempotency_key(k) for k in taken}
            assert ask(keys) == want
            assert ask([]) == {}
            many = [f"k-{i}" for i in range(1200)] + [taken[-1]]  # more than one read
            assert ask(many) == {taken[-1]: want[taken[-1]]}
        with uow_factory("other") as uow:
            assert getattr(uow.ledger, "find_by_idempotency_keys")(taken) == {}  # noqa: B009

    def test_repo_dimension_names_when_offered(self, uow_factory: UnitOfWorkFactory) -> None:
        """The optional ``dimension_names(account)`` lists, sorted, the dimensions that
        ``account`` has running totals in, inside the unit of work and per book."""
        sample = self._fill(uow_factory)
        want: dict[str, set[str]] = {}
        for key in s.expected_balances(sample.deltas):
            if key.dimension:
                want.setdefault(key.account, set()).add(key.dimension)
        assert want, "the sample book has balances by dimension"
        with uow_factory("kit") as uow:
            ask = getattr(uow.ledger, "dimension_names", None)
            if ask is None:
                pytest.skip("the repository does not offer the optional dimension_names()")
            for acc in [a.code for a in s.accounts()] + ["nope"]:
                assert ask(acc) == sorted(want.get(acc, ())), acc
            uow.ledger.apply_deltas([BalanceDelta(BalanceKey("A_1", "USD", "dépt", "x"),
                                                  D(2026, 1, 10), 1, 0, 0, 0, 1)])
            assert "dépt" in ask("A_1")  # seen inside the unit of work that wrote it
        with uow_factory("kit") as uow:  # rolled back: never committed
            assert getattr(uow.ledger, "dimension_names")("A_1") == sorted(  # noqa: B009
                want.get("A_1", ()))
        with uow_factory("other") as uow:  # books never see each other
            assert getattr(uow.ledger, "dimension_names")("1120") == []  # noqa: B009

    def test_repo_revaluations_when_offered(self, uow_factory: UnitOfWorkFactory) -> None:
        """The optional ``revaluations(account, start, end, currency)`` lists, by (date,
        seq), the entries of kind ``REVALUATION`` with a posting on ``account`` (in
        ``currency`` when given) dated within the inclusive dates: inside the unit of work
        that wrote them, gone with its rollback, and per book."""
        sample = self._fill(uow_factory)
        windows = [(None, None), (D(2026, 1, 31), D(2026, 1, 31)), (D(2026, 2, 1), None),
                   (None, D(2026, 1, 30)), (D(2026, 1, 20), D(2026, 2, 28))]

        def check(ask: Any, known: list[JournalEntry]) -> None:
            for acc in [a.code for a in s.accounts()] + ["nope"]:
                for (start, end), cur in itertools.product(windows, (None, "EUR", "USD")):
                    want = sorted((e for e in known if e.kind is EntryKind.REVALUATION
                                   and (start is None or e.date >= start)
                                   and (end is None or e.date <= end)
                                   and any(p.account == acc and cur in (None, p.currency)
                                           for p in e.postings)),
                                  key=lambda e: (e.date, e.seq))
                    got = ask(acc, start, end, cur)
                    assert [e.id for e in got] == [e.id for e in want], (acc, start, end, cur)
                    for g, w in zip(got, want, strict=True):
                        check_entry(g, w)

        with uow_factory("kit") as uow:
            ask = getattr(uow.ledger, "revaluations", None)
            if ask is None:
                pytest.skip("the repository does not offer the optional revaluations()")
            assert [e.id for e in ask("1130", None, None, "EUR")] == ["je-009"]
            check(ask, sample.entries)
            more = s.chain([  # a later one, a backdated one in USD only, a reversal, a sale
                dict(date=D(2026, 2, 28), description="FX revaluation",
                     kind=EntryKind.REVALUATION,
                     postings=(Posting("1130", 0, "EUR", 300), Posting("7300", -300, "USD", -300))),
                dict(date=D(2026, 1, 20), description="FX revaluation",
                     kind=EntryKind.REVALUATION,
                     postings=(Posting("3500", 0, "USD", 40), Posting("7300", -40, "USD", -40))),
                dict(date=D(2026, 2, 1), description="Reversal", kind=EntryKind.REVERSAL,
                     related="je-009", postings=(Posting("1130", 0, "EUR", -500),
                                                 Posting("7300", 500, "USD", 500))),
                dict(date=D(2026, 2, 5), description="Sale",
                     postings=(Posting("1130", 100, "EUR", 120),
                               Posting("90.01", -120, "USD", -120))),
            ], uow.ledger.last_entry())
            uow.ledger.add_entries(more)
            check(ask, sample.entries + more)  # seen inside the unit of work that wrote them
        with uow_factory("kit") as uow:  # rolled back: never committed
            check(getattr(uow.ledger, "revaluations"), sample.entries)  # noqa: B009
        with uow_factory("other") as uow:  # books never see each other
            assert getattr(uow.ledger, "revaluations")("1130") == []  # noqa: B009

    def test_repo_account_update_round_trip(self, uow_factory: UnitOfWorkFactory) -> None:
        """``update_account`` with the stored version replaces every field."""
        self._fill(uow_factory)
        with uow_factory("kit") as uow:
            old = uow.ledger.get_account("b-7")
            assert old is not None
            new = attrs.evolve(old, name="Reactivated", active=True, currency="JPY",
                               version=old.version + 1)
            uow.ledger.update_account(new, old.version)
            assert uow.ledger.get_account("b-7") == new
            uow.commit()
        with uow_factory("kit") as uow:
            assert uow.ledger.get_account("b-7") == new
            assert len(uow.ledger.list_accounts()) == len(s.accounts())

    def test_repo_entries_round_trip(self, uow_factory: UnitOfWorkFactory) -> None:
        """Every entry comes back equal, field by field, through every lookup."""
        sample = self._fill(uow_factory)
        with uow_factory("kit") as uow:
            repo = uow.ledger
            chained = list(repo.iter_chain())
            assert [e.seq for e in chained] == [e.seq for e in sample.entries]
            for got, want in zip(chained, sample.entries, strict=True):
                check_entry(got, want)
                check_entry(repo.get_entry(want.id), want)
            check_entry(repo.last_entry(), sample.entries[-1])
            for want in sample.entries:
                if want.idempotency_key is not None:
                    check_entry(repo.find_by_idempotency_key(want.idempotency_key), want)
            assert repo.find_by_idempotency_key("kit-key-2") is None
            assert repo.get_entry("je-999") is None

    def test_repo_pending_resolutions_and_reversals(self, uow_factory: UnitOfWorkFactory
                                                     ) -> None:
        """Pending entries stay pending until resolved; resolutions and reversals are found."""
        sample = self._fill(uow_factory)
        by_id = {e.id: e for e in sample.entries}
        with uow_factory("kit") as uow:
            repo = uow.ledger
            assert [e.id for e in sorted(repo.pending_entries(), key=lambda e: e.seq)] == [
                "je-011"], "only the unresolved hold is pending"
            for held, resolution in (("je-003", "je-004"), ("je-005", "je-006"),
                                     ("je-012", "je-013")):
                check_entry(repo.find_resolution(held), by_id[resolution])
            assert repo.find_resolution("je-011") is None
            check_entry(repo.find_reversal("je-007"), by_id["je-008"])
            assert repo.find_reversal("je-001") is None
            batch = s.chain([dict(date=D(2026, 1, 22), description="Capture the open hold",
                                  kind=EntryKind.PENDING_POST, related="je-011",
                                  postings=by_id["je-011"].postings)], sample.entries[-1])
            repo.add_entries(batch)
            repo.apply_deltas(s.deltas_of(batch, by_id))
            uow.commit()
        with uow_factory("kit") as uow:
            assert uow.ledger.pending_entries() == []
            check_entry(uow.ledger.find_resolution("je-011"), batch[0])

    def test_repo_pending_entries_in_seq_order(self, uow_factory: UnitOfWorkFactory) -> None:
        """``pending_entries()`` lists the unresolved holds by seq (not by id or date):
        ``expire_pending`` posts the expirations in that order, so another order chains
        other entries than every other adapter does."""
        sample = self._fill(uow_factory)
        hold = dict(status=EntryStatus.PENDING, description="Hold",
                    postings=(Posting("1140", 10, "USD", 10), Posting("90.01", -10, "USD", -10)))
        batch = s.chain([dict(hold, id="zz-hold", date=D(2026, 1, 30)),
                         dict(hold, id="aa-hold", date=D(2026, 1, 3)),
                         dict(hold, id="mm-hold", date=D(2026, 1, 9))], sample.entries[-1])
        want = ["je-011", "zz-hold", "aa-hold", "mm-hold"]
        with uow_factory("kit") as uow:
            uow.ledger.add_entries(batch[:1])
            uow.ledger.add_entries(batch[1:])
            uow.ledger.apply_deltas(s.deltas_of(batch, {}))
            got = [e.id for e in uow.ledger.pending_entries()]
            assert got == want, f"pending_entries() must order by seq: {got}, want {want}"
            uow.commit()
        with uow_factory("kit") as uow:
            got = [e.id for e in uow.ledger.pending_entries()]
        assert got == want, f"pending_entries() must order by seq: {got}, want {want}"

    def test_repo_reads_hand_out_fresh_containers(self, uow_factory: UnitOfWorkFactory
                                                  ) -> None:
        """Every list or dict a read returns is the caller's own: emptying it changes
        nothing stored. The services hand some straight to the host (``Ledger.accounts()``
        is ``list_accounts()``), so a list that aliases the adapter's state lets a host
        corrupt the book by editing a result."""
        self._fill(uow_factory)
        day = D(2026, 1, 31)
        with uow_factory("kit") as uow:
            repo = uow.ledger
            reads: dict[str, Callable[[], Any]] = {
                "list_accounts()": repo.list_accounts,
                "pending_entries()": repo.pending_entries,
                "list_fiscal_years()": repo.list_fiscal_years,
                "list_balances()": repo.list_balances,
                "list_balances('project')": lambda: repo.list_balances("project"),
                f"balances_as_of({day})": lambda: repo.balances_as_of(day),
            }
            for name, args in (("find_by_idempotency_keys", (["kit-key-1"],)),
                               ("dimension_names", ("1120",)), ("revaluations", ("1130",))):
                ask = getattr(repo, name, None)
                if ask is not None:  # optional reads: checked when offered
                    reads[f"{name}{args!r}".replace(",)", ")")] = functools.partial(
                        ask, *args)
            before = s.dump(repo)
            check_fresh_results(reads, lambda: s.dump(repo))
        with uow_factory("kit") as uow:
            after = s.dump(uow.ledger)
        assert after == before, f"a later unit of work sees {s.diff(before, after)} changed"

    def test_repo_fiscal_years_round_trip(self, uow_factory: UnitOfWorkFactory) -> None:
        """Fiscal years come back equal (periods, states, closing) ordered by start."""
        self._fill(uow_factory)
        fy26, fy25 = s.years()
        with uow_factory("kit") as uow:
            got = uow.ledger.list_fiscal_years()
            assert got == [fy25, fy26] and all(type(y) is FiscalYear for y in got)
            new = fy26.with_period_state("2026-03", PeriodState.LOCKED)
            uow.ledger.save_fiscal_year(new, fy26.version)
            uow.commit()
        with uow_factory("kit") as uow:
            assert uow.ledger.list_fiscal_years() == [fy25, new]
            assert new.periods[2].state is PeriodState.LOCKED
            # a closing that closed no period (all closed by hand) is not an unknown one
            none = attrs.evolve(new, closed=True, closed_by_closing=(), version=new.version + 1)
            uow.ledger.save_fiscal_year(none, new.version)
            uow.commit()
        with uow_factory("kit") as uow:
            got = uow.ledger.list_fiscal_years()
            assert got == [fy25, none] and got[1].closed_by_closing == ()
            assert got[0].closed_by_closing == ("Q4 — final",)

    def test_repo_rates_latest_on_or_before(self, uow_factory: UnitOfWorkFactory) -> None:
        """``get_rate`` finds the latest rate on or before a day, exactly, per direction."""
        self._fill(uow_factory)
        with uow_factory("kit") as uow:
            get = uow.ledger.get_rate
            assert get("EUR", "USD", D(2025, 12, 31)) is None
            assert get("EUR", "USD", D(2026, 1, 1)) == (D(2026, 1, 1), Decimal("1.0837512345"))
            assert get("EUR", "USD", D(2026, 1, 9)) == (D(2026, 1, 1), Decimal("1.0837512345"))
            assert get("EUR", "USD", D(2026, 1, 10)) == (D(2026, 1, 10), Decimal("1.1"))
            assert get("EUR", "USD", D(2027, 6, 1)) == (D(2026, 1, 20), Decimal("1.12"))
            assert get("USD", "EUR", D(2026, 1, 4)) is None
            assert get("USD", "EUR", D(2026, 1, 5)) == (D(2026, 1, 5), Decimal("0.91"))
            assert get("JPY", "USD", D(2026, 1, 1)) == (D(2025, 12, 31), Decimal("0.0066934"))
            assert get("EUR", "JPY", D(2026, 1, 1)) is None
            found = get("USD", "JPY", D(2026, 1, 2))
            assert found is not None and type(found[0]) is date
            assert type(found[1]) is Decimal, "rates must come back as Decimal, never float"
            uow.ledger.add_rate("EUR", "USD", D(2026, 1, 10), Decimal("1.105"))
            uow.commit()
        with uow_factory("kit") as uow:
            assert uow.ledger.get_rate("EUR", "USD", D(2026, 1, 15)) == (
                D(2026, 1, 10), Decimal("1.105")), "a rate of the same day replaces the old one"

    def test_repo_rates_read_back_in_their_canonical_form(self, uow_factory: UnitOfWorkFactory
                                                           ) -> None:
        """A rate given with a positive exponent (a form PostgreSQL's NUMERIC drops) is kept
        in its canonical form (``exact.canonical``: ``1E+2`` as ``100``), and every rate
        reads back the same in value and in form (trailing zeros kept)."""
        led = open_book(uow_factory).ledger
        led.setup("Kit", currency="USD")
        given = {"EUR": "1E+2", "GBP": Decimal("2.50E+1"), "CHF": "1.500", "JPY": "0.0066"}
        for code, rate in given.items():
            led.set_rate(code, "USD", D(2026, 1, 1), rate)
        with uow_factory("kit") as uow:
            got = {code: uow.ledger.get_rate(code, "USD", D(2026, 1, 1)) for code in given}
        assert {code: str(found[1]) for code, found in got.items() if found} == {
            "EUR": "100", "GBP": "25.0", "CHF": "1.500", "JPY": "0.0066"}, got

    def test_repo_iter_entries_order_and_filters(self, uow_factory: UnitOfWorkFactory
                                                 ) -> None:
        """``iter_entries`` orders by (date, seq) and filters by inclusive dates and account."""
        sample = self._fill(uow_factory)
        ordered = sorted(sample.entries, key=lambda e: (e.date, e.seq))

        def ids(**kw: Any) -> list[str]:
            with uow_factory("kit") as uow:
                return [e.id for e in uow.ledger.iter_entries(**kw)]

        assert ids() == [e.id for e in ordered]
        lo, hi = D(2026, 1, 5), D(2026, 1, 14)
        assert ids(start=lo, end=hi) == [e.id for e in ordered if lo <= e.date <= hi]
        assert ids(start=lo) == [e.id for e in ordered if e.date >= lo]
        assert ids(end=lo) == [e.id for e in ordered if e.date <= lo]
        for acc in ("1120", "3500", "2150", "nowhere"):
            want = [e.id for e in ordered if any(p.account == acc for p in e.postings)]
            assert ids(account=acc) == want, f"entries touching {acc}"
        assert ids(start=lo, end=hi, account="1120") == [
            e.id for e in ordered if lo <= e.date <= hi
            and any(p.account == "1120" for p in e.postings)]
        assert ids(start=hi, end=lo) == []

    def test_repo_running_balances(self, uow_factory: UnitOfWorkFactory) -> None:
        """``apply_deltas`` adds to running totals (created at zero), per dimension too."""
        sample = self._fill(uow_factory)
        want = s.expected_balances(sample.deltas)
        with uow_factory("kit") as uow:
            repo = uow.ledger
            for key, bal in want.items():
                _check_balance(repo.get_balance(key), bal)
            for dim in ("", "project", "region"):
                got = sorted(repo.list_balances(dim), key=lambda b: b.key)
                assert got == sorted((b for k, b in want.items() if k.dimension == dim),
                                     key=lambda b: b.key), f"list_balances({dim!r})"
            assert repo.list_balances("nothing") == []
            key = BalanceKey("1120", "USD")
            repo.apply_deltas([BalanceDelta(key, D(2026, 1, 10), 5, 7, 11, 13, -2),
                               BalanceDelta(key, D(2026, 1, 11), 1, 0, 0, 0, 1)])
            uow.commit()
        with uow_factory("kit") as uow:
            b = want[key]
            _check_balance(uow.ledger.get_balance(key), Balance(
                key, b.debits + 6, b.credits + 7, b.pending_debits + 11,
                b.pending_credits + 13, b.functional - 1))

    def test_repo_balance_as_of_backdated(self, uow_factory: UnitOfWorkFactory) -> None:
        """Rollups answer "as of a day" for any day, after backdated postings too."""
        sample = self._fill(uow_factory)
        key = BalanceKey("1120", "USD")
        late = [BalanceDelta(key, D(2026, 1, 3), 40, 0, 0, 0, 40),  # backdated again
                BalanceDelta(BalanceKey("9", "USD"), D(2025, 6, 1), 0, 9, 0, 0, -9),
                BalanceDelta(BalanceKey("9", "USD"), D(2026, 1, 3), 0, 0, 5, 0, 0)]
        with uow_factory("kit") as uow:
            uow.ledger.apply_deltas(late)
            uow.commit()
        deltas = sample.deltas + late
        days = sorted({d.day for d in deltas} | {D(2025, 1, 1), D(2026, 1, 4), D(2099, 1, 1)})
        with uow_factory("kit") as uow:
            repo = uow.ledger
            for day in days:
                want = s.expected_as_of(deltas, day)
                for dim in ("", "project"):
                    got = {b.key: b for b in repo.balances_as_of(day, dim)
                           if b.debits or b.credits or b.functional}
                    assert got == {k: b for k, b in want.items() if k.dimension == dim}, (
                        f"balances_as_of({day}, {dim!r})")
                for k in want.keys() | {key}:
                    _check_balance(repo.balance_as_of(k, day), want.get(k, Balance(k)))

    def test_repo_amounts_are_exact_integers(self, uow_factory: UnitOfWorkFactory) -> None:
        """Amounts near 10**17 and their sums come back exact, as ``int``."""
        self._fill(uow_factory)
        key = BalanceKey("1120", "USD")
        with uow_factory("kit") as uow:
            before = uow.ledger.get_balance(key)
            uow.ledger.apply_deltas([BalanceDelta(key, D(2026, 3, 1), s.BIG, 0, 0, 0, s.BIG)])
            uow.commit()
        with uow_factory("kit") as uow:
            got = uow.ledger.get_balance(key)
            _check_balance(got, Balance(key, before.debits + s.BIG, before.credits, 0, 0,
                                        before.functional + s.BIG))
            huge = uow.ledger.get_entry("je-010")
            assert huge is not None and huge.postings[0].amount == s.BIG

    def test_repo_sample_book_verifies(self, uow_factory: UnitOfWorkFactory) -> None:
        """The sample book passes the ledger's own verification after a round trip."""
        sample = self._fill(uow_factory)
        with uow_factory("kit") as uow:
            report = verify_ledger(uow.ledger)
        assert report.ok, report.problems
        assert report.entries_checked == len(sample.entries)

    def test_repo_datetimes_keep_their_offset(self, uow_factory: UnitOfWorkFactory) -> None:
        """Aware datetimes keep their instant, UTC offset and microseconds."""
        self._fill(uow_factory)
        with uow_factory("kit") as uow:
            e = uow.ledger.get_entry("je-003")
        assert e is not None and isinstance(e.expires_at, datetime)
        assert e.expires_at.isoformat() == "2026-02-07T23:59:59.999999+05:45"
        assert e.recorded_at is not None
        assert e.recorded_at.isoformat() == "2026-01-31T09:30:15.123456+03:00"
