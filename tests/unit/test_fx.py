"""Foreign exchange: dated rates, entries across currencies, trading lines, revaluation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backoffice_core as bc
from backoffice_core.errors import (
    FloatNotAllowedError,
    NotFoundError,
    UnbalancedEntryError,
    ValidationError,
)
from backoffice_core.ledger import EntryKind, Line, Posting
from backoffice_core.ledger.posting import convert_minor

Jan = Callable[..., bc.NewEntry]
D = date


def usd(amount: str) -> bc.Money:
    return bc.Money(amount, "USD")


def eur(amount: str) -> bc.Money:
    return bc.Money(amount, "EUR")


def _per_currency(entry: bc.JournalEntry) -> dict[str, int]:
    out: dict[str, int] = {}
    for p in entry.postings:
        out[p.currency] = out.get(p.currency, 0) + p.amount
    return out


# ---------------------------------------------------------------- rates
def test_rates_by_date_latest_on_or_before(bo: bc.Backoffice) -> None:
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 1), "1.10")
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 15), "1.20")
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 10), Decimal("1.15"))
    assert bo.ledger.rate("EUR", "USD", D(2026, 1, 1)) == Decimal("1.10")
    assert bo.ledger.rate("EUR", "USD", D(2026, 1, 9)) == Decimal("1.10")
    assert bo.ledger.rate("EUR", "USD", D(2026, 1, 10)) == Decimal("1.15")
    assert bo.ledger.rate("EUR", "USD", D(2026, 1, 14)) == Decimal("1.15")
    assert bo.ledger.rate("EUR", "USD", D(2026, 6, 1)) == Decimal("1.20")
    with pytest.raises(NotFoundError) as info:
        bo.ledger.rate("EUR", "USD", D(2025, 12, 31))
    assert info.value.field == "rate"


def test_a_rate_of_the_same_day_is_replaced(bo: bc.Backoffice) -> None:
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 1), "1.10")
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 1), "1.11")
    assert bo.ledger.rate("EUR", "USD", D(2026, 1, 2)) == Decimal("1.11")


def test_a_rate_with_a_positive_exponent_reads_back_as_every_store_keeps_it(
        bo: bc.Backoffice) -> None:
    bo.ledger.set_rate("CHF", "USD", D(2026, 1, 1), "1E+2")  # PostgreSQL's NUMERIC: 100
    bo.ledger.set_rate("JPY", "USD", D(2026, 1, 1), Decimal("6.667E-3"))
    assert str(bo.ledger.rate("CHF", "USD", D(2026, 1, 1))) == "100"
    assert str(bo.ledger.rate("JPY", "USD", D(2026, 1, 1))) == "0.006667"


def test_inverse_rate_lookup(bo: bc.Backoffice) -> None:
    bo.ledger.set_rate("USD", "EUR", D(2026, 1, 1), "0.8")
    assert bo.ledger.rate("EUR", "USD", D(2026, 1, 5)) == Decimal("1.25")
    with pytest.raises(NotFoundError):
        bo.ledger.rate("GBP", "USD", D(2026, 1, 5))


def test_rate_validation(bo: bc.Backoffice, refuses) -> None:
    info = refuses(bo, ValidationError, bo.ledger.set_rate, "EUR", "USD", D(2026, 1, 1), "0")
    assert info.value.field == "rate"
    refuses(bo, ValidationError, bo.ledger.set_rate, "EUR", "USD", D(2026, 1, 1), "-1.2")
    refuses(bo, FloatNotAllowedError, bo.ledger.set_rate, "EUR", "USD", D(2026, 1, 1), 1.2)
    refuses(bo, NotFoundError, bo.ledger.set_rate, "EUR", "QQQ", D(2026, 1, 1), "1.2")


# ---------------------------------------------------------------- entries across currencies
def _buy_eur(jan: Jan, **kw: object) -> bc.NewEntry:
    return jan(2, bc.debit("1130", eur("100.00")), bc.credit("1120", "110.00"),
               description="Buy EUR", **kw)


def _check_trading_lines(entry: bc.JournalEntry) -> None:
    assert _per_currency(entry) == {"EUR": 0, "USD": 0}
    assert sum(p.functional for p in entry.postings) == 0
    trading = sorted((p.currency, p.amount, p.functional) for p in entry.postings
                     if p.account == "3500")
    assert trading == [("EUR", -10000, -11000), ("USD", 11000, 11000)]


def test_entry_rates_balance_across_currencies(bo: bc.Backoffice, jan: Jan) -> None:
    r = bo.ledger.post(_buy_eur(jan, rates={"EUR": "1.10"}))
    _check_trading_lines(r.entry)
    assert bo.ledger.balance("1130", "EUR") == eur("100.00")
    assert bo.ledger.balance_detail("1130", "EUR").functional == 11000
    assert bo.ledger.balance("1120") == usd("-110.00")
    assert r.balance("3500", "EUR") == eur("-100.00")
    assert bo.ledger.verify().ok


def test_line_rate_balances_across_currencies(bo: bc.Backoffice, jan: Jan) -> None:
    r = bo.ledger.post(jan(2, Line("1130", eur("100.00"), rate="1.10"),
                           bc.credit("1120", "110.00")))
    _check_trading_lines(r.entry)


def test_line_functional_amount_balances_across_currencies(bo: bc.Backoffice,
                                                           jan: Jan) -> None:
    r = bo.ledger.post(jan(2, Line("1130", eur("100.00"), functional=usd("110.00")),
                           bc.credit("1120", "110.00")))
    _check_trading_lines(r.entry)


def test_stored_rates_balance_across_currencies(bo: bc.Backoffice, jan: Jan) -> None:
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 1), "1.10")
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 3), "9.99")  # after the entry: not used
    r = bo.ledger.post(_buy_eur(jan))
    _check_trading_lines(r.entry)


def test_stored_inverse_rate_is_used(bo: bc.Backoffice, jan: Jan) -> None:
    bo.ledger.set_rate("USD", "EUR", D(2026, 1, 1), "0.8")
    r = bo.ledger.post(jan(2, bc.debit("1130", eur("100.00")), bc.credit("1120", "125.00")))
    assert _per_currency(r.entry) == {"EUR": 0, "USD": 0}


def test_line_rate_wins_over_entry_rates(bo: bc.Backoffice, jan: Jan) -> None:
    r = bo.ledger.post(jan(2, Line("1130", eur("100.00"), rate="1.10"),
                           bc.credit("1120", "110.00"), rates={"EUR": "5"}))
    _check_trading_lines(r.entry)


def test_missing_rate_names_the_line(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    info = refuses(bo, ValidationError, bo.ledger.post,
                   jan(2, bc.credit("1120", "110.00"), bc.debit("1130", eur("100.00"))))
    assert info.value.field == "lines[1].rate"
    assert "EUR" in str(info.value)


def test_rates_that_do_not_balance_are_refused(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    info = refuses(bo, UnbalancedEntryError, bo.ledger.post, _buy_eur(jan, rates={"EUR": "1.11"}))
    assert info.value.field == "totals.USD"


def test_a_foreign_only_entry_converts_at_one_rate(bo: bc.Backoffice, jan: Jan) -> None:
    """Rounding residues of one shared rate never unbalance the functional side."""
    r = bo.ledger.post(jan(2, bc.debit("6200", eur("0.01")), bc.debit("6300", eur("0.01")),
                           bc.debit("6400", eur("0.01")), bc.credit("1130", eur("0.03")),
                           rates={"EUR": "1.5"}))
    assert sum(p.functional for p in r.entry.postings) == 0
    assert _per_currency(r.entry) == {"EUR": 0}
    assert not any(p.account == "3500" for p in r.entry.postings)
    assert bo.ledger.verify().ok


def test_three_currencies_in_one_entry(bo: bc.Backoffice, jan: Jan) -> None:
    r = bo.ledger.post(jan(2, bc.debit("1130", eur("100.00")),
                           bc.debit("1130", bc.Money("1000", "JPY")),
                           bc.credit("1120", "116.70"), rates={"EUR": "1.10", "JPY": "0.0067"}))
    sums = _per_currency(r.entry)
    assert sums == {"EUR": 0, "JPY": 0, "USD": 0}
    assert sum(p.functional for p in r.entry.postings) == 0
    assert bo.ledger.verify().ok


def test_a_cross_currency_entry_needs_a_trading_account(new_book, refuses) -> None:
    bo = new_book(chart=None)
    bo.ledger.open_account("1", "Bank USD", "asset")
    bo.ledger.open_account("2", "Bank EUR", "asset")
    info = refuses(bo, ValidationError, bo.ledger.post,
                   bc.NewEntry(D(2026, 1, 2), "x", [bc.debit("2", eur("100.00")),
                                                   bc.credit("1", "110.00")],
                               rates={"EUR": "1.10"}))
    assert info.value.field == "roles.currency_trading"


# ---------------------------------------------------------------- revaluation
def _setup_foreign(bo: bc.Backoffice, jan: Jan) -> None:
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 1), "1.10")
    bo.ledger.post(_buy_eur(jan))  # 1130: EUR 100.00 carried at USD 110.00
    bo.ledger.post(jan(3, bc.debit("1120", "55.00"), bc.credit("2170", eur("50.00")),
                       description="EUR loan"))  # 2170: EUR -50.00 carried at USD -55.00
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 31), "1.20")


def test_revaluation_posts_unrealized_gain_and_loss(bo: bc.Backoffice, jan: Jan) -> None:
    _setup_foreign(bo, jan)
    r = bo.ledger.revalue(D(2026, 1, 31))
    assert r is not None
    assert r.entry.kind is EntryKind.REVALUATION
    assert r.entry.date == D(2026, 1, 31)
    assert bo.ledger.balance_detail("1130", "EUR").functional == 12000
    assert bo.ledger.balance("1130", "EUR") == eur("100.00")  # currency amount unchanged
    assert bo.ledger.balance_detail("2170", "EUR").functional == -6000
    assert bo.ledger.balance("7300") == usd("-10.00")  # unrealized gain on the asset
    assert bo.ledger.balance("8300") == usd("5.00")  # unrealized loss on the liability
    assert _per_currency(r.entry) == {"EUR": 0, "USD": 0}
    assert sum(p.functional for p in r.entry.postings) == 0
    assert bo.ledger.verify().ok
    assert bo.ledger.revalue(D(2026, 1, 31)) is None  # nothing left to revalue


def test_revaluation_is_reversed_on_reverse_on(bo: bc.Backoffice, jan: Jan) -> None:
    _setup_foreign(bo, jan)
    r = bo.ledger.revalue(D(2026, 1, 31), reverse_on=D(2026, 2, 1))
    assert r is not None
    rev = bo.ledger.entries()[-1]
    assert rev.kind is EntryKind.REVERSAL
    assert rev.related == r.entry.id
    assert rev.date == D(2026, 2, 1)
    assert bo.ledger.balance("7300", as_of=D(2026, 1, 31)) == usd("-10.00")
    assert bo.ledger.balance("7300") == usd("0.00")
    assert bo.ledger.balance_detail("1130", "EUR").functional == 11000
    assert bo.ledger.balance_detail("1130", "EUR", as_of=D(2026, 1, 31)).functional == 12000
    assert bo.ledger.verify().ok


def test_revaluation_is_named_in_the_books_language(bo: bc.Backoffice, jan: Jan,
                                                    refuses: Any) -> None:
    """The entry and its reversal were always "FX revaluation <ISO date>" and its lines'
    memo "revaluation EUR": English in a German or Russian journal (the demo's)."""
    _setup_foreign(bo, jan)
    before = bo.ledger.revalue(D(2026, 1, 31), reverse_on=D(2026, 2, 1))
    assert before is not None and before.entry.description == "FX revaluation 2026-01-31"
    foreign = ("1130", "2170")
    assert {p.memo for p in before.entry.postings if p.account in foreign} == {"revaluation EUR"}
    assert bo.ledger.entries()[-1].description == "Reversal of FX revaluation 2026-01-31"
    bo.ledger.set_rate("EUR", "USD", D(2026, 2, 28), "1.25")
    for bad in ({"description": 5}, {"reversal_description": "a\x00b"}):
        info = refuses(bo, ValidationError, bo.ledger.revalue, D(2026, 2, 28),
                       reverse_on=D(2026, 3, 1), **bad)
        assert info.value.field == next(iter(bad))
    r = bo.ledger.revalue(D(2026, 2, 28), reverse_on=D(2026, 3, 1),
                          description="Fremdwährungsbewertung 28.02.2026",
                          reversal_description="Storno Fremdwährungsbewertung 28.02.2026")
    assert r is not None and r.entry.description == "Fremdwährungsbewertung 28.02.2026"
    assert {p.memo for p in r.entry.postings if p.account in foreign} == {"EUR"}
    back = bo.ledger.entries()[-1]
    assert back.related == r.entry.id
    assert back.description == "Storno Fremdwährungsbewertung 28.02.2026"
    assert bo.ledger.verify().ok


def test_revaluation_of_chosen_accounts_only(bo: bc.Backoffice, jan: Jan) -> None:
    _setup_foreign(bo, jan)
    bo.ledger.revalue(D(2026, 1, 31), accounts=["2170"])
    assert bo.ledger.balance_detail("1130", "EUR").functional == 11000
    assert bo.ledger.balance_detail("2170", "EUR").functional == -6000


def test_revaluation_of_a_parent_revalues_its_descendants(bo: bc.Backoffice,
                                                         jan: Jan) -> None:
    """Naming a parent (1100, current assets) revalued nothing before: no balance is
    held on a parent, so revalue() answered None as if nothing needed revaluing."""
    _setup_foreign(bo, jan)
    got = bo.ledger.revalue(D(2026, 1, 31), accounts=["1100"])
    assert got is not None
    assert {p.account for p in got.entry.postings} == {"1130", "7300", "3500"}
    assert bo.ledger.balance_detail("1130", "EUR").functional == 12000
    assert bo.ledger.balance_detail("2170", "EUR").functional == -5500  # not under 1100


def test_revaluation_needs_a_rate(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    bo.ledger.post(_buy_eur(jan, rates={"EUR": "1.10"}))
    info = refuses(bo, NotFoundError, bo.ledger.revalue, D(2026, 1, 31))
    assert info.value.field == "rate"


def test_nothing_to_revalue(bo: bc.Backoffice, jan: Jan) -> None:
    assert bo.ledger.revalue(D(2026, 1, 31)) is None
    bo.ledger.post(jan(2, bc.debit("1110", "1.00"), bc.credit("4100", "1.00")))
    assert bo.ledger.revalue(D(2026, 1, 31)) is None


def _spend_all_eur(bo: bc.Backoffice, jan: Jan) -> None:
    """Buy EUR 100 at 1.10, spend it all at 1.20: EUR 0 left, USD -10 still carried."""
    bo.ledger.post(_buy_eur(jan, rates={"EUR": "1.10"}))
    bo.ledger.post(jan(20, bc.debit("6200", "120.00"), bc.credit("1130", eur("100.00")),
                       rates={"EUR": "1.20"}))


def test_realized_difference_when_the_foreign_balance_is_zero(bo: bc.Backoffice,
                                                              jan: Jan) -> None:
    _spend_all_eur(bo, jan)
    d = bo.ledger.balance_detail("1130", "EUR")
    assert (d.net, d.functional) == (0, -1000)
    r = bo.ledger.revalue(D(2026, 1, 31), reverse_on=D(2026, 2, 1))
    assert r is not None
    assert bo.ledger.balance_detail("1130", "EUR").functional == 0
    assert bo.ledger.balance("7200") == usd("-10.00")  # realized gain, never reversed
    assert bo.ledger.balance("7300") == usd("0.00")
    assert bo.ledger.entries()[-1].id == r.entry.id  # no reversal entry
    assert bo.ledger.verify().ok


def test_realized_loss(bo: bc.Backoffice, jan: Jan) -> None:
    bo.ledger.post(_buy_eur(jan, rates={"EUR": "1.10"}))
    bo.ledger.post(jan(20, bc.debit("6200", "100.00"), bc.credit("1130", eur("100.00")),
                       rates={"EUR": "1.00"}))
    bo.ledger.revalue(D(2026, 1, 31))
    assert bo.ledger.balance("8200") == usd("10.00")


@pytest.mark.parametrize("days", [0, -1])
def test_reverse_on_not_after_the_revaluation_is_refused(bo: bc.Backoffice, jan: Jan,
                                                         days: int) -> None:
    _setup_foreign(bo, jan)
    before = (bo.ledger.entries(), bo.ledger.balances())
    with pytest.raises(ValidationError) as info:
        bo.ledger.revalue(D(2026, 1, 31), reverse_on=D(2026, 1, 31) + timedelta(days=days))
    assert info.value.field == "reverse_on"
    assert (bo.ledger.entries(), bo.ledger.balances()) == before


def test_reverse_on_keeps_the_realized_part(bo: bc.Backoffice, jan: Jan) -> None:
    """One run with both kinds: only the unrealized part is reversed next period."""
    _spend_all_eur(bo, jan)  # realized: +10 gain on 1130
    bo.ledger.post(jan(21, bc.debit("1120", "55.00"), bc.credit("2170", eur("50.00")),
                       rates={"EUR": "1.10"}))  # unrealized: loss 5 on 2170 at 1.20
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 31), "1.20")
    bo.ledger.revalue(D(2026, 1, 31), reverse_on=D(2026, 2, 1))
    assert bo.ledger.balance("8300") == usd("0.00")  # unrealized reversed
    assert bo.ledger.balance("7200") == usd("-10.00")  # realized kept
    assert bo.ledger.balance_detail("1130", "EUR").functional == 0
    assert bo.ledger.verify().ok


