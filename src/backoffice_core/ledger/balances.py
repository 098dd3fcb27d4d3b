"""Balances: running totals per account, currency and (optionally) dimension.

A :class:`BalanceKey` names one running total; a :class:`Balance` is its
value. Every posting turns into :class:`BalanceDelta` values that a repository
adds to its running totals in the same unit of work (``x = x + delta``), and
to a per-day rollup so that a balance as of any date needs no scan of history.

Example:
    >>> b = Balance(BalanceKey("1110", "USD"), debits=1500, credits=250)
    >>> b.net, b.money
    (1250, Money('12.50', 'USD'))
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import attrs

from backoffice_core.errors import ValidationError
from backoffice_core.money import Money, from_minor

__all__ = ["MAX_BALANCE", "Balance", "BalanceDelta", "BalanceKey"]

#: The largest magnitude of a running total (debits, credits, pending or functional), in
#: minor units: what every store keeps exactly (inside a 64-bit ``BIGINT``). A posting that
#: would take a total past it is refused, on every adapter alike.
MAX_BALANCE = 10**18


class BalanceKey(NamedTuple):
    """One running total: an account in a currency, optionally one dimension value.

    ``dimension`` and ``value`` are ``""`` for the account's overall total. A
    named tuple rather than an attrs class: it is the key of every balance
    lookup, and tuple hashing is several times faster (see docs/decisions.md).
    """

    account: str
    currency: str
    dimension: str = ""
    value: str = ""


@attrs.frozen(slots=True)
class Balance:
    """A running total in minor units.

    Attributes:
        key: what this total is of.
        debits, credits: posted totals (credits as a positive number).
        pending_debits, pending_credits: reserved by pending (two-phase) entries.
        functional: the net posted total in the book's functional currency.
    """

    key: BalanceKey
    debits: int = 0
    credits: int = 0
    pending_debits: int = 0
    pending_credits: int = 0
    functional: int = 0

    @property
    def net(self) -> int:
        """Debits minus credits, in minor units (positive means a debit balance)."""
        return self.debits - self.credits

    @property
    def money(self) -> Money:
        """The net balance as signed :class:`Money` (debit positive)."""
        return from_minor(self.net, self.key.currency)

    @property
    def available_debits(self) -> int:
        """Debits including pending ones: what limits are checked against."""
        return self.debits + self.pending_debits

    @property
    def available_credits(self) -> int:
        """Credits including pending ones."""
        return self.credits + self.pending_credits

    def plus(self, delta: BalanceDelta) -> Balance:
        """This balance with ``delta`` added: a delta of another running total (its
        ``key``) is a ``ValidationError`` naming ``delta.key``.

        Example:
            >>> from datetime import date
            >>> b = Balance(BalanceKey("1110", "USD"), debits=1500)
            >>> b.plus(BalanceDelta(BalanceKey("1110", "USD"), date(2026, 1, 5), credits=400)).money
            Money('11.00', 'USD')
        """
        if delta.key != self.key:
            raise ValidationError(f"a delta of {self.key.account} {self.key.currency} only",
                                  field="delta.key", value=delta.key)
        return Balance(
            self.key,
            self.debits + delta.debits,
            self.credits + delta.credits,
            self.pending_debits + delta.pending_debits,
            self.pending_credits + delta.pending_credits,
            self.functional + delta.functional,
        )


class BalanceDelta(NamedTuple):
    """A change to one running total, dated for the per-day rollup (a named tuple: hot path)."""

    key: BalanceKey
    day: date
    debits: int = 0
    credits: int = 0
    pending_debits: int = 0
    pending_credits: int = 0
    functional: int = 0

    @property
    def posted(self) -> bool:
        """True when this delta moves posted totals (and so the dated rollup)."""
        return bool(self.debits or self.credits or self.functional)
