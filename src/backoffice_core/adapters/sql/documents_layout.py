"""The compact fields of stored documents: leaves whose field says what they are (internal).

:mod:`~backoffice_core.adapters.sql.documents_mappers` writes most leaves tagged
(``{"@":"D","v":"15"}`` for a decimal), so a row reads without knowing its
classes. The fields listed in :data:`KINDS` (the hot ones: a document, its
lines, taxes, totals and trail) are written bare instead, and their field says
how a bare JSON string or array reads:

* ``"D"``: a decimal as its text (``"342.75"``, exponent kept);
* ``"$"``: money as ``[amount, code]`` (``["14661.70","EUR"]``);
* ``"$*"``: a tuple of money as an array of those pairs;
* ``"d"`` / ``"T"``: a date / an instant in ISO 8601;
* an enum class: the member's name (``"SALES_INVOICE"``).

A field may have several kinds (``"D$"``: a decimal or money); a string and an
array never mean the same kind. Any other value of such a field (``None``, a
tagged value) is written and read as anywhere else, so rows written before
these fields were compact (every leaf tagged) read exactly as they did, and a
str or a tuple, which would read back as something else, is refused when
written. A JSON number is never written there and is refused when read (a
float would not be exact). Reading checks each leaf as the value's constructor does (a finite
decimal written as text, a known currency, a known member) before the class's
own constructor validates the whole.

Example:
    >>> write = compact_writer("D$", lambda v: "null")
    >>> write(Decimal("0.50")), write(Money("2.00", "EUR")), write(None)
    ('"0.50"', '["2.00","EUR"]', 'null')
    >>> read = compact_reader("D$")
    >>> read("0.50"), read(["2.00", "EUR"])
    (Decimal('0.50'), Money('2.00', 'EUR'))
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any

import attrs
import moneyed

from backoffice_core.documents.lines import AllowanceCharge, DocumentLine
from backoffice_core.documents.model import (
    Document,
    DocumentRef,
    DocumentState,
    DocumentType,
    Transition,
)
from backoffice_core.documents.rounding import DocumentRounding, RoundingScope
from backoffice_core.documents.taxes import Tax, TaxCategory
from backoffice_core.documents.terms import EarlyPaymentDiscount, Instalment
from backoffice_core.documents.totals import Totals, VatBreakdown
from backoffice_core.money import Money, RoundingPolicy, currency

__all__ = ["KINDS", "compact_enc", "compact_reader", "compact_writer", "line_decoder",
           "read_decimal", "read_money"]

Kind = str | type[enum.Enum]

_MONEY_FIELDS = ("line_total", "allowance_total", "charge_total", "tax_exclusive", "tax_total",
                 "tax_inclusive", "prepaid", "rounding", "amount_due", "tax_total_accounting")
#: The compact fields, class by class: field name -> kind (see the module text).
KINDS: dict[type[Any], dict[str, Kind]] = {
    Document: {"type": DocumentType, "date": "d", "state": DocumentState, "due_date": "d",
               "prepaid": "$", "delivery_date": "d", "valid_until": "d", "fx_rate": "D",
               "reverse_charge_rate": "D", "open_amount": "$", "open_functional": "$"},
    DocumentLine: {"quantity": "D", "unit_price": "D$", "price_base_quantity": "D"},
    Tax: {"category": TaxCategory, "rate": "D"},
    AllowanceCharge: {"amount": "D$", "percent": "D", "base": "D$"},
    Totals: {"line_nets": "$*", "allowance_charge_amounts": "$*",
             **dict.fromkeys(_MONEY_FIELDS, "$")},
    VatBreakdown: {"category": TaxCategory, "rate": "D", "taxable": "$", "tax": "$"},
    Transition: {"at": "T", "from_state": DocumentState, "to_state": DocumentState},
    DocumentRounding: {"scope": RoundingScope, "mode": RoundingPolicy, "cash_increment": "D"},
    Instalment: {"percent": "D"},
    EarlyPaymentDiscount: {"percent": "D"},
    DocumentRef: {"type": DocumentType, "issue_date": "d"},
}


# ---------------------------------------------------------------------- reading leaves
def read_decimal(text: Any) -> Decimal:
    """A stored decimal: always text (a JSON number would have passed through a float)."""
    if type(text) is not str:
        raise TypeError(f"a decimal is stored as text, not as {type(text).__name__}")
    return Decimal(text)


def _finite(text: str) -> Decimal:
    """A decimal of a compact field: finite, as every amount, rate and quantity is."""
    value = Decimal(text)
    if not value.is_finite():
        raise ValueError(f"a stored amount is finite, not {text!r}")
    return value


_CURRENCIES: dict[str, Any] = {}  # code -> Currency, each looked up (and checked) once
_new = object.__new__
_money_init = moneyed.Money.__init__


def read_money(amount: Any, code: Any) -> Money:
    """``Money(amount, code)`` with the constructor's checks: a finite decimal (stored as
    text) and a known currency."""
    value = read_decimal(amount)
    if not value.is_finite():
        return Money(value, code)  # refused, with the constructor's own error
    cur = _CURRENCIES.get(code) if type(code) is str else None
    if cur is None:
        cur = currency(code)
        if len(_CURRENCIES) < 1024:
            _CURRENCIES[code] = cur
    m: Money = _new(Money)
    _money_init(m, value, cur)
    return m


def _pair(value: list[Any]) -> Money:
    """A stored ``[amount, code]`` as money."""
    if len(value) != 2:
        raise ValueError(f"money is stored as [amount, code], not {value!r}")
    return read_money(value[0], value[1])


def _moneys(value: list[Any]) -> tuple[Money, ...]:
    """A stored tuple of money: pairs (or, in rows written before, tagged money)."""
    out = [_pair(x) if type(x) is list else x for x in value]
    if any(type(x) is not Money for x in out):
        raise TypeError("a tuple of money holds only money")
    return tuple(out)


_NUMBERS = frozenset({int, float, bool})


def compact_reader(kind: Kind) -> Callable[[Any], Any]:
    """How a compact field of ``kind`` reads: its bare string or array made a value; a value
    the JSON decoder already built (tagged, ``None``...) is passed on as it is."""
    text: Callable[[str], Any] | None = None
    if isinstance(kind, type):
        text = kind.__members__.__getitem__  # an unknown name: KeyError, a storage error
    elif "D" in kind:
        text = _finite
    elif kind == "d":
        text = date.fromisoformat
    elif kind == "T":
        text = datetime.fromisoformat
    array: Callable[[list[Any]], Any] | None = None
    if kind == "$*":
        array = _moneys
    elif isinstance(kind, str) and "$" in kind:
        array = _pair

    def read(value: Any) -> Any:
        kind_of = type(value)
        if kind_of is str:
            if text is None:
                raise TypeError(f"a {kind} field is not stored as text")
            return text(value)
        if kind_of is list:
            if array is None:
                raise TypeError(f"a {kind} field is not stored as an array")
            return array(value)
        if kind_of in _NUMBERS:  # never written here: a float would not be exact
            raise TypeError(f"a {kind} field does not hold a JSON number")
        return value

    return read


# ---------------------------------------------------------------------- writing leaves
def _money_text(v: Money) -> str:
    return '["' + str(v.amount) + '",' + encode_basestring(v.currency.code) + "]"


def _quoted(v: date) -> str:
    return '"' + v.isoformat() + '"'


def compact_writer(kind: Kind, other: Callable[[Any], str]) -> Callable[[Any], str]:
    """How a compact field of ``kind`` writes: its own types bare, anything else through
    ``other`` (the tagged writer), except a str or a tuple, which would read back as
    something else (``other`` raises for what it cannot store)."""
    own: dict[type[Any], Callable[[Any], str]] = {}
    if isinstance(kind, type):
        own[kind] = {m: '"' + m.name + '"' for m in kind}.__getitem__
    else:
        if "D" in kind:
            own[Decimal] = lambda v: '"' + str(v) + '"'
        if kind == "$*":
            own[tuple] = lambda v: "[" + ",".join([_money_text(x) if type(x) is Money
                                                   else _refuse(x) for x in v]) + "]"
        elif "$" in kind:
            own[Money] = _money_text
        if kind == "d":
            own[date] = _quoted
        if kind == "T":
            own[datetime] = _quoted
    refused = {str, tuple} - set(own)

    def write(value: Any) -> str:
        w = own.get(type(value))
        if w is not None:
            return w(value)
        if type(value) in refused:
            raise TypeError("ambiguous in a compact field")
        return other(value)

    return write


def _refuse(value: Any) -> str:
    raise TypeError("a tuple of money holds only money")


def compact_enc(value: Any, kind: Kind, where: str,
                other: Callable[[Any, str], Any]) -> Any:
    """The checking encoder's tree for a compact field (``None`` if ``value`` cannot be
    stored there; ``other`` builds the tagged tree of anything else)."""
    kind_of = type(value)
    if isinstance(kind, type):
        if kind_of is kind:
            return value.name
    else:
        if "D" in kind and kind_of is Decimal:
            return str(value)
        if kind == "$*" and kind_of is tuple:
            if all(type(m) is Money for m in value):
                return [[str(m.amount), m.code] for m in value]
            return None
        if "$" in kind and kind_of is Money:
            return [str(value.amount), value.code]
        if (kind == "d" and kind_of is date) or (kind == "T" and kind_of is datetime):
            return value.isoformat()
    if kind_of is str or kind_of is tuple:
        return None
    return other(value, where)


# ---------------------------------------------------------------------- document lines
_LINE_FIELDS = ("id", "description", "quantity", "unit_price", "tax", "unit",
                "price_includes_tax", "price_base_quantity", "item_id", "allowances_charges",
                "dimensions", "account", "source", "note")
_LIMIT = Decimal(10) ** 15  # the bound of a quantity and a price (lines._LIMIT)
_set = object.__setattr__


def line_decoder(general: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
    """The builder of a stored :class:`~backoffice_core.documents.lines.DocumentLine`.

    A line of the common shape (text fields within their limits, quantity, price and
    base quantity written as decimal text, allowances and charges without a tax of their
    own, no dimensions) is checked in one pass against exactly what the constructor
    checks (its converters and ``__attrs_post_init__``) and built with the values the
    constructor would keep; any other line, and any line failing a check, goes to
    ``general`` (the constructor), which accepts it or says why not. Should the class
    change its fields, every line goes to ``general``.
    """
    get = itemgetter(*_LINE_FIELDS)
    if tuple(f.name for f in attrs.fields(DocumentLine)) != _LINE_FIELDS:
        return general  # pragma: no cover - a new field: only the constructor knows it

    def decode_line(obj: dict[str, Any]) -> Any:
        try:
            (id_, text, qty, price, tax, unit, gross, base, item, acs, dims, account, source,
             note) = get(obj)
        except KeyError:
            return general(obj)
        # (isprintable: no control character, the one text rule; others go to general)
        if not (type(id_) is str and len(id_) <= 64 and id_.isprintable()
                and type(text) is str and len(text) <= 2000 and text.isprintable()
                and type(qty) is str and type(price) is str
                and type(base) is str and type(tax) is Tax and type(unit) is str
                and 0 < len(unit) <= 8 and unit.strip() == unit and unit.isprintable()
                and type(note) is str and len(note) <= 1000 and note.isprintable()
                and type(dims) is list and not dims
                and type(acs) is list and type(gross) is not list
                and (item is None or (type(item) is str and item.isprintable()))
                and (account is None or (type(account) is str and account.isprintable()))
                and type(source) is not list
                and (item is not None or text.strip())
                and all(type(ac) is AllowanceCharge and ac.tax is None for ac in acs)):
            return general(obj)
        quantity, unit_price, base_quantity = Decimal(qty), Decimal(price), Decimal(base)
        if not (quantity.is_finite() and unit_price.is_finite() and base_quantity.is_finite()
                and abs(quantity) < _LIMIT and 0 <= unit_price < _LIMIT
                and 0 < base_quantity < _LIMIT and base_quantity.adjusted() >= -15):
            return general(obj)
        line = _new(DocumentLine)
        _set(line, "id", id_)
        _set(line, "description", text)
        _set(line, "quantity", quantity)
        _set(line, "unit_price", unit_price)
        _set(line, "tax", tax)
        _set(line, "unit", unit)
        _set(line, "price_includes_tax", gross)
        _set(line, "price_base_quantity", base_quantity)
        _set(line, "item_id", item)
        _set(line, "allowances_charges", tuple(acs))
        _set(line, "dimensions", ())
        _set(line, "account", account)
        _set(line, "source", source)
        _set(line, "note", note)
        return line

    return decode_line