def test_realized_difference_is_not_reversed_when_roles_share_an_account(new_book) -> None:
    """ru_94n books both realized and unrealized differences on 91.01/91.02."""
    bo = new_book(currency="RUB", chart="ru_94n")
    bo.ledger.post(bc.NewEntry(D(2026, 1, 2), "Buy EUR",
                               [bc.debit("52", eur("100.00")), bc.credit("51", "9000.00", "RUB")],
                               rates={"EUR": "90"}))
    bo.ledger.post(bc.NewEntry(D(2026, 1, 20), "Pay in EUR",
                               [bc.debit("26", "9500.00", "RUB"), bc.credit("52", eur("100.00"))],
                               rates={"EUR": "95"}))
    bo.ledger.revalue(D(2026, 1, 31), reverse_on=D(2026, 2, 1))
    assert bo.ledger.balance("91.01") == bc.Money("-500.00", "RUB")
    assert bo.ledger.balance_detail("52", "EUR").functional == 0


# ---------------------------------------------------------------- entry rates are input too
def test_a_float_entry_rate_is_refused(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    refuses(bo, FloatNotAllowedError, lambda: bo.ledger.post(_buy_eur(jan, rates={"EUR": 1.1})))


def test_a_non_numeric_entry_rate_is_a_validation_error(bo: bc.Backoffice, jan: Jan,
                                                        refuses) -> None:
    info = refuses(bo, ValidationError, lambda: bo.ledger.post(
        _buy_eur(jan, rates={"EUR": "abc"})))
    assert "rate" in str(info.value.field)


@pytest.mark.parametrize("rate", ["0", "-1.10"])
def test_a_non_positive_entry_rate_names_the_rate(bo: bc.Backoffice, jan: Jan, refuses,
                                                  rate: str) -> None:
    info = refuses(bo, ValidationError, lambda: bo.ledger.post(_buy_eur(jan, rates={"EUR": rate})))
    assert "rate" in str(info.value.field)


def test_rate_lookup_is_case_insensitive_like_set_rate(bo: bc.Backoffice) -> None:
    bo.ledger.set_rate("eur", "usd", D(2026, 1, 1), "1.10")
    assert bo.ledger.rate("EUR", "USD", D(2026, 1, 2)) == Decimal("1.10")
    assert bo.ledger.rate("eur", "usd", D(2026, 1, 2)) == Decimal("1.10")


def test_a_currency_against_itself_is_one_and_a_missing_rate_names_the_iso_pair(
        bo: bc.Backoffice) -> None:
    """A rate of a currency in itself is exactly 1 (set_rate refuses the pair, so none is
    ever stored); a missing rate names the pair as the lookup spelled it, in ISO codes."""
    assert bo.ledger.rate("usd", "USD", D(2026, 1, 2)) == Decimal(1)
    with pytest.raises(NotFoundError) as info:
        bo.ledger.rate("gbp", "usd", D(2026, 1, 2))
    assert (info.value.field, info.value.value) == ("rate", "GBP/USD")
    assert "GBP/USD" in str(info.value)


def test_a_failed_revaluation_changes_nothing(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    """The revaluation posts, then its reversal hits a closed period: all of it rolls back."""
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", D(2026, 1, 1)))
    _setup_foreign(bo, jan)
    bo.ledger.close_period("FY2026", "2026-02")
    refuses(bo, bc.PeriodClosedError, bo.ledger.revalue, D(2026, 1, 31),
            reverse_on=D(2026, 2, 1))


def test_rate_and_revaluation_dates_must_be_dates(bo: bc.Backoffice, refuses) -> None:
    info = refuses(bo, ValidationError, bo.ledger.set_rate, "EUR", "USD", "2026-01-01", "1.1")
    assert info.value.field == "day"
    info = refuses(bo, ValidationError, bo.ledger.revalue, "2026-01-31")
    assert info.value.field == "on"


def test_a_newer_inverse_rate_wins_over_an_older_direct_one(bo: bc.Backoffice,
                                                            jan: Jan) -> None:
    """Both directions read the rate recorded last: EUR/USD on Feb 10 is 1/0.8 once USD/EUR
    0.8 was recorded from Feb 1, not the older EUR/USD 1.10 (found while building the
    ledger's stateful test); on the same day the direct rate wins."""
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 1), "1.10")
    bo.ledger.set_rate("USD", "EUR", D(2026, 2, 1), "0.8")
    assert bo.ledger.rate("EUR", "USD", D(2026, 2, 10)) == Decimal("1.25")
    assert bo.ledger.rate("USD", "EUR", D(2026, 2, 10)) == Decimal("0.8")
    assert bo.ledger.rate("EUR", "USD", D(2026, 1, 31)) == Decimal("1.10")
    r = bo.ledger.post(jan(date(2026, 2, 10), bc.debit("1130", eur("100.00")),
                           bc.credit("1120", "125.00")))
    assert _per_currency(r.entry) == {"EUR": 0, "USD": 0}
    bo.ledger.set_rate("EUR", "USD", D(2026, 2, 1), "1.20")
    assert bo.ledger.rate("EUR", "USD", D(2026, 2, 10)) == Decimal("1.20")


