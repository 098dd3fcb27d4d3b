"""What an invoice (or bill) has left to credit, one notion for every path (internal).

What is left to credit is an amount: what the invoice put on the party's account
(``to_settle``, BT-112 + BT-114) less what its live corrections took, per VAT
group. The over-credit rule at issue (:func:`._rules.check_issuable`), a credit
note for "everything not yet credited" and the credit note a cancellation issues
all read it here, so they cannot disagree: whatever the corrections hold (lines
credited by quantity, free lines, other prices, allowances), an issued invoice can
always be credited in full, and never beyond it.

A correction for what is left takes the invoice's lines for the quantities not yet
credited (the usual case, and exactly what is left when the earlier corrections
were made by quantity). When those lines do not come to what is left, each VAT
group gets a balancing line, priced gross of tax, for the difference: the note
then totals exactly what is left, per group. A balancing line posts where its group
posted: to the account of the invoice's largest line of that group (by net amount; the
first on a tie), as a correction of that line would (``account_of``).

A cash discount booked on the invoice (``discounted``: its gross per VAT group) is
what the party did not pay: what is left to credit is that much less, so a note
never gives back more than was paid, nor corrects the VAT of the discount twice.
A correction gives back its share of the discount with allowances that post where
the discount did (:func:`.discounts.reversal_allowances`), which ``remainder`` keeps
(``kept``) whatever it balances.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal

from backoffice_core.documents.lines import AllowanceCharge, DocumentLine, line
from backoffice_core.documents.model import Document, DocumentState
from backoffice_core.documents.rounding import DocumentRounding
from backoffice_core.documents.taxes import Tax
from backoffice_core.documents.totals import Totals, compute_totals
from backoffice_core.money import Money

__all__ = ["credited", "left_by_group", "left_to_credit", "remainder"]

_Key = tuple[str, Decimal]
_ZERO = Decimal(0)


def _live(original: Document, corrections: Iterable[Document]) -> list[Document]:
    """The corrections that count: not cancelled, in the invoice's currency, with totals."""
    return [c for c in corrections if c.id != original.id and c.totals is not None
            and c.state is not DocumentState.CANCELLED and c.currency == original.currency]


def credited(original: Document, corrections: Iterable[Document]) -> Money:
    """What the live ``corrections`` of ``original`` credit together (``to_settle``)."""
    total = Money(0, original.currency)
    for c in _live(original, corrections):
        assert c.totals is not None
        total += c.totals.to_settle
    return total


def left_to_credit(original: Document, corrections: Iterable[Document],
                   discounted: Mapping[_Key, Decimal] | None = None) -> Money:
    """What ``original`` has left to credit after ``corrections`` and the cash discount
    booked on it (``discounted``, gross per VAT group; negative: credited beyond it,
    within the rounding of partial corrections)."""
    assert original.totals is not None
    taken = sum((discounted or {}).values(), _ZERO)
    return original.totals.to_settle - credited(original, corrections) - Money(
        taken, original.currency)


def _gross(totals: Totals) -> dict[_Key, Decimal]:
    return {row.key: row.taxable.amount + row.tax.amount for row in totals.breakdown}


def left_by_group(original: Document, corrections: Iterable[Document], *,
                  cash_rounding: bool = True,
                  discounted: Mapping[_Key, Decimal] | None = None) -> dict[_Key, Decimal]:
    """Per VAT group, the gross (taxable + VAT) ``original`` has left to credit, less
    the cash discount booked on it (``discounted``, gross per group); the cash rounding
    (BT-114) left is put on the first group, so the groups add up to
    :func:`left_to_credit`. Without ``cash_rounding`` the groups add up to the
    tax-inclusive totals (BT-112) left: what a cash discount is a percentage of
    (:func:`.discounts.earned_discount`)."""
    assert original.totals is not None
    left = _gross(original.totals)
    for key, gross in (discounted or {}).items():
        left[key] = left.get(key, _ZERO) - gross
    cash = original.totals.rounding.amount
    for c in _live(original, corrections):
        assert c.totals is not None
        for key, gross in _gross(c.totals).items():
            left[key] = left.get(key, _ZERO) - gross
        cash -= c.totals.rounding.amount
    if cash_rounding and cash and left:
        first = next(iter(left))
        left[first] += cash
    return left


def _taxes(docs: Iterable[Document]) -> dict[_Key, Tax]:
    out: dict[_Key, Tax] = {}
    for d in docs:
        for tax in [ln.tax for ln in d.lines] + [ac.tax for ac in d.allowances_charges
                                                  if ac.tax is not None]:
            out.setdefault(tax.key, tax)
    return out


def _largest(original: Document) -> dict[_Key, DocumentLine]:
    """Per VAT group, the line of ``original`` with the largest net (first on a tie)."""
    assert original.totals is not None
    out: dict[_Key, tuple[Decimal, DocumentLine]] = {}
    for ln, net in zip(original.lines, original.totals.line_nets, strict=True):
        size = abs(net.amount)
        if ln.tax.key not in out or size > out[ln.tax.key][0]:
            out[ln.tax.key] = (size, ln)
    return {key: ln for key, (_, ln) in out.items()}


def remainder(original: Document, corrections: Sequence[Document],
              lines: Sequence[DocumentLine], acs: Sequence[AllowanceCharge],
              account_of: Callable[[DocumentLine], str | None] = lambda ln: ln.account, *,
              kept: Sequence[AllowanceCharge] = (),
              discounted: Mapping[_Key, Decimal] | None = None,
              ) -> tuple[tuple[DocumentLine, ...], tuple[AllowanceCharge, ...],
                         DocumentRounding]:
    """The lines, allowances and rounding of a correction for all ``original`` has left
    to credit after ``corrections`` and the cash discount booked (``discounted``):
    ``lines`` and ``acs`` (the invoice's lines for the quantities left) with ``kept``
    (the discount's share given back) when they come to exactly that, per VAT group;
    else ``lines`` and ``kept`` with a balancing line per group that differs. A
    balancing line takes ``account_of`` the group's largest line of ``original``
    (``None``: the correction's default account), so it posts where the group's lines
    posted."""
    rounding = original.rounding
    want = {k: v for k, v in left_by_group(original, corrections,
                                           discounted=discounted).items() if v}
    made = compute_totals(lines, original.currency, allowances_charges=[*acs, *kept],
                          rounding=rounding)
    if not made.rounding.amount and {k: v for k, v in _gross(made).items() if v} == want:
        return tuple(lines), (*acs, *kept), rounding
    if rounding.cash_increment is not None:  # the cash rounding left is in ``want``
        rounding = DocumentRounding(scope=rounding.scope, mode=rounding.mode)
    got = _gross(compute_totals(lines, original.currency, allowances_charges=kept,
                                rounding=rounding))
    taxes = _taxes([original, *corrections])
    numbers = ", ".join(c.number for c in _live(original, corrections) if c.number)
    text = f"Balance of {original.number} left to credit" + (
        f" after {numbers}" if numbers else "")
    out = list(lines)
    largest = _largest(original)
    for key in sorted(set(want) | set(got)):
        delta = want.get(key, _ZERO) - got.get(key, _ZERO)
        if delta:
            account = account_of(largest[key]) if key in largest else None
            out.append(line(text, 1 if delta > 0 else -1, abs(delta), taxes[key],
                            price_includes_tax=True, account=account))
    return tuple(out), tuple(kept), rounding
