"""Exchange rates by date and the revaluation of foreign-currency accounts.

Part of :class:`~backoffice_core.ledger.service.Ledger`; reach it as ``bo.ledger``.

Example:
    >>> from datetime import date
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("X", currency="USD", chart="generic")
    >>> bo.ledger.set_rate("EUR", "USD", date(2026, 1, 2), "1.10")
    >>> bo.ledger.rate("EUR", "USD", date(2026, 1, 5))
    Decimal('1.10')
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from backoffice_core.dates import check_date
from backoffice_core.errors import NotFoundError, ValidationError
from backoffice_core.ledger._service_base import LedgerBase, PostResult
from backoffice_core.ledger.accounts import AccountType
from backoffice_core.ledger.entries import EntryKind, EntryStatus, NewEntry, Posting
from backoffice_core.ledger.posting import convert_minor, role_account
from backoffice_core.ledger.rates import rate_in_force
from backoffice_core.money import currency_code, to_decimal

__all__ = ["FxApi"]


def _with_trading(postings: list[Posting], trading: str) -> list[Posting]:
    """``postings`` plus the currency-trading lines that balance each currency."""
    sums: dict[str, list[int]] = {}
    for p in postings:
        row = sums.setdefault(p.currency, [0, 0])
        row[0] += p.amount
        row[1] += p.functional
    extra = [Posting(trading, -amount, code, -fn)
             for code, (amount, fn) in sorted(sums.items()) if amount or fn]
    return postings + extra


def _with_descendants(codes: Sequence[str] | set[str] | frozenset[str],
                      accs: dict[str, Any]) -> set[str]:
    """``codes`` and every account under them: a parent stands for its descendants."""
    children: dict[str, list[str]] = {}
    for a in accs.values():
        if a.parent:
            children.setdefault(a.parent, []).append(a.code)
    out: set[str] = set()
    todo = list(codes)
    while todo:
        code = todo.pop()
        if code not in out:
            out.add(code)
            todo.extend(children.get(code, ()))
    return out


class FxApi(LedgerBase):
    """Exchange rates by date and the revaluation of foreign-currency accounts."""

    # ------------------------------------------------------------------ rates
    def set_rate(self, base: str, quote: str, day: date, rate: Any) -> None:
        """Record an exchange rate: 1 ``base`` = ``rate`` ``quote`` from ``day`` on.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD")
            >>> bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.10")
            >>> bo.ledger.rate("EUR", "USD", date(2026, 3, 1))
            Decimal('1.10')
        """
        check_date(day, "day")
        value = to_decimal(rate, field="rate")
        if value <= 0:
            raise ValidationError("rate must be positive", field="rate", value=rate)
        base_code, quote_code = currency_code(base, "base"), currency_code(quote, "quote")
        if base_code == quote_code:
            raise ValidationError("a rate converts between two different currencies",
                                  field="quote", value=quote)
        with self._work() as ctx:
            ctx.repo.add_rate(base_code, quote_code, day, value)

    def rate(self, base: str, quote: str, day: date) -> Decimal:
        """The rate in force on ``day`` (the latest on or before it)."""
        check_date(day, "day")
        base_code, quote_code = currency_code(base, "base"), currency_code(quote, "quote")
        with self._read() as ctx:
            found = rate_in_force(ctx.repo, base_code, quote_code, day)
        if found is None:
            raise NotFoundError(f"no {base}/{quote} rate on or before {day}", field="rate",
                                value=f"{base}/{quote}")
        return found

    # ------------------------------------------------------------------ FX revaluation
    def revalue(self, on: date, *, accounts: Sequence[str] | None = None,
                reverse_on: date | None = None) -> PostResult | None:
        """Revalue foreign-currency balances of monetary accounts at the rate of ``on``.

        For each asset or liability account holding a foreign currency (or only
        ``accounts``; a parent stands for its descendants), the carried functional
        value is brought to balance x rate.
        A balance that is zero in its currency but not in functional terms is a
        *realized* difference (roles ``fx_gain``/``fx_loss``); otherwise it is
        *unrealized* (``unrealized_fx_gain``/``unrealized_fx_loss``) and, with
        ``reverse_on``, only the unrealized part is reversed on that date, which must
        come after ``on`` (usually the next period's first day). Returns ``None`` when
        nothing needs revaluing.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.10")
            >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 2), "EUR sale",
            ...     [bc.debit("1130", bc.Money("100.00", "EUR")), bc.credit("4100", "110.00")]))
            >>> bo.ledger.set_rate("EUR", "USD", date(2026, 1, 31), "1.15")
            >>> r = bo.ledger.revalue(date(2026, 1, 31))
            >>> bo.ledger.balance_detail("1130", "EUR").functional
            11500
        """
        check_date(on, "on")
        if reverse_on is not None:
            check_date(reverse_on, "reverse_on")
            if reverse_on <= on:  # the reversal undoes it in the next period, not before
                raise ValidationError(f"reverse_on must come after the revaluation date {on}",
                                      field="reverse_on", value=reverse_on)
        if accounts is not None and (isinstance(accounts, str | bytes)
                                     or not isinstance(accounts, Sequence | set | frozenset)):
            raise ValidationError("accounts is a list of account codes", field="accounts",
                                  value=accounts)
        with self._work() as ctx:
            functional = ctx.settings.functional_currency
            roles = ctx.settings.roles
            accs = {a.code: a for a in ctx.repo.list_accounts()}
            for i, code in enumerate(accounts or ()):
                if code not in accs:
                    raise NotFoundError("no such account", field=f"accounts[{i}]", value=code)
            wanted = _with_descendants(accounts, accs) if accounts is not None else None
            realized: list[Posting] = []
            unrealized: list[Posting] = []
            for b in sorted(ctx.repo.balances_as_of(on), key=lambda b: b.key):
                acc = accs.get(b.key.account)
                if acc is None or b.key.currency == functional:
                    continue
                if wanted is not None and acc.code not in wanted:
                    continue
                if wanted is None and acc.type not in (AccountType.ASSET, AccountType.LIABILITY):
                    continue
                if roles.get("currency_trading") == acc.code:
                    continue
                if b.net == 0:
                    diff = -b.functional
                    roles_pair, target_list = ("fx_gain", "fx_loss"), realized
                else:
                    rate = rate_in_force(ctx.repo, b.key.currency, functional, on)
                    if rate is None:
                        raise NotFoundError(
                            f"no {b.key.currency}/{functional} rate on or before {on}",
                            field="rate", value=b.key.currency)
                    diff = convert_minor(b.net, b.key.currency, rate, functional) - b.functional
                    roles_pair, target_list = ("unrealized_fx_gain", "unrealized_fx_loss"), \
                        unrealized
                if diff == 0:
                    continue
                role = roles_pair[0] if diff > 0 else roles_pair[1]
                target = roles.get(role)
                if target is None:
                    raise NotFoundError(f"role {role} not set", field=f"roles.{role}", value=None)
                role_account(target, role, ctx.repo.get_account, ctx.parent_codes())
                memo = f"revaluation {b.key.currency}"
                target_list.append(Posting(acc.code, 0, b.key.currency, diff, (), memo))
                target_list.append(Posting(target, -diff, functional, -diff, (), memo))
            if not realized and not unrealized:
                return None
            trading = roles.get("currency_trading")
            if trading is None:
                raise NotFoundError("role currency_trading not set",
                                    field="roles.currency_trading", value=None)
            role_account(trading, "currency_trading", ctx.repo.get_account, ctx.parent_codes())
            postings = _with_trading(realized, trading) + _with_trading(unrealized, trading)
            result = self._post(ctx, NewEntry(on, f"FX revaluation {on}", ()),
                                EntryStatus.POSTED, EntryKind.REVALUATION, postings=postings)
            if reverse_on is not None and unrealized:
                mirror = tuple(Posting(p.account, -p.amount, p.currency, -p.functional,
                                       p.dimensions, p.memo)
                               for p in _with_trading(unrealized, trading))
                self._post(ctx, NewEntry(reverse_on, f"Reversal of FX revaluation {on}", ()),
                           EntryStatus.POSTED, EntryKind.REVERSAL, result.entry.id,
                           postings=mirror)
            return result
