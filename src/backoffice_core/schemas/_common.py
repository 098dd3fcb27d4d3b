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
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, TypeVar

import pydantic
from pydantic import BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from backoffice_core.documents.parties import mask_text
from backoffice_core.errors import BackofficeError, ValidationError
from backoffice_core.money import to_decimal

__all__ = ["STRICT", "DecimalStr", "IsoDate", "domain", "domain_fields", "path_of", "validate"]

#: Strict models that refuse unknown fields.
STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)
_M = TypeVar("_M", bound=pydantic.BaseModel)
_PERSONAL = ("contacts", "addresses")
# what a JSON text may say for a number: ASCII digits, an optional sign and fraction; no
# exponent, spaces, "_" or other scripts' digits (Python's Decimal reads all of those)
_DECIMAL = re.compile(r"[+-]?[0-9]{1,40}(\.[0-9]{1,40})?", re.ASCII)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_STEP = re.compile(r"([^.\[\]]+)|\[([0-9]+)\]")


def _decimal(value: Any) -> Decimal:
    if isinstance(value, float):
        raise ValueError("floats are not exact; send the number as a string")
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError("expected a decimal number as a string")
    if isinstance(value, str) and not _DECIMAL.fullmatch(value):
        raise ValueError("expected a decimal number as ASCII digits: [+-]digits[.digits], "
                         "at most 40 digits each side, no exponent or spaces")
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


#: An exact decimal from a string (or an int); floats are refused.
DecimalStr = Annotated[Decimal, BeforeValidator(_decimal)]
#: A calendar date from ``YYYY-MM-DD``.
IsoDate = Annotated[date, BeforeValidator(_date)]


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

    Example:
        >>> path_of(("lines", 0, "tax", "rate"))
        'lines[0].tax.rate'
    """
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
            inner = e.get("ctx", {}).get("field") if e["type"] == "domain" else ""
            if inner:  # a domain rule broken inside this object: name its field
                path = f"{path}.{inner}" if path else inner
                value = _given(value, inner, e["ctx"].get("value"))
            if any(p in path for p in _PERSONAL) and isinstance(value, str):
                value = mask_text(value)
            problems.append((path, value, _clean(str(e["msg"]))))
        first = problems[0]
        text = f"{len(problems)} invalid field(s); first: {first[2]}"
        raise ValidationError(text, field=first[0], value=first[1], errors=problems) from None
