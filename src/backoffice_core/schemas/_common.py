"""Shared pieces of the input schemas: exact decimals, ISO dates, error translation.

Pydantic errors never leave this package: :func:`validate` turns them into one
:class:`~backoffice_core.errors.ValidationError` whose ``errors`` list holds
every problem as ``(path, value, message)``, with paths such as
``lines[0].tax.rate``. Values under contacts and addresses are masked, so
personal data does not reach logs through an error message.

Example:
    >>> from decimal import Decimal
    >>> from pydantic import BaseModel
    >>> class Probe(BaseModel):
    ...     model_config = STRICT
    ...     amount: DecimalStr
    >>> validate(Probe, {"amount": "1.10"}).amount
    Decimal('1.10')
    >>> validate(Probe, {"amount": 1.1})
    Traceback (most recent call last):
    ...
    backoffice_core.errors.ValidationError: amount=1.1: ... floats are not exact...
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence, Sized
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, TypeVar

import pydantic
from pydantic import BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from backoffice_core.documents.parties import mask_text
from backoffice_core.errors import BackofficeError, ValidationError
from backoffice_core.money import to_decimal
from backoffice_core.text import MAX_KEY_CHARS

__all__ = [
    "CODE_CHARS",
    "DECIMAL_CHARS",
    "DECIMAL_PATTERN",
    "DESCRIPTION_CHARS",
    "FEW_ITEMS",
    "KEY_CHARS",
    "MAX_ITEMS",
    "MAX_LINES",
    "NAME_CHARS",
    "NOTE_CHARS",
    "STRICT",
    "TEXT_CHARS",
    "Trimmed",
    "DecimalStr",
    "Dimensions",
    "IsoDate",
    "Key",
    "domain",
    "domain_fields",
    "domain_within",
    "path_of",
    "validate",
]

#: Strict models that refuse unknown fields.
STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)
_M = TypeVar("_M", bound=pydantic.BaseModel)
_PERSONAL = ("contacts", "addresses")
#: The one rule of a number sent as JSON text, for documents, parties and the ledger
#: import alike: ASCII digits with an optional sign and fraction, at most 40 digits each side
#: of the point and :data:`DECIMAL_CHARS` characters in all; no exponent, spaces, "_" or
#: other scripts' digits (Python's ``Decimal`` reads all of those). pydantic compiles it
#: for the ledger import (``Field(pattern=...)``).
DECIMAL_PATTERN = r"^[+-]?[0-9]{1,40}(?:\.[0-9]{1,40})?$"
#: The longest number text, sign and point included.
DECIMAL_CHARS = 64
_DECIMAL = re.compile(DECIMAL_PATTERN, re.ASCII)

# The longest text (characters) each kind of field takes. The schemas refuse longer text,
# naming its path, before any domain value is made. Each bound is the domain's own where it
# has one, so a command the schema passes is never refused later for its length, and a
# sensible one where the domain has none. No store holds less: the SQL adapter keeps parties
# and documents as JSON text (``Text`` columns, no ``String(n)``) and an indexed identifier
# of at most MAX_KEY_CHARS characters.
#: Codes: a line id, an item (the inventory's SKU), a ledger account, a party's code and
#: tags, a tax id (the domain's limit for all but the tax id, which has none).
CODE_CHARS = 64
#: Identifiers: a party id and dimension names and values, which an index keeps
#: (:data:`~backoffice_core.text.MAX_KEY_CHARS`, the domain's limit), the other side's number
#: and the buyer reference (which the domain does not bound).
KEY_CHARS = MAX_KEY_CHARS
#: Names: a legal name, a contact's name and role, address lines, city, region, the
#: description of payment terms (the domain's limit).
NAME_CHARS = 500
#: Short free text: the reason of an allowance or charge, a line's note (the domain's
#: limit), a tax exemption reason (which has none).
TEXT_CHARS = 1000
#: A line's description (BT-153; the domain's limit).
DESCRIPTION_CHARS = 2000
#: A document's note (BT-22; the domain has no limit).
NOTE_CHARS = 10_000

# The most items each kind of list (or mapping) takes; the schemas refuse more, naming the
# list's path with the number of items given as its value (never the items). The domain has
# no such limits; these keep one request from holding unbounded work.
#: A document's lines: ten times the 1,000-line invoice whose totals docs/performance.md
#: measures (a few ms); the SQL adapter keeps a document as one JSON text.
MAX_LINES = 10_000
#: Lists of a party that a person keeps by hand: tax ids, addresses, contacts.
FEW_ITEMS = 20
#: Every other list or mapping: a party's tags, the instalments of payment terms, the
#: allowances and charges of a line or a document, dimensions, an entry's exchange rates.
MAX_ITEMS = 100
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_STEP = re.compile(r"([^.\[\]]+)|\[([0-9]+)\]")


def _decimal(value: Any) -> Decimal:
    if isinstance(value, float):
        raise ValueError("floats are not exact; send the number as a string")
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError("expected a decimal number as a string")
    if isinstance(value, str) and (len(value) > DECIMAL_CHARS or not _DECIMAL.fullmatch(value)):
        raise ValueError("expected a decimal number as ASCII digits: [+-]digits[.digits], "
                         f"at most 40 digits each side and {DECIMAL_CHARS} characters in all, "
                         "no exponent or spaces")
    try:
        return to_decimal(value)
    except BackofficeError as err:
        raise ValueError(err.message) from None


def _date(value: Any) -> date:
    if type(value) is date:
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):  # fromisoformat takes more
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("expected a date as YYYY-MM-DD")


def _trim(value: Any) -> Any:
    """Text with its surrounding white space removed (Python's ``str.strip``, as the domain
    strips it); anything else as given, for the string check to refuse."""
    return value.strip() if isinstance(value, str) else value


#: An exact decimal from a string (or an int); floats are refused.
DecimalStr = Annotated[Decimal, BeforeValidator(_decimal)]
#: A calendar date from ``YYYY-MM-DD``.
IsoDate = Annotated[date, BeforeValidator(_date)]
#: An identifier kept in an index (a dimension's name or value): at most
#: :data:`KEY_CHARS` characters.
Key = Annotated[str, Field(max_length=KEY_CHARS)]
#: Text the domain strips before it measures and keeps it (a party's names, address, contact,
#: code and tags, a tax id, the description of payment terms): stripped here too, so the length
#: bound is the domain's and surrounding spaces never make text too long.
Trimmed = Annotated[str, BeforeValidator(_trim)]
#: Dimensions (analytic tags): at most :data:`MAX_ITEMS` names, each name and value a
#: :data:`Key`.
Dimensions = Annotated[dict[Key, Key], Field(max_length=MAX_ITEMS)]


def domain(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a domain constructor inside a field validator: our errors become ValueError.

    Example:
        >>> domain(int, "12")
        12
    """
    try:
        return fn(*args, **kwargs)
    except BackofficeError as err:
        raise ValueError(err.message) from None


