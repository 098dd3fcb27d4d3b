"""The bulk path's shortcuts: entries of plain lines priced in one pass.

An entry whose lines are all whole amounts in the functional currency, on
accounts the batch has already checked, needs none of the general rules of
:func:`~backoffice_core.ledger.posting.build_postings` but their result: its
postings in minor units and their canonical text. :func:`plain_postings`
prices :class:`~backoffice_core.ledger.entries.Line` values (``post_many``),
:func:`text_postings` the import's validated JSON lines straight from their
text. Each gives ``None`` for anything else, every invalid entry included, and
the general rules then decide and name the error; property tests hold both
equal to those rules.

Example:
    >>> from backoffice_core.ledger.entries import credit, debit
    >>> ps, text = plain_postings([debit("1110", "5.00"), credit("4000", "5.00")], 2, "USD",
    ...                           {"1110", "4000"})
    >>> [p.amount for p in ps]
    [500, -500]
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

from backoffice_core.ledger.entries import MAX_MINOR, Line, Posting, tags_text
from backoffice_core.money import Money

__all__ = ["plain_postings", "text_postings", "two_plain"]

# builds a named tuple from a tuple without the Python-level ``__new__``: ~2x faster
_new_posting: Callable[[type[Posting], tuple[Any, ...]], Posting] = tuple.__new__
#: the digits of :data:`MAX_MINOR` after its first: an amount whose ``adjusted()`` plus the
#: minor digits lies outside ``0.._TOP`` is below one minor unit or beyond the bound, and
#: is left to the rules before ``as_integer_ratio``, which for ``Decimal("1E+999999999")``
#: builds a number of a billion digits and never returns
_TOP = len(str(MAX_MINOR)) - 1


def plain_postings(
    lines: Sequence[Line], digits: int, functional: str, plain: Collection[str]
) -> tuple[tuple[Posting, ...], str] | None:
    """The postings of an entry of plain lines and their canonical text, or ``None``.

    A plain line is a ``Decimal`` in the functional currency, or a ``Money`` of it
    (no ``currency``, ``rate`` or ``functional``), on an account of ``plain``: accounts the caller
    already checked as active leaves that take the functional currency. The
    postings equal what :func:`build_postings` returns for such an entry (of two
    or more lines, whole minor units, balanced) and the text equals
    :func:`~backoffice_core.ledger.entries.postings_text` of them; for anything
    else, including every invalid entry, the result is ``None`` and
    :func:`build_postings` raises the typed error. The bulk path's shortcut: one
    loop, no account lookups.

    Example:
        >>> from backoffice_core.ledger.entries import debit, credit
        >>> ps, text = plain_postings([debit("1110", "5.00"), credit("4000", "5.00")], 2,
        ...                           "USD", {"1110", "4000"})
        >>> [(p.account, p.amount) for p in ps], text.split("\\x1e")
        ([('1110', 500), ('4000', -500)], ['1110:500:USD:500::', '4000:-500:USD:-500::'])
        >>> plain_postings([debit("1110", "5.00"), credit("4000", "4.00")], 2, "USD",
        ...                {"1110", "4000"}) is None
        True
    """
    if len(lines) == 2:  # the common entry: one debit, one credit
        return two_plain(lines[0], lines[1], digits, functional, plain)
    if len(lines) < 2:
        return None
    out: list[Posting] = []
    texts: list[str] = []
    total = 0
    scale = 10 ** digits
    # ``n / d`` is the amount as a reduced fraction: it is a whole number of minor units
    # exactly when ``d`` divides ``scale`` (cheaper than scaling a Decimal and comparing);
    # the text follows entries.postings_text exactly (a property test holds them together)
    try:
        for line in lines:
            amount = line.amount
            account = line.account
            if type(amount) is not Decimal:  # Money in the functional currency is plain too
                if type(amount) is not Money or amount.currency.code != functional:
                    return None
                amount = amount.amount
            if (account not in plain or line.currency is not None or line.rate is not None
                    or line.functional is not None):
                return None
            if not 0 <= amount.adjusted() + digits <= _TOP:
                return None
            n, d = amount.as_integer_ratio()
            if scale % d:
                return None
            minor = n * (scale // d)
            if minor == 0 or not -MAX_MINOR <= minor <= MAX_MINOR:
                return None
            total += minor
            dims, memo = line.dimensions, line.memo
            out.append(_new_posting(Posting, (account, minor, functional, minor, dims, memo)))
            m = str(minor)
            if dims:
                texts.append(f"{account}:{m}:{functional}:{m}:{tags_text(dims)}:{memo}")
            else:
                texts.append(f"{account}:{m}:{functional}:{m}::{memo}")
    except (ValueError, OverflowError):  # not a finite number: build_postings names it
        return None
    return (tuple(out), "\x1e".join(texts)) if total == 0 else None


def two_plain(
    first: Line, second: Line, digits: int, functional: str, plain: Collection[str]
) -> tuple[tuple[Posting, ...], str] | None:
    """:func:`plain_postings` of a two-line entry, unrolled: the second line balances the
    first exactly when its amount is the first's negated, so it is priced by negating.

    The common entry (one debit, one credit) is priced without a loop or a list;
    ``None`` for anything :func:`plain_postings` leaves to the rules.

    Example:
        >>> from backoffice_core.ledger.entries import credit, debit
        >>> ps, text = two_plain(debit("1110", "5.00"), credit("4000", "5"), 2, "USD",
        ...                      {"1110", "4000"})
        >>> [p.amount for p in ps], text.split("\\x1e")
        ([500, -500], ['1110:500:USD:500::', '4000:-500:USD:-500::'])
        >>> two_plain(debit("1110", "5.00"), credit("4000", "4.99"), 2, "USD",
        ...           {"1110", "4000"}) is None
        True
    """
    amount, other = first.amount, second.amount
    if type(amount) is not Decimal:
        if type(amount) is not Money or amount.currency.code != functional:
            return None
        amount = amount.amount
    if type(other) is not Decimal:
        if type(other) is not Money or other.currency.code != functional:
            return None
        other = other.amount
    account, counter = first.account, second.account
    if (account not in plain or counter not in plain or first.currency is not None
            or second.currency is not None or first.rate is not None
            or second.rate is not None or first.functional is not None
            or second.functional is not None):
        return None
    try:
        if not 0 <= amount.adjusted() + digits <= _TOP:  # the second equals its negation
            return None
        n, d = amount.as_integer_ratio()
        scale = 10 ** digits
        if scale % d or other != amount.copy_negate():  # finer than a minor unit, unbalanced
            return None
    except (ValueError, ArithmeticError):  # not a finite number: build_postings names it
        return None
    minor = n * (scale // d)
    if minor == 0 or not -MAX_MINOR <= minor <= MAX_MINOR:
        return None
    dims, memo, dims2, memo2 = first.dimensions, first.memo, second.dimensions, second.memo
    m = str(minor)
    m2 = m[1:] if minor < 0 else "-" + m
    postings = (_new_posting(Posting, (account, minor, functional, minor, dims, memo)),
                _new_posting(Posting, (counter, -minor, functional, -minor, dims2, memo2)))
    if dims or dims2:
        return postings, (f"{account}:{m}:{functional}:{m}:{tags_text(dims)}:{memo}\x1e"
                          f"{counter}:{m2}:{functional}:{m2}:{tags_text(dims2)}:{memo2}")
    return postings, (f"{account}:{m}:{functional}:{m}::{memo}\x1e"
                      f"{counter}:{m2}:{functional}:{m2}::{memo2}")


#: zeros that pad a decimal text's fraction to the minor unit: ``_PADS[digits][len(fraction)]``
_PADS = tuple(tuple("0" * (d - k) for k in range(d + 1)) for d in range(8))


def text_postings(
    lines: Sequence[Mapping[str, Any]], digits: int, functional: str
) -> tuple[tuple[Posting, ...], str] | None:
    """The postings and canonical text of an imported entry's plain lines, or ``None``.

    ``lines`` are line mappings the boundary schema checked: an ``account``, an
    ``amount`` that is decimal text (``[+-]digits[.digits]``) or an integer, and
    perhaps a ``memo``. They become functional-currency postings in one pass, read
    from the text without a ``Decimal``: the import's shortcut. Anything else
    gives ``None``, and the entry goes through :class:`NewEntry` and
    :func:`build_postings`, whose rules name the error: a line with another key
    (currency, rate, dimensions), a memo that may hold a control character, an
    amount that is zero, finer than the minor unit or too large, fewer than two
    lines, lines that do not balance. The accounts are not checked here; the bulk
    path checks them (:class:`~backoffice_core.ledger.entries.EntryRecord`). The
    postings equal :func:`build_postings`'s and the text
    :func:`~backoffice_core.ledger.entries.postings_text` of them (a property test
    holds them together).

    Example:
        >>> ps, text = text_postings([{"account": "1110", "amount": "5.5"},
        ...                           {"account": "4000", "amount": -5, "memo": "net"},
        ...                           {"account": "4000", "amount": "-0.50"}], 2, "USD")
        >>> [(p.account, p.amount) for p in ps]
        [('1110', 550), ('4000', -500), ('4000', -50)]
        >>> text.split("\\x1e")
        ['1110:550:USD:550::', '4000:-500:USD:-500::net', '4000:-50:USD:-50::']
        >>> text_postings([{"account": "1110", "amount": "5.001"},
        ...                {"account": "4000", "amount": "-5.001"}], 2, "USD") is None
        True
    """
    if len(lines) < 2:
        return None
    out: list[Posting] = []
    texts: list[str] = []
    total = 0
    pads = _PADS[digits]
    scale = 10 ** digits
    for line in lines:
        size = len(line)
        if size == 2:
            memo = ""
        elif size == 3 and "memo" in line:
            memo = line["memo"]
            if not memo.isprintable():
                return None
        else:
            return None
        account = line["account"]
        value = line["amount"]
        if type(value) is str:  # the schema's pattern: no exponent, no spaces, no NaN
            whole, _, fraction = value.partition(".")
            places = len(fraction)
            if places > digits:
                if fraction[digits:].strip("0"):  # finer than the minor unit
                    return None
                minor = int(whole + fraction[:digits])
            else:
                minor = int(whole + fraction + pads[places])
        else:
            minor = value * scale
        if minor == 0 or not -MAX_MINOR <= minor <= MAX_MINOR:
            return None
        total += minor
        out.append(_new_posting(Posting, (account, minor, functional, minor, (), memo)))
        m = str(minor)
        texts.append(f"{account}:{m}:{functional}:{m}::{memo}")
    return (tuple(out), "\x1e".join(texts)) if total == 0 else None
