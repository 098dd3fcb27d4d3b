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

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from backoffice_core.dates import check_date
from backoffice_core.errors import NotFoundError, ValidationError
from backoffice_core.exact import canonical
from backoffice_core.ledger._service_base import LedgerBase, PostResult
from backoffice_core.ledger.accounts import AccountType
from backoffice_core.ledger.balances import Balance
from backoffice_core.ledger.entries import Dimensions, EntryKind, EntryStatus, NewEntry, Posting
from backoffice_core.ledger.posting import convert_minor, role_account, with_trading
from backoffice_core.ledger.rates import rate_in_force
from backoffice_core.ledger.repository import LedgerRepository, revaluations_of
from backoffice_core.money import allocate, currency_code, from_minor, to_decimal
from backoffice_core.text import check_lookup

__all__ = ["FxApi"]


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


def _refuse_staling(repo: LedgerRepository, on: date, moved: dict[tuple[str, str], bool],
                    reverse_on: date | None) -> None:
    """Refuse a revaluation on ``on`` that would leave a later one stale.

    ``moved`` maps each (account, currency) it changes to whether the change is realized.
    A revaluation dated after ``on`` that revalued one of them was computed on balances
    this one changes as of that later date, and nothing would recompute it: a realized
    change always does so, an unrealized one unless ``reverse_on`` takes it back by then.
    A later revaluation reversed or undone on its own date (it counts on no day) is no
    obstacle; an undo (kind ``REVALUATION`` with ``related``: the mirror ``reverse()``
    posts of a revaluation its automatic reversal already holds) revalues nothing.
    ``ValidationError`` naming ``on``, the balance and the later date.
    """
    for code in sorted({account for account, _ in moved}):
        later = revaluations_of(repo, code, on, None)
        undone = {e.related: e.date for e in later if e.related is not None}
        for e in later:
            if e.date == on or e.status is not EntryStatus.POSTED or e.related is not None:
                continue
            if undone.get(e.id) == e.date:
                continue
            reversal = repo.find_reversal(e.id)
            if reversal is not None and reversal.date == e.date:
                continue
            for p in e.postings:
                key = (p.account, p.currency)
                if key in moved and (moved[key] or reverse_on is None or reverse_on > e.date):
                    raise ValidationError(
                        f"{p.account} in {p.currency} was revalued on {e.date}, after this "
                        "date; revaluations of a balance go forward in time (this one would "
                        f"leave the {e.date} figures stale)", field="on", value=on)


def _dimension_names(repo: LedgerRepository, account: str, on: date) -> list[str]:
    """The dimensions ``account`` has balances in: the repository's optional
    ``dimension_names(account)``, else the dimensions of its postings up to ``on``."""
    ask = getattr(repo, "dimension_names", None)
    if ask is not None:
        return list(ask(account))
    names: set[str] = set()
    for e in repo.iter_entries(None, on, account):
        for p in e.postings:
            if p.account == account:
                names.update(name for name, _ in p.dimensions)
    return sorted(names)


def _split(target: int, nets: Sequence[int], code: str, functional: str,
           rate: Callable[[], Decimal]) -> list[int]:
    """``target`` (functional minor units) shared by parts in proportion to their ``nets``
    in ``code``, exactly (:func:`~backoffice_core.money.allocate`): a part with no
    balance gets nothing; when debit and credit parts mix, the debit parts share the
    value of their sum at ``rate()`` and the credit parts the rest of ``target``."""
    out = [0] * len(nets)
    sides = ([i for i, n in enumerate(nets) if n > 0], [i for i, n in enumerate(nets) if n < 0])
    totals = [target, target]
    if sides[0] and sides[1]:
        totals[0] = convert_minor(sum(nets[i] for i in sides[0]), code, rate(), functional)
        totals[1] = target - totals[0]
    for side, total in zip(sides, totals, strict=True):
        if side:
            shares = allocate(from_minor(total, functional), [abs(nets[i]) for i in side])
            for i, share in zip(side, shares, strict=True):
                out[i] = share.to_minor()
    return out


