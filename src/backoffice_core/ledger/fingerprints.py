"""Idempotency fingerprints: what an entry sent with a key is compared by on a retry.

Posting the same idempotency key twice with the same content returns the first entry;
the same key with other content is a conflict. The content is the entry *as the caller
sent it* (:func:`lines_text`): its date, description, reference, lines and explicit
rates, not what the rate table makes of them on the day, so a retry after that day's
rate changed still replays. Entries the ledger derives from stored ones (a reversal's
mirror, a hold's part) are fingerprinted by their postings (:func:`fingerprint`).

Example:
    >>> from backoffice_core.ledger.entries import credit, debit
    >>> e = NewEntry(date(2026, 1, 5), "Sale", [debit("1110", "5"), credit("4100", "5")],
    ...              idempotency_key="sale-1")
    >>> len(entry_fingerprint(e, "USD"))
    32
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from hashlib import sha256

from backoffice_core.errors import BackofficeError
from backoffice_core.ledger.entries import (
    NewEntry,
    Posting,
    postings_text,
    tags_text,
)
from backoffice_core.money import EXACT, Money, currency_code, to_minor

__all__ = ["entry_fingerprint", "fingerprint", "lines_text", "rate_text"]


def fingerprint(
    entry_date: date, description: str, reference: str, postings: Sequence[Posting] | str,
    extra: str = "",
) -> str:
    """Hash of what the caller asked for; same key + different fingerprint is a conflict.

    ``postings`` is the canonical text of the lines (:func:`lines_text` for an entry a
    caller sent), or postings the ledger derived from stored entries (a reversal's
    mirror, a hold's part), hashed by their :func:`postings_text`.
    """
    text = postings if isinstance(postings, str) else postings_text(postings)
    body = "\x1f".join((entry_date.isoformat(), description, reference, extra, text))
    return sha256(body.encode()).hexdigest()[:32]


def rate_text(rate: Decimal) -> str:
    """A rate's canonical text: one text per value (``1.10`` is ``1.1``, ``100`` is ``1E+2``).

    Example:
        >>> rate_text(Decimal("1.0850")), rate_text(Decimal("1.085")), rate_text(Decimal("100"))
        ('1.085', '1.085', '1E+2')
    """
    try:
        return str(rate.normalize(EXACT))
    except ArithmeticError:  # beyond any rate a conversion takes: as given
        return str(rate)


def lines_text(entry: NewEntry, functional: str,
               postings: Sequence[Posting] | None = None) -> str | None:
    """Canonical text of the lines a caller sent in ``entry``: what its idempotency
    fingerprint covers. ``None`` when a line is one the posting rules refuse (they name it).

    One field per line as :func:`postings_text` writes a posting: the account, the amount
    in minor units of its currency, the currency, the functional value *as given*, the
    dimensions (the entry's merged with the line's) and the memo; then, after ``\\x1d``,
    the entry's ``rates``. The functional value as given is the amount itself for a line in
    the functional currency, ``=minor`` for a line's ``functional``, ``@rate`` for a line's
    ``rate`` (:func:`rate_text`), and empty for a line the entry's ``rates`` or the book's
    rate table convert: what the table says of the day is not part of the request, and nor
    are the currency-trading lines the ledger adds. So an entry of functional-currency lines
    reads exactly as its postings do (the text its fingerprint always covered, and the one
    the bulk path computes anyway), and a retry of a foreign entry after the day's rate
    changed is the same content.

    ``postings``, when given, are what the posting rules made of ``entry`` (its lines, in
    order, then any trading lines): the amounts, currencies and merged dimensions are read
    from them instead of worked out again from the lines (a test holds both ways equal).

    Example:
        >>> from backoffice_core.ledger.entries import Line, credit, debit
        >>> e = NewEntry(date(2026, 1, 5), "Sale", [Line("1130", Money("10.00", "EUR")),
        ...              credit("4100", "11.00", project="P1")], rates={"EUR": "1.10"})
        >>> lines_text(e, "USD").split("\\x1e")
        ['1130:1000:EUR:::', '4100:-1100:USD:-1100:project=P1:\\x1dEUR=1.1']
        >>> plain = NewEntry(date(2026, 1, 5), "Sale", [debit("1110", "5"), credit("4100", "5")])
        >>> lines_text(plain, "USD") == "1110:500:USD:500::\\x1e4100:-500:USD:-500::"
        True
    """
    out = []
    if postings is not None:
        # the lines' postings come first, in order; the trading lines after them are left out
        for line, (account, minor, code, value, dims, memo) in zip(entry.lines, postings,
                                                                   strict=False):
            as_given = (str(value) if code == functional else
                        f"={value}" if line.functional is not None else
                        f"@{rate_text(line.rate)}" if line.rate is not None else "")
            out.append(f"{account}:{minor}:{code}:{as_given}:"
                       f"{tags_text(dims) if dims else ''}:{memo}")
        return _with_rates("\x1e".join(out), entry)
    edims = entry.dimensions
    try:
        for line in entry.lines:
            amount = line.amount
            if isinstance(amount, Money):
                code = amount.code
                if line.currency is not None and currency_code(line.currency) != code:
                    return None
            else:
                code = functional if line.currency is None else currency_code(line.currency)
                if not amount.is_finite() or (amount and amount.adjusted() > 18):
                    return None  # (a huge exponent is never scaled here: the rules name it)
                amount = Money(amount, code)
            minor = to_minor(amount)
            given = line.functional
            if given is not None and given.code != functional:
                return None
            if code == functional:
                if given is not None and to_minor(given) != minor:
                    return None
                fn = str(minor)
            elif given is not None:
                fn = f"={to_minor(given)}"
            elif line.rate is not None:
                fn = f"@{rate_text(line.rate)}"
            else:
                fn = ""  # converted by the entry's rates or the book's rate table
            dims = line.dimensions
            if edims:
                merged = dict(edims)
                merged.update(dims)
                dims = tuple(sorted(merged.items()))
            out.append(f"{line.account}:{minor}:{code}:{fn}:"
                       f"{tags_text(dims) if dims else ''}:{line.memo}")
    except (BackofficeError, ArithmeticError, AttributeError, TypeError, ValueError):
        return None
    return _with_rates("\x1e".join(out), entry)


def _with_rates(text: str, entry: NewEntry) -> str:
    if not entry.rates:
        return text
    return text + "\x1d" + ",".join(f"{c}={rate_text(r)}" for c, r in sorted(entry.rates.items()))


def entry_fingerprint(entry: NewEntry, functional: str, extra: str = "",
                      postings: Sequence[Posting] | None = None) -> str | None:
    """The idempotency fingerprint of what a caller sent (:func:`lines_text` with the date,
    description and reference); ``None`` for an entry the posting rules refuse.
    ``postings``: what the rules made of it, when at hand (see :func:`lines_text`).

    Fingerprints stored before it covered the lines as sent were taken over the converted
    postings (:func:`fingerprint` of them): equal for an entry of functional-currency
    lines; a foreign entry's is still compared that way when this one differs.
    """
    if type(entry.date) is not date:
        return None
    text = lines_text(entry, functional, postings)
    if text is None:
        return None
    return fingerprint(entry.date, entry.description, entry.reference, text, extra)
