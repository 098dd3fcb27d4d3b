"""Row mappers of the documents domain: aggregates to JSON text and back, exactly.

A document, party, payment or allocation is stored whole in its row's ``body``
column. The encoding is explicit and closed: only the value classes listed in
:data:`CLASSES` and the enums in :data:`ENUMS` are written or read (by their
class name, so moving a class between modules keeps old rows readable), and
every leaf keeps its exact value:

* ``Money`` as its decimal string and currency code (``"10.00"`` stays two places);
* ``Decimal`` as its string (exponent kept), ``int``, ``bool``, ``str`` as themselves;
* ``date`` ISO 8601, ``datetime`` ISO 8601 with its offset and microseconds;
* enums by member name; tuples as JSON arrays.

A float, or a class not listed, raises
:class:`~backoffice_core.errors.ValidationError` naming where it was found, so
nothing is silently approximated. Decoding rebuilds each value through its
class's own constructor, so a stored row is validated like fresh input.

Example:
    >>> from datetime import date
    >>> from backoffice_core.documents.lines import line
    >>> from backoffice_core.documents.model import Document
    >>> from backoffice_core.documents.taxes import Tax
    >>> doc = Document("d-1", "sales_invoice", "p-1", "EUR", date(2026, 3, 1),
    ...                [line("Widget", 2, "10.00", Tax.standard(20))])
    >>> decode(encode(doc)) == doc
    True
"""

from __future__ import annotations

import enum
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.documents.lines import AllowanceCharge, DocumentLine, LineRef
from backoffice_core.documents.model import (
    Direction,
    Document,
    DocumentRef,
    DocumentState,
    DocumentType,
    StockHandover,
    Transition,
)
from backoffice_core.documents.parties import Address, Contact, Party, PartyKind, TaxId, TaxScheme
from backoffice_core.documents.payments import Allocation, Payment, PaymentDirection
from backoffice_core.documents.rounding import DocumentRounding, RoundingScope
from backoffice_core.documents.settings import ApprovalRule, DocumentSettings, MatchTolerance
from backoffice_core.documents.taxes import Tax, TaxCategory
from backoffice_core.documents.terms import EarlyPaymentDiscount, Instalment, PaymentTerms
from backoffice_core.documents.totals import Totals, VatBreakdown
from backoffice_core.errors import StorageError, ValidationError
from backoffice_core.money import Money, RoundingPolicy

__all__ = ["CLASSES", "ENUMS", "decode", "encode"]

#: The value classes a stored body may hold, by name.
CLASSES: dict[str, type[Any]] = {c.__name__: c for c in (
    Address, AllowanceCharge, Allocation, ApprovalRule, Contact, Document, DocumentLine,
    DocumentRef, DocumentRounding, DocumentSettings, EarlyPaymentDiscount, Instalment,
    LineRef, MatchTolerance, Party, Payment, PaymentTerms, StockHandover, Tax, TaxId,
    Totals, Transition, VatBreakdown)}
#: The enums a stored body may hold, by name.
ENUMS: dict[str, type[enum.Enum]] = {e.__name__: e for e in (
    Direction, DocumentState, DocumentType, PartyKind, PaymentDirection, RoundingPolicy,
    RoundingScope, TaxCategory, TaxScheme)}

_FIELDS: dict[type[Any], tuple[tuple[str, str], ...]] = {
    cls: tuple((f.name, f.alias or f.name) for f in attrs.fields(cls) if f.init)
    for cls in CLASSES.values()}


def _enc(value: Any, where: str) -> Any:
    kind = type(value)
    if value is None or kind is str or kind is bool or kind is int:
        return value
    if kind is tuple:
        return [_enc(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, Money):
        return {"@": "$", "a": str(value.amount), "c": value.code}
    if kind is Decimal:
        return {"@": "D", "v": str(value)}
    if kind is datetime:
        return {"@": "T", "v": value.isoformat()}
    if kind is date:
        return {"@": "d", "v": value.isoformat()}
    if isinstance(value, enum.Enum) and ENUMS.get(kind.__name__) is kind:
        return {"@": "E", "t": kind.__name__, "n": value.name}
    if kind is list:
        return {"@": "L", "v": [_enc(v, f"{where}[{i}]") for i, v in enumerate(value)]}
    if kind is dict:
        return {"@": "M", "v": [[_enc(k, where), _enc(v, f"{where}[{k!r}]")]
                               for k, v in value.items()]}
    fields = _FIELDS.get(kind)
    if fields is None or CLASSES.get(kind.__name__) is not kind:
        raise ValidationError(f"a {kind.__name__} cannot be stored exactly", field=where,
                              value=value)
    out: dict[str, Any] = {"@": kind.__name__}
    for name, _alias in fields:
        out[name] = _enc(getattr(value, name), f"{where}.{name}")
    return out


def encode(value: Any) -> str:
    """The JSON text of an aggregate (see the module docstring).

    Example:
        >>> from backoffice_core.documents.taxes import Tax
        >>> encode(Tax.standard(20))[:30]
        '{"@":"Tax","category":{"@":"E"'
    """
    return json.dumps(_enc(value, type(value).__name__), separators=(",", ":"),
                      ensure_ascii=False)


def _dec(value: Any) -> Any:
    if type(value) is list:
        return tuple(_dec(v) for v in value)
    if type(value) is not dict:
        return value
    tag = value["@"]
    if tag == "$":
        return Money(Decimal(value["a"]), value["c"])
    if tag == "D":
        return Decimal(value["v"])
    if tag == "T":
        return datetime.fromisoformat(value["v"])
    if tag == "d":
        return date.fromisoformat(value["v"])
    if tag == "E":
        return ENUMS[value["t"]][value["n"]]
    if tag == "L":
        return [_dec(v) for v in value["v"]]
    if tag == "M":
        return {_dec(k): _dec(v) for k, v in value["v"]}
    cls = CLASSES[tag]
    return cls(**{alias: _dec(value[name]) for name, alias in _FIELDS[cls] if name in value})


def decode(text: str) -> Any:
    """The aggregate stored as ``text`` by :func:`encode`.

    Example:
        >>> from backoffice_core.money import Money
        >>> decode(encode((Money("1.10", "EUR"), Decimal("0.500"))))
        (Money('1.10', 'EUR'), Decimal('0.500'))
    """
    try:
        return _dec(json.loads(text))
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ValidationError):
            raise
        raise StorageError(f"a stored documents row cannot be read: {exc!r}", field="body",
                           value=text[:80]) from exc