# ---------------------------------------------------------------- revaluation order and dimensions
def _quarter_rates(bo: bc.Backoffice, jan: Jan) -> None:
    """EUR 100.00 on 1130 and EUR -50.00 on 2170 at 1.10; 1.20 from Feb 28, 1.30 from Mar 31."""
    _setup_foreign(bo, jan)
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 31), "1.10")
    bo.ledger.set_rate("EUR", "USD", D(2026, 2, 28), "1.20")
    bo.ledger.set_rate("EUR", "USD", D(2026, 3, 31), "1.30")


def test_a_revaluation_dated_before_a_later_one_is_refused(bo: bc.Backoffice, jan: Jan,
                                                          refuses) -> None:
    """Revaluing at Feb 28 after Mar 31 was accepted: Mar 31 then carried EUR 100.00 at
    USD 140.00 (its own +20.00 on top of February's +10.00), not at 1.30, and nothing
    recomputed the March figures. Revaluations of a balance now go forward in time."""
    _quarter_rates(bo, jan)
    bo.ledger.revalue(D(2026, 3, 31))
    info = refuses(bo, ValidationError, bo.ledger.revalue, D(2026, 2, 28))
    assert info.value.field == "on"
    assert info.value.value == D(2026, 2, 28)
    assert "2026-03-31" in str(info.value)
    for code, fn in (("1130", 13000), ("2170", -6500)):
        assert bo.ledger.balance_detail(code, "EUR", as_of=D(2026, 3, 31)).functional == fn
    assert bo.ledger.revalue(D(2026, 3, 31)) is None  # the same date again: nothing to do


