"""The general ledger of one account (an account statement) over a period.

The opening balance is the account's balance as of the day before ``start``
(from the daily rollup, no scan); then every posted line dated in
``[start, end]`` with its running balance; then the closing balance. For a
parent account the statement rolls up: it shows the lines of every descendant
(an ``account`` column says which). Balances are signed, debit positive.

Example:
    >>> from datetime import date
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("Demo", currency="USD", chart="generic")
    >>> for day, amount in ((3, "100.00"), (12, "40.00")):
    ...     _ = bo.ledger.post(bc.NewEntry(date(2026, 1, day), "Cash sale",
    ...         [bc.debit("1110", amount), bc.credit("4100", amount)]))
    >>> gl = general_ledger(bo.ledger, "1110", date(2026, 1, 10), date(2026, 1, 31))
    >>> gl.opening, [(x.debit, x.balance) for x in gl.lines], gl.closing
    (Decimal('100.00'), [(Decimal('40.00'), Decimal('140.00'))], Decimal('140.00'))
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.dates import check_range
from backoffice_core.errors import NotFoundError
from backoffice_core.formatting import format_date, format_date_range
from backoffice_core.ledger.entries import EntryStatus, JournalEntry
from backoffice_core.ledger.reports._base import (
    LedgerReader,
    amount_text,
    html_table,
    label,
    major,
    pandas_frame,
    text_table,
)
from backoffice_core.money import EXACT, exactly, minor_digits
from backoffice_core.money import currency as _currency
from backoffice_core.text import check_lookup

__all__ = ["GeneralLedger", "GeneralLedgerLine", "general_ledger"]

_COLUMNS = ("date", "entry_id", "seq", "account", "description", "reference", "memo", "debit",
            "credit", "balance", "functional", "functional_balance")


@attrs.frozen(slots=True)
class GeneralLedgerLine:
    """One posting of the statement, with the running balance after it.

    Attributes:
        date, entry_id, seq: the entry's date, id and place in the chain.
        account: the account posted to (a descendant when the statement rolls up).
        description, reference: the entry's; ``memo`` is the line's own.
        debit, credit: the posting, in the statement's currency (one side is zero).
        balance: the running balance after this line (debit positive).
        functional: the posting in the functional currency (signed, debit positive).
        functional_balance: the running balance in the functional currency.

    Example:
        >>> from datetime import date
        >>> from decimal import Decimal
        >>> line = GeneralLedgerLine(date(2026, 1, 2), "e-1", 1, "1110", "Sale", "", "",
        ...     Decimal("5.00"), Decimal("0.00"), Decimal("5.00"), Decimal("5.00"),
        ...     Decimal("5.00"))
        >>> line.amount
        Decimal('5.00')
    """

    date: date
    entry_id: str
    seq: int
    account: str
    description: str
    reference: str
    memo: str
    debit: Decimal
    credit: Decimal
    balance: Decimal
    functional: Decimal
    functional_balance: Decimal

    @property
    def amount(self) -> Decimal:
        """The posting, signed (debit positive)."""
        return EXACT.subtract(self.debit, self.credit)


@attrs.frozen(slots=True)
class GeneralLedger:
    """An account statement for ``[start, end]`` in one currency.

    ``closing`` equals ``opening`` plus the lines, and equals the account's
    balance as of ``end``.

    Example:
        >>> from datetime import date
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("Demo", currency="USD", chart="generic")
        >>> gl = general_ledger(bo.ledger, "1000", date(2026, 1, 1), date(2026, 1, 31))
        >>> gl.opening, gl.lines, gl.closing
        (Decimal('0.00'), (), Decimal('0.00'))
    """

    company: str
    account: str
    name: str
    currency: str
    functional_currency: str
    start: date
    end: date
    opening: Decimal
    opening_functional: Decimal
    lines: tuple[GeneralLedgerLine, ...]
    closing: Decimal
    closing_functional: Decimal
    rollup: bool = False

    @property
    def total_debit(self) -> Decimal:
        """Sum of the debit column."""
        return major(sum(_minor(x.debit, self.currency) for x in self.lines), self.currency)

    @property
    def total_credit(self) -> Decimal:
        """Sum of the credit column."""
        return major(sum(_minor(x.credit, self.currency) for x in self.lines), self.currency)

    def to_rows(self) -> list[dict[str, Any]]:
        """Plain dicts, one per line, with exact ``Decimal`` amounts.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 2), "Sale",
            ...     [bc.debit("1110", "7.00"), bc.credit("4100", "7.00")], reference="R-1"))
            >>> row = general_ledger(bo.ledger, "4100", date(2026, 1, 1),
            ...                      date(2026, 1, 31)).to_rows()[0]
            >>> row["reference"], row["credit"], row["balance"]
            ('R-1', Decimal('7.00'), Decimal('-7.00'))
        """
        return [
            {"date": x.date, "entry_id": x.entry_id, "seq": x.seq, "account": x.account,
             "description": x.description, "reference": x.reference, "memo": x.memo,
             "debit": x.debit, "credit": x.credit, "balance": x.balance,
             "functional": x.functional, "functional_balance": x.functional_balance}
            for x in self.lines
        ]

    def to_pandas(self) -> Any:
        """A pandas DataFrame of :meth:`to_rows` (Decimal object columns, never floats).

        Needs the optional extra: ``pip install backoffice-core[pandas]``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> gl = general_ledger(bo.ledger, "1110", date(2026, 1, 1), date(2026, 1, 31))
            >>> gl.to_pandas().shape
            (0, 12)
        """
        return pandas_frame(self.to_rows(), _COLUMNS)

    def _title(self, locale: str) -> str:
        period = format_date_range(self.start, self.end, locale)
        return (f"{label('general_ledger', locale)}, {self.company}: {self.account} {self.name}"
                f", {self.currency}, {period}")

    def _foreign(self) -> bool:
        return self.currency != self.functional_currency

    def render(self, locale: str) -> str:
        """The statement as a plain-text table, formatted for ``locale``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Demo", currency="USD", chart="generic")
            >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 2), "Sale",
            ...     [bc.debit("1110", "1500.00"), bc.credit("4100", "1500.00")]))
            >>> print(general_ledger(bo.ledger, "1110", date(2026, 1, 1),
            ...                      date(2026, 1, 31)).render("en_US"))
            General ledger, Demo: 1110 Cash on hand, USD, Jan 1...31, 2026
            Date    Entry  Description      Reference     Debit  Credit   Balance
            ------  -----  ---------------  ---------  --------  ------  --------
                           Opening balance                                   0.00
            1/2/26  1      Sale                        1,500.00          1,500.00
                           Total                       1,500.00    0.00
                           Closing balance                               1,500.00
        """
        cur, fc = self.currency, self.functional_currency
        foreign = self._foreign()
        headers = [label("date", locale), label("entry", locale)]
        if self.rollup:
            headers.append(label("code", locale))
        headers += [label("description", locale), label("reference", locale),
                    label("debit", locale), label("credit", locale), label("balance", locale)]
        if foreign:
            headers += [fc, f"{label('balance', locale)} {fc}"]
        pad = [""] if self.rollup else []

        def row(first: list[str], dr: str, cr: str, bal: str, fn: str, fbal: str) -> list[str]:
            cells = first[:2] + pad + first[2:] + [dr, cr, bal]
            return cells + [fn, fbal] if foreign else cells

        def amt(value: Decimal, code: str, blank: bool = False) -> str:
            return amount_text(value, code, locale, blank_zero=blank)

        body = [row(["", "", label("opening_balance", locale), ""], "", "",
                    amt(self.opening, cur), "", amt(self.opening_functional, fc))]
        for x in self.lines:
            cells = [format_date(x.date, locale, "short"), str(x.seq)]
            if self.rollup:
                cells.append(x.account)
            cells += [x.description + (f" ({x.memo})" if x.memo else ""), x.reference,
                      amt(x.debit, cur, True), amt(x.credit, cur, True), amt(x.balance, cur)]
            if foreign:
                cells += [amt(x.functional, fc), amt(x.functional_balance, fc)]
            body.append(cells)
        body.append(row(["", "", label("total", locale), ""], amt(self.total_debit, cur),
                        amt(self.total_credit, cur), "", "", ""))
        body.append(row(["", "", label("closing_balance", locale), ""], "", "",
                        amt(self.closing, cur), "", amt(self.closing_functional, fc)))
        align = "ll" + ("l" if self.rollup else "") + "llrrr" + ("rr" if foreign else "")
        return f"{self._title(locale)}\n{text_table(headers, body, align)}"

    def _repr_html_(self) -> str:
        headers = ["Date", "Entry", "Account", "Description", "Reference", "Debit", "Credit",
                   "Balance"]
        if self._foreign():
            headers += [self.functional_currency, f"Balance {self.functional_currency}"]
        extra: list[Any] = ["", self.opening_functional] if self._foreign() else []
        rows: list[list[Any]] = [["", "", "", "Opening balance", "", "", "", self.opening,
                                  *extra]]
        for x in self.lines:
            rows.append([x.date.isoformat(), x.seq, x.account, x.description, x.reference,
                         x.debit, x.credit, x.balance,
                         *([x.functional, x.functional_balance] if self._foreign() else [])])
        blank = ["", ""] if self._foreign() else []
        rows.append(["", "", "", "Total", "", self.total_debit, self.total_credit, "", *blank])
        extra = ["", self.closing_functional] if self._foreign() else []
        rows.append(["", "", "", "Closing balance", "", "", "", self.closing, *extra])
        return html_table(self._title("en_US"), headers, rows, range(5, len(headers)))


@exactly  # sums and differences in the library's context, not the caller's
def general_ledger(ledger: LedgerReader, account: str, start: date, end: date, *,
                   currency: str | None = None) -> GeneralLedger:
    """Build the statement of ``account`` (rolled up through its descendants) for a period.

    ``currency`` defaults to the account's fixed currency, else the book's
    functional currency; lines in other currencies are left out (run one
    statement per currency for a multi-currency account). Pending (two-phase)
    entries are left out: they move no balance.

    Raises:
        NotFoundError: for an unknown account.
        ValidationError: when ``end`` is before ``start``, or ``account`` cannot be an
            account code at all (not a string).

    Example:
        >>> from datetime import date
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("X", currency="USD", chart="generic")
        >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 2), "Deposit",
        ...     [bc.debit("1120", "50.00"), bc.credit("1110", "50.00")]))
        >>> gl = general_ledger(bo.ledger, "1100", date(2026, 1, 1), date(2026, 1, 31))
        >>> [(x.account, x.amount) for x in gl.lines], gl.closing
        ([('1120', Decimal('50.00')), ('1110', Decimal('-50.00'))], Decimal('0.00'))
    """
    check_lookup("account", account)
    check_range(start, end)
    settings = ledger.settings()
    fc = settings.functional_currency
    accounts = {a.code: a for a in ledger.accounts()}
    acc = accounts.get(account)
    if acc is None:
        raise NotFoundError("no such account", field="account", value=account)
    cur = _currency(currency).code if currency is not None else (acc.currency or fc)
    subtree = _subtree(account, accounts)
    if start > date.min:
        before = ledger.balance_detail(account, cur, as_of=start - timedelta(days=1))
        opening, opening_fn = before.net, before.functional
    else:
        opening = opening_fn = 0
    found: dict[str, JournalEntry] = {}
    parents = {a.parent for a in accounts.values() if a.parent}
    for code in subtree:
        if code in parents and code != account:
            continue
        for e in ledger.entries(start, end, account=code):
            found[e.id] = e
    members = set(subtree)
    lines: list[GeneralLedgerLine] = []
    bal, fbal = opening, opening_fn
    for e in sorted(found.values(), key=lambda e: (e.date, e.seq)):
        if e.status is not EntryStatus.POSTED:
            continue
        for p in e.postings:
            if p.account not in members or p.currency != cur:
                continue
            bal += p.amount
            fbal += p.functional
            dr, cr = (p.amount, 0) if p.amount > 0 else (0, -p.amount)
            lines.append(GeneralLedgerLine(
                e.date, e.id, e.seq, p.account, e.description, e.reference, p.memo,
                major(dr, cur), major(cr, cur), major(bal, cur), major(p.functional, fc),
                major(fbal, fc)))
    return GeneralLedger(settings.name, acc.code, acc.name, cur, fc, start, end,
                         major(opening, cur), major(opening_fn, fc), tuple(lines),
                         major(bal, cur), major(fbal, fc), rollup=len(subtree) > 1)


def _minor(value: Decimal, currency: str) -> int:
    """A column amount back in integer minor units (exact: it came from minor units)."""
    return int(value.scaleb(minor_digits(currency), EXACT))


def _subtree(code: str, accounts: dict[str, Any]) -> list[str]:
    children: dict[str, list[str]] = {}
    for a in accounts.values():
        if a.parent:
            children.setdefault(a.parent, []).append(a.code)
    out = [code]
    i = 0
    while i < len(out):
        out.extend(sorted(children.get(out[i], ())))
        i += 1
    return out
