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

Leaves are tagged (``{"@":"D","v":"15"}``), except in the hot fields listed in
:data:`~backoffice_core.adapters.sql.documents_layout.KINDS` (a document, its
lines, taxes, totals, trail), where the field says what a bare string or array
is (``"15"``, ``["14661.70","EUR"]``, ``"SALES_INVOICE"``): about a quarter
less text, and far less to parse. Rows written with every leaf tagged read as
they did.

A float, or a class not listed, raises
:class:`~backoffice_core.errors.ValidationError` naming where it was found, so
nothing is silently approximated. Decoding rebuilds each value through its
class's own constructor, so a stored row is validated like fresh input (a
document line of the common shape is checked in one pass against exactly what
its constructor checks: :func:`~.documents_layout.line_decoder`).

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
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from json.encoder import encode_basestring
from operator import attrgetter, itemgetter
from typing import Any

import attrs

from backoffice_core.adapters.sql.documents_layout import (
    KINDS,
    compact_enc,
    compact_reader,
    compact_writer,
    line_decoder,
    read_decimal,
    read_money,
)
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
from backoffice_core.text import kept_text

__all__ = ["CLASSES", "ENUMS", "decode", "decode_without_totals", "encode"]

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
    kinds = KINDS.get(kind, {})
    for name, _alias in fields:
        v, at = getattr(value, name), f"{where}.{name}"
        if name in kinds:
            tree = compact_enc(v, kinds[name], at, _enc)
            if tree is None and v is not None:
                raise ValidationError(f"a {type(v).__name__} cannot be stored exactly here",
                                      field=at, value=v)
            out[name] = tree
        else:
            out[name] = _enc(v, at)
    return out


# ---------------------------------------------------------------------- the fast encoder
# Writes the very text json.dumps(_enc(value), separators=(",", ":"), ensure_ascii=False)
# would, straight from the values: one dict lookup per value type, no intermediate tree,
# strings escaped by json's own function. Anything it does not know exactly hands the
# whole value to _enc, which names where a value that cannot be stored is.
class _Unknown(Exception):
    """A value the fast encoder leaves to the checking one."""


_TEXT: dict[type[Any], Callable[[Any], str]] = {}


def _unknown(value: Any) -> str:
    raise _Unknown


def _text(value: Any) -> str:
    write = _TEXT.get(type(value))
    if write is None:
        raise _Unknown
    return write(value)


def _class_writer(cls: type[Any]) -> Callable[[Any], str]:
    """One function per class, built from its attrs fields: the fields read in one call, each
    written by the writer of its exact type, the pieces joined once."""
    names = [name for name, _ in _FIELDS[cls]]
    kinds = KINDS.get(cls, {})
    args = [f"v{i}" for i in range(len(names))]
    pieces = [repr('{"@":' + json.dumps(cls.__name__))]
    space: dict[str, Any] = {}
    for name, arg in zip(names, args, strict=True):
        if name in kinds:  # a compact field: its commonest type inline, then its writer
            kind = kinds[name]
            space[f"C_{name}"] = compact_writer(kind, _text)
            slow = f"C_{name}({arg})"
            if isinstance(kind, type):
                space[f"K_{name}"] = kind
                code = f"'\"' + {arg}._name_ + '\"' if type({arg}) is K_{name} else {slow}"
            elif "D" in kind:
                code = f"'\"' + str({arg}) + '\"' if type({arg}) is Decimal else {slow}"
            elif kind == "$":
                code = (f"'[\"' + str({arg}.amount) + '\",' + quote({arg}.currency.code) + ']'"
                        f" if type({arg}) is Money else {slow}")
            elif kind == "d":
                code = f"'\"' + {arg}.isoformat() + '\"' if type({arg}) is date else {slow}"
            else:
                code = slow
            pieces += [repr("," + json.dumps(name) + ":"), f"({code})"]
        else:
            pieces += [repr("," + json.dumps(name) + ":"), f"W[type({arg})]({arg})"]
    pieces.append(repr("}"))
    source = (f"def write(value):\n"
              f"    {', '.join(args)}{',' if len(args) == 1 else ''} = get(value)\n"
              f"    try:\n"
              f"        return ''.join(({', '.join(pieces)}))\n"
              f"    except (KeyError, TypeError):\n"
              f"        raise Unknown from None\n")
    space.update({"W": _TEXT, "type": type, "Unknown": _Unknown, "str": str, "date": date,
                  "Decimal": Decimal, "Money": Money, "quote": encode_basestring,
                  "get": attrgetter(*names) if len(names) > 1 else
                  (lambda value, _n=names[0]: (getattr(value, _n),))})
    exec(source, space)  # noqa: S102 - the source is built from attrs field names only
    return space["write"]  # type: ignore[no-any-return]