def test_a_later_revaluation_of_other_accounts_does_not_block(bo: bc.Backoffice, jan: Jan,
                                                             refuses) -> None:
    _quarter_rates(bo, jan)
    bo.ledger.revalue(D(2026, 3, 31), accounts=["2170"])
    refuses(bo, ValidationError, bo.ledger.revalue, D(2026, 2, 28))  # 2170 is in scope
    assert bo.ledger.revalue(D(2026, 2, 28), accounts=["1130"]) is not None
    assert bo.ledger.balance_detail("1130", "EUR", as_of=D(2026, 2, 28)).functional == 12000
    assert bo.ledger.revalue(D(2026, 3, 31)) is not None
    assert bo.ledger.balance_detail("1130", "EUR", as_of=D(2026, 3, 31)).functional == 13000


def test_a_back_dated_revaluation_reversed_before_the_later_one_is_harmless(
        bo: bc.Backoffice, jan: Jan, refuses) -> None:
    """With ``reverse_on`` on or before the later revaluation's date, an unrealized
    difference is gone by then: the later figures stand, so it is accepted. Reversed
    after that date, or not at all, it is refused."""
    _quarter_rates(bo, jan)
    bo.ledger.revalue(D(2026, 3, 31), reverse_on=D(2026, 4, 1))
    refuses(bo, ValidationError, bo.ledger.revalue, D(2026, 2, 28))
    refuses(bo, ValidationError, bo.ledger.revalue, D(2026, 2, 28), reverse_on=D(2026, 4, 1))
    assert bo.ledger.revalue(D(2026, 2, 28), reverse_on=D(2026, 3, 31)) is not None
    assert bo.ledger.balance_detail("1130", "EUR", as_of=D(2026, 2, 28)).functional == 12000
    for code, fn in (("1130", 13000), ("2170", -6500)):
        assert bo.ledger.balance_detail(code, "EUR", as_of=D(2026, 3, 31)).functional == fn
    assert bo.ledger.balance("7300", as_of=D(2026, 3, 31)) == usd("-20.00")
    assert bo.ledger.verify().ok


