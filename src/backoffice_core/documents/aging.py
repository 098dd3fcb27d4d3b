"""Receivables and payables aging, customer statements and the overdue list.

Every report reads the open items (financial documents and payments) with
what was still open *as of* a date (:mod:`~backoffice_core.documents.open_items`):
today's open amount plus whatever later allocations took off. Amounts are shown
from our side: on receivables positive means the customer owes us, on payables
that we owe the supplier. Because every document, payment, write-off and exchange
difference is posted to the control account with the ``party`` dimension, the aging
total per party and currency equals the ledger's balance of receivables (or minus
the balance of payables) for that party, to the minor unit, on any date. A party's
statement is :mod:`~backoffice_core.documents.party_statements` (importable from here).

Example:
    >>> bucket_of(0), bucket_of(1), bucket_of(45), bucket_of(91)
    (0, 1, 2, 4)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.documents._report_text import table, words
from backoffice_core.documents.model import Direction
from backoffice_core.documents.open_items import (
    BUCKETS,
    OpenItem,
    bucket_of,
    open_instalments,
    open_items,
)
from backoffice_core.documents.party_statements import (
    Statement,
    StatementLine,
    build_statement,
)
from backoffice_core.errors import ValidationError
from backoffice_core.formatting import format_amount, format_date
from backoffice_core.money import Money, currency_code, from_minor
from backoffice_core.tables import html_table, pandas_frame

__all__ = [
    "BUCKETS",
    "AgingReport",
    "AgingRow",
    "OpenItem",
    "OverdueItem",
    "Statement",
    "StatementLine",
    "bucket_of",
    "build_aging",
    "build_statement",
    "open_instalments",
    "open_items",
    "overdue_items",
]

_ZERO = Decimal(0)
_COLUMNS = ("party_id", "party_name", "currency", *BUCKETS, "total")


@attrs.frozen(slots=True)
class AgingRow:
    """One party in one currency: amounts per bucket and the total.

    Example:
        >>> z = Money("0.00", "EUR")
        >>> AgingRow("p-1", "Acme", "EUR", (z, z, z, z, z), z).total
        Money('0.00', 'EUR')
    """

    party_id: str
    party_name: str
    currency: str
    buckets: tuple[Money, ...]
    total: Money


def _functional_code(value: Any) -> str | None:
    return None if value is None else currency_code(value, "functional")


@attrs.frozen(slots=True)
class AgingReport:
    """Aging of receivables (``Direction.SALES``) or payables (``Direction.PURCHASE``).

    Attributes:
        as_of: the date the report looks from.
        side: which accounts.
        rows: one :class:`AgingRow` per party and currency, by party name.
        items: the :class:`OpenItem` values behind it.
        functional: the book's currency the items are carried in (``bo.documents.aging``
            sets it), or ``None``.

    Example:
        >>> r = AgingReport(date(2026, 1, 31), Direction.SALES, (), ())
        >>> r.total("EUR"), r.currencies
        (Money('0.00', 'EUR'), ())
    """

    as_of: date
    side: Direction
    rows: tuple[AgingRow, ...]
    items: tuple[OpenItem, ...]
    functional: str | None = attrs.field(default=None, converter=_functional_code)

    @property
    def currencies(self) -> tuple[str, ...]:
        """The currencies that appear, sorted."""
        return tuple(sorted({r.currency for r in self.rows}))

    def bucket_totals(self, currency: str) -> tuple[Money, ...]:
        """The column totals in ``currency`` (any case), one per bucket of :data:`BUCKETS`.

        Example:
            >>> eur = lambda v: Money(v, "EUR")
            >>> r = AgingReport(date(2026, 3, 20), Direction.SALES, (AgingRow("p-1", "Acme",
            ...     "EUR", (eur("30.00"), eur(0), eur("100.00"), eur(0), eur(0)),
            ...     eur("130.00")),), ())
            >>> r.bucket_totals("eur")  # doctest: +NORMALIZE_WHITESPACE
            (Money('30.00', 'EUR'), Money('0.00', 'EUR'), Money('100.00', 'EUR'),
             Money('0.00', 'EUR'), Money('0.00', 'EUR'))
        """
        code = currency_code(currency)
        out = [from_minor(0, code) for _ in BUCKETS]
        for r in self.rows:
            if r.currency == code:
                out = [a + b for a, b in zip(out, r.buckets, strict=True)]
        return tuple(out)

    def total(self, currency: str, party_id: str | None = None) -> Money:
        """Everything open in ``currency`` (any case; for one party, if given).

        Example:
            >>> r = AgingReport(date(2026, 3, 20), Direction.SALES, (AgingRow("p-1", "Acme",
            ...     "EUR", (Money(0, "EUR"),) * 5, Money("130.00", "EUR")),), ())
            >>> r.total("EUR"), r.total("eur", "p-1"), r.total("EUR", "p-2")
            (Money('130.00', 'EUR'), Money('130.00', 'EUR'), Money('0.00', 'EUR'))
        """
        code = currency_code(currency)
        total = from_minor(0, code)
        for r in self.rows:
            if r.currency == code and (party_id is None or r.party_id == party_id):
                total += r.total
        return total

    def functional_total(self, functional: str | None = None,
                         party_id: str | None = None) -> Money:
        """Everything open (for one party, if given), every currency valued as carried in
        the book's ``functional`` currency: by default the report's :attr:`functional`
        (else that of its items); another currency than the one the items are carried in
        raises ``ValidationError`` naming ``functional``, and so does none at all.

        Example:
            >>> item = OpenItem("d", "sales_invoice", "INV-1", "p", date(2026, 1, 1),
            ...     date(2026, 1, 31), Money("10.00", "USD"), Money("9.20", "EUR"), 0)
            >>> r = build_aging([item], date(2026, 1, 31), Direction.SALES, {}, "EUR")
            >>> r.total("USD"), r.functional_total(), r.functional_total("EUR")
            (Money('10.00', 'USD'), Money('9.20', 'EUR'), Money('9.20', 'EUR'))
        """
        given = functional
        if functional is None:
            functional = self.functional or next((i.functional.code for i in self.items),
                                                 None)
        if functional is None:
            raise ValidationError("give the book's currency: this report has no items to "
                                  "tell it", field="functional", value=given)
        code = currency_code(functional, "functional")
        if given is not None and self.functional is not None and code != self.functional:
            raise ValidationError(f"the open items are carried in {self.functional}",
                                  field="functional", value=given)
        total = from_minor(0, code)
        for i in self.items:
            if i.functional.code != code:
                raise ValidationError(f"the open items are carried in {i.functional.code}",
                                      field="functional", value=functional)
            if party_id is None or i.party_id == party_id:
                total += i.functional
        return total

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per row (exact ``Money`` values), for DataFrames or JSON.

        Example:
            >>> z = Money(0, "EUR")
            >>> AgingReport(date(2026, 3, 20), Direction.SALES, (AgingRow("p-1", "Acme", "EUR",
            ...     (Money("5.00", "EUR"), z, z, z, z), Money("5.00", "EUR")),), ()
            ...     ).to_records()[0]["current"]
            Money('5.00', 'EUR')
        """
        return [{"party_id": r.party_id, "party": r.party_name, "currency": r.currency,
                 **dict(zip(BUCKETS, r.buckets, strict=True)), "total": r.total}
                for r in self.rows]

    def to_rows(self) -> list[dict[str, Any]]:
        """One dict per party and currency, as every report's rows: exact ``Decimal``
        amounts in the row's ``currency``, one column per bucket (:data:`BUCKETS`) and
        the ``total`` (the totals per currency are :meth:`bucket_totals` and :meth:`total`).

        Example:
            >>> eur = lambda v: Money(v, "EUR")
            >>> r = AgingReport(date(2026, 1, 31), Direction.SALES, (AgingRow("p-1", "Acme",
            ...     "EUR", (eur("5.00"),) + (eur("0.00"),) * 4, eur("5.00")),), ())
            >>> r.to_rows()  # doctest: +NORMALIZE_WHITESPACE
            [{'party_id': 'p-1', 'party_name': 'Acme', 'currency': 'EUR',
              'current': Decimal('5.00'), '1-30': Decimal('0.00'), '31-60': Decimal('0.00'),
              '61-90': Decimal('0.00'), '90+': Decimal('0.00'), 'total': Decimal('5.00')}]
        """
        return [{"party_id": r.party_id, "party_name": r.party_name, "currency": r.currency,
                 **{b: m.amount for b, m in zip(BUCKETS, r.buckets, strict=True)},
                 "total": r.total.amount} for r in self.rows]

    def to_pandas(self) -> Any:
        """A pandas DataFrame of :meth:`to_rows` (Decimal object columns, never floats).

        Needs the optional extra: ``pip install backoffice-core[pandas]``.

        Example:
            >>> df = AgingReport(date(2026, 1, 31), Direction.SALES, (), ()).to_pandas()
            >>> list(df)  # doctest: +NORMALIZE_WHITESPACE
            ['party_id', 'party_name', 'currency', 'current', '1-30', '31-60', '61-90',
             '90+', 'total']
        """
        return pandas_frame(self.to_rows(), _COLUMNS)

    def _cells(self, locale: str) -> tuple[list[str], list[list[Any]]]:
        """The headers for ``locale``, and per row (then per currency's total line) the
        party, the currency and the exact amounts, not yet formatted."""
        w = words(locale)
        headers = [w["party"], w["currency"], w["current"], *BUCKETS[1:], w["total"]]
        rows = [[r.party_name, r.currency, *(m.amount for m in (*r.buckets, r.total))]
                for r in self.rows]
        for code in self.currencies:
            totals = self.bucket_totals(code)
            rows.append([w["Total"], code, *(m.amount for m in (*totals, self.total(code)))])
        return headers, rows

    def _title(self, locale: str) -> str:
        w = words(locale)
        return w["receivables" if self.side is Direction.SALES else "payables"].format(
            d=format_date(self.as_of, locale))

    def render(self, locale: str) -> str:
        """A plain-text table (labels and numbers for ``locale``, which is required, as
        every report's ``render`` requires it).

        Example:
            >>> z = Money(0, "EUR")
            >>> print(AgingReport(date(2026, 3, 20), Direction.SALES, (AgingRow("p-1", "Acme",
            ...     "EUR", (Money("1250.00", "EUR"), z, z, z, z), Money("1250.00", "EUR")),),
            ...     ()).render("de_DE"))  # doctest: +NORMALIZE_WHITESPACE
            Forderungen nach Fälligkeit am 20.03.2026
            Partner  Währung  Nicht fällig  1-30  31-60  61-90   90+    Gesamt
            -------  -------  ------------  ----  -----  -----  ----  --------
            Acme         EUR      1.250,00  0,00   0,00   0,00  0,00  1.250,00
            Summe        EUR      1.250,00  0,00   0,00   0,00  0,00  1.250,00
        """
        headers, rows = self._cells(locale)
        body = [[name, code, *(format_amount(a, code, locale, symbol=False) for a in amounts)]
                for name, code, *amounts in rows]
        return self._title(locale) + "\n" + table(headers, body)

    def _repr_html_(self) -> str:
        headers, rows = self._cells("en_US")
        return html_table(self._title("en_US"), headers, rows, range(2, len(headers)))


