"""The exchange rate in force on a day, read through the ledger's repository port.

One lookup for every part that converts with the book's rates (the ledger's postings,
``rate()`` and ``revalue()``, the inventory's foreign-currency receipts): the rate recorded
last on or before the day, either way round, so both directions agree on every day.

Example:
    >>> import backoffice_core as bc
    >>> from datetime import date
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("X", currency="USD", chart="generic")
    >>> bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.10")
    >>> bo.ledger.set_rate("USD", "EUR", date(2026, 2, 1), "0.80")
    >>> with bo.unit_of_work() as uow:
    ...     rate_in_force(uow.ledger, "EUR", "USD", date(2026, 2, 10))
    Decimal('1.25')
"""

from __future__ import annotations

import decimal
from datetime import date
from decimal import Decimal

from backoffice_core.ledger.repository import LedgerRepository

__all__ = ["rate_in_force"]

# an inverse rate has 28 significant digits, rounded half-even, whatever context the caller set
_INVERSE = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)


def rate_in_force(repo: LedgerRepository, base: str, quote: str, day: date) -> Decimal | None:
    """One ``base`` in ``quote`` on ``day``, or ``None`` when no rate either way is recorded
    on or before it.

    The rate recorded last wins, whichever way round it was recorded; on the same day the
    direct one (``base``/``quote``) wins. An inverse rate is divided out to 28 significant
    digits, half-even, whatever decimal context the caller set.

    Example:
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("X", currency="USD", chart="generic")
        >>> bo.ledger.set_rate("USD", "EUR", date(2026, 1, 1), "0.80")
        >>> with bo.unit_of_work() as uow:
        ...     rate_in_force(uow.ledger, "eur", "usd", date(2026, 1, 5)), \\
        ...         rate_in_force(uow.ledger, "EUR", "USD", date(2025, 12, 31))
        (Decimal('1.25'), None)
    """
    base, quote = base.upper(), quote.upper()
    got = repo.get_rate(base, quote, day)
    inverse = repo.get_rate(quote, base, day)
    if inverse is not None and (got is None or inverse[0] > got[0]):
        return _INVERSE.divide(Decimal(1), Decimal(inverse[1]))
    return None if got is None else Decimal(got[1])