def test_a_back_dated_realized_difference_is_refused_even_when_reversing(
        bo: bc.Backoffice, jan: Jan, refuses) -> None:
    """A realized difference is never reversed: it would stay in the later figures."""
    _spend_all_eur(bo, jan)  # EUR 0 on 1130 from Jan 20, USD -10.00 carried
    bo.ledger.post(bc.NewEntry(D(2026, 3, 5), "Buy EUR again", [
        bc.debit("1130", eur("50.00")), bc.credit("1120", "62.50")], rates={"EUR": "1.25"}))
    bo.ledger.set_rate("EUR", "USD", D(2026, 3, 31), "1.30")
    bo.ledger.revalue(D(2026, 3, 31), reverse_on=D(2026, 4, 1))
    info = refuses(bo, ValidationError, bo.ledger.revalue, D(2026, 2, 28),
                   reverse_on=D(2026, 3, 1))
    assert "2026-03-31" in str(info.value)


def _by_dimension(bo: bc.Backoffice, code: str, dim: str, on: date) -> dict[str, tuple[int, int]]:
    return {b.key.value: (b.net, b.functional)
            for b in bo.ledger.balances(as_of=on, dimension=dim)
            if b.key.account == code and b.key.currency == "EUR"}


def test_revaluation_reaches_the_balances_by_dimension(bo: bc.Backoffice, jan: Jan) -> None:
    """Only the account total was revalued: by project, 1130 still summed to USD 110.00
    while the account carried USD 123.46."""
    bo.ledger.post(jan(2, Line("1130", eur("60.00"), dimensions={"project": "P1"}),
                       Line("1130", eur("40.00"), dimensions={"project": "P2", "dept": "D1"}),
                       bc.credit("1120", "110.00"), rates={"EUR": "1.10"}))
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 31), "1.23456")
    bo.ledger.revalue(D(2026, 1, 31), reverse_on=D(2026, 2, 1))
    on = D(2026, 1, 31)
    total = bo.ledger.balance_detail("1130", "EUR", as_of=on).functional
    assert total == 12346  # 100.00 x 1.23456 = 123.456
    projects = _by_dimension(bo, "1130", "project", on)
    assert sum(fn for _, fn in projects.values()) == total
    # 60 x 1.23456 = 74.0736 and 40 x 1.23456 = 49.3824: the extra cent goes to P1
    assert projects == {"P1": (6000, 7408), "P2": (4000, 4938)}
    assert _by_dimension(bo, "1130", "dept", on) == {"D1": (4000, 4938)}
    # the reversal next day takes the dimensions back too
    assert _by_dimension(bo, "1130", "project", D(2026, 2, 1)) == {
        "P1": (6000, 6600), "P2": (4000, 4400)}
    assert bo.ledger.verify().ok


def test_untagged_and_zero_dimension_balances_are_revalued_apart(bo: bc.Backoffice,
                                                                 jan: Jan) -> None:
    """A settled project (EUR 0) loses its functional rest; what no project tags keeps
    the rest of the account's difference."""
    bo.ledger.post(jan(2, Line("1130", eur("60.00"), dimensions={"project": "P1"}),
                       Line("1130", eur("40.00")), bc.credit("1120", "110.00"),
                       rates={"EUR": "1.10"}))
    bo.ledger.post(jan(10, Line("1130", eur("-60.00"), dimensions={"project": "P1"}),
                       bc.debit("6200", "72.00"), rates={"EUR": "1.20"}))
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 31), "1.25")
    bo.ledger.revalue(D(2026, 1, 31))
    on = D(2026, 1, 31)
    assert bo.ledger.balance_detail("1130", "EUR", as_of=on).functional == 5000
    assert _by_dimension(bo, "1130", "project", on) == {"P1": (0, 0)}
    assert bo.ledger.verify().ok


# ---------------------------------------------------------------- any sequence of revaluations
_DAYS = [D(2026, 1, 15), D(2026, 1, 31), D(2026, 2, 14), D(2026, 2, 28), D(2026, 3, 31),
         D(2026, 4, 30)]
_RATES = [Decimal("1.0850"), Decimal("1.1"), Decimal("0.9731"), Decimal("1.23456")]
_DIMS: list[dict[str, str]] = [{}, {"project": "P1"}, {"project": "P2"},
                               {"project": "P1", "dept": "D1"}, {"dept": "D2"}]
_line_st = st.tuples(st.sampled_from(["1130", "1140", "2170"]), st.integers(-10**6, 10**6),
                     st.integers(0, 89), st.sampled_from(_DIMS), st.sampled_from(_RATES))
_reval_st = st.tuples(st.sampled_from(_DAYS),
                      st.sampled_from([None, ["1130"], ["2170"], ["1100"], ["1130", "2170"]]),
                      st.booleans())


def _carried(bo: bc.Backoffice, code: str, on: date, rate: Decimal) -> None:
    """As of ``on``: the account at balance x ``rate`` (nothing when it is settled), and
    every part of it by dimension (each value, and what no value tags) within a cent and
    a half of its own balance x ``rate``, at zero when its balance is zero."""
    total = bo.ledger.balance_detail(code, "EUR", as_of=on)
    want = convert_minor(total.net, "EUR", rate, "USD") if total.net else 0
    assert total.functional == want, (code, on)
    for dim in ("project", "dept"):
        parts = [(b.net, b.functional) for b in bo.ledger.balances(as_of=on, dimension=dim)
                 if b.key.account == code and b.key.currency == "EUR"]
        parts.append((total.net - sum(n for n, _ in parts),
                      total.functional - sum(f for _, f in parts)))
        for net, fn in parts:
            assert abs(fn - net * rate) < Decimal("1.5") if net else fn == 0, (code, dim, on)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(_line_st, min_size=1, max_size=8),
       rates=st.lists(st.sampled_from(_RATES), min_size=len(_DAYS), max_size=len(_DAYS)),
       runs=st.lists(_reval_st, min_size=1, max_size=8))