def _shared_writer(cls: type[Any], size: int = 4096) -> Callable[[Any], str]:
    """The writer of a small frozen class whose values documents share (the decoder hands
    out one instance per distinct stored value): each instance written once."""
    write = _class_writer(cls)
    texts: dict[int, tuple[Any, str]] = {}  # id -> (the value, kept alive; its text)

    def write_shared(value: Any) -> str:
        known = texts.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        text = write(value)
        if len(texts) >= size:
            texts.clear()
        texts[id(value)] = (value, text)
        return text

    return write_shared


def _enum_writer(kind: type[enum.Enum]) -> Callable[[Any], str]:
    tag = json.dumps(kind.__name__)
    texts: dict[Any, str] = {member: '{"@":"E","t":' + tag + ',"n":' + json.dumps(member.name)
                             + "}" for member in kind}
    return texts.__getitem__


_LEAVES: dict[type[Any], Callable[[Any], str]] = {
    str: encode_basestring,
    bool: {True: "true", False: "false"}.__getitem__,
    int: int.__repr__,
    type(None): lambda v: "null",
    tuple: lambda v: "[" + ",".join([_TEXT.get(type(x), _unknown)(x) for x in v]) + "]"
    if v else "[]",
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
_SHARED = (Tax, AllowanceCharge, DocumentRounding, Instalment, PaymentTerms)
_TEXT.update({cls: _shared_writer(cls) for cls in _SHARED})


def encode(value: Any) -> str:
    """The JSON text of an aggregate (see the module docstring).

    Example:
        >>> from backoffice_core.documents.taxes import Tax
        >>> encode(Tax.standard(20))[:40]
        '{"@":"Tax","category":"STANDARD","rate":'
    """
    try:
        return _text(value)
    except _Unknown:  # a subclass, or something that cannot be stored: say where
        return json.dumps(_enc(value, type(value).__name__), separators=(",", ":"),
                          ensure_ascii=False)


# ---------------------------------------------------------------------- the decoder
# json calls _hook for every object, innermost first; each tag has its builder. Arrays
# stand for tuples, except the items of a list ("L") and the pairs of a dict ("M").
# Every class goes through its own constructor (converters, validators, post-init
# checks), so a stored row is validated like fresh input; the builders below only make
# the way there cheap: one positional call per value instead of a keyword dict, money
# built once its parts are checked as Money's constructor checks them, and small frozen
# values (taxes, allowances, rounding, terms) shared between the documents that repeat them.
def _tuple(value: list[Any]) -> tuple[Any, ...]:
    if list in map(type, value):  # an array inside: a tuple inside
        return tuple([v if type(v) is not list else _tuple(v) for v in value])
    return tuple(value)


def _class_decoder(cls: type[Any]) -> Callable[[dict[str, Any]], Any]:
    """The general builder: any subset of the fields (the others take their defaults)."""
    fields = _FIELDS[cls]
    readers = {name: compact_reader(kind) for name, kind in KINDS.get(cls, {}).items()}

    def decode_one(obj: dict[str, Any]) -> Any:
        kw: dict[str, Any] = {}
        for name, alias in fields:
            if name in obj:
                v = obj[name]
                read = readers.get(name)
                kw[alias] = read(v) if read else v if type(v) is not list else _tuple(v)
        return cls(**kw)

    return decode_one


def _fast_decoder(cls: type[Any]) -> Callable[[dict[str, Any]], Any]:
    """The builder of a value stored with every field (what :func:`encode` writes): one
    positional constructor call; a row missing a field goes to :func:`_class_decoder`."""
    names = [name for name, _ in _FIELDS[cls]]
    kinds = KINDS.get(cls, {})
    args = [f"v{i}" for i in range(len(names))]
    converted = ", ".join(f"R_{n}({a})" if n in kinds else
                          f"{a} if type({a}) is not list else tup({a})"
                          for n, a in zip(names, args, strict=True))
    source = (f"def decode_one(obj):\n"
              f"    try:\n"
              f"        {', '.join(args)}{',' if len(args) == 1 else ''} = get(obj)\n"
              f"    except KeyError:\n"
              f"        return slow(obj)\n"
              f"    return cls({converted})\n")
    space: dict[str, Any] = {"cls": cls, "slow": _class_decoder(cls), "tup": _tuple,
                             "list": list, "type": type,
                             "get": itemgetter(*names) if len(names) > 1 else
                             (lambda obj, _n=names[0]: (obj[_n],))}
    space.update({f"R_{name}": compact_reader(kind) for name, kind in kinds.items()})
    exec(source, space)  # noqa: S102 - the source is built from attrs field names only
    return space["decode_one"]  # type: ignore[no-any-return]


def _memo_decoder(cls: type[Any], size: int = 4096) -> Callable[[dict[str, Any]], Any]:
    """A decoder that shares one instance per distinct stored value of a small frozen class.

    The key keeps each decimal's exact text, so values that differ only in their
    exponent are built apart, exactly as without the memo. Only values the
    constructor accepted are remembered.
    """
    build = _fast_decoder(cls)
    memo: dict[tuple[Any, ...], Any] = {}

    def decode_one(obj: dict[str, Any]) -> Any:
        values = tuple(obj.values())
        types = tuple(map(type, values))
        try:  # the key: names, values, their types (True == 1), a decimal's exact text
            found = memo.get(key := (tuple(obj), values, types) if Decimal not in types
                             else (tuple(obj), values, types, tuple(map(str, values))))
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
    "$": lambda o: read_money(o["a"], o["c"]),
    "D": lambda o: read_decimal(o["v"]),
    "T": lambda o: datetime.fromisoformat(o["v"]),
    "d": lambda o: date.fromisoformat(o["v"]),
    "E": lambda o: _MEMBERS[o["t"], o["n"]],
    "L": lambda o: [v if type(v) is not list else _tuple(v) for v in o["v"]],
    "M": lambda o: {(k if type(k) is not list else _tuple(k)):
                    (v if type(v) is not list else _tuple(v)) for k, v in o["v"]},
    **{name: _fast_decoder(cls) for name, cls in CLASSES.items()},
    # frozen values repeated across documents: a document's lines share a few taxes
    **{cls.__name__: _memo_decoder(cls) for cls in _SHARED},
    # the lines: the common shape checked in one pass (see documents_layout.line_decoder)
    "DocumentLine": line_decoder(_fast_decoder(DocumentLine)),
}


