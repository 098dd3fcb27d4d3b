"""One rule for an item's free-form ``attributes``: what every store keeps and gives back equal.

An attribute value is JSON-like, so that the SQL adapter's JSON column and the in-memory
store hold the same thing:

* names (the keys of every mapping, at any depth) are non-empty text under the free-text
  rule (:func:`~backoffice_core.text.check_text`), at most
  :data:`~backoffice_core.text.MAX_KEY_CHARS` characters;
* a value is ``None``, ``True``/``False``, text (the free-text rule), an ``int`` below
  ``10**15`` in magnitude, a finite ``Decimal`` that :func:`~backoffice_core.exact.bounded`
  keeps (below ``1E+15``, at most 40 places; stored in its canonical form), a ``date``
  (not a ``datetime``), or a list or mapping of those;
* at most :data:`MAX_DEPTH` levels of lists and mappings and :data:`MAX_VALUES` values in
  all.

A float is refused with :class:`~backoffice_core.errors.FloatNotAllowedError` (it is not
exact: write ``Decimal("1.5")`` or text); ``NaN``/``Infinity``, a ``datetime``, a set,
bytes or any other object with a :class:`~backoffice_core.errors.ValidationError` naming
``attributes[<name>]`` (``attributes[dims][0]`` deeper down) and the value. A tuple is
taken as a list (the one sequence JSON has), int and str subclasses (enums) as the plain
value, and mappings are kept with their names sorted (the order every store gives back).
Lists and mappings are read-only (:class:`~backoffice_core.frozen.FrozenList`,
:class:`~backoffice_core.frozen.FrozenDict`).

Example:
    >>> from decimal import Decimal
    >>> checked({"tags": ("a", "b"), "rate": Decimal("1E+2"), "dims": {"h": 2}})
    {'dims': {'h': 2}, 'rate': Decimal('100'), 'tags': ['a', 'b']}
    >>> checked({"rate": 1.5})
    Traceback (most recent call last):
    ...
    backoffice_core.errors.FloatNotAllowedError: attributes[rate]=1.5: floats are not exact; ...
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from backoffice_core.errors import FloatNotAllowedError, ValidationError
from backoffice_core.exact import MAX_WHOLE, bounded
from backoffice_core.frozen import FrozenDict, FrozenList
from backoffice_core.text import MAX_KEY_CHARS, check_text

__all__ = ["MAX_DEPTH", "MAX_VALUES", "checked", "kept"]

#: Deepest nesting of lists and mappings inside ``attributes`` (``{"a": [1]}`` is 2 deep).
MAX_DEPTH = 16
#: Most values (at every depth, lists and mappings included) one item's attributes hold.
MAX_VALUES = 10_000
_INT_LIMIT = 10 ** MAX_WHOLE
#: the SQL adapter writes a Decimal as {"$decimal": text} and a date as {"$date": text}: a
#: mapping of that very form would read back as a Decimal or a date
_TAGS = frozenset({"$decimal", "$date"})
_KINDS = "None, True/False, text, int, Decimal, date, or a list or mapping of those"


class _Count:
    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0


def _name(field: str, key: object) -> str:
    if not isinstance(key, str) or not key:
        raise ValidationError("attribute names are non-empty strings", field=field, value=key)
    key = str.__str__(key)
    check_text(field, key)
    if len(key) > MAX_KEY_CHARS:
        raise ValidationError(f"attribute names are at most {MAX_KEY_CHARS} characters",
                              field=field, value=key)
    return key


def _mapping(path: str, value: Mapping[Any, Any], depth: int, count: _Count) -> FrozenDict[
        str, Any]:
    names = {_name(path, key): key for key in value}
    if len(names) == 1 and set(names) <= _TAGS:
        raise ValidationError(f"a mapping whose only name is {next(iter(names))} is reserved "
                              "(the SQL store's tag for a decimal or a date)", field=path,
                              value=value)
    return FrozenDict({name: _value(f"{path}[{name}]", value[names[name]], depth, count)
                       for name in sorted(names)})


def _value(path: str, value: Any, depth: int, count: _Count) -> Any:
    count.n += 1
    if count.n > MAX_VALUES:
        raise ValidationError(f"attributes hold at most {MAX_VALUES} values", field=path,
                              value=value)
    if value is None or type(value) is bool:
        return value
    if isinstance(value, float):
        raise FloatNotAllowedError("floats are not exact; write Decimal('1.5') or text",
                                   field=path, value=value)
    if isinstance(value, str):
        check_text(path, str.__str__(value))
        return str.__str__(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if not -_INT_LIMIT < value < _INT_LIMIT:
            raise ValidationError(f"must be below 1E+{MAX_WHOLE} in magnitude", field=path,
                                  value=value)
        return int(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValidationError("must be a finite number", field=path, value=value)
        return bounded(Decimal(value), field=path, given=value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return date(value.year, value.month, value.day)
    if isinstance(value, (Mapping, list, tuple)):
        if depth >= MAX_DEPTH:
            raise ValidationError(f"attributes nest at most {MAX_DEPTH} levels deep",
                                  field=path, value=value)
        if isinstance(value, Mapping):
            return _mapping(path, value, depth + 1, count)
        return FrozenList([_value(f"{path}[{i}]", x, depth + 1, count)
                           for i, x in enumerate(value)])
    raise ValidationError(f"an attribute value is {_KINDS}", field=path, value=value)


def checked(value: Mapping[str, Any] | None) -> FrozenDict[str, Any]:
    """``value`` as an item's attributes (see the module text), or the error naming the
    first value refused (``attributes[<name>]``, deeper ``attributes[<name>][0]``...).

    Example:
        >>> checked({"colour": "red", "size": 3})
        {'colour': 'red', 'size': 3}
        >>> checked({"sizes": {1: 2}})
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: attributes[sizes]=1: attribute names are ...
    """
    if value is None:
        return FrozenDict()
    if not isinstance(value, Mapping):
        raise ValidationError("attributes must be a mapping", field="attributes", value=value)
    return _mapping("attributes", value, 1, _Count())


def kept(value: Mapping[str, Any]) -> FrozenDict[str, Any]:
    """Attributes a store gives back: :func:`checked` when they pass the rule, else as
    kept, frozen and with names sorted but not checked. The rule is of new input; a row
    written before it (a value past the bounds, nested deeper) still reads back, as it
    was stored, rather than failing every read of its item.

    Example:
        >>> kept({"rate": Decimal("1E+2")}), kept({"big": 10**20, "a": [1]})
        ({'rate': Decimal('100')}, {'a': [1], 'big': 100000000000000000000})
    """
    try:
        return checked(value)
    except ValidationError:
        frozen = _frozen(value)
        return frozen if isinstance(frozen, FrozenDict) else FrozenDict()


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return FrozenDict({str(k): _frozen(value[k]) for k in sorted(value, key=str)})
    if isinstance(value, (list, tuple)):
        return FrozenList([_frozen(x) for x in value])
    return value