def test_any_sequence_of_revaluations_leaves_each_balance_at_its_last_rate(
        lines: list[Any], rates: list[Decimal], runs: list[Any]) -> None:
    """Whatever the order of revaluations (scoped, reversed next day or not), each
    revaluation's balances stay at balance x its rate on its date, by dimension too: a
    back-dated one that would make a later one stale is refused, and changes nothing."""
    bo = bc.Backoffice.open("memory://", clock=bc.FixedClock(datetime(2026, 6, 1, tzinfo=UTC)),
                            ids=bc.SequentialIds("e"))
    bo.ledger.setup("Fx Co", currency="USD", chart="generic")
    for code, amount, day, dims, rate in lines:
        if amount:
            fn = convert_minor(amount, "EUR", rate, "USD") or (1 if amount > 0 else -1)
            bo.ledger.post(bc.NewEntry(D(2026, 1, 1) + timedelta(days=day), "fx", [
                Line(code, bc.Money.from_minor(amount, "EUR"), dimensions=dims,
                     functional=bc.Money.from_minor(fn, "USD")),
                Line("1120", bc.Money.from_minor(-fn, "USD"))]))
    for day, rate in zip(_DAYS, rates, strict=True):
        bo.ledger.set_rate("EUR", "USD", day, rate)
    for on, accounts, back in runs:
        before = (bo.ledger.entries(), bo.ledger.balances())
        try:
            bo.ledger.revalue(on, accounts=accounts,
                              reverse_on=on + timedelta(days=1) if back else None)
        except ValidationError as err:
            assert err.field == "on" and err.value == on
            later = [e for e in bo.ledger.entries(start=on + timedelta(days=1))
                     if e.kind is EntryKind.REVALUATION]
            assert later, "refused with no later revaluation"
            assert (bo.ledger.entries(), bo.ledger.balances()) == before
    assert bo.ledger.verify().ok
    for e in bo.ledger.entries():
        if e.kind is EntryKind.REVALUATION:
            for code in sorted({p.account for p in e.postings} & {"1130", "1140", "2170"}):
                _carried(bo, code, e.date, bo.ledger.rate("EUR", "USD", e.date))


def test_a_later_revaluation_undone_on_its_own_date_no_longer_blocks(bo: bc.Backoffice,
                                                                     jan: Jan,
                                                                     refuses) -> None:
    """The way back: reverse the later revaluation on its own date, revalue in order."""
    _quarter_rates(bo, jan)
    march = bo.ledger.revalue(D(2026, 3, 31))
    assert march is not None
    bo.ledger.reverse(march.entry.id, on=D(2026, 4, 2))  # reversed later: still counts
    refuses(bo, ValidationError, bo.ledger.revalue, D(2026, 2, 28))
    other = bo.ledger.revalue(D(2026, 4, 30), accounts=["1130"])
    assert other is not None
    bo.ledger.reverse(other.entry.id, on=D(2026, 4, 30))  # undone on its own date
    refuses(bo, ValidationError, bo.ledger.revalue, D(2026, 2, 28))  # March still stands
    bo2 = bc.Backoffice.open("memory://")
    bo2.ledger.setup("Y", currency="USD", chart="generic")
    _quarter_rates(bo2, jan)
    march = bo2.ledger.revalue(D(2026, 3, 31))
    assert march is not None
    bo2.ledger.reverse(march.entry.id, on=D(2026, 3, 31))
    assert bo2.ledger.revalue(D(2026, 2, 28)) is not None
    assert bo2.ledger.revalue(D(2026, 3, 31)) is not None
    for day, rate in ((D(2026, 2, 28), "1.20"), (D(2026, 3, 31), "1.30")):
        got = bo2.ledger.balance_detail("1130", "EUR", as_of=day).functional
        assert got == convert_minor(10000, "EUR", Decimal(rate), "USD")


def test_revaluing_the_last_possible_day(bo: bc.Backoffice, jan: Jan) -> None:
    _setup_foreign(bo, jan)
    assert bo.ledger.revalue(date.max) is not None


def test_a_partial_settlement_by_ledger_entry_stays_unrealized_until_settled(
        bo: bc.Backoffice, jan: Jan) -> None:
    """The documented rule: a plain entry names no item it settles, so the difference on
    a settled part stays in the carried value, unrealized, until the balance is zero."""
    bo.ledger.post(_buy_eur(jan, rates={"EUR": "1.10"}))  # EUR 100.00 at USD 110.00
    bo.ledger.post(jan(10, bc.debit("6200", "72.00"), bc.credit("1130", eur("60.00")),
                       rates={"EUR": "1.20"}))  # 60.00 spent at 1.20: 6.00 on that part
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 31), "1.20")
    bo.ledger.revalue(D(2026, 1, 31), reverse_on=D(2026, 2, 1))
    assert bo.ledger.balance("7300", as_of=D(2026, 1, 31)) == usd("-10.00")  # 4.00 + 6.00
    assert bo.ledger.balance("7200") == usd("0.00")
    bo.ledger.post(bc.NewEntry(D(2026, 2, 10), "rest", [
        bc.debit("6200", "48.00"), bc.credit("1130", eur("40.00"))], rates={"EUR": "1.20"}))
    bo.ledger.set_rate("EUR", "USD", D(2026, 2, 28), "1.20")
    bo.ledger.revalue(D(2026, 2, 28))
    assert bo.ledger.balance("7200") == usd("-10.00")  # all of it realized once settled
    assert bo.ledger.balance("7300") == usd("0.00")


# ---------------------------------------------------------------- undoing a revaluation
_URLS = ["memory://", "sqlite://"]
_WATCHED = ("1130", "1140", "3500", "7200", "7300", "8200", "8300")
_DAYS_SEEN = [D(2026, 1, 14), D(2026, 1, 15), D(2026, 1, 30), D(2026, 1, 31), D(2026, 2, 1),
              D(2026, 2, 14), D(2026, 2, 15), D(2026, 3, 1)]


