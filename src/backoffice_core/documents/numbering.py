"""Gapless numbering: series, fiscal-year counters and number patterns.

A series (``"sales_invoice"``, ``"payment_in"``...) has a pattern such as
``INV-{year}-{seq:05}``. It keeps one counter per period the pattern prints
(:func:`series_key`): ``{year}`` counts per year as printed, ``{fy}`` per fiscal
year's name, a pattern with neither never restarts. So a pattern that starts to
print another period (``{year}`` to ``{fy}``) starts that period's numbers at 1,
and one that prints the same period goes on. The number is
taken with the repository's ``next_number(series, key)`` *inside* the
unit of work that issues the document, so a rolled-back issue returns the
number (no gap) and two concurrent issues never get the same one: the counter
is part of the same transaction as the document (see
:class:`~backoffice_core.documents.repository.DocumentsRepository`).
Numbers follow the dates within a series and period: a document (or payment) dated
before the one that took the number before its own (under the same counter key, whatever
pattern printed it) is refused at issue, unless the book opts out
(``DocumentSettings.numbers_in_date_order``).

Pattern fields: ``{seq}`` (required; format spec allowed, ``{seq:05}``),
``{year}`` (the first calendar year of the fiscal year), ``{fy}`` (the fiscal
year's name, e.g. ``FY2026``) and ``{series}``.

Example:
    >>> format_number("INV-{year}-{seq:05}", 42, FiscalYearKey("2026", 2026))
    'INV-2026-00042'
    >>> check_pattern("INV-{year}")
    Traceback (most recent call last):
    ...
    backoffice_core.errors.ValidationError: pattern='INV-{year}': a pattern needs {seq}...
"""

from __future__ import annotations

import functools
import string
from collections.abc import Sequence
from datetime import date
from typing import Any

import attrs

from backoffice_core.errors import ValidationError
from backoffice_core.text import MAX_KEY_CHARS, check_key, check_line

__all__ = ["FiscalYearKey", "check_pattern", "fiscal_year_of", "format_number", "may_print_alike",
           "series_key"]

_FIELDS = {"seq", "year", "fy", "series"}
#: The counter key of a pattern that prints no period: its numbers never restart.
NO_PERIOD = "*"


@attrs.frozen(slots=True)
class FiscalYearKey:
    """The counter key of a series: the fiscal year's name and its first calendar year.

    Example:
        >>> FiscalYearKey("FY2026/27", 2026).name
        'FY2026/27'
    """

    name: str
    year: int


def fiscal_year_of(day: date, years: Sequence[Any] = ()) -> FiscalYearKey:
    """The fiscal year a document dated ``day`` is numbered in.

    ``years`` are the ledger's fiscal years (objects with ``name``, ``start``
    and ``end``); without one covering ``day`` the calendar year is used.

    Example:
        >>> fiscal_year_of(date(2026, 5, 1))
        FiscalYearKey(name='2026', year=2026)
    """
    for y in years:
        if y.start <= day <= y.end:
            return FiscalYearKey(str(y.name), int(y.start.year))
    return FiscalYearKey(str(day.year), day.year)


def check_pattern(pattern: str) -> str:
    """Validate a numbering pattern and return it.

    Example:
        >>> check_pattern("{fy}/{seq}")
        '{fy}/{seq}'
    """
    if not isinstance(pattern, str) or not pattern or len(pattern) > 100:
        raise ValidationError("a pattern is a string of 1-100 characters", field="pattern",
                              value=pattern)
    check_line("pattern", pattern)  # a number is one line
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None]
    except ValueError:
        raise ValidationError("not a valid pattern", field="pattern", value=pattern) from None
    unknown = [f for f in fields if f not in _FIELDS]
    if unknown:
        raise ValidationError(f"unknown field {{{unknown[0]}}}; use seq, year, fy, series",
                              field="pattern", value=pattern)
    if "seq" not in fields:
        raise ValidationError("a pattern needs {seq}, or numbers would repeat",
                              field="pattern", value=pattern)
    try:
        format_number(pattern, 1, FiscalYearKey("2026", 2026))
    except (ValueError, TypeError):
        raise ValidationError("not a valid pattern", field="pattern", value=pattern) from None
    return pattern


def format_number(pattern: str, seq: int, fiscal_year: FiscalYearKey, series: str = "") -> str:
    """The document number for counter value ``seq`` in ``fiscal_year``.

    Example:
        >>> format_number("{series}/{fy}/{seq}", 7, FiscalYearKey("FY26", 2026), "quote")
        'quote/FY26/7'
    """
    number = pattern.format(seq=seq, year=fiscal_year.year, fy=fiscal_year.name, series=series)
    if len(number) > MAX_KEY_CHARS or not number.isprintable():  # a long or odd {fy} name
        check_key("number", number)
        check_line("number", number)
    return number


def series_key(pattern: str, fiscal_year: FiscalYearKey) -> str:
    """The counter key of ``pattern`` for a document numbered in ``fiscal_year``: the
    period the pattern prints, as it prints it.

    ``{year}`` gives the year (``"2026"``), ``{fy}`` the fiscal year's name
    (``"FY2026"``), both give both, and a pattern with neither gives ``"*"`` (one
    series that never restarts). Numbers are gapless and unique per series and key,
    so two patterns that print the same period share a counter (a fiscal year named
    as its calendar year goes on with the year's numbers), and a pattern that prints
    another period starts it at 1.

    Example:
        >>> fy = FiscalYearKey("FY2026", 2026)
        >>> [series_key(p, fy) for p in ("INV-{year}-{seq:05}", "{fy}/{seq}",
        ...                              "{fy}-{year}-{seq}", "N{seq}")]
        ['2026', 'FY2026', 'FY2026 2026', '*']
        >>> series_key("{fy}/{seq}", FiscalYearKey("2026", 2026))
        '2026'
    """
    fields = {f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None}
    parts = [fiscal_year.name] if "fy" in fields else []
    if "year" in fields:
        parts.append(str(fiscal_year.year))
    return " ".join(parts) or NO_PERIOD


@functools.lru_cache(maxsize=256)  # a pure function of the text: checked per issued document
def _literal_ends(pattern: str) -> tuple[str, str]:
    """The literal text before the first field and after the last one."""
    parts = list(string.Formatter().parse(pattern))
    head = parts[0][0] if parts else ""
    tail = parts[-1][0] if parts and parts[-1][1] is None else ""
    return head, tail


def may_print_alike(first: str, second: str) -> bool:
    """Whether two patterns may print the same number: ``False`` only when they surely
    cannot (their literal beginnings, or their literal ends, differ), so a check that
    a number is free in another series is needed only when this is ``True``.

    Example:
        >>> may_print_alike("INV-{year}-{seq:05}", "CN-{year}-{seq:05}")
        False
        >>> may_print_alike("{seq}", "CN-{seq}"), may_print_alike("{year}/{seq}", "{seq}")
        (True, True)
    """
    (h1, t1), (h2, t2) = _literal_ends(first), _literal_ends(second)
    return (h1.startswith(h2) or h2.startswith(h1)) and (t1.endswith(t2) or t2.endswith(t1))
