"""The trial balance: every leaf account's balance, per currency, in debit or credit.

Built from the running balances in O(accounts) (``ledger.balances(as_of=...)``),
never from a scan of entries. Because every entry balances per currency (and
in the functional currency), the debit and credit columns of each currency
add up to the same total: :attr:`TrialBalance.is_balanced`.

Example:
    >>> from datetime import date
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("Demo", currency="USD", chart="generic")
    >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Owner invests",
    ...     [bc.debit("1120", "5000.00"), bc.credit("3100", "5000.00")]))
    >>> tb = trial_balance(bo.ledger)
    >>> [(r.code, r.debit, r.credit) for r in tb.rows]
    [('1120', Decimal('5000.00'), Decimal('0.00')), ('3100', Decimal('0.00'), Decimal('5000.00'))]
    >>> tb.is_balanced
    True
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.dates import check_date
from backoffice_core.errors import IntegrityError
from backoffice_core.formatting import format_date
from backoffice_core.ledger.accounts import AccountType
from backoffice_core.ledger.reports._base import (
    LedgerReader,
    amount_text,
    html_table,
    label,
    major,
    pandas_frame,
    text_table,
)
from backoffice_core.money import EXACT, exactly
from backoffice_core.money import currency as _currency

__all__ = ["TrialBalance", "TrialBalanceRow", "TrialBalanceTotal", "trial_balance"]

_COLUMNS = ("code", "name", "type", "currency", "debit", "credit", "functional_debit",
            "functional_credit")


@attrs.frozen(slots=True)
class TrialBalanceRow:
    """One account in one currency: its net balance on the debit or the credit side.

    Amounts are exact ``Decimal`` values in major units (``Decimal('12.50')``);
    the side that does not apply is zero.

    Example:
        >>> from decimal import Decimal
        >>> r = TrialBalanceRow("1110", "Cash", AccountType.ASSET, "USD", Decimal("5.00"),
        ...     Decimal("0.00"), Decimal("5.00"), Decimal("0.00"))
        >>> r.net, r.functional
        (Decimal('5.00'), Decimal('5.00'))
    """

    code: str
    name: str
    type: AccountType
    currency: str
    debit: Decimal
    credit: Decimal
    functional_debit: Decimal
    functional_credit: Decimal

    @property
    def net(self) -> Decimal:
        """Debit minus credit, in the row's currency."""
        return EXACT.subtract(self.debit, self.credit)  # not the caller's decimal context

    @property
    def functional(self) -> Decimal:
        """Debit minus credit, in the functional currency."""
        return EXACT.subtract(self.functional_debit, self.functional_credit)


@attrs.frozen(slots=True)
class TrialBalanceTotal:
    """Column totals of one currency.

    Example:
        >>> from decimal import Decimal
        >>> TrialBalanceTotal("EUR", Decimal("3.00"), Decimal("3.00")).balanced
        True
    """

    currency: str
    debit: Decimal
    credit: Decimal

    @property
    def balanced(self) -> bool:
        """True when debits equal credits."""
        return self.debit == self.credit