def _settled_and_open(url: str) -> bc.Backoffice:
    """1130 holds EUR 100.00 and 1140 EUR 50.00, both bought at 1.10 on Jan 2; 1140 is
    spent in full at 1.20 on Jan 10 (EUR 0, USD -5.00 still carried: realized on the
    next revaluation); 1.30 from Jan 31."""
    bo = bc.Backoffice.open(url, clock=bc.FixedClock(datetime(2026, 3, 1, tzinfo=UTC)),
                            ids=bc.SequentialIds("e"))
    bo.ledger.setup("Fx Co", currency="USD", chart="generic")
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 1), "1.10")
    bo.ledger.post(bc.NewEntry(D(2026, 1, 2), "Buy EUR", [
        bc.debit("1130", eur("100.00")), bc.debit("1140", eur("50.00")),
        bc.credit("1120", "165.00")]))
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 10), "1.20")
    bo.ledger.post(bc.NewEntry(D(2026, 1, 10), "Spend the EUR on 1140", [
        bc.debit("6200", "60.00"), bc.credit("1140", eur("50.00"))]))
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 31), "1.30")
    return bo


def _watched(bo: bc.Backoffice) -> dict[date, list[tuple[str, str, int, int]]]:
    return {d: sorted((b.key.account, b.key.currency, b.net, b.functional)
                      for b in bo.ledger.balances(as_of=d)
                      if b.key.account in _WATCHED and (b.net or b.functional))
            for d in _DAYS_SEEN}


@pytest.mark.parametrize("url", _URLS)
def test_a_revaluation_that_realized_is_undone_despite_its_automatic_reversal(
        url: str, refuses) -> None:
    """The reviewer's case: revalue(reverse_on=...) realized the difference on 1140 and
    its automatic reversal took back the unrealized part on 1130; that reversal held the
    revaluation's one reversal, so reverse() answered "already reversed" and the earlier
    date stayed refused for good. Now reverse() undoes it: the mirror of the whole
    revaluation on ``on`` and the reversal of the automatic reversal on its own date."""
    bo = _settled_and_open(url)
    before = _watched(bo)
    r = bo.ledger.revalue(D(2026, 1, 31), reverse_on=D(2026, 2, 1))
    assert r is not None
    assert bo.ledger.balance("7200") == usd("-5.00")  # realized, kept past Feb 1
    info = refuses(bo, ValidationError, bo.ledger.revalue, D(2026, 1, 15))
    assert (info.value.field, info.value.value) == ("on", D(2026, 1, 15))
    auto = bo.ledger.entries()[-1]
    assert (auto.kind, auto.related, auto.date) == (EntryKind.REVERSAL, r.entry.id,
                                                    D(2026, 2, 1))
    undo = bo.ledger.reverse(r.entry.id, on=D(2026, 1, 31))
    assert (undo.entry.kind, undo.entry.related, undo.entry.date) == (
        EntryKind.REVALUATION, r.entry.id, D(2026, 1, 31))
    assert sorted(undo.entry.postings) == sorted(
        Posting(p.account, -p.amount, p.currency, -p.functional, p.dimensions, p.memo)
        for p in r.entry.postings)
    back = bo.ledger.entries()[-1]
    assert (back.kind, back.related, back.date) == (EntryKind.REVERSAL, auto.id, D(2026, 2, 1))
    assert bo.ledger.verify().ok
    assert _watched(bo) == before  # counts on no day: Jan 31, Feb 1 and later alike
    # once only: the automatic reversal's reversal is taken
    info = refuses(bo, bc.DuplicateError, bo.ledger.reverse, r.entry.id, on=D(2026, 1, 31))
    assert (info.value.field, info.value.value) == ("entry_id", r.entry.id)
    refuses(bo, bc.DuplicateError, bo.ledger.reverse, auto.id, on=D(2026, 2, 1))
    for part in (undo.entry, back):  # the undo is final: revalue the date again instead
        info = refuses(bo, ValidationError, bo.ledger.reverse, part.id, on=D(2026, 2, 2))
        assert (info.value.field, info.value.value) == ("entry_id", part.id)
    assert bo.ledger.revalue(D(2026, 1, 15)) is not None
    assert bo.ledger.verify().ok


@pytest.mark.parametrize("url", _URLS)
@pytest.mark.parametrize("realized", [True, False])
def test_the_recipe_for_an_earlier_date_ends_as_revaluing_in_order(url: str,
                                                                   realized: bool) -> None:
    """Undo the later revaluation (made with reverse_on) on its own date, revalue the
    earlier date, revalue the later one again: every balance, as of every day, is what
    revaluing both dates in order gives."""
    books = [_settled_and_open(url), _settled_and_open(url)]
    if not realized:  # nothing settled: the revaluation is all unrealized
        for bo in books:
            bo.ledger.post(bc.NewEntry(D(2026, 1, 3), "Put it back", [
                bc.debit("1140", eur("50.00")), bc.credit("6200", "55.00")],
                rates={"EUR": "1.10"}))
    late, ordered = books
    r = late.ledger.revalue(D(2026, 1, 31), reverse_on=D(2026, 2, 1))
    assert r is not None
    late.ledger.reverse(r.entry.id, on=D(2026, 1, 31))
    for bo in books:
        assert bo.ledger.revalue(D(2026, 1, 15)) is not None
        assert bo.ledger.revalue(D(2026, 1, 31), reverse_on=D(2026, 2, 1)) is not None
        assert bo.ledger.verify().ok
    assert _watched(late) == _watched(ordered)
    assert late.ledger.balance_detail("1130", "EUR", as_of=D(2026, 1, 31)).functional == 13000
    assert late.ledger.balance_detail("1130", "EUR").functional == 12000
    assert late.ledger.balance("7200") == (usd("-5.00") if realized else usd("0.00"))