def _hook(obj: dict[str, Any]) -> Any:
    tag = obj["@"]
    if tag == "D":  # the commonest leaves first, without a second call
        text = obj["v"]
        return Decimal(text) if type(text) is str else read_decimal(text)
    if tag == "$":
        return read_money(obj["a"], obj["c"])
    if tag == "E":
        return _MEMBERS[obj["t"], obj["n"]]
    return _DECODERS[tag](obj)


_loads = json.JSONDecoder(object_hook=_hook).decode


@kept_text
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
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        if isinstance(exc, ValidationError):
            raise
        raise StorageError(f"a stored documents row cannot be read: {exc!r}", field="body",
                           value=text[:80]) from exc


# A document's totals are written between its "totals" and "fx_rate" keys, and end with
# the Totals' last field. Inside JSON strings every '"' is escaped, so these patterns
# (each with an unescaped quote) only match the keys themselves.
_TOTALS_KEY = ',"totals":{"@":"Totals",'
_FX_RATE_KEY = ',"fx_rate":'
_TOTALS_LAST = ',"tax_total_accounting":'
_TOTALS_END = re.compile(r',"tax_total_accounting":(?:null|\["[^"\\]*","[^"\\]*"\]|'
                         r'\{"@":"\$","a":"[^"\\]*","c":"[^"\\]*"\})\}')


@kept_text
def decode_without_totals(text: str) -> Any:
    """:func:`decode` of a stored document without its stored totals (``totals=None``).

    For a caller that computes the totals afresh from the lines (issuing): the stored
    totals are not read at all, so nothing unchecked is used, and every other field is
    decoded and validated as :func:`decode` does. Text that is not laid out as
    :func:`encode` writes a document is decoded whole.

    Example:
        >>> from datetime import date
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.totals import document_totals
        >>> doc = Document("d-1", "sales_invoice", "p-1", "EUR", date(2026, 3, 1),
        ...                [line("Widget", 2, "10.00", Tax.standard(20))])
        >>> doc = attrs.evolve(doc, totals=document_totals(doc))
        >>> decode_without_totals(encode(doc)) == attrs.evolve(doc, totals=None)
        True
    """
    if text.startswith('{"@":"Document",'):
        start = text.find(_TOTALS_KEY)
        end = text.find(_FX_RATE_KEY, start) if start > 0 else -1
        last = text.rfind(_TOTALS_LAST, start, end) if end > 0 else -1
        if last > 0 and _TOTALS_END.fullmatch(text, last, end):
            text = f'{text[:start]},"totals":null{text[end:]}'
    return decode(text)
