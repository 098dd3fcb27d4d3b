"""Dates at the API: one check that a value is a calendar date.

Every date the library takes (an entry's date, ``as_of``, ``on``, an expiry, a due
date) is a :class:`datetime.date`. A :class:`datetime.datetime` is a ``date``
subclass but never equals a stored date, and a text such as ``"2026-01-05"``
compares with neither, so both are refused at the door with a
:class:`~backoffice_core.errors.ValidationError` naming the field and the value,
before anything changes.

Example:
    >>> from datetime import date, datetime
    >>> check_date(date(2026, 1, 5), "on")
    datetime.date(2026, 1, 5)
    >>> check_date(None, "as_of", optional=True) is None
    True
    >>> check_date(datetime(2026, 1, 5), "on")
    Traceback (most recent call last):
    ...
    backoffice_core.errors.ValidationError: on=datetime.datetime(2026, 1, 5, 0, 0): must be a date (not a datetime or a string)
"""  # noqa: E501

from __future__ import annotations

from datetime import date
from typing import Literal, overload

from backoffice_core.errors import ValidationError

__all__ = ["check_date", "check_range"]

_MESSAGE = "must be a date (not a datetime or a string)"


@overload
def check_date(value: object, field: str, *, optional: Literal[False] = False) -> date: ...


@overload
def check_date(value: object, field: str, *, optional: bool) -> date | None: ...


def check_date(value: object, field: str, *, optional: bool = False) -> date | None:
    """``value`` when it is a date (``None`` too when ``optional``); otherwise a
    ``ValidationError`` naming ``field`` and ``value``.

    Example:
        >>> check_date("2026-01-05", "date")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: date='2026-01-05': must be a date (not a datetime or a string)
    """  # noqa: E501
    if type(value) is date:
        return value
    if value is None and optional:
        return None
    raise ValidationError(_MESSAGE, field=field, value=value)


def check_range(start: object, end: object, *, optional: bool = False
                ) -> tuple[date | None, date | None]:
    """``(start, end)`` when both are dates (either ``None`` too when ``optional``: an
    open end) and the range is not empty; a range that ends before it starts is refused
    with a ``ValidationError`` naming ``end`` (the one rule of every read by a date range:
    the ledger's reports, ``entries``, the inventory's ``moves``, the documents' ``find``
    and ``statement``), rather than read as a range that holds nothing.

    Example:
        >>> check_range(date(2026, 1, 1), None, optional=True)
        (datetime.date(2026, 1, 1), None)
        >>> check_range(date(2026, 1, 9), date(2026, 1, 1))
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: end=datetime.date(2026, 1, 1): the period ends before it starts
    """  # noqa: E501
    first = check_date(start, "start", optional=optional)
    last = check_date(end, "end", optional=optional)
    if first is not None and last is not None and last < first:
        raise ValidationError("the period ends before it starts", field="end", value=last)
    return first, last
