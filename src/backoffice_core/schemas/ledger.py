"""The JSON-lines import format of journal entries, validated at the boundary.

One JSON object per entry, as a host exports it or a bank feed is converted::

    {"date": "2026-01-05", "description": "Sale", "reference": "INV-1",
     "idempotency_key": "sale-1", "dimensions": {"project": "P1"},
     "lines": [{"account": "1110", "amount": "99.90"},
               {"account": "4100", "amount": "-99.90", "memo": "net"}]}

Amounts are signed (debits positive) decimal strings, or JSON integers; a JSON
number with a fraction is refused, because JSON parsers read it through binary
floating point. A line may add ``currency``, ``rate``, ``memo`` and
``dimensions``; an entry may add ``reference``, ``idempotency_key``,
``dimensions`` and ``rates``: the fields of :class:`~backoffice_core.NewEntry`.
Unknown fields are errors. pydantic's compiled validator checks each line, so a
bad line is reported with its path (``entries[41].lines[1].amount``) before
anything is posted.

Example:
    >>> rec = parse_entry('{"date": "2026-01-05", "description": "Sale", "lines": ['
    ...     '{"account": "1110", "amount": "5.00"}, {"account": "4100", "amount": -5}]}')
    >>> [(line.account, line.amount) for line in rec.lines]
    [('1110', Decimal('5.00')), ('4100', Decimal('-5'))]
    >>> (rec,) = iter_entries(['{"date": "2026-01-05", "description": "Sale", "lines": ['
    ...     '{"account": "1110", "amount": "5.00"}, {"account": "4100", "amount": -5}]}'],
    ...     functional="USD")
    >>> [(p.account, p.amount) for p in rec.postings]  # priced in minor units
    [('1110', 500), ('4100', -500)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Annotated, Any, NotRequired, cast

import pydantic
from pydantic import ConfigDict, Field, Strict, TypeAdapter
from typing_extensions import TypedDict

from backoffice_core.errors import BackofficeError, ValidationError
from backoffice_core.ledger.entries import EntryRecord, Line, NewEntry
from backoffice_core.ledger.shortcuts import text_postings
from backoffice_core.money import minor_digits
from backoffice_core.schemas._common import (
    DECIMAL_CHARS,
    DECIMAL_PATTERN,
    MAX_ITEMS,
    MAX_LINES,
    path_of,
)

__all__ = ["chunks", "iter_entries", "parse_entry"]

_CONFIG = ConfigDict(strict=True, extra="forbid")
#: a signed decimal as text, by the schemas' one rule (checked by pydantic's compiled regex:
#: no exponent, no NaN, at most 40 digits each side of the point), or a JSON integer
_Amount = Annotated[Annotated[str, Field(max_length=DECIMAL_CHARS, pattern=DECIMAL_PATTERN)]
                    | Annotated[int, Strict()],
                    Field(union_mode="left_to_right")]  # strict: text or int, never both
_Text = Annotated[str, Field(max_length=2000)]
_Code = Annotated[str, Field(min_length=1, max_length=200)]
_Dimensions = Annotated[dict[_Code, _Code], Field(max_length=MAX_ITEMS)]
#: the most lines an entry takes: what a document of MAX_LINES lines posts (a line each,
#: with its own account or dimensions, and its tax and party lines), ten times over
_ENTRY_LINES = 10 * MAX_LINES


class _LineIn(TypedDict):
    __pydantic_config__ = _CONFIG  # type: ignore[misc]
    account: _Code
    amount: _Amount
    memo: NotRequired[_Text]
    currency: NotRequired[Annotated[str, Field(min_length=3, max_length=3)]]
    rate: NotRequired[_Amount]
    dimensions: NotRequired[_Dimensions]


class _EntryIn(TypedDict):
    __pydantic_config__ = _CONFIG  # type: ignore[misc]
    date: date
    description: _Text
    lines: Annotated[list[_LineIn], Field(max_length=_ENTRY_LINES)]
    reference: NotRequired[_Text]
    idempotency_key: NotRequired[_Code]
    dimensions: NotRequired[_Dimensions]
    rates: NotRequired[Annotated[dict[Annotated[str, Field(min_length=3, max_length=3)],
                                      _Amount], Field(max_length=MAX_ITEMS)]]


_ENTRY = TypeAdapter(_EntryIn)
# named tuples built without their Python-level ``__new__`` (every field given)
_new_entry: Callable[[type[EntryRecord], tuple[Any, ...]], EntryRecord] = tuple.__new__


_AMOUNT_TAGS = ("str", "int", "constrained-str")
_AMOUNT_MESSAGE = ("an amount is a decimal string ([+-]digits[.digits], at most 40 digits "
                   f"each side and {DECIMAL_CHARS} characters in all) or a JSON integer (a "
                   "JSON number with a fraction goes through binary floating point)")


def _errors(err: pydantic.ValidationError, at: str) -> ValidationError:
    problems: list[tuple[str, Any, str]] = []
    seen: set[str] = set()
    for e in err.errors(include_url=False):
        loc, msg = tuple(e["loc"]), str(e["msg"])
        if len(loc) > 1 and loc[-1] in _AMOUNT_TAGS:  # one of the two forms of an amount
            loc, msg = loc[:-1], _AMOUNT_MESSAGE
        path = path_of(loc)
        field = f"{at}.{path}" if path else at
        value = e.get("input")
        if e["type"] == "too_long" and isinstance(value, list | dict):
            value = len(value)  # how many, not what
        if field not in seen:
            seen.add(field)
            problems.append((field, value, msg))
    first = problems[0]
    return ValidationError(f"{len(problems)} invalid field(s); first: {first[2]}",
                           field=first[0], value=first[1], errors=problems)


def _record(data: _EntryIn, n: int, functional: str | None = None,
            digits: int = 0) -> NewEntry | EntryRecord:
    lines = data["lines"]
    # the shortcut takes plain entries; anything else (dimensions, rates, text that may
    # hold control characters, amounts the shortcut leaves to the rules) goes through
    # NewEntry, which checks and names it
    if (functional is not None and "dimensions" not in data and "rates" not in data
            and data["description"].isprintable()
            and data.get("reference", "").isprintable()
            and data.get("idempotency_key", "").isprintable()):
        priced = text_postings(lines, digits, functional)
        if priced is not None:
            return _new_entry(EntryRecord, (data["date"], data["description"], priced[0],
                                            priced[1], data.get("reference", ""),
                                            data.get("idempotency_key")))
    at = f"entries[{n}]"
    built: list[Line] = []
    for i, x in enumerate(lines):
        try:
            built.append(Line(x["account"], Decimal(x["amount"]), x.get("currency"),
                              x.get("dimensions", ()), x.get("memo", ""), x.get("rate")))
        except BackofficeError as err:  # a line's own field: under its index
            err.field = f"{at}.lines[{i}].{err.field}" if err.field else f"{at}.lines[{i}]"
            raise
    try:
        return NewEntry(
            data["date"], data["description"], built,
            data.get("reference", ""), data.get("idempotency_key"), data.get("dimensions", ()),
            data.get("rates"))
    except BackofficeError as err:
        err.field = f"{at}.{err.field}" if err.field else at
        raise


def parse_entry(text: str | bytes, at: str = "entry") -> NewEntry:
    """One entry from its JSON text, as a :class:`NewEntry`; errors name ``at`` and the
    path inside it.

    Example:
        >>> parse_entry('{"date": "2026-01-05", "description": "x", "lines": ['
        ...     '{"account": "1110", "amount": 1.5}]}', at="entries[3]")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: entries[3].lines[0].amount=1.5: ...
    """
    try:
        data = _ENTRY.validate_json(text)
    except pydantic.ValidationError as err:
        raise _errors(err, at) from None
    try:
        return cast("NewEntry", _record(data, 0))
    except BackofficeError as err:
        err.field = (err.field or "").replace("entries[0]", at, 1)
        raise


def iter_entries(source: Iterable[str | bytes], start: int = 0, *,
                 functional: str | None = None) -> Iterator[NewEntry | EntryRecord]:
    """Entries from JSON texts (one per item: a file's lines); blank lines are skipped.

    The ``n``-th entry's errors are named ``entries[n]`` (from ``start``). Given the
    book's ``functional`` currency, an entry of plain lines in it comes out as an
    :class:`~backoffice_core.ledger.entries.EntryRecord`, already in minor units (the
    bulk import's shortcut); every other entry, and every entry without
    ``functional``, as a :class:`NewEntry`.

    Example:
        >>> lines = ['{"date": "2026-01-05", "description": "x", "lines": ['
        ...          '{"account": "1110", "amount": "1"}, {"account": "4100", "amount": "-1"}]}',
        ...          '']
        >>> [e.description for e in iter_entries(lines)]
        ['x']
    """
    n = start
    validate = _ENTRY.validator.validate_json  # the compiled validator, without the wrapper
    digits = minor_digits(functional) if functional is not None else 0
    for text in source:
        try:
            data = validate(text)
        except pydantic.ValidationError as err:
            if isinstance(text, str | bytes) and not text.strip():
                continue
            raise _errors(err, f"entries[{n}]") from None
        yield _record(data, n, functional, digits)
        n += 1


def chunks(entries: Iterator[NewEntry | EntryRecord], size: int
           ) -> Iterator[list[NewEntry | EntryRecord]]:
    """``entries`` in lists of at most ``size``. An error raised while reading an entry
    (the schema's, or a rule ``NewEntry`` checks) comes after the entries read before it
    in its list: the caller posts those first, so an earlier entry's error is the one
    raised, whatever ``size``, as when each entry is posted on its own.

    Example:
        >>> lines = ['{"date": "2026-01-05", "description": "x", "lines": []}', '{}']
        >>> got = chunks(iter_entries(lines), 1000)
        >>> len(next(got))
        1
        >>> next(got)
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: entries[1].date=...: 3 invalid field(s); ...
    """
    while True:
        batch: list[NewEntry | EntryRecord] = []
        try:
            batch.extend(islice(entries, size))  # keeps what was read before an error
        except BackofficeError:
            if batch:
                yield batch
            raise
        if not batch:
            return
        yield batch