def build_aging(items: Iterable[OpenItem], as_of: date, side: Direction,
                names: Mapping[str, str], functional: str | None = None) -> AgingReport:
    """Group open items by party and currency into buckets (``functional``: the book's
    currency, kept on the report).

    Example:
        >>> item = OpenItem("d", "sales_invoice", "INV-1", "p", date(2026, 1, 1),
        ...                 date(2026, 1, 31), Money("10", "EUR"), Money("11", "USD"), 40)
        >>> row = build_aging([item], date(2026, 3, 12), Direction.SALES, {"p": "Acme"}).rows[0]
        >>> [str(m.amount) for m in row.buckets], row.party_name
        (['0.00', '0.00', '10.00', '0.00', '0.00'], 'Acme')
    """
    items = tuple(items)
    grouped: dict[tuple[str, str], list[Decimal]] = {}
    for i in items:
        amount = i.amount
        key = (i.party_id, amount.currency.code)
        row = grouped.get(key)
        if row is None:
            row = grouped[key] = [_ZERO] * len(BUCKETS)
        days = i.days_overdue  # bucket_of, inline: this loop runs once per open item
        row[0 if days <= 0 else 1 if days <= 30 else 2 if days <= 60 else 3 if days <= 90
            else 4] += amount.amount
    rows = []
    for (pid, code), sums in grouped.items():
        zero = from_minor(0, code)
        buckets = tuple(zero + Money(v, code) for v in sums)
        rows.append(AgingRow(pid, names.get(pid, pid), code, buckets,
                             zero + Money(sum(sums, _ZERO), code)))
    rows.sort(key=lambda r: (r.party_name.casefold(), r.party_id, r.currency))
    return AgingReport(as_of, side, tuple(rows), items, functional)


