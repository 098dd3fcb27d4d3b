"""The ledger entries stock makes: cost outcomes summed per day and role, then posted.

The booking of a unit of work (:class:`~backoffice_core.inventory.booking.Booking`)
keeps a *journal*: for each (day, text, reference) of an entry to be, the amounts per
posting role in the book currency's minor units, the ``inventory`` role
(:data:`INVENTORY_ROLE`) on one side and the counterpart roles (``grni``, ``cogs``,
``inventory_loss``...) on the other. The bulk path sums its outcomes into one summary
entry a day; single moves get an entry each, labelled by their move. At the end of the
unit of work :func:`post_journal` turns each row into a balanced entry on the accounts
behind the roles.

Example:
    >>> from datetime import date
    >>> journal: dict[tuple[date, str, str], dict[str, int]] = {}
    >>> merge_daily(journal, {date(2026, 2, 2): {"cogs": 1250}})
    >>> journal
    {(datetime.date(2026, 2, 2), 'Stock moves (summary)', ''): {'inventory': -1250, 'cogs': 1250}}
    >>> posted = []
    >>> post_journal(journal, {"inventory": "1210", "cogs": "5100"}, 2, posted.append)
    >>> [(ln.account, ln.amount) for ln in posted[0].lines]
    [('1210', Decimal('-12.50')), ('5100', Decimal('12.50'))]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from backoffice_core.errors import BackofficeError, NotFoundError
from backoffice_core.inventory.valuation import CostRecord
from backoffice_core.ledger.entries import Line, NewEntry, kept_entry, line_amounts
from backoffice_core.ledger.posting import named_by_role
from backoffice_core.money import EXACT

__all__ = ["INVENTORY_ROLE", "Journal", "journal_records", "merge_daily", "post_journal"]

#: The posting role of the stock account itself.
INVENTORY_ROLE = "inventory"
_SUMMARY = "Stock moves (summary)"

#: (day, text, reference) -> posting role -> amount in minor units
Journal = dict[tuple[date, str, str], dict[str, int]]


def merge_daily(journal: Journal, daily: Mapping[date, Mapping[str, int]]) -> None:
    """Add the cost engine's sums per day and role (``daily``) to the summary rows."""
    for day, sums in daily.items():
        key = (day, _SUMMARY, "")
        row = journal.get(key)
        if row is None:
            row = journal[key] = {INVENTORY_ROLE: 0}
        row[INVENTORY_ROLE] -= sum(sums.values())  # the lines sum to minus the value
        for role, amount in sums.items():
            row[role] = row.get(role, 0) + amount


def journal_records(journal: Journal, records: list[CostRecord], bulk: bool,
                    labels: Mapping[str, tuple[str, str]]) -> None:
    """Add costed ``records`` to ``journal``: in ``bulk``, one summary row a day (the
    records come in date order); else a row per move, labelled by ``labels`` (event ->
    text, reference)."""
    if bulk:
        day = None
        row: dict[str, int] = {}
        value = 0
        for rec in records:
            lines = rec[13]
            if not lines:  # nothing moved in value (a zero-cost move)
                continue
            if rec[1] != day:
                if day is not None:
                    row[INVENTORY_ROLE] += value
                day, value = rec[1], 0
                key = (day, _SUMMARY, "")
                found = journal.get(key)
                if found is None:
                    found = journal[key] = {INVENTORY_ROLE: 0}
                row = found
            value += rec[12]
            for role, amount in lines:
                row[role] = row.get(role, 0) + amount
        if day is not None:
            row[INVENTORY_ROLE] += value
        return
    for rec in records:
        lines = rec.lines
        if not lines:  # nothing moved in value (a zero-cost move)
            continue
        text, ref = labels.get(rec.event) or (f"Stock valuation {rec.sku}", rec.event)
        key = (rec.day, text, ref)
        found = journal.get(key)
        if found is None:
            found = journal[key] = {INVENTORY_ROLE: 0}
        found[INVENTORY_ROLE] += rec.value
        for role, amount in lines:
            found[role] = found.get(role, 0) + amount


def post_journal(journal: Journal, roles: Mapping[str, str], digits: int,
                 post: Callable[[NewEntry], Any]) -> None:
    """Post every row of ``journal`` in date order through ``post``: its roles' amounts on
    their accounts (``roles``), in major units of ``digits`` decimals; a role the book
    does not set is a ``NotFoundError`` naming ``roles.<role>``, and so is the account of
    a role the ledger refuses (archived, gone, a parent)."""
    for (day, text, ref), amounts in sorted(journal.items(), key=lambda kv: kv[0][0]):
        by_account: dict[str, int] = {}
        for role, amount in amounts.items():
            if not amount:
                continue
            account = roles.get(role)
            if account is None:
                raise NotFoundError(f"posting role {role} is not set for this book; "
                                    "set it with ledger.set_role()",
                                    field=f"roles.{role}", value=None)
            by_account[account] = by_account.get(account, 0) + amount
        lines = [Line(acc, Decimal(part).scaleb(-digits, EXACT)) for acc, amount
                 in by_account.items() if amount for part in line_amounts(amount)]
        if len(lines) >= 2:
            try:
                # (the text is the moves': checked when made, or kept as an older
                # version wrote it: kept_entry)
                post(kept_entry(day, text, lines, reference=ref))
            except BackofficeError as err:  # an archived or missing account: its role
                named_by_role(err, lines, {r: roles[r] for r in amounts if r in roles})
                raise

