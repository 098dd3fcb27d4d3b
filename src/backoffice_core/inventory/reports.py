"""Inventory reports: stock on hand, the stock valuation, and its reconciliation with the ledger.

Reports are immutable values with exact ``Decimal`` figures; they render as a
text table for a locale (``render("de_DE")``), as HTML in a notebook, as plain
dicts (``to_rows()``) or as a pandas DataFrame (``to_pandas()``, optional extra).

Example:
    >>> from datetime import date
    >>> r = ValuationReport("Acme", "USD", date(2026, 2, 28), None, (
    ...     ValuationLine("WID", "Widget", "fifo", Decimal(5), "pc", Decimal("12.50")),))
    >>> r.total, r.rows[0].unit_cost
    (Decimal('12.50'), Decimal('2.5'))
    >>> print(r.render("en_US"))
    Stock valuation, Acme, as of Feb 28, 2026 (USD)
    SKU  Item    Method  Quantity  Unit  Unit cost  Value
    ---  ------  ------  --------  ----  ---------  -----
    WID  Widget  FIFO           5  pc         2.50  12.50
         Total                                      12.50
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.errors import NotFoundError
from backoffice_core.exact import plain
from backoffice_core.formatting import format_amount, format_date, format_decimal, parse_locale
from backoffice_core.money import EXACT, QUOTIENT, RoundingPolicy, exactly, minor_digits
from backoffice_core.tables import html_table, pandas_frame, text_table
from backoffice_core.text import check_lookup, code_key

__all__ = [
    "Reconciliation",
    "StockLine",
    "StockReport",
    "ValuationLine",
    "ValuationReport",
    "method_name",
]

_LABELS = {
    "en": {"stock": "Stock on hand", "valuation": "Stock valuation", "as_of": "as of",
           "current": "current", "sku": "SKU", "item": "Item", "location": "Location",
           "lot": "Lot", "quantity": "Quantity", "unit": "Unit", "method": "Method",
           "unit_cost": "Unit cost", "value": "Value", "total": "Total",
           "what_if": "as if valued by", "reconciliation": "Reconciliation with the ledger",
           "account": "inventory account", "difference": "difference",
           "agrees": "agrees", "differs": "DOES NOT AGREE"},
    "de": {"stock": "Lagerbestand", "valuation": "Bestandsbewertung", "as_of": "zum",
           "current": "aktuell", "sku": "Artikel", "item": "Bezeichnung", "location": "Lagerort",
           "lot": "Charge", "quantity": "Menge", "unit": "Einheit", "method": "Verfahren",
           "unit_cost": "Stückkosten", "value": "Wert", "total": "Summe",
           "what_if": "angenommenes Verfahren:", "reconciliation": "Abstimmung mit dem Hauptbuch",
           "account": "Bestandskonto", "difference": "Differenz", "agrees": "stimmt überein",
           "differs": "STIMMT NICHT"},
    "ru": {"stock": "Остатки на складах", "valuation": "Оценка запасов", "as_of": "на",
           "current": "текущие", "sku": "Артикул", "item": "Наименование",
           "location": "Место хранения", "lot": "Партия", "quantity": "Количество",
           "unit": "Ед.", "method": "Метод", "unit_cost": "Цена", "value": "Сумма",
           "total": "Итого", "what_if": "условный метод оценки:",
           "reconciliation": "Сверка с главной книгой", "account": "счёт запасов",
           "difference": "расхождение", "agrees": "сходится", "differs": "НЕ СХОДИТСЯ"},
}
#: valuation methods as a report prints them (rows keep the method's value)
_METHODS = {
    "en": {"fifo": "FIFO", "lifo": "LIFO", "average": "moving average",
           "periodic_average": "periodic average", "standard": "standard cost"},
    "de": {"fifo": "FIFO", "lifo": "LIFO", "average": "Gleitender Durchschnitt",
           "periodic_average": "Periodischer Durchschnitt", "standard": "Standardkosten"},
    "ru": {"fifo": "ФИФО", "lifo": "ЛИФО", "average": "скользящая средняя",
           "periodic_average": "средняя за месяц", "standard": "нормативная"},
}
#: the standard units' short names where a language writes them otherwise than their code
_UNITS = {
    "de": {"pc": "Stk.", "dozen": "Dtzd.", "h": "Std."},
    "ru": {"pc": "шт.", "dozen": "дюж.", "kg": "кг", "g": "г", "t": "т", "lb": "фунт",
           "l": "л", "ml": "мл", "m": "м", "cm": "см", "mm": "мм", "h": "ч"},
}
_ROW_COLUMNS = ("sku", "name", "method", "quantity", "unit", "unit_cost", "value")
_STOCK_COLUMNS = ("sku", "name", "location", "lot", "quantity", "unit")


def _label(key: str, locale: str) -> str:
    return _LABELS.get(parse_locale(locale).language, _LABELS["en"])[key]


def method_name(value: str, locale: str) -> str:
    """A valuation method's name in ``locale``'s language (its value when unknown): what
    the reports print, and what error messages name (in ``en_US``).

    Example:
        >>> method_name("average", "en_US"), method_name("fifo", "ru_RU")
        ('moving average', 'ФИФО')
    """
    names = _METHODS.get(parse_locale(locale).language, _METHODS["en"])
    return names.get(value, value)


def _unit(code: str, locale: str) -> str:
    """A unit as a report in ``locale`` prints it (a standard unit's short name in that
    language, else its code; rows keep the code).

    Example:
        >>> _unit("pc", "de_DE"), _unit("pc", "ru_RU"), _unit("pc", "en_US"), _unit("box", "de_DE")
        ('Stk.', 'шт.', 'pc', 'box')
    """
    return _UNITS.get(parse_locale(locale).language, {}).get(code, code)


def _when(as_of: date | None, locale: str) -> str:
    if as_of is None:
        return _label("current", locale)
    return f"{_label('as_of', locale)} {format_date(as_of, locale)}"


@attrs.frozen(slots=True)
class ValuationLine:
    """One item in the valuation: quantity and value of its valued stock.

    ``unit_cost`` is value / quantity to 28 significant digits (as Python's default
    context divides), for reading; it is not used in any sum. The rendered report shows
    it with the currency's minor unit plus two digits.
    """

    sku: str
    name: str
    method: str
    quantity: Decimal
    unit: str
    value: Decimal

    @property
    def unit_cost(self) -> Decimal | None:
        """Average unit cost of the stock on hand (``None`` when there is none)."""
        if self.quantity == 0:
            return None
        return plain(QUOTIENT.divide(self.value, self.quantity))  # not the caller's context


@attrs.frozen(slots=True)
class ValuationReport:
    """The value of the stock, per item, as of a date.

    Attributes:
        company: the book's name.
        currency: the book's currency.
        as_of: the day (``None``: current).
        method: ``None`` for the books' own valuation; a method name for a what-if
            valuation of the same history under another method.
        rows: one per item holding stock or value on the day, by sku (an item whose
            quantity and value are both zero has none).
    """

    company: str
    currency: str
    as_of: date | None
    method: str | None
    rows: tuple[ValuationLine, ...]

    @property
    @exactly  # not in the caller's decimal context
    def total(self) -> Decimal:
        """The value of all stock (what the inventory account holds)."""
        zero = Decimal(0).scaleb(-minor_digits(self.currency))  # 0.00 in USD, as a report's
        return sum((r.value for r in self.rows), zero)

    def row(self, sku: str) -> ValuationLine:
        """The line of ``sku`` (named as every lookup names it: ``" WID"`` is ``WID``).

        An item without a line (no stock and no value on the day) raises ``NotFoundError``
        naming ``sku``; a ``sku`` that is not a string, ``ValidationError``.

        Example:
            >>> from datetime import date
            >>> r = ValuationReport("Acme", "USD", date(2026, 2, 28), None, (
            ...     ValuationLine("WID", "Widget", "fifo", Decimal(5), "pc", Decimal("12.50")),))
            >>> r.row("WID").value, r.row("WID").unit_cost
            (Decimal('12.50'), Decimal('2.5'))
            >>> r.row("GAD")
            Traceback (most recent call last):
            ...
            backoffice_core.errors.NotFoundError: sku='GAD': the report has no line of this item
        """
        check_lookup("sku", sku, code=True)
        key = code_key(sku)
        for r in self.rows:
            if r.sku == key:
                return r
        raise NotFoundError("the report has no line of this item", field="sku", value=sku)

    def to_rows(self) -> list[dict[str, Any]]:
        """Plain dicts with exact ``Decimal`` figures, one per row.

        Example:
            >>> from datetime import date
            >>> r = ValuationReport("Acme", "USD", date(2026, 2, 28), None, (
            ...     ValuationLine("WID", "Widget", "fifo", Decimal(5), "pc", Decimal("12.50")),))
            >>> r.to_rows()  # doctest: +NORMALIZE_WHITESPACE
            [{'sku': 'WID', 'name': 'Widget', 'method': 'fifo', 'quantity': Decimal('5'),
              'unit': 'pc', 'unit_cost': Decimal('2.5'), 'value': Decimal('12.50')}]
        """
        return [{"sku": r.sku, "name": r.name, "method": r.method, "quantity": r.quantity,
                 "unit": r.unit, "unit_cost": r.unit_cost, "value": r.value}
                for r in self.rows]

    def to_pandas(self) -> Any:
        """A pandas DataFrame of :meth:`to_rows` (Decimal object columns, never floats).

        Needs the optional extra: ``pip install backoffice-core[pandas]``.

        Example:
            >>> from datetime import date
            >>> r = ValuationReport("Acme", "USD", date(2026, 2, 28), None, (
            ...     ValuationLine("WID", "Widget", "fifo", Decimal(5), "pc", Decimal("12.50")),))
            >>> df = r.to_pandas()
            >>> list(df.columns), df["value"].sum()
            (['sku', 'name', 'method', 'quantity', 'unit', 'unit_cost', 'value'], Decimal('12.50'))
        """
        return pandas_frame(self.to_rows(), _ROW_COLUMNS)

    def _title(self, locale: str) -> str:
        title = (f"{_label('valuation', locale)}, {self.company}, "
                 f"{_when(self.as_of, locale)} ({self.currency})")
        if self.method:
            title += f", {_label('what_if', locale)} {method_name(self.method, locale)}"
        return title

    def _headers(self, locale: str) -> list[str]:
        return [_label(k, locale) for k in ("sku", "item", "method", "quantity", "unit",
                                            "unit_cost", "value")]

    def render(self, locale: str) -> str:
        """The valuation as a plain-text table, figures formatted for ``locale``.

        Example:
            >>> from datetime import date
            >>> r = ValuationReport("Acme", "USD", date(2026, 2, 28), None, (
            ...     ValuationLine("WID", "Widget", "fifo", Decimal(5), "pc", Decimal("12.50")),))
            >>> print(r.render("de_DE"))
            Bestandsbewertung, Acme, zum 28.02.2026 (USD)
            Artikel  Bezeichnung  Verfahren  Menge  Einheit  Stückkosten   Wert
            -------  -----------  ---------  -----  -------  -----------  -----
            WID      Widget       FIFO           5  Stk.            2,50  12,50
                     Summe                                                12,50
        """
        body = []
        digits = minor_digits(self.currency) + 2
        for r in self.rows:
            cost = "" if r.unit_cost is None else format_amount(
                RoundingPolicy.HALF_UP.quantize(r.unit_cost, digits), self.currency, locale,
                symbol=False)
            body.append([r.sku, r.name, method_name(r.method, locale),
                         format_decimal(r.quantity, locale), _unit(r.unit, locale),
                         cost, format_amount(r.value, self.currency, locale, symbol=False)])
        body.append(["", _label("total", locale), "", "", "", "",
                     format_amount(self.total, self.currency, locale, symbol=False)])
        return f"{self._title(locale)}\n{text_table(self._headers(locale), body, 'lllrlrr')}"

    def _repr_html_(self) -> str:
        rows: list[list[Any]] = [[r.sku, r.name, method_name(r.method, "en_US"), r.quantity, r.unit,
                                  r.unit_cost if r.unit_cost is not None else "", r.value]
                                 for r in self.rows]
        rows.append(["", "Total", "", "", "", "", self.total])
        return html_table(self._title("en_US"), self._headers("en_US"), rows, (3, 5, 6))


@attrs.frozen(slots=True)
class StockLine:
    """A quantity of one item at one location and lot (``""`` when untracked)."""

    sku: str
    name: str
    location: str
    lot: str
    quantity: Decimal
    unit: str


@attrs.frozen(slots=True)
class StockReport:
    """Stock on hand per item, location and lot, as of a date (internal and transit locations).

    Attributes:
        company: the book's name.
        as_of: the day (``None``: current).
        rows: non-zero quantities, by sku, location and lot.
    """

    company: str
    as_of: date | None
    rows: tuple[StockLine, ...]

    def total(self, sku: str) -> Decimal:
        """The quantity of ``sku`` over all rows (zero when it has none), ``sku`` named as
        every lookup names it (``" WID"`` is ``WID``); a ``ValidationError`` if not a string.

        Example:
            >>> from datetime import date
            >>> r = StockReport("Acme", date(2026, 2, 28), (
            ...     StockLine("WID", "Widget", "W2", "", Decimal(3), "pc"),
            ...     StockLine("WID", "Widget", "WH", "", Decimal(5), "pc")))
            >>> r.total("WID"), r.total("GAD")
            (Decimal('8'), Decimal('0'))
        """
        check_lookup("sku", sku, code=True)
        key = code_key(sku)
        return sum((r.quantity for r in self.rows if r.sku == key), Decimal(0))

    def to_rows(self) -> list[dict[str, Any]]:
        """Plain dicts with exact ``Decimal`` quantities, one per row.

        Example:
            >>> from datetime import date
            >>> r = StockReport("Acme", date(2026, 2, 28), (
            ...     StockLine("WID", "Widget", "W2", "", Decimal(3), "pc"),
            ...     StockLine("WID", "Widget", "WH", "", Decimal(5), "pc")))
            >>> r.to_rows()[0]  # doctest: +NORMALIZE_WHITESPACE
            {'sku': 'WID', 'name': 'Widget', 'location': 'W2', 'lot': '', 'quantity': Decimal('3'),
             'unit': 'pc'}
        """
        return [{"sku": r.sku, "name": r.name, "location": r.location, "lot": r.lot,
                 "quantity": r.quantity, "unit": r.unit} for r in self.rows]

    def to_pandas(self) -> Any:
        """A pandas DataFrame of :meth:`to_rows` (Decimal object columns, never floats).

        Needs the optional extra: ``pip install backoffice-core[pandas]``.

        Example:
            >>> from datetime import date
            >>> r = StockReport("Acme", date(2026, 2, 28), (
            ...     StockLine("WID", "Widget", "W2", "", Decimal(3), "pc"),
            ...     StockLine("WID", "Widget", "WH", "", Decimal(5), "pc")))
            >>> df = r.to_pandas()
            >>> list(df["location"]), df["quantity"].sum()
            (['W2', 'WH'], Decimal('8'))
        """
        return pandas_frame(self.to_rows(), _STOCK_COLUMNS)

    def _title(self, locale: str) -> str:
        return f"{_label('stock', locale)}, {self.company}, {_when(self.as_of, locale)}"

    def _headers(self, locale: str) -> list[str]:
        return [_label(k, locale) for k in ("sku", "item", "location", "lot", "quantity",
                                            "unit")]

    def render(self, locale: str) -> str:
        """The stock as a plain-text table, quantities formatted for ``locale``.

        Example:
            >>> from datetime import date
            >>> r = StockReport("Acme", date(2026, 2, 28), (
            ...     StockLine("WID", "Widget", "W2", "", Decimal(3), "pc"),
            ...     StockLine("WID", "Widget", "WH", "", Decimal(5), "pc")))
            >>> print(r.render("en_US"))
            Stock on hand, Acme, as of Feb 28, 2026
            SKU  Item    Location  Lot  Quantity  Unit
            ---  ------  --------  ---  --------  ----
            WID  Widget  W2                    3  pc
            WID  Widget  WH                    5  pc
        """
        body = [[r.sku, r.name, r.location, r.lot, format_decimal(r.quantity, locale),
                 _unit(r.unit, locale)]
                for r in self.rows]
        return f"{self._title(locale)}\n{text_table(self._headers(locale), body, 'llllrl')}"

    def _repr_html_(self) -> str:
        rows = [[r.sku, r.name, r.location, r.lot, r.quantity, r.unit] for r in self.rows]
        return html_table(self._title("en_US"), self._headers("en_US"), rows, (4,))


@attrs.frozen(slots=True)
class Reconciliation:
    """The stock valuation against the inventory account's balance, as of a date.

    Example:
        >>> Reconciliation(None, "USD", "1210", Decimal("10.00"), Decimal("10.00")).agrees
        True
    """

    as_of: date | None
    currency: str
    account: str
    valuation: Decimal
    ledger: Decimal

    @property
    def difference(self) -> Decimal:
        """Valuation minus the account balance (zero when they agree)."""
        return EXACT.subtract(self.valuation, self.ledger)

    @property
    def agrees(self) -> bool:
        """True when the valuation equals the account balance to the cent."""
        return self.difference == 0

    def render(self, locale: str) -> str:
        """One line: valuation, account balance, and whether they agree.

        Example:
            >>> r = Reconciliation(None, "USD", "1210", Decimal("10.00"), Decimal("9.50"))
            >>> print(r.render("en_US"))  # doctest: +NORMALIZE_WHITESPACE
            Reconciliation with the ledger, current: Stock valuation $10.00, inventory account
            1210 $9.50, difference $0.50: DOES NOT AGREE
        """
        def fmt(value: Decimal) -> str:
            return format_amount(value, self.currency, locale)

        verdict = _label("agrees" if self.agrees else "differs", locale)
        return (f"{_label('reconciliation', locale)}, "
                f"{_when(self.as_of, locale)}: {_label('valuation', locale)} "
                f"{fmt(self.valuation)}, {_label('account', locale)} {self.account} "
                f"{fmt(self.ledger)}, {_label('difference', locale)} {fmt(self.difference)}: "
                f"{verdict}")

    def _repr_html_(self) -> str:
        rows = [[self.account, self.valuation, self.ledger, self.difference]]
        return html_table(_label("reconciliation", "en_US"),
                          ["Account", "Valuation", "Ledger", "Difference"], rows, (1, 2, 3))
