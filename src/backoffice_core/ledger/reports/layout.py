"""Statement layout: rows and sections along the chart, and their text and HTML forms.

A section lists the accounts of its types under their parents; a parent
(header) shows the sum of its descendants in that section, so a chart that
mixes types under one parent still adds up.

Example:
    >>> from backoffice_core.ledger.accounts import Account
    >>> accs = [Account("4000", "Income", "income"), Account("4100", "Sales", "income", "4000")]
    >>> sec = _section("income", {AccountType.INCOME}, -1, accs, {"4100": [-500]}, 1, "USD")
    >>> [(r.code, r.header, r.amounts) for r in sec.rows]
    [('4000', True, (Decimal('5.00'),)), ('4100', False, (Decimal('5.00'),))]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.ledger.accounts import Account, AccountType
from backoffice_core.ledger.reports._base import (
    amount_text,
    html_table,
    label,
    major,
    tree_order,
)

__all__ = ["StatementRow", "StatementSection"]

@attrs.frozen(slots=True)
class StatementRow:
    """One line of a statement: an account, a header (parent) or a computed line.

    Attributes:
        code: the account code; ``None`` for a computed line (earnings not yet closed).
        name: the account's name (or the computed line's English label).
        level: depth in the chart (0 for a root account).
        header: True for a parent whose amounts sum its descendants.
        amounts: one exact amount per column, in the section's natural sign.

    Example:
        >>> from decimal import Decimal
        >>> StatementRow("4100", "Sales", 1, False, (Decimal("5.00"),)).amounts
        (Decimal('5.00'),)
    """

    code: str | None
    name: str
    level: int
    header: bool
    amounts: tuple[Decimal, ...]


@attrs.frozen(slots=True)
class StatementSection:
    """A statement section (``income``, ``expenses``, ``assets``, ``liabilities``, ``equity``).

    ``totals`` sums the leaf rows per column (headers are not counted twice).

    Example:
        >>> StatementSection("assets", (), ()).rows
        ()
    """

    key: str
    rows: tuple[StatementRow, ...]
    totals: tuple[Decimal, ...]



_TOTAL_LABELS = {"income": "Total income", "expenses": "Total expenses",
                 "assets": "Total assets", "liabilities": "Total liabilities",
                 "equity": "Total equity"}


def _rows(sections: Iterable[StatementSection], keys: list[str],
          extra: list[tuple[str, str, str, tuple[Decimal, ...]]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for sec in sections:
        for r in sec.rows:
            kind = "earnings" if r.code is None else ("header" if r.header else "account")
            out.append({"section": sec.key, "kind": kind, "code": r.code, "name": r.name,
                        "level": r.level, **dict(zip(keys, r.amounts, strict=True))})
        out.append({"section": sec.key, "kind": "total", "code": None,
                    "name": _TOTAL_LABELS[sec.key], "level": 0,
                    **dict(zip(keys, sec.totals, strict=True))})
    for section, kind, name, amounts in extra:
        out.append({"section": section, "kind": kind, "code": None, "name": name, "level": 0,
                    **dict(zip(keys, amounts, strict=True))})
    return out


def _cells(amounts: Sequence[Decimal], currency: str, locale: str) -> list[str]:
    return [amount_text(a, currency, locale) for a in amounts]


def _render_sections(sections: Iterable[StatementSection], currency: str, locale: str,
                     totals: dict[str, str]) -> list[list[str]]:
    lines: list[list[str]] = []
    for sec in sections:
        lines.append([label(sec.key, locale)] + [""] * len(sec.totals))
        for r in sec.rows:
            text = label("current_year_earnings", locale) if r.code is None \
                else f"{r.code} {r.name}"
            lines.append(["  " * (r.level + 1) + text] + _cells(r.amounts, currency, locale))
        lines.append([label(totals[sec.key], locale)] + _cells(sec.totals, currency, locale))
    return lines


def _html(caption: str, sections: Iterable[StatementSection], keys: list[str],
          extra: list[tuple[str, str, str, tuple[Decimal, ...]]]) -> str:
    rows: list[list[Any]] = []
    indent: list[int] = []
    for r in _rows(sections, keys, extra):
        rows.append([r["code"] or "", r["name"], *(r[k] for k in keys)])
        indent.append(r["level"] + 1 if r["kind"] in ("account", "header", "earnings") else 0)
    return html_table(caption, ["Code", "Account", *keys], rows, range(2, 2 + len(keys)),
                      indent)


def _section(key: str, types: set[AccountType], sign: int, accounts: list[Account],
             amounts: dict[str, list[int]], columns: int, currency: str) -> StatementSection:
    """Lay out one section along the chart; ``amounts`` are debit-positive minor units."""
    by_code = {a.code: a for a in accounts}
    zero = [0] * columns
    own = {code: [sign * v for v in vals] for code, vals in amounts.items()
           if code in by_code and by_code[code].type in types and any(vals)}
    shown: set[str] = set()
    for code in own:
        cursor: str | None = code
        while cursor is not None and cursor in by_code and cursor not in shown:
            shown.add(cursor)
            cursor = by_code[cursor].parent
    ordered = [(a, level) for a, level in tree_order(accounts) if a.code in shown]
    sums: dict[str, list[int]] = {}
    for acc, _ in reversed(ordered):  # children come after their parent in tree order
        total = list(own.get(acc.code, zero))
        sums[acc.code] = total
    for acc, _ in reversed(ordered):
        parent = acc.parent
        if parent in sums:
            sums[parent] = [a + b for a, b in zip(sums[parent], sums[acc.code], strict=True)]
    with_children = {a.parent for a, _ in ordered if a.parent in shown}
    rows = tuple(
        StatementRow(acc.code, acc.name, level, acc.code in with_children,
                     tuple(major(v, currency) for v in sums[acc.code]))
        for acc, level in ordered)
    totals = [0] * columns
    for vals in own.values():
        totals = [a + b for a, b in zip(totals, vals, strict=True)]
    return StatementSection(key, rows, tuple(major(v, currency) for v in totals))