@attrs.frozen(slots=True)
class OverdueItem:
    """A document past its due date, for reminders (from our side, positive: owed to us).

    Example:
        >>> OverdueItem("d-1", "INV-1", "p-1", "Acme", date(2026, 1, 1), 12,
        ...             Money("5.00", "EUR"), "1-30").bucket
        '1-30'
    """

    document_id: str
    number: str
    party_id: str
    party_name: str
    due_date: date
    days_overdue: int
    open_amount: Money
    bucket: str


def overdue_items(items: Iterable[OpenItem], names: Mapping[str, str],
                  min_days: int = 1) -> list[OverdueItem]:
    """Documents at least ``min_days`` past due with a positive open amount, most overdue first.

    Example:
        >>> item = OpenItem("d", "sales_invoice", "INV-1", "p", date(2026, 1, 1),
        ...                 date(2026, 1, 31), Money("10", "EUR"), Money("10", "EUR"), 5)
        >>> [o.bucket for o in overdue_items([item], {})]
        ['1-30']
    """
    out = [OverdueItem(i.item_id, i.number, i.party_id, names.get(i.party_id, i.party_id),
                       i.due_date, i.days_overdue, i.amount, BUCKETS[bucket_of(i.days_overdue)])
           for i in items
           if not i.kind.startswith("payment") and i.amount.amount > 0
           and i.days_overdue >= min_days]
    out.sort(key=lambda o: (-o.days_overdue, o.number))
    return out