def domain_fields(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a domain constructor inside a model validator, keeping the field it names.

    The domain error's field (``quantity``, ``lines[1]``) goes with it, so
    :func:`validate` reports it under the model's path (``lines[0].quantity``) with the
    value given there.

    Example:
        >>> domain_fields(int, "12")
        12
    """
    try:
        return fn(*args, **kwargs)
    except BackofficeError as err:
        raise PydanticCustomError("domain", "{message}", {
            "message": err.message, "field": err.field or "", "value": err.value}) from None


def domain_within(field: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a domain check of a whole field (a mapping, a list) inside its field validator.

    A domain error naming a place inside the field (``dimensions.project``) is reported
    there, with the value given there; one naming the field itself with the value the
    domain names (a dimension's name).

    Example:
        >>> domain_within("dimensions", dict, {"project": "P"})
        {'project': 'P'}
    """
    try:
        return fn(*args, **kwargs)
    except BackofficeError as err:
        inner = err.field or ""
        inside = inner[len(field) + 1:] if inner.startswith(f"{field}.") else ""
        raise PydanticCustomError("domain", "{message}", {
            "message": err.message, "field": inside, "value": err.value,
            "named": not inside}) from None


def _given(data: Any, path: str, fallback: Any) -> Any:
    """The value at ``path`` inside ``data`` as given, else ``fallback`` (the domain's)."""
    for name, index in _STEP.findall(path):
        try:
            data = data[name] if name else data[int(index)]
        except (KeyError, IndexError, TypeError, ValueError):
            return fallback
    return data


def path_of(loc: Sequence[Any]) -> str:
    """A pydantic location as a path: ``("lines", 0, "tax")`` -> ``"lines[0].tax"``.

    A mapping's key that is refused names the mapping (its value is the key), as the
    domain names it: ``("dimensions", "k...", "[key]")`` -> ``"dimensions"``.

    Example:
        >>> path_of(("lines", 0, "tax", "rate"))
        'lines[0].tax.rate'
        >>> path_of(("lines", 0, "dimensions", "x" * 300, "[key]"))
        'lines[0].dimensions'
    """
    if loc and loc[-1] == "[key]":
        loc = loc[:-2]
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _clean(msg: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            return msg[len(prefix):]
    return msg


def validate(model: type[_M], data: Any) -> _M:
    """Validate untrusted ``data`` (a mapping, as parsed from JSON) against ``model``.

    Raises:
        ValidationError: with every problem in ``errors``; the first one names
            ``field`` and ``value``.

    Example:
        >>> class Probe(pydantic.BaseModel):
        ...     model_config = STRICT
        ...     day: IsoDate
        >>> validate(Probe, {"day": "2026-02-28"}).day
        datetime.date(2026, 2, 28)
    """
    if not isinstance(data, Mapping):
        raise ValidationError("expected a JSON object", field="", value=type(data).__name__)
    try:
        return model.model_validate(dict(data))
    except pydantic.ValidationError as err:
        problems: list[tuple[str, Any, str]] = []
        for e in err.errors(include_url=False):
            path = path_of(e["loc"])
            value = e.get("input")
            if e["type"] == "too_long" and isinstance(value, Sized) and \
                    not isinstance(value, str):  # a list or mapping: how many, not what
                value = len(value)
            inner = e.get("ctx", {}).get("field") if e["type"] == "domain" else ""
            if inner:  # a domain rule broken inside this object: name its field
                path = f"{path}.{inner}" if path else inner
                value = _given(value, inner, e["ctx"].get("value"))
            elif e["type"] == "domain" and e["ctx"].get("named"):  # the value it names
                value = e["ctx"].get("value")
            if any(p in path for p in _PERSONAL) and isinstance(value, str):
                value = mask_text(value)
            problems.append((path, value, _clean(str(e["msg"]))))
        first = problems[0]
        text = f"{len(problems)} invalid field(s); first: {first[2]}"
        raise ValidationError(text, field=first[0], value=first[1], errors=problems) from None
