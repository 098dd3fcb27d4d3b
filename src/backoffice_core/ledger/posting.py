"""Pure posting rules: turn a :class:`NewEntry` into postings and balance deltas.

Nothing here touches storage; the service feeds in what it loaded. The rules:

* every line names a known, active leaf account, in the account's fixed currency
  if it has one, with a non-zero amount no finer than the currency's minor unit;
* amounts in the functional currency are their own functional value; a foreign
  line is converted by its ``rate`` (or ``functional``), the entry's ``rates``,
  or the book's rate table for the entry date, rounded half-up to the minor unit;
* the entry balances per currency, or through rates: then at least two
  currencies are out of balance on their own, the functional values sum to
  zero, and the ledger adds lines on the currency-trading account so that every
  entry still balances per currency (the trading-account method);
* when one rate converts a whole balanced currency group, rounding residues go
  to the group's largest line, so a balanced foreign entry stays balanced.

Example:
    >>> from datetime import date
    >>> from backoffice_core.ledger.entries import NewEntry, debit, credit
    >>> from backoffice_core.ledger.accounts import Account
    >>> accts = {"1110": Account("1110", "Cash", "asset"),
    ...          "4000": Account("4000", "Sales", "income")}
    >>> ps = build_postings(NewEntry(date(2026, 1, 2), "Sale",
    ...                     [debit("1110", "5.00"), credit("4000", "5.00")]),
    ...                     "USD", accts.get, lambda c, d: None, None, set())
    >>> [(p.account, p.amount) for p in ps]
    [('1110', 500), ('4000', -500)]
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

import attrs

from backoffice_core.dates import check_date
from backoffice_core.errors import (
    AccountInactiveError,
    BackofficeError,
    CurrencyMismatchError,
    LimitExceededError,
    NotFoundError,
    UnbalancedEntryError,
    ValidationError,
)
from backoffice_core.ledger.accounts import Account, AccountLimit
from backoffice_core.ledger.balances import Balance, BalanceDelta, BalanceKey
from backoffice_core.ledger.entries import (
    MAX_MINOR,
    Dimensions,
    Line,
    NewEntry,
    Posting,
)
from backoffice_core.money import (
    EXACT,
    Money,
    RoundingPolicy,
    currency_code,
    minor_digits,
    to_minor,
)
from backoffice_core.text import lookup_key, not_found

__all__ = [
    "as_active", "build_postings", "check_limits", "checked_account", "convert_minor", "deltas_for",
    "pending_deltas", "role_account", "named_by_role", "with_trading",
]

RateLookup = Callable[[str, date], Decimal | None]
_HALF_UP = RoundingPolicy.HALF_UP


def _merge_dims(entry_dims: Dimensions, line_dims: Dimensions) -> Dimensions:
    if not entry_dims:
        return line_dims
    if not line_dims:
        return entry_dims
    merged = dict(entry_dims)
    merged.update(line_dims)
    return tuple(sorted(merged.items()))


def convert_minor(amount: int, code: str, rate: Decimal, functional: str) -> int:
    """Convert minor units of ``code`` at ``rate`` into minor units of ``functional`` (half-up).

    The product is exact (never rounded by the decimal context first); a result beyond
    the storable range is a :class:`ValidationError` on ``rate``.

    Example:
        >>> convert_minor(333, "EUR", Decimal("1.10"), "USD")
        366
    """
    digits = minor_digits(functional)
    try:
        value = EXACT.multiply(Decimal(amount).scaleb(-minor_digits(code), EXACT), rate)
    except decimal.DecimalException:
        value = None
    if value is None or (value and value.adjusted() + digits > 18):
        raise ValidationError("converted amount too large", field="rate", value=rate)
    return int(_HALF_UP.quantize(value, digits).scaleb(digits, EXACT))


def checked_account(
    code: object, i: int, get_account: Callable[[str], Account | None], parents: Container[str]
) -> Account:
    """The account line ``i`` posts to: it exists, is active and is a leaf (not in
    ``parents``); else the typed error naming ``lines[i].account``.

    Example:
        >>> from backoffice_core.ledger.accounts import Account
        >>> acc = Account("1110", "Cash", "asset")
        >>> checked_account("1110", 0, {"1110": acc}.get, set()).code
        '1110'
        >>> checked_account("1110", 2, {"1110": acc}.get, {"1110"})
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: lines[2].account='1110': post to a leaf ...
    """
    acc = get_account(code) if lookup_key(code) else None
    if acc is None:
        raise not_found("account", f"lines[{i}].account", code)
    if not acc.active:
        raise AccountInactiveError("account is archived", field=f"lines[{i}].account",
                                   value=code)
    if acc.code in parents:
        raise ValidationError("post to a leaf account, not a parent",
                              field=f"lines[{i}].account", value=code)
    return acc


def as_active(
    get_account: Callable[[str], Account | None],
) -> Callable[[str], Account | None]:
    """``get_account`` with archived accounts read as active: the chart a replay is checked
    against. A keyed entry posted again is compared with what its key first posted, so an
    account archived since then does not refuse the retry: it replays, or its new content
    is an :class:`~backoffice_core.errors.IdempotencyConflictError`.

    Example:
        >>> acc = Account("1110", "Cash", "asset", active=False)
        >>> as_active({"1110": acc}.get)("1110").active
        True
    """

    def get(code: str) -> Account | None:
        acc = get_account(code)
        return attrs.evolve(acc, active=True) if acc is not None and not acc.active else acc

    return get


def role_account(
    code: object, role: str, get_account: Callable[[str], Account | None],
    parents: Container[str], currencies: Iterable[str] = (),
) -> Account:
    """The account a book role names, for lines the ledger generates (currency trading,
    revaluation, closing): it exists, is active and is a leaf, and an account opened for
    one currency only is given lines in no other of ``currencies`` (those the ledger
    posts to it: ``CurrencyMismatchError``, as a line of the caller's would be); else the
    typed error naming ``roles.<role>``.

    Example:
        >>> from backoffice_core.ledger.accounts import Account
        >>> acc = Account("3500", "Trading", "equity", active=False)
        >>> role_account("3500", "currency_trading", {"3500": acc}.get, set())
        Traceback (most recent call last):
        ...
        backoffice_core.errors.AccountInactiveError: roles.currency_trading='3500': the ...
    """
    acc = get_account(code) if isinstance(code, str) else None
    field = f"roles.{role}"
    if acc is None:
        raise NotFoundError("the role names no account", field=field, value=code)
    if not acc.active:
        raise AccountInactiveError("the role's account is archived; point the role at an "
                                   "active account", field=field, value=code)
    if acc.code in parents:
        raise ValidationError("the role's account is a parent; point the role at a leaf",
                              field=field, value=code)
    if acc.currency is not None:
        for other in currencies:
            if other != acc.currency:
                raise CurrencyMismatchError(
                    f"account {acc.code} only takes {acc.currency}; the ledger posts "
                    f"{other} to it as {role}", field=field, value=code)
    return acc


def with_trading(postings: Sequence[Posting], trading: str) -> list[Posting]:
    """``postings`` plus one line on ``trading`` per currency whose amounts or functional
    values do not sum to zero, so the entry balances per currency and in functional
    terms (the trading-account method): the lines the ledger generates (revaluation,
    year-end closing) balance through it as a posted foreign entry does.

    Example:
        >>> closing = [Posting("4110", 5000, "EUR", 5500), Posting("3200", -5500, "USD", -5500)]
        >>> [(p.account, p.currency, p.amount, p.functional)
        ...  for p in with_trading(closing, "3500")[2:]]
        [('3500', 'EUR', -5000, -5500), ('3500', 'USD', 5500, 5500)]
    """
    sums: dict[str, list[int]] = {}
    for p in postings:
        row = sums.setdefault(p.currency, [0, 0])
        row[0] += p.amount
        row[1] += p.functional
    extra = [Posting(trading, -amount, code, -fn)
             for code, (amount, fn) in sorted(sums.items()) if amount or fn]
    return [*postings, *extra]


def named_by_role(err: BackofficeError, lines: Sequence[Line], roles: Mapping[str, str],
                  given: Mapping[str, str] | None = None, prefix: str = "") -> BackofficeError:
    """An error about the account of line ``i`` of an entry a domain generated from a
    book's roles (``<prefix>lines[i].account``, as :func:`checked_account` names it),
    told about what the caller gave instead: ``given[code]`` when the caller named the
    account itself (a document line's ``account``), else ``roles.<role>`` for the role
    that names it (the first in order when several do; the message lists them). The
    caller of ``deliver`` or ``issue`` passed no entry lines, so ``lines[1]`` would name
    a line it never gave, or the wrong one of a document. Other errors pass unchanged.

    Example:
        >>> from backoffice_core.ledger.entries import credit, debit
        >>> err = AccountInactiveError("account is archived", field="lines[1].account",
        ...                            value="5100")
        >>> str(named_by_role(err, [credit("1210", 5), debit("5100", 5)], {"cogs": "5100"}))
        "roles.cogs='5100': account is archived"
    """
    field = err.field or ""
    if not (field.startswith(prefix + "lines[") and field.endswith("].account")):
        return err
    i = field[len(prefix) + 6:-9]
    if not i.isdigit() or int(i) >= len(lines):
        return err
    code = lines[int(i)].account
    if given and code in given:
        err.field = prefix + given[code]
        return err
    names = sorted(r for r, c in roles.items() if c == code)
    if names:
        err.field = f"{prefix}roles.{names[0]}"
        if len(names) > 1:
            err.message += f" (the account of the roles {', '.join(names)})"
    if isinstance(err, ValidationError) and len(err.errors) == 1:
        err.errors = [(err.field or "", err.value, err.message)]
    return err


def _bad_amount(
    amount: Decimal, minor: int, scaled: Decimal, i: int, code: str, digits: int
) -> None:
    if minor != scaled or (minor == 0 and amount):  # (a tiny amount scales to 0 exactly)
        raise ValidationError(
            f"finer than the minor unit of {code} ({digits} digits); round it first",
            field=f"lines[{i}].amount", value=amount)
    if minor == 0:
        raise ValidationError("amount must not be zero", field=f"lines[{i}].amount",
                              value=amount)
    raise ValidationError("amount too large", field=f"lines[{i}].amount", value=amount)


def build_postings(
    entry: NewEntry,
    functional: str,
    get_account: Callable[[str], Account | None],
    rate_lookup: RateLookup,
    trading_account: str | None,
    parents: Container[str],
    valid: dict[str, Account] | None = None,
) -> list[Posting]:
    """Validate ``entry`` and return its postings (trading lines added when needed).

    ``valid`` caches accounts already checked (active leaf accounts) across a
    batch. Raises a typed error naming the offending field (``lines[1].account``...)
    and value; the caller writes nothing when it raises.
    """
    lines: Sequence[Line] = entry.lines
    if len(lines) < 2:
        raise UnbalancedEntryError("an entry needs at least two lines", field="lines",
                                   value=len(lines))
    check_date(entry.date, "date")
    postings: list[Posting] = []
    implicit: list[bool] = []  # functional computed from a shared rate, not given per line
    fdigits = minor_digits(functional)
    edims = entry.dimensions
    for i, line in enumerate(lines):
        acc = valid.get(line.account) if valid is not None else None
        if acc is None:
            acc = checked_account(line.account, i, get_account, parents)
            if valid is not None:
                valid[acc.code] = acc
        amount = line.amount
        if (type(amount) is Decimal and line.currency is None and line.rate is None
                and line.functional is None and (acc.currency is None
                                                 or acc.currency == functional)):
            if amount.adjusted() > 18 and amount:  # beyond any storable amount: no huge int
                raise ValidationError("amount too large", field=f"lines[{i}].amount",
                                      value=amount)
            scaled = amount.scaleb(fdigits, EXACT)
            minor = int(scaled)
            if minor != scaled or minor == 0 or abs(minor) > MAX_MINOR:
                _bad_amount(amount, minor, scaled, i, functional, fdigits)
            postings.append(Posting(acc.code, minor, functional, minor,
                                    _merge_dims(edims, line.dimensions) if edims
                                    else line.dimensions, line.memo))
            implicit.append(False)
            continue
        given_code = line.currency
        if given_code is not None:  # "eur" is EUR: one balance per currency, not per spelling
            given_code = currency_code(given_code, f"lines[{i}].currency")
        if isinstance(amount, Money):
            code = amount.code
            if given_code is not None and given_code != code:
                raise CurrencyMismatchError("line currency differs from its amount's",
                                            field=f"lines[{i}].currency", value=line.currency)
        else:
            code = given_code or functional
        try:
            minor = to_minor(amount if isinstance(amount, Money) else Money(amount, code))
        except ValidationError as err:
            raise ValidationError(err.message, field=f"lines[{i}].amount",
                                  value=amount) from None
        if acc.currency is not None and acc.currency != code:
            raise CurrencyMismatchError(
                f"account {acc.code} only takes {acc.currency}", field=f"lines[{i}].currency",
                value=code)
        if abs(minor) > MAX_MINOR:
            raise ValidationError("amount too large", field=f"lines[{i}].amount", value=amount)
        fn = 0
        shared = False
        given = line.functional
        if given is not None:
            if not isinstance(given, Money):
                raise ValidationError("functional amount must be Money",
                                      field=f"lines[{i}].functional", value=given)
            if given.code != functional:
                raise CurrencyMismatchError(f"functional amount must be in {functional}",
                                            field=f"lines[{i}].functional", value=given)
            try:
                fn = to_minor(given)
            except ValidationError as err:
                raise ValidationError(err.message, field=f"lines[{i}].functional",
                                      value=given) from None
            if abs(fn) > MAX_MINOR:
                raise ValidationError("amount too large", field=f"lines[{i}].functional",
                                      value=given)
        if code == functional:
            if given is not None and fn != minor:
                raise ValidationError("functional amount of a functional-currency line "
                                      "must equal its amount",
                                      field=f"lines[{i}].functional", value=given)
            fn = minor
        elif given is not None:
            if minor and fn and (fn > 0) != (minor > 0):  # a rate is positive: same sign
                raise ValidationError("the functional amount must have the sign of the amount",
                                      field=f"lines[{i}].functional", value=given)
        elif line.rate is not None:
            if line.rate <= 0:
                raise ValidationError("rate must be positive", field=f"lines[{i}].rate",
                                      value=line.rate)
            fn = _converted(minor, code, line.rate, functional, i)
        else:
            rate = entry.rates.get(code) if entry.rates else None
            if rate is None:
                rate = rate_lookup(code, entry.date)
            if rate is None:
                raise ValidationError(
                    f"no exchange rate from {code} to {functional} on {entry.date}; "
                    "pass rates= or record one with set_rate()",
                    field=f"lines[{i}].rate", value=None)
            fn = _converted(minor, code, rate, functional, i)
            shared = True
        if minor == 0 and fn == 0:
            raise ValidationError("amount must not be zero", field=f"lines[{i}].amount",
                                  value=amount)
        postings.append(Posting(acc.code, minor, code, fn,
                                _merge_dims(entry.dimensions, line.dimensions), line.memo))
        implicit.append(shared)
    out = _balance(postings, implicit, functional, trading_account)
    if len(out) > len(lines) and trading_account is not None:  # trading lines were added
        role_account(trading_account, "currency_trading", get_account, parents,
                     [p.currency for p in out[len(lines):]])
    return out


def _converted(minor: int, code: str, rate: Decimal, functional: str, i: int) -> int:
    """:func:`convert_minor` for line ``i``: a result beyond the storable range names it."""
    try:
        fn = convert_minor(minor, code, rate, functional)
    except ValidationError:
        fn = MAX_MINOR + 1
    if abs(fn) > MAX_MINOR:
        raise ValidationError("amount converted at this rate is too large",
                              field=f"lines[{i}].rate", value=rate)
    return fn


def _balance(
    postings: list[Posting], implicit: list[bool], functional: str, trading: str | None
) -> list[Posting]:
    if all(p.currency == functional for p in postings):
        total = sum(p.amount for p in postings)
        if total != 0:
            raise UnbalancedEntryError(
                "debits and credits differ", field=f"totals.{functional}",
                value=str(Money.from_minor(total, functional)))
        return postings
    groups: dict[str, list[int]] = {}
    for idx, p in enumerate(postings):
        groups.setdefault(p.currency, []).append(idx)
    sums = {c: sum(postings[i].amount for i in idxs) for c, idxs in groups.items()}
    # rounding residues of one shared rate inside a balanced foreign group
    for c, idxs in groups.items():
        if c == functional or sums[c] != 0 or not all(implicit[i] for i in idxs):
            continue
        residue = sum(postings[i].functional for i in idxs)
        if residue and abs(residue) <= len(idxs):
            big = max(idxs, key=lambda i: abs(postings[i].functional))
            p = postings[big]
            postings[big] = Posting(p.account, p.amount, p.currency, p.functional - residue,
                                    p.dimensions, p.memo)
    open_groups = [c for c, s in sums.items() if s != 0]
    total_fn = sum(p.functional for p in postings)
    if not open_groups:
        if total_fn != 0:
            raise UnbalancedEntryError(
                "balanced per currency but not in the functional currency; "
                "add an exchange gain or loss line",
                field=f"totals.{functional}", value=str(Money.from_minor(total_fn, functional)))
        fn_groups = [c for c, idxs in groups.items()
                     if sum(postings[i].functional for i in idxs) != 0]
        if not fn_groups:
            return postings
    else:
        if len(open_groups) < 2 or total_fn != 0:
            detail = ", ".join(
                f"{c} {Money.from_minor(sums[c], c).amount}" for c in sorted(open_groups))
            field = f"totals.{open_groups[0]}" if len(open_groups) == 1 else f"totals.{functional}"
            raise UnbalancedEntryError(
                f"debits and credits differ ({detail}"
                + (f"; functional off by {Money.from_minor(total_fn, functional).amount}"
                   if total_fn and len(open_groups) > 1 else "") + ")",
                field=field, value=detail)
    if trading is None:
        raise ValidationError(
            "an entry across currencies needs a currency-trading account; set the book role "
            "'currency_trading'", field="roles.currency_trading", value=None)
    for c, idxs in groups.items():
        amount = sum(postings[i].amount for i in idxs)
        fn = sum(postings[i].functional for i in idxs)
        if amount or fn:
            postings.append(Posting(trading, -amount, c, -fn))
    return postings


def deltas_for(
    postings: Iterable[Posting], day: date, pending: bool = False, sign: int = 1
) -> list[BalanceDelta]:
    """Balance deltas of ``postings``: account totals, plus one per dimension value.

    ``pending`` moves the pending columns instead of the posted ones; ``sign``
    -1 takes the amounts away again (releasing a hold).
    """
    out: list[BalanceDelta] = []
    for p in postings:
        amount = p.amount * sign
        dr = amount if amount > 0 else 0
        cr = -amount if amount < 0 else 0
        keys = [BalanceKey(p.account, p.currency)]
        for dim, val in p.dimensions:
            keys.append(BalanceKey(p.account, p.currency, dim, val))
        for key in keys:
            if pending:
                out.append(BalanceDelta(key, day, pending_debits=dr, pending_credits=cr))
            else:
                out.append(BalanceDelta(key, day, dr, cr, 0, 0, p.functional * sign))
    return out


def pending_deltas(postings: Sequence[Posting], day: date, sign: int) -> list[BalanceDelta]:
    """Deltas that reserve (``sign`` 1) or release (``sign`` -1) a hold's amounts."""
    out: list[BalanceDelta] = []
    for p in postings:
        dr = p.amount if p.amount > 0 else 0
        cr = -p.amount if p.amount < 0 else 0
        keys = [BalanceKey(p.account, p.currency)]
        keys.extend(BalanceKey(p.account, p.currency, d, v) for d, v in p.dimensions)
        for key in keys:
            out.append(BalanceDelta(key, day, pending_debits=dr * sign,
                                    pending_credits=cr * sign))
    return out


def check_limits(
    deltas: Sequence[BalanceDelta],
    accounts: Callable[[str], Account | None],
    current: Callable[[BalanceKey], Balance],
) -> None:
    """Refuse deltas that would break an account limit (pending amounts count)."""
    totals: dict[BalanceKey, list[int]] = {}
    for d in deltas:
        if d.key.dimension:
            continue
        acc = accounts(d.key.account)
        if acc is None or acc.limit is AccountLimit.NONE:
            continue
        row = totals.setdefault(d.key, [0, 0, 0, 0])
        row[0] += d.debits
        row[1] += d.credits
        row[2] += d.pending_debits
        row[3] += d.pending_credits
    for key, (dr, cr, pdr, pcr) in totals.items():
        acc = accounts(key.account)
        assert acc is not None
        b = current(key)
        debits = b.debits + dr + b.pending_debits + pdr
        credits = b.credits + cr + b.pending_credits + pcr
        if acc.limit is AccountLimit.DEBITS_MUST_NOT_EXCEED_CREDITS and debits > b.credits + cr:
            raise LimitExceededError(
                f"debits would exceed credits on {key.account} by "
                f"{Money.from_minor(debits - b.credits - cr, key.currency).amount} {key.currency}",
                field="account", value=key.account)
        if acc.limit is AccountLimit.CREDITS_MUST_NOT_EXCEED_DEBITS and credits > b.debits + dr:
            raise LimitExceededError(
                f"credits would exceed debits on {key.account} by "
                f"{Money.from_minor(credits - b.debits - dr, key.currency).amount} {key.currency}",
                field="account", value=key.account)