@attrs.frozen(slots=True)
class TrialBalance:
    """A trial balance as of a day (or current when ``as_of`` is ``None``).

    Attributes:
        company: the book's name.
        functional_currency: the currency of the functional columns.
        as_of: the day, or ``None`` for the current balances.
        rows: one per (leaf account, currency) with a non-zero balance, by code.
        totals: per currency, the sums of its debit and credit columns.
        functional_total: the sums of the functional debit and credit columns.

    Example:
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("Empty", currency="EUR", chart="generic")
        >>> tb = trial_balance(bo.ledger)
        >>> tb.rows, tb.is_balanced
        ((), True)
    """

    company: str
    functional_currency: str
    as_of: date | None
    rows: tuple[TrialBalanceRow, ...]
    totals: tuple[TrialBalanceTotal, ...]
    functional_total: TrialBalanceTotal

    @property
    def is_balanced(self) -> bool:
        """True when, in every currency and in the functional columns, debits equal credits."""
        return all(t.balanced for t in self.totals) and self.functional_total.balanced

    @property
    def currencies(self) -> tuple[str, ...]:
        """The currencies present, functional first, then alphabetical."""
        return tuple(t.currency for t in self.totals)

    def total(self, currency: str) -> TrialBalanceTotal:
        """The totals of ``currency`` (any case; zero when it has no rows).

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Sale",
            ...     [bc.debit("1110", "80.00"), bc.credit("4100", "80.00")]))
            >>> trial_balance(bo.ledger).total("usd")
            TrialBalanceTotal(currency='USD', debit=Decimal('80.00'), credit=Decimal('80.00'))
        """
        currency = str(_currency(currency).code)  # "usd" is USD, as trial_balance() takes it
        for t in self.totals:
            if t.currency == currency:
                return t
        zero = major(0, currency)
        return TrialBalanceTotal(currency, zero, zero)

    def to_rows(self) -> list[dict[str, Any]]:
        """Plain dicts, one per row, with exact ``Decimal`` amounts.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> trial_balance(bo.ledger).to_rows()
            []
        """
        return [
            {"code": r.code, "name": r.name, "type": r.type.value, "currency": r.currency,
             "debit": r.debit, "credit": r.credit, "functional_debit": r.functional_debit,
             "functional_credit": r.functional_credit}
            for r in self.rows
        ]

    def to_pandas(self) -> Any:
        """A pandas DataFrame of :meth:`to_rows` (Decimal object columns, never floats).

        Needs the optional extra: ``pip install backoffice-core[pandas]``.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> list(trial_balance(bo.ledger).to_pandas().columns)[:4]
            ['code', 'name', 'type', 'currency']
        """
        return pandas_frame(self.to_rows(), _COLUMNS)

    def _headers(self, locale: str) -> tuple[list[str], bool]:
        # every row's currency has its totals (so has the currency asked for, rows or none)
        multi = any(t.currency != self.functional_currency for t in self.totals)
        headers = [label("code", locale), label("account", locale)]
        if multi:
            fc = self.functional_currency
            headers += [label("currency", locale), label("debit", locale),
                        label("credit", locale), f"{label('debit', locale)} {fc}",
                        f"{label('credit', locale)} {fc}"]
        else:
            headers += [label("debit", locale), label("credit", locale)]
        return headers, multi

    def _title(self, locale: str) -> str:
        # without a date the report holds every posting, future-dated ones too
        when = (f"{label('as_of', locale)} {format_date(self.as_of, locale)}" if self.as_of
                else label("current", locale))
        return f"{label('trial_balance', locale)}, {self.company}, {when}"

    def render(self, locale: str) -> str:
        """The trial balance as a plain-text table, numbers formatted for ``locale``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Demo", currency="EUR", chart="generic")
            >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Capital",
            ...     [bc.debit("1120", "5000.00"), bc.credit("3100", "5000.00")]))
            >>> print(trial_balance(bo.ledger, as_of=date(2026, 1, 31)).render("de_DE"))
            Saldenliste, Demo, zum 31.01.2026
            Konto  Bezeichnung                   Soll     Haben
            -----  ------------------------  --------  --------
            1120   Bank - operating account  5.000,00
            3100   Share capital                       5.000,00
                   Summe                     5.000,00  5.000,00
        """
        headers, multi = self._headers(locale)
        fc = self.functional_currency
        body: list[list[str]] = []
        for r in self.rows:
            cells = [r.code, r.name]
            if multi:
                cells += [r.currency, amount_text(r.debit, r.currency, locale, blank_zero=True),
                          amount_text(r.credit, r.currency, locale, blank_zero=True),
                          amount_text(r.functional_debit, fc, locale, blank_zero=True),
                          amount_text(r.functional_credit, fc, locale, blank_zero=True)]
            else:
                cells += [amount_text(r.debit, fc, locale, blank_zero=True),
                          amount_text(r.credit, fc, locale, blank_zero=True)]
            body.append(cells)
        if multi:
            for t in self.totals:
                body.append(["", label("total", locale), t.currency,
                             amount_text(t.debit, t.currency, locale),
                             amount_text(t.credit, t.currency, locale), "", ""])
            ft = self.functional_total
            body.append(["", f"{label('total', locale)} {fc}", "", "", "",
                         amount_text(ft.debit, fc, locale), amount_text(ft.credit, fc, locale)])
        else:
            t = self.total(fc)
            body.append(["", label("total", locale), amount_text(t.debit, fc, locale),
                         amount_text(t.credit, fc, locale)])
        align = "ll" + ("lrrrr" if multi else "rr")
        text = f"{self._title(locale)}\n{text_table(headers, body, align)}"
        if not self.is_balanced:
            text += f"\n{label('not_balanced', locale)}"
        return text

    def _repr_html_(self) -> str:
        headers, multi = self._headers("en_US")
        rows: list[list[Any]] = []
        for r in self.rows:
            if multi:
                rows.append([r.code, r.name, r.currency, r.debit, r.credit, r.functional_debit,
                             r.functional_credit])
            else:
                rows.append([r.code, r.name, r.debit, r.credit])
        if multi:
            rows.extend(["", "Total", t.currency, t.debit, t.credit, "", ""]
                        for t in self.totals)
        else:  # as render(): the functional total, zero when there are no rows
            t = self.total(self.functional_currency)
            rows.append(["", "Total", t.debit, t.credit])
        if multi:
            ft = self.functional_total
            rows.append(["", f"Total {self.functional_currency}", "", "", "", ft.debit,
                         ft.credit])
        numeric = range(3, 7) if multi else range(2, 4)
        return html_table(self._title("en_US"), headers, rows, numeric)


