"""The year-end closing's lines for one account: every balance row taken back to zero.

An account's balance is kept as its total (the untagged row) and by each dimension's
values (a project, a department): a posted line tagged with a project and a department
counts in the total, in its project and in its department. The closing takes every row
back to zero, and each line it posts counts the same way. One line per value and the
total's rest on an untagged line gets the net figures right, but once a posted line
carries two dimensions the rest has the opposite sign of what it closes (a sale of 1,000
tagged P1 and D1 closed as +1,000 P1, +1,000 D1 and -1,000 untagged), and the account's
debit and credit totals both grow by the balance again.

:func:`closing_lines` combines the values of the dimensions on the lines instead (one
line tagged P1 and D1 closes both): each value is taken back by lines of the one sign
that closes it, and the total by as few debits and credits as the dimensions allow (a
dimension whose values need more debits than another's takes the difference untagged in
that dimension, both ways). Amounts matched across every dimension go first, each on
one line; the rest is paired in order of the values. The same is done for the
functional values, on the same lines where they fall together.

Example:
    >>> [(p.amount, p.dimensions) for p in closing_lines("4100", "USD", (-1000, -1000), {
    ...     "dept": {"D1": (-1000, -1000)}, "project": {"P1": (-1000, -1000)}})]
    [(1000, (('dept', 'D1'), ('project', 'P1')))]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from backoffice_core.ledger.entries import Posting

__all__ = ["closing_lines"]

#: a balance row's (net, functional) in minor units
Row = tuple[int, int]
_Key = tuple[tuple[str, str], ...]
_Part = tuple[str | None, int]  # a dimension's value (None: untagged in it) and amount


def closing_lines(account: str, currency: str, total: Row,
                  by_dimension: Mapping[str, Mapping[str, Row]]) -> list[Posting]:
    """The lines that take ``account``'s balance in ``currency`` back to zero: its
    ``total`` (net, functional) and every value's row of ``by_dimension`` (dimension ->
    value -> row), each row by lines of one sign where the rows allow it; untagged first,
    then by their tags.

    Example:
        >>> [(p.amount, p.dimensions) for p in closing_lines("4100", "USD", (-700, -700),
        ...     {"project": {"P1": (-400, -400)}})]
        [(300, ()), (400, (('project', 'P1'),))]
        >>> lines = closing_lines("4100", "USD", (-500, -500), {"dept": {"D1": (-200, -200)},
        ...     "project": {"P1": (-300, -300), "P2": (-200, -200)}})
        >>> [(p.amount, p.dimensions) for p in lines]
        [(200, (('dept', 'D1'), ('project', 'P2'))), (300, (('project', 'P1'),))]
    """
    dims = sorted(by_dimension)
    cells: dict[_Key, list[int]] = {}
    same = total[0] == total[1] and all(
        row[0] == row[1] for values in by_dimension.values() for row in values.values())
    for q in (0,) if same else (0, 1):
        parts = [{v: -row[q] for v, row in by_dimension[d].items()} for d in dims]
        for key, amount in _transport(-total[q], dims, parts):
            cell = cells.setdefault(key, [0, 0])
            cell[q] += amount
            if same:
                cell[1] += amount
    return [Posting(account, amount, currency, functional, key)
            for key, (amount, functional) in sorted(cells.items()) if amount or functional]


def _transport(target: int, dims: list[str], parts: list[dict[str, int]]
               ) -> list[tuple[_Key, int]]:
    """Lines summing to ``target`` whose amounts by each dimension's value are that
    dimension's ``parts`` (the rest untagged in it), the debits and the credits apart."""
    if not dims:
        return [((), target)] if target else []
    sides: list[list[list[_Part]]] = [[], []]  # debits, credits; per dimension
    for values in parts:
        items: list[_Part] = [(v, x) for v, x in sorted(values.items()) if x]
        rest = target - sum(x for _, x in items)
        if rest:
            items.append((None, rest))
        sides[0].append([(v, x) for v, x in items if x > 0])
        sides[1].append([(v, -x) for v, x in items if x < 0])
    # every dimension's debits less its credits make target: one with fewer debits than
    # another takes the difference as an untagged debit and credit
    most = max(sum(x for _, x in side) for side in sides[0])
    for debits, credits in zip(sides[0], sides[1], strict=True):
        extra = most - sum(x for _, x in debits)
        if extra:
            debits.append((None, extra))
            credits.append((None, extra))
    out: list[tuple[_Key, int]] = []
    for sign, side in ((1, sides[0]), (-1, sides[1])):
        for tags, amount in _match(side):
            key = tuple((d, v) for d, v in zip(dims, tags, strict=True) if v is not None)
            out.append((key, sign * amount))
    return out


def _match(queues: list[list[_Part]]) -> list[tuple[tuple[str | None, ...], int]]:
    """Cut the dimensions' parts (each list the same sum) into lines: an amount every
    dimension holds a part of goes on one line first, the rest in order."""
    out: list[tuple[tuple[str | None, ...], int]] = []
    pools: list[dict[int, deque[int]]] = []  # per other dimension: amount -> its parts
    for q in queues[1:]:
        pool: dict[int, deque[int]] = {}
        for at, (_, x) in enumerate(q):
            pool.setdefault(x, deque()).append(at)
        pools.append(pool)
    used: list[set[int]] = [set() for _ in queues]
    for i, (value, amount) in enumerate(queues[0]):
        if all(pool.get(amount) for pool in pools):
            picks = [pool[amount].popleft() for pool in pools]
            for taken, at in zip(used, [i, *picks], strict=True):
                taken.add(at)
            out.append(((value, *(q[at][0] for q, at in zip(queues[1:], picks, strict=True))),
                        amount))
    rest = [deque(p for at, p in enumerate(q) if at not in taken)
            for q, taken in zip(queues, used, strict=True)]
    while rest[0]:
        amount = min(head[0][1] for head in rest)
        out.append((tuple(head[0][0] for head in rest), amount))
        for head in rest:
            value, left = head[0]
            if left == amount:
                head.popleft()
            else:
                head[0] = (value, left - amount)
    return out
