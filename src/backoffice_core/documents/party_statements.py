"""A party's statement: its account in one currency over a period, from our side.

The opening balance, every document, payment, write-off and cash discount in the
period with the running balance, the closing balance and how old what it holds is.
On receivables a debit raises what the customer owes us; on payables what we owe.

Example:
    >>> z = Money("0.00", "EUR")
    >>> s = Statement("p-1", "Acme", "EUR", date(2026, 1, 1), date(2026, 1, 31), z, (),
    ...               z, (z,) * 5)
    >>> s.closing, s.to_rows()
    (Money('0.00', 'EUR'), [])
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

from backoffice_core.documents._report_text import table, words
from backoffice_core.documents.model import Direction
from backoffice_core.documents.open_items import BUCKETS, bucket_of, open_items
from backoffice_core.documents.payments import item_sign
from backoffice_core.documents.repository import DocumentQuery, DocumentsRepository
from backoffice_core.formatting import format_money
from backoffice_core.money import Money, currency_code, from_minor
from backoffice_core.tables import html_table, pandas_frame

__all__ = ["Statement", "StatementLine", "build_statement"]

_COLUMNS = ("date", "kind", "number", "debit", "credit", "balance")


@attrs.frozen(slots=True)
class StatementLine:
    """One movement on a party's statement (debit: raises what they owe us).

    Example:
        >>> z = Money("0.00", "EUR")
        >>> StatementLine(date(2026, 1, 5), "sales_invoice", "INV-1", Money("9.00", "EUR"), z,
        ...               Money("9.00", "EUR")).debit
        Money('9.00', 'EUR')
    """

    date: date
    kind: str
    number: str
    debit: Money
    credit: Money
    balance: Money


@attrs.frozen(slots=True)
class Statement:
    """A party's account in one currency over a period: opening, movements, closing.

    Attributes:
        party_id, party_name: the party.
        currency: the statement's currency.
        start, end: the period, inclusive.
        opening: the balance before ``start``.
        lines: documents, payments and write-offs in the period, by date.
        closing: the balance at ``end`` (equals the aging total of the party).
        buckets: the closing balance by aging bucket.

    Example:
        >>> z = Money("0.00", "EUR")
        >>> s = Statement("p-1", "Acme", "EUR", date(2026, 1, 1), date(2026, 1, 31), z, (),
        ...               z, (z,) * 5)
        >>> s.render("en_US").splitlines()[0]
        'Statement Acme EUR 2026-01-01..2026-01-31'
    """

    party_id: str
    party_name: str
    currency: str
    start: date
    end: date
    opening: Money
    lines: tuple[StatementLine, ...]
    closing: Money
    buckets: tuple[Money, ...]

    def to_rows(self) -> list[dict[str, Any]]:
        """One dict per movement in the period, with exact ``Decimal`` amounts (the
        opening and closing balances are :attr:`opening` and :attr:`closing`).

        Example:
            >>> eur = lambda v: Money(v, "EUR")
            >>> s = Statement("p-1", "Acme", "EUR", date(2026, 1, 1), date(2026, 1, 31),
            ...     eur("0.00"), (StatementLine(date(2026, 1, 5), "sales_invoice", "INV-1",
            ...     eur("9.00"), eur("0.00"), eur("9.00")),), eur("9.00"), (eur("9.00"),) +
            ...     (eur("0.00"),) * 4)
            >>> s.to_rows()  # doctest: +NORMALIZE_WHITESPACE
            [{'date': datetime.date(2026, 1, 5), 'kind': 'sales_invoice', 'number': 'INV-1',
              'debit': Decimal('9.00'), 'credit': Decimal('0.00'), 'balance': Decimal('9.00')}]
        """
        return [{"date": ln.date, "kind": ln.kind, "number": ln.number,
                 "debit": ln.debit.amount, "credit": ln.credit.amount,
                 "balance": ln.balance.amount} for ln in self.lines]

    def to_pandas(self) -> Any:
        """A pandas DataFrame of :meth:`to_rows` (Decimal object columns, never floats).

        Needs the optional extra: ``pip install backoffice-core[pandas]``.

        Example:
            >>> z = Money("0.00", "EUR")
            >>> Statement("p-1", "Acme", "EUR", date(2026, 1, 1), date(2026, 1, 31), z, (),
            ...           z, (z,) * 5).to_pandas().shape
            (0, 6)
        """
        return pandas_frame(self.to_rows(), _COLUMNS)

    def _title(self, locale: str) -> str:
        return (f"{words(locale)['statement']} {self.party_name} {self.currency} "
                f"{self.start.isoformat()}..{self.end.isoformat()}")

    def render(self, locale: str) -> str:
        """A plain-text statement (labels and numbers for ``locale``, which is required).

        Example:
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> _ = bo.documents.issue(bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...     [line("A", 1, "10.00", Tax.zero())]).id)
            >>> print(bo.documents.statement(c.id, date(2026, 1, 1), date(2026, 1, 31)
            ...                              ).render("en_US"))
            Statement Acme EUR 2026-01-01..2026-01-31
                                       debit  credit  balance
            -------------------------  -----  ------  -------
            Opening balance                              0.00
            2026-01-05 INV-2026-00001  10.00    0.00    10.00
            Closing balance                             10.00
            Current: 10.00  1-30: 0.00  31-60: 0.00  61-90: 0.00  90+: 0.00
        """
        def f(m: Money) -> str:
            return format_money(m, locale, symbol=False)

        w = words(locale)
        rows = [[ln.date.isoformat() + " " + ln.number, f(ln.debit), f(ln.credit),
                 f(ln.balance)] for ln in self.lines]
        rows.insert(0, [w["opening"], "", "", f(self.opening)])
        rows.append([w["closing"], "", "", f(self.closing)])
        names = (w["current"], *BUCKETS[1:])
        aging = "  ".join(f"{b}: {f(m)}" for b, m in zip(names, self.buckets, strict=True))
        return self._title(locale) + "\n" + table(
            ["", w["debit"], w["credit"], w["balance"]], rows) + "\n" + aging

    def _repr_html_(self) -> str:
        w = words("en_US")
        rows: list[list[Any]] = [["", w["opening"], "", "", self.opening.amount]]
        rows += [[ln.date.isoformat(), ln.number, ln.debit.amount, ln.credit.amount,
                  ln.balance.amount] for ln in self.lines]
        rows.append(["", w["closing"], "", "", self.closing.amount])
        page = html_table(self._title("en_US"), [w["date"], w["document"], w["debit"],
                                                 w["credit"], w["balance"]], rows, (2, 3, 4))
        aging = html_table(w["closing_by_age"], [w["current"], *BUCKETS[1:]],
                           [[m.amount for m in self.buckets]], range(len(BUCKETS)))
        return page + aging


def build_statement(repo: DocumentsRepository, side: Direction, party_id: str,
                    party_name: str, currency: str, start: date, end: date) -> Statement:
    """The statement of one party's account in ``currency`` from ``start`` to ``end``.

    Example:
        >>> from backoffice_core.adapters.memory import MemoryStore
        >>> with MemoryStore()("b") as uow:
        ...     s = build_statement(uow.documents, Direction.SALES, "p-1", "Acme", "EUR",
        ...                         date(2026, 1, 1), date(2026, 1, 31))
        >>> s.closing, s.lines
        (Money('0.00', 'EUR'), ())
    """
    flip = 1 if side is Direction.SALES else -1
    currency = currency_code(currency)  # "eur" is the statement in EUR, not an empty one
    zero = from_minor(0, currency)
    moves: list[tuple[date, str, str, Money]] = []  # (date, kind, number, signed amount)
    for d in repo.find_documents(DocumentQuery(party_id=party_id, direction=side, end=end)):
        if d.type.is_financial and d.totals is not None and d.entry_id is not None \
                and d.currency == currency:
            moves.append((d.date, d.type.value, d.number or "",
                          d.totals.to_settle * (item_sign("document", d.type) * flip)))
    for p in repo.find_payments(party_id, False, side):
        if p.date <= end and p.currency == currency:
            moves.append((p.date, p.direction.series, p.number, p.amount * (p.sign * flip)))
    for a in repo.find_allocations():
        if not a.write_off or a.date > end or a.amount.code != currency:
            continue
        doc = repo.get_document(a.debit_id)
        if doc is not None:
            if doc.party_id != party_id or doc.direction is not side:
                continue
            sign, number = item_sign("document", doc.type), doc.number or ""
        else:
            pay = repo.get_payment(a.debit_id)
            if pay is None or pay.party_id != party_id or pay.side is not side:
                continue
            sign, number = pay.sign, pay.number
        kind = "cash_discount" if a.is_cash_discount else "write_off"
        moves.append((a.date, kind, number, a.amount * (-sign * flip)))
    moves.sort(key=lambda m: (m[0], m[2]))
    opening = sum((m[3] for m in moves if m[0] < start), zero)
    balance = opening
    lines = []
    for day, kind, number, amount in moves:
        if day < start:
            continue
        balance += amount
        lines.append(StatementLine(day, kind, number, amount if amount.amount > 0 else zero,
                                   -amount if amount.amount < 0 else zero, balance))
    items = [i for i in open_items(repo, side, end, party_id) if i.amount.code == currency]
    buckets = [zero for _ in BUCKETS]
    for i in items:
        buckets[bucket_of(i.days_overdue)] += i.amount
    return Statement(party_id, party_name, currency, start, end, opening, tuple(lines), balance,
                     tuple(buckets))