@exactly  # sums and differences in the library's context, not the caller's
def trial_balance(ledger: LedgerReader, as_of: date | None = None,
                  currency: str | None = None) -> TrialBalance:
    """Build the trial balance of ``ledger`` as of a day (current when ``as_of`` is None).

    ``currency`` keeps only the rows in that currency; its totals are there even when no
    row is (zero, in that currency). Pending (two-phase) amounts are not balances and
    are left out. Reads O(accounts) running totals; no entry is scanned.

    Example:
        >>> from datetime import date
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("X", currency="USD", chart="generic")
        >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 2, 1), "Sale",
        ...     [bc.debit("1110", "10.00"), bc.credit("4100", "10.00")]))
        >>> trial_balance(bo.ledger, as_of=date(2026, 1, 31)).rows
        ()
        >>> trial_balance(bo.ledger).total("USD")
        TrialBalanceTotal(currency='USD', debit=Decimal('10.00'), credit=Decimal('10.00'))
        >>> trial_balance(bo.ledger, currency="JPY").totals
        (TrialBalanceTotal(currency='JPY', debit=Decimal('0'), credit=Decimal('0')),)
    """
    check_date(as_of, "as_of", optional=True)
    wanted = _currency(currency).code if currency is not None else None
    settings = ledger.settings()
    fc = settings.functional_currency
    accounts = {a.code: a for a in ledger.accounts()}
    rows: list[TrialBalanceRow] = []
    sums: dict[str, list[int]] = {}
    fn_sum = [0, 0]
    for b in ledger.balances(as_of=as_of):
        cur = b.key.currency
        if wanted is not None and cur != wanted:
            continue
        net, fn = b.net, b.functional
        if net == 0 and fn == 0:
            continue
        acc = accounts.get(b.key.account)
        if acc is None:
            raise IntegrityError("a running balance names an account the chart does not have",
                                 field="account", value=b.key.account)
        dr, cr = (net, 0) if net > 0 else (0, -net)
        fdr, fcr = (fn, 0) if fn > 0 else (0, -fn)
        row = sums.setdefault(cur, [0, 0])
        row[0] += dr
        row[1] += cr
        fn_sum[0] += fdr
        fn_sum[1] += fcr
        rows.append(TrialBalanceRow(acc.code, acc.name, acc.type, cur, major(dr, cur),
                                    major(cr, cur), major(fdr, fc), major(fcr, fc)))
    rows.sort(key=lambda r: (r.code, r.currency != fc, r.currency))
    if wanted is not None:
        sums.setdefault(wanted, [0, 0])  # a report of one currency totals in it
    order = sorted(sums, key=lambda c: (c != fc, c))
    totals = tuple(TrialBalanceTotal(c, major(sums[c][0], c), major(sums[c][1], c))
                   for c in order)
    return TrialBalance(settings.name, fc, as_of, tuple(rows), totals,
                        TrialBalanceTotal(fc, major(fn_sum[0], fc), major(fn_sum[1], fc)))