def test_an_unrealized_only_revaluation_with_reverse_on_is_undone(bo: bc.Backoffice,
                                                                  jan: Jan, refuses) -> None:
    """Realized nothing: the automatic reversal mirrors it all. Undone before that
    reversal's date, it counts from then on for nothing; once the reversal has taken all
    of it back, nothing is left to undo (``DuplicateError``, as before)."""
    _quarter_rates(bo, jan)
    march = bo.ledger.revalue(D(2026, 3, 31), reverse_on=D(2026, 4, 1))
    assert march is not None
    info = refuses(bo, bc.DuplicateError, bo.ledger.reverse, march.entry.id, on=D(2026, 4, 1))
    assert (info.value.field, info.value.value) == ("entry_id", march.entry.id)
    refuses(bo, ValidationError, bo.ledger.revalue, D(2026, 2, 28))
    bo.ledger.reverse(march.entry.id, on=D(2026, 3, 31))
    assert bo.ledger.verify().ok
    for day in (D(2026, 3, 31), D(2026, 4, 1), D(2026, 5, 1)):
        assert bo.ledger.balance_detail("1130", "EUR", as_of=day).functional == 11000
        assert bo.ledger.balance("7300", as_of=day) == usd("0.00")
    refuses(bo, bc.DuplicateError, bo.ledger.reverse, march.entry.id, on=D(2026, 3, 31))
    assert bo.ledger.revalue(D(2026, 2, 28)) is not None
    assert bo.ledger.revalue(D(2026, 3, 31), reverse_on=D(2026, 4, 1)) is not None
    assert bo.ledger.balance_detail("1130", "EUR", as_of=D(2026, 3, 31)).functional == 13000
    assert bo.ledger.balance_detail("1130", "EUR").functional == 12000
    assert bo.ledger.verify().ok


def test_an_undo_between_the_revaluation_and_its_reversal(bo: bc.Backoffice,
                                                          jan: Jan) -> None:
    """Undone after its date, the revaluation still counts up to the undo (so it still
    blocks an earlier date); undone after its automatic reversal, only the realized part
    was left, and the undo takes that back from ``on``."""
    _spend_all_eur(bo, jan)  # 1130: EUR 0, USD -10.00 carried (realized next)
    bo.ledger.post(jan(21, bc.debit("1120", "55.00"), bc.credit("2170", eur("50.00")),
                       rates={"EUR": "1.10"}))
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 31), "1.20")  # 2170: unrealized loss 5.00
    r = bo.ledger.revalue(D(2026, 1, 31), reverse_on=D(2026, 2, 10))
    assert r is not None
    bo.ledger.reverse(r.entry.id, on=D(2026, 2, 5))
    want = {D(2026, 1, 31): ("-10.00", "5.00"), D(2026, 2, 4): ("-10.00", "5.00"),
            D(2026, 2, 5): ("0.00", "0.00"), D(2026, 2, 10): ("0.00", "0.00"),
            D(2026, 3, 1): ("0.00", "0.00")}
    for day, (gain, loss) in want.items():
        assert (bo.ledger.balance("7200", as_of=day), bo.ledger.balance("8300", as_of=day)
                ) == (usd(gain), usd(loss)), day
    assert bo.ledger.verify().ok
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 25), "1.15")
    with pytest.raises(ValidationError):  # not undone on its own date: still counts
        bo.ledger.revalue(D(2026, 1, 25))

    other = _settled_and_open("memory://")
    r = other.ledger.revalue(D(2026, 1, 31), reverse_on=D(2026, 2, 1))
    assert r is not None
    other.ledger.reverse(r.entry.id, on=D(2026, 2, 14))
    assert [e.date for e in other.ledger.entries()[-2:]] == [D(2026, 2, 14)] * 2
    assert other.ledger.balance("7200", as_of=D(2026, 2, 13)) == usd("-5.00")
    assert other.ledger.balance("7200", as_of=D(2026, 2, 14)) == usd("0.00")
    assert other.ledger.balance_detail("1130", "EUR").functional == 11000
    assert other.ledger.balance_detail("1140", "EUR").functional == -500
    assert other.ledger.verify().ok


def test_a_revaluation_reversed_later_is_still_undone_on_its_own_date(bo: bc.Backoffice,
                                                                      jan: Jan) -> None:
    """A reverse() dated after the revaluation holds its reversal like reverse_on's: the
    same undo makes it count on no day, and the earlier date can be revalued."""
    _quarter_rates(bo, jan)
    march = bo.ledger.revalue(D(2026, 3, 31))
    assert march is not None
    bo.ledger.reverse(march.entry.id, on=D(2026, 4, 2))
    with pytest.raises(ValidationError):
        bo.ledger.revalue(D(2026, 2, 28))
    bo.ledger.reverse(march.entry.id, on=D(2026, 3, 31))
    assert bo.ledger.balance_detail("1130", "EUR", as_of=D(2026, 3, 31)).functional == 11000
    assert bo.ledger.revalue(D(2026, 2, 28)) is not None
    assert bo.ledger.verify().ok


def test_an_undo_replays_by_its_key_and_is_refused_in_a_closed_period(bo: bc.Backoffice,
                                                                      jan: Jan,
                                                                      refuses) -> None:
    _setup_foreign(bo, jan)
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", D(2026, 1, 1)))
    r = bo.ledger.revalue(D(2026, 1, 31), reverse_on=D(2026, 2, 1))
    assert r is not None
    bo.ledger.close_period("FY2026", "2026-02")
    info = refuses(bo, bc.PeriodClosedError, bo.ledger.reverse, r.entry.id,
                   on=D(2026, 1, 31))  # the automatic reversal's reversal lands in February
    assert (info.value.field, info.value.value) == ("entry_id", r.entry.id)
    bo.ledger.reopen_period("FY2026", "2026-02")
    first = bo.ledger.reverse(r.entry.id, on=D(2026, 1, 31), idempotency_key="undo-1")
    count = len(bo.ledger.entries())
    again = bo.ledger.reverse(r.entry.id, on=D(2026, 1, 31), idempotency_key="undo-1")
    assert (again.entry.id, again.created) == (first.entry.id, False)
    assert len(bo.ledger.entries()) == count
    assert bo.ledger.verify().ok


def test_a_keyed_reversal_of_a_revaluation_dated_later_replays(bo: bc.Backoffice,
                                                               jan: Jan) -> None:
    """A revaluation without ``reverse_on``, reversed by key on a later day: the retry
    replays that reversal. It took the reversal for a later one to undo from, and so
    posted nothing but raised ``IdempotencyConflictError`` (found by the ledger's
    stateful test on PostgreSQL)."""
    _setup_foreign(bo, jan)
    r = bo.ledger.revalue(D(2026, 1, 31))
    assert r is not None
    first = bo.ledger.reverse(r.entry.id, on=D(2026, 2, 5), idempotency_key="rev-1")
    assert first.entry.kind is EntryKind.REVERSAL and first.created
    count = len(bo.ledger.entries())
    again = bo.ledger.reverse(r.entry.id, on=D(2026, 2, 5), idempotency_key="rev-1")
    assert (again.entry.id, again.created) == (first.entry.id, False)
    assert len(bo.ledger.entries()) == count
    assert bo.ledger.verify().ok
