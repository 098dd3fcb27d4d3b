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
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from json.encoder import encode_basestring
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
from backoffice_core.money import Money, RoundingPolicy, currency

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
    """The checking encoder: slower, it names where a value that cannot be stored is."""
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


# ---------------------------------------------------------------------- the fast encoder
# Writes the very text json.dumps(_enc(value), separators=(",", ":"), ensure_ascii=False)
# would, straight from the values: one dict lookup per value type, no intermediate tree,
# strings escaped by json's own function. Anything it does not know exactly hands the
# whole value to _enc, which names where a value that cannot be stored is.
class _Unknown(Exception):
    """A value the fast encoder leaves to the checking one."""


_TEXT: dict[type[Any], Callable[[Any], str]] = {}


def _text(value: Any) -> str:
    write = _TEXT.get(type(value))
    if write is None:
        raise _Unknown
    return write(value)


def _class_writer(cls: type[Any]) -> Callable[[Any], str]:
    head = '{"@":' + json.dumps(cls.__name__)
    keys = tuple((name, f',"{name}":') for name, _ in _FIELDS[cls])
    writers = _TEXT

    def write(value: Any) -> str:
        out = [head]
        for name, key in keys:
            v = getattr(value, name)
            w = writers.get(type(v))
            if w is None:
                raise _Unknown
            out.append(key)
            out.append(w(v))
        out.append("}")
        return "".join(out)

    return write


def _enum_writer(kind: type[enum.Enum]) -> Callable[[Any], str]:
    tag = json.dumps(kind.__name__)
    texts: dict[Any, str] = {member: '{"@":"E","t":' + tag + ',"n":' + json.dumps(member.name)
                             + "}" for member in kind}
    return texts.__getitem__


_LEAVES: dict[type[Any], Callable[[Any], str]] = {
    str: encode_basestring,
    bool: lambda v: "true" if v else "false",
    int: int.__repr__,
    type(None): lambda v: "null",
    tuple: lambda v: "[" + ",".join([_text(x) for x in v]) + "]",
    Money: lambda v: '{"@":"$","a":"' + str(v.amount) + '","c":'
                     + encode_basestring(v.currency.code) + "}",
    Decimal: lambda v: '{"@":"D","v":"' + str(v) + '"}',
    datetime: lambda v: '{"@":"T","v":"' + v.isoformat() + '"}',
    date: lambda v: '{"@":"d","v":"' + v.isoformat() + '"}',
    list: lambda v: '{"@":"L","v":[' + ",".join([_text(x) for x in v]) + "]}",
    dict: lambda v: '{"@":"M","v":[' + ",".join(["[" + _text(k) + "," + _text(x) + "]"
                                                  for k, x in v.items()]) + "]}",
}
_TEXT.update(_LEAVES)
_TEXT.update({kind: _enum_writer(kind) for kind in ENUMS.values()})
_TEXT.update({cls: _class_writer(cls) for cls in CLASSES.values()})


def encode(value: Any) -> str:
    """The JSON text of an aggregate (see the module docstring).

    Example:
        >>> from backoffice_core.documents.taxes import Tax
        >>> encode(Tax.standard(20))[:30]
        '{"@":"Tax","category":{"@":"E"'
    """
    try:
        return _text(value)
    except _Unknown:  # a subclass, or something that cannot be stored: say where
        return json.dumps(_enc(value, type(value).__name__), separators=(",", ":"),
                          ensure_ascii=False)


# ---------------------------------------------------------------------- the decoder
# json calls _hook for every object, innermost first; each tag has its builder. Arrays
# stand for tuples, except the items of a list ("L") and the pairs of a dict ("M").
def _tuple(value: list[Any]) -> tuple[Any, ...]:
    return tuple(v if type(v) is not list else _tuple(v) for v in value)


def _class_decoder(cls: type[Any]) -> Callable[[dict[str, Any]], Any]:
    fields = _FIELDS[cls]

    def decode_one(obj: dict[str, Any]) -> Any:
        kw: dict[str, Any] = {}
        for name, alias in fields:
            if name in obj:
                v = obj[name]
                kw[alias] = v if type(v) is not list else _tuple(v)
        return cls(**kw)

    return decode_one


def _memo_decoder(cls: type[Any], size: int = 4096) -> Callable[[dict[str, Any]], Any]:
    """A decoder that shares one instance per distinct stored value of a small frozen class.

    The key keeps each decimal's exact text, so values that differ only in their
    exponent are built apart, exactly as without the memo.
    """
    build = _class_decoder(cls)
    memo: dict[tuple[Any, ...], Any] = {}

    def decode_one(obj: dict[str, Any]) -> Any:
        try:
            key = tuple((k, v, str(v)) if type(v) is Decimal else (k, v)
                        for k, v in obj.items())
            found = memo.get(key)
        except TypeError:  # unhashable: a corrupt row; let the constructor say why
            return build(obj)
        if found is None:
            found = build(obj)
            if len(memo) >= size:
                memo.clear()
            memo[key] = found
        return found

    return decode_one


_MEMBERS = {(kind.__name__, name): member for kind in ENUMS.values()
            for name, member in kind.__members__.items()}
_DECODERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "$": lambda o: Money(Decimal(o["a"]), _currency(o["c"])),
    "D": lambda o: Decimal(o["v"]),
    "T": lambda o: datetime.fromisoformat(o["v"]),
    "d": lambda o: date.fromisoformat(o["v"]),
    "E": lambda o: _MEMBERS[o["t"], o["n"]],
    "L": lambda o: [v if type(v) is not list else _tuple(v) for v in o["v"]],
    "M": lambda o: {(k if type(k) is not list else _tuple(k)):
                    (v if type(v) is not list else _tuple(v)) for k, v in o["v"]},
    **{name: _class_decoder(cls) for name, cls in CLASSES.items()},
    # frozen values repeated across documents: a document's lines share a few taxes
    "Tax": _memo_decoder(Tax),
}


_CURRENCIES: dict[str, Any] = {}  # code -> Currency, each looked up (and checked) once


def _currency(code: Any) -> Any:
    found = _CURRENCIES.get(code) if type(code) is str else None
    if found is None:
        found = currency(code)
        if len(_CURRENCIES) < 1024:
            _CURRENCIES[code] = found
    return found


def _hook(obj: dict[str, Any]) -> Any:
    tag = obj["@"]
    if tag == "D":  # the commonest leaves first, without a second call
        return Decimal(obj["v"])
    if tag == "$":
        return Money(Decimal(obj["a"]), _currency(obj["c"]))
    if tag == "E":
        return _MEMBERS[obj["t"], obj["n"]]
    return _DECODERS[tag](obj)


_loads = json.JSONDecoder(object_hook=_hook).decode


def decode(text: str) -> Any:
    """The aggregate stored as ``text`` by :func:`encode`.

    Example:
        >>> from backoffice_core.money import Money
        >>> decode(encode((Money("1.10", "EUR"), Decimal("0.500"))))
        (Money('1.10', 'EUR'), Decimal('0.500'))
    """
    try:
        tree = _loads(text)
        return _tuple(tree) if type(tree) is list else tree
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ValidationError):
            raise
        raise StorageError(f"a stored documents row cannot be read: {exc!r}", field="body",
                           value=text[:80]) from exc