def _dimension_lines(b: Balance, target: int, by_dim: dict[str, list[Balance]],
                     functional: str, rate: Callable[[], Decimal]) -> list[tuple[Dimensions, int]]:
    """The revaluation of balance ``b`` (to ``target``) as (dimensions, functional) lines.

    For every dimension the account has balances in, each value's balance is brought to
    its share of ``target`` (:func:`_split`, by its foreign balance), and so is the part
    no value of that dimension tags; one line per value carries that value's change and
    one untagged line the rest, so the account moves by ``target - b.functional`` and
    each dimension's balances still sum to the account's.
    """
    lines: list[tuple[Dimensions, int]] = []
    rest = target - b.functional
    for dim in sorted(by_dim):
        values = by_dim[dim]
        nets = [v.net for v in values]
        nets.append(b.net - sum(nets))
        targets = _split(target, nets, b.key.currency, functional, rate)
        for v, t in zip(values, targets, strict=False):
            if t != v.functional:
                lines.append((((dim, v.key.value),), t - v.functional))
                rest -= t - v.functional
    if rest:
        lines.insert(0, ((), rest))
    return lines


def _revalued(repo: LedgerRepository, b: Balance, on: date, functional: str,
              by_dim: dict[str, dict[tuple[str, str], list[Balance]]]
              ) -> tuple[int, list[tuple[Dimensions, int]]]:
    """Balance ``b``'s functional value on ``on`` (zero when its currency balance is; else
    balance x the rate in force) and the (dimensions, functional) lines that bring it
    there (:func:`_dimension_lines`). ``by_dim`` caches the balances of each dimension."""
    code = b.key.currency

    def rate() -> Decimal:
        found = rate_in_force(repo, code, functional, on)
        if found is None:
            raise NotFoundError(f"no {code}/{functional} rate on or before {on}",
                                field="rate", value=code)
        return found

    target = 0 if b.net == 0 else convert_minor(b.net, code, rate(), functional)
    parts: dict[str, list[Balance]] = {}
    for dim in _dimension_names(repo, b.key.account, on):
        if dim not in by_dim:
            by_dim[dim] = {}
            for d in repo.balances_as_of(on, dim):
                by_dim[dim].setdefault((d.key.account, d.key.currency), []).append(d)
        found = by_dim[dim].get((b.key.account, code))
        if found:
            parts[dim] = sorted(found, key=lambda d: d.key)
    return target, _dimension_lines(b, target, parts, functional, rate)


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
        value = canonical(value)  # 1E+2 as 100: every store gives it back written alike
        base_code, quote_code = currency_code(base, "base"), currency_code(quote, "quote")
        if base_code == quote_code:
            raise ValidationError("a rate converts between two different currencies",
                                  field="quote", value=quote)
        with self._work() as ctx:
            ctx.repo.add_rate(base_code, quote_code, day, value)

    def rate(self, base: str, quote: str, day: date) -> Decimal:
        """The rate in force on ``day`` (the latest on or before it): 1 ``base`` in
        ``quote``. A currency against itself is exactly 1 (``set_rate`` refuses such a
        pair); a missing rate is a ``NotFoundError`` naming the pair in ISO codes.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.10")
            >>> march = date(2026, 3, 1)
            >>> bo.ledger.rate("eur", "USD", march), bo.ledger.rate("USD", "usd", march)
            (Decimal('1.10'), Decimal('1'))
        """
        check_date(day, "day")
        base_code, quote_code = currency_code(base, "base"), currency_code(quote, "quote")
        if base_code == quote_code:
            return Decimal(1)
        with self._read() as ctx:
            found = rate_in_force(ctx.repo, base_code, quote_code, day)
        if found is None:
            pair = f"{base_code}/{quote_code}"
            raise NotFoundError(f"no {pair} rate on or before {day}", field="rate", value=pair)
        return found

    # ------------------------------------------------------------------ FX revaluation
    def revalue(self, on: date, *, accounts: Sequence[str] | None = None,
                reverse_on: date | None = None, description: str | None = None,
                reversal_description: str | None = None) -> PostResult | None:
        """Revalue foreign-currency balances of monetary accounts at the rate of ``on``.

        For each asset or liability account holding a foreign currency (or only
        ``accounts``; a parent stands for its descendants), the carried functional
        value is brought to balance x rate.
        A balance that is zero in its currency but not in functional terms is a
        *realized* difference (roles ``fx_gain``/``fx_loss``); otherwise it is
        *unrealized* (``unrealized_fx_gain``/``unrealized_fx_loss``) and, with
        ``reverse_on``, only the unrealized part is reversed on that date, which must
        come after ``on`` (usually the next period's first day). A ledger entry that
        settles part of a balance names no item, so its exchange difference stays
        unrealized until the balance is settled in full; document payments realize it
        at settlement (against the rate of the latest revaluation without ``reverse_on``
        since the document, for the part it revalued). Balances by dimension move with
        the account: each value is brought to its share of the new value, by its
        foreign balance, exactly.
        Returns ``None`` when nothing needs revaluing.

        Revaluations of a balance go forward in time: a revaluation that would change a
        balance a later revaluation already revalued, as of that later date, is a
        ``ValidationError`` naming ``on`` (the later figures would go stale) and changes
        nothing. An unrealized difference whose ``reverse_on`` comes on or before the
        later date is gone by then, so it is accepted; to revalue an earlier date after
        all, undo the later revaluation with ``reverse()`` dated on its own date first
        (a revaluation made with ``reverse_on`` too: ``reverse()`` then takes back what
        its automatic reversal left, the realized part, and reverses that reversal, so
        it counts on no day), and revalue both dates in order.

        ``description`` names the entry in the book's own language (default ``"FX
        revaluation <on>"``, its lines' memo ``"revaluation <currency>"``; with a
        description, a line's memo is its currency code alone), ``reversal_description``
        its automatic reversal (default ``"Reversal of "`` and the entry's description).

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
            >>> r.entry.description, r.entry.postings[0].memo
            ('FX revaluation 2026-01-31', 'revaluation EUR')
            >>> bo.ledger.set_rate("EUR", "USD", date(2026, 1, 20), "1.12")
            >>> bo.ledger.revalue(date(2026, 1, 20))  # would leave Jan 31 stale
            Traceback (most recent call last):
            ...
            backoffice_core.errors.ValidationError: on=datetime.date(2026, 1, 20): 1130 in ...
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
        for i, code in enumerate(accounts or ()):
            check_lookup(f"accounts[{i}]", code)
        named = description is not None
        header = NewEntry(on, f"FX revaluation {on}" if description is None else description, ())
        try:
            back_header = None if reverse_on is None else NewEntry(
                reverse_on, f"Reversal of {header.description}"
                if reversal_description is None else reversal_description, ())
        except ValidationError as err:
            raise ValidationError(err.message, field="reversal_description",
                                  value=reversal_description) from None
        with self._work() as ctx:
            functional = ctx.settings.functional_currency
            roles = ctx.settings.roles
            accs = {a.code: a for a in ctx.repo.list_accounts()}
            for i, code in enumerate(accounts or ()):
                if code not in accs:
                    raise NotFoundError("no such account", field=f"accounts[{i}]", value=code)
            wanted = _with_descendants(accounts, accs) if accounts is not None else None
            by_dim: dict[str, dict[tuple[str, str], list[Balance]]] = {}
            realized: list[Posting] = []
            unrealized: list[Posting] = []
            moved: dict[tuple[str, str], bool] = {}  # (account, currency) -> realized?
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
                target, lines = _revalued(ctx.repo, b, on, functional, by_dim)
                if not lines:
                    continue
                moved[b.key.account, b.key.currency] = b.net == 0
                target_list = realized if b.net == 0 else unrealized
                memo = b.key.currency if named else f"revaluation {b.key.currency}"
                target_list.extend(Posting(b.key.account, 0, b.key.currency, fn, dims, memo)
                                   for dims, fn in lines)
                diff = target - b.functional
                if diff == 0:  # only the dimensions move: nothing gained or lost
                    continue
                role = ("fx_gain" if diff > 0 else "fx_loss") if b.net == 0 else \
                    ("unrealized_fx_gain" if diff > 0 else "unrealized_fx_loss")
                account = roles.get(role)
                if account is None:
                    raise NotFoundError(f"role {role} not set", field=f"roles.{role}", value=None)
                role_account(account, role, ctx.repo.get_account, ctx.parent_codes(),
                             (functional,))
                target_list.append(Posting(account, -diff, functional, -diff, (), memo))
            _refuse_staling(ctx.repo, on, moved, reverse_on)
            if not realized and not unrealized:
                return None
            trading = roles.get("currency_trading")
            if trading is None:
                raise NotFoundError("role currency_trading not set",
                                    field="roles.currency_trading", value=None)
            postings = with_trading(realized, trading) + with_trading(unrealized, trading)
            role_account(trading, "currency_trading", ctx.repo.get_account, ctx.parent_codes(),
                         [p.currency for p in postings if p.account == trading])
            result = self._post(ctx, header,
                                EntryStatus.POSTED, EntryKind.REVALUATION, postings=postings,
                                date_field="on")
            if back_header is not None and unrealized:
                mirror = tuple(Posting(p.account, -p.amount, p.currency, -p.functional,
                                       p.dimensions, p.memo)
                               for p in with_trading(unrealized, trading))
                self._post(ctx, back_header,
                           EntryStatus.POSTED, EntryKind.REVERSAL, result.entry.id,
                           postings=mirror, date_field="reverse_on")
            return result
