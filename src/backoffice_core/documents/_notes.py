"""What a credit note (or debit note) holds: one rule for drafting and issuing (internal).

:func:`note_content` is what a correction of an issued invoice (or bill) holds for a
request (quantities, new prices, or everything left to credit), given the corrections
made before it and the cash discount booked on the invoice then: the note gives back
its share of a discount booked (:func:`.discounts.reversal_allowances`).

A note drafted before the discount was booked and issued after it would miss that share
and credit the full price: more than the customer paid, correcting the VAT of the
discount twice. So issuing refreshes such a draft (:func:`refreshed`, called by
:func:`._rules.check_issuable`): a draft that holds what its request made without the
discount is issued with what the same request makes now, so drafting first leaves the
books exactly as issuing at once would. A draft that gives back a share follows its
lines: issuing recomputes the share from the lines it issues (:func:`given_back`, the rule
drafting uses), so a draft edited to fewer units or a lower price gives back the share of
what it credits, not of what it was drafted for; the user's own allowances stay. A draft
without a share edited once the discount was booked (the user saw it) is issued as
edited: the over-credit rule at issue has its say. The invoice's document-level allowances and
charges a note copies (:func:`.conversions.derive_allowances`; :func:`_copies` tells them
from the user's own: equal to one of the invoice's) follow its lines the same way: a note
for the last units edited to fewer is issued without the fixed amounts of the whole
invoice, as a fresh note for those units would be. Issuing records a refresh in the
trail (:func:`trailed`): the issued note differs from its last draft version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.documents._crediting import left_to_credit, remainder
from backoffice_core.documents._work import Work
from backoffice_core.documents.conversions import (
    converted_quantities,
    derive_allowances,
    derive_lines,
    still_to_convert,
)
from backoffice_core.documents.discounts import (
    DiscountPart,
    booked_parts,
    is_discount_reversal,
    reversal_allowances,
)
from backoffice_core.documents.lifecycle import rules_for
from backoffice_core.documents.lines import AllowanceCharge, DocumentLine
from backoffice_core.documents.model import Direction, Document, DocumentState, Transition
from backoffice_core.documents.postings import line_account
from backoffice_core.documents.rounding import DocumentRounding
from backoffice_core.documents.totals import compute_totals
from backoffice_core.errors import BackofficeError, ValidationError
from backoffice_core.money import to_decimal

__all__ = ["booked", "given_back", "note_content", "refreshed", "trailed"]

_S = DocumentState
Content = tuple[tuple[DocumentLine, ...], tuple[AllowanceCharge, ...], DocumentRounding]


def booked(w: Work, original: Document, corrections: Sequence[Document]
           ) -> tuple[tuple[DiscountPart, ...], dict[tuple[str, Decimal], Decimal]]:
    """The parts of the cash discount booked on ``original`` (:func:`.discounts.booked_parts`,
    given its ``corrections``) and their gross per VAT group: what the party did not pay,
    so what is left to credit is that much less (:mod:`._crediting`)."""
    live = [d for d in corrections if d.state is not _S.CANCELLED and d.state.is_issued]
    parts = booked_parts(original, w.repo.find_allocations(original.id), live)
    return parts, {(p.category.value, p.rate): p.gross.amount for p in parts}


def given_back(w: Work, original: Document, parts: Sequence[DiscountPart],
               live: Sequence[Document], lines: Sequence[DocumentLine],
               acs: Sequence[AllowanceCharge], *, last: bool) -> tuple[AllowanceCharge, ...]:
    """The share of the cash discount booked on ``original`` (``parts``) a correction of
    it holding ``lines`` and ``acs`` (without any share) gives back, after the ``live``
    corrections (:func:`.discounts.reversal_allowances`; all that is left when ``last``)."""
    made = compute_totals(lines, original.currency, allowances_charges=acs,
                          rounding=original.rounding)
    return reversal_allowances(original, parts, live, made, w.roles, last=last)


def _repriced(original: Document, prices: Any, quantities: Mapping[str, Any] | None,
              remaining: Mapping[str, Decimal],
              account_of: Callable[[DocumentLine], str | None]) -> tuple[DocumentLine, ...]:
    """The lines of a price correction: per line id of ``prices`` (its new unit price),
    the line for the quantity not yet credited (or its ``quantities``) at the price
    difference, with its percentage allowances. A line without a source (so it gives
    no goods back and leaves the quantities to credit alone) posting to ``account_of``
    the original line: where the line's price difference posted. It keeps the id of
    the line it corrects: that, with the note's ``corrects``, is its link to that line
    (the three-way match lowers the billed value of the line's order line with it;
    docs/decisions.md, "A price correction keeps the id of the line it corrects")."""
    if not isinstance(prices, Mapping) or not prices:
        raise ValidationError("prices map line ids to their new, lower unit prices",
                              field="prices", value=prices)
    if quantities is not None and not isinstance(quantities, Mapping):
        raise ValidationError("quantities map line ids to quantities", field="quantities",
                              value=quantities)
    by_id = {ln.id: ln for ln in original.lines}
    wanted: dict[str, Any] = {}
    lower: dict[str, Decimal] = {}
    for lid, raw in prices.items():
        ln = by_id.get(lid) if isinstance(lid, str) else None
        if ln is None:
            raise ValidationError("no such line in the source document", field="prices",
                                  value=lid)
        field = f"prices.{lid}"
        lower[lid] = new = to_decimal(raw, field=field)
        if ln.quantity <= 0 or not 0 <= new < ln.price:
            raise ValidationError(f"a correction lowers the price {ln.price} of a line "
                                  "billed or invoiced; a higher one is a new bill or invoice",
                                  field=field, value=raw)
        if quantities is not None and lid in quantities:
            wanted[lid] = quantities[lid]
        elif still_to_convert(ln.quantity, remaining[lid]):
            wanted[lid] = remaining[lid]
        else:
            raise ValidationError("nothing of this line is left to correct (credited in "
                                  "full)", field=field, value=raw)
    out = []
    for base in derive_lines(original, wanted, remaining):
        assert base.source is not None
        if base.source.line_id not in lower:  # a line a partial conversion picks up
            continue
        ln, new = by_id[base.source.line_id], lower[base.source.line_id]
        out.append(attrs.evolve(
            base, id=ln.id, unit_price=ln.price - new, source=None, account=account_of(ln),
            allowances_charges=tuple(ac for ac in base.allowances_charges
                                     if ac.percent is not None),
            note=f"Price of {original.number} line {ln.id} lowered from {ln.price} to {new}"))
    return tuple(out)


def _takes_the_rest(original: Document, remaining: Mapping[str, Decimal],
                    lines: Sequence[DocumentLine]) -> bool:
    """Whether ``lines`` take every quantity of ``original`` still to credit."""
    taken: dict[str, Decimal] = {}
    for ln in lines:
        if ln.source is not None and ln.source.document_id == original.id:
            taken[ln.source.line_id] = taken.get(ln.source.line_id, Decimal(0)) + ln.quantity
    return not any(still_to_convert(ln.quantity, remaining.get(ln.id, Decimal(0))
                                    - taken.get(ln.id, Decimal(0))) for ln in original.lines)


def note_content(w: Work, original: Document, quantities: Mapping[str, Any] | None,
                 prices: Any = None, *, drafts_count: bool = True, but: str = "",
                 discount: bool = True) -> Content:
    """The lines, allowances and rounding of a correction of ``original`` for a request
    (see ``correction_draft``), counting the corrections made before it (the drafts too
    when ``drafts_count``; never the document ``but``) and, when ``discount``, the cash
    discount booked on ``original``."""
    target = rules_for(original.type).correction
    assert target is not None
    earlier = [d for d in w.made_from(original, target, drafts_count=drafts_count)
               if d.id != but]
    taken = converted_quantities(original, earlier, target, w.in_item_units)
    remaining = {ln.id: ln.quantity - taken[ln.id] for ln in original.lines}
    live = [d for d in earlier if d.state is not _S.CANCELLED]
    # a cash discount booked: the note gives back its share of it (.discounts)
    parts, discounted = booked(w, original, live) if discount else ((), {})
    rounding = original.rounding
    purchase = original.direction is Direction.PURCHASE
    by_id = {ln.id: ln for ln in original.lines}
    received = w.received_lines(original) if purchase else set()

    def account_of(ln: DocumentLine) -> str | None:  # where a correction of ``ln`` posts
        return line_account(original, ln, w.roles, received) if purchase else ln.account

    def balance_of(ln: DocumentLine) -> str | None:  # where a balancing line posts
        # A received line's goods go back to GRNI at their receipt value by quantity;
        # a balancing line is an amount of no goods: a price difference, as the rest of
        # the line's bill price (docs/documents.md "Design notes")
        account = account_of(ln)
        if purchase and account == w.roles.get("grni") and w.roles.get("price_variance") \
                and ln.source is not None \
                and (ln.source.document_id, ln.source.line_id) in received:
            return w.roles["price_variance"]
        return account

    acs: tuple[AllowanceCharge, ...] = ()
    if prices is not None:  # a lower price: an amount of no goods, as a balancing line
        lines = _repriced(original, prices, quantities, remaining, balance_of)
        acs = given_back(w, original, parts, live, lines, (), last=False)
    elif quantities is None and (live or parts):  # all that is left: an amount (._crediting)
        if left_to_credit(original, live, discounted).amount <= 0:
            raise ValidationError("nothing left to credit", field="quantities", value=None)
        by_quantity = derive_lines(original, None, remaining) if any(
            still_to_convert(ln.quantity, remaining[ln.id]) for ln in original.lines) else ()
        derived = derive_allowances(original, remaining, by_quantity)
        lines, acs, rounding = remainder(
            original, live, by_quantity, derived, balance_of, discounted=discounted,
            kept=given_back(w, original, parts, live, by_quantity, derived, last=True)
            if by_quantity else ())
    else:
        lines = derive_lines(original, quantities, remaining)
        acs = derive_allowances(original, remaining, lines)
        if parts:
            acs += given_back(w, original, parts, live, lines, acs,
                          last=_takes_the_rest(original, remaining, lines))
    if purchase:  # mirror the accounts the bill posted to
        lines = tuple(ln if ln.account or ln.source is None else attrs.evolve(
            ln, account=account_of(by_id[ln.source.line_id])) for ln in lines)
    return lines, acs, rounding


def _requests(original: Document, doc: Document
              ) -> list[tuple[dict[str, Decimal] | None, dict[str, Decimal] | None]]:
    """The requests (quantities, prices) that may have drafted ``doc``: everything left,
    the quantities its lines take, or the prices its price lines lower."""
    taken: dict[str, Decimal] = {}
    priced: dict[str, Decimal] = {}
    counts: dict[str, Decimal] = {}
    by_id = {ln.id: ln for ln in original.lines}
    for ln in doc.lines:
        if ln.source is not None and ln.source.document_id == original.id:
            taken[ln.source.line_id] = taken.get(ln.source.line_id, Decimal(0)) + ln.quantity
        elif ln.source is None and ln.id in by_id:
            priced[ln.id] = by_id[ln.id].price - ln.price
            counts[ln.id] = ln.quantity
    out: list[tuple[dict[str, Decimal] | None, dict[str, Decimal] | None]] = [(None, None)]
    if taken:
        out.append((taken, None))
    if priced:
        out.append((counts, priced))
    return out


def _copies(original: Document, doc: Document) -> list[AllowanceCharge]:
    """The allowances and charges of ``doc`` copied from ``original`` (drafting copies them
    as they are, :func:`.conversions.derive_allowances`, on a note taking quantities of
    it; a price correction copies none): each equal to one of its own, taken once per
    time ``original`` holds it; the rest are the user's own."""
    if not any(ln.source is not None and ln.source.document_id == original.id
               for ln in doc.lines):
        return []
    acs, left = doc.allowances_charges, list(original.allowances_charges)
    out = []
    for ac in acs:
        if ac in left and not is_discount_reversal(ac):
            left.remove(ac)
            out.append(ac)
    return out


def _follows(w: Work, original: Document, doc: Document, *, share: bool) -> Document:
    """``doc`` (a correction of ``original``) with what its lines take now, by the rules
    drafting uses (:func:`note_content`): the allowances and charges it copies from
    ``original`` (:func:`_copies`) recomputed from its lines
    (:func:`.conversions.derive_allowances`), and when ``share`` its share of the cash
    discount; the user's own allowances kept."""
    copied = _copies(original, doc)
    if not copied and not share:
        return doc
    earlier = [d for d in w.made_from(original, doc.type) if d.id != doc.id]
    taken = converted_quantities(original, earlier, doc.type, w.in_item_units)
    remaining = {ln.id: ln.quantity - taken[ln.id] for ln in original.lines}
    live = [d for d in earlier if d.state is not _S.CANCELLED]
    own = tuple(ac for ac in doc.allowances_charges if not is_discount_reversal(ac))
    derived = derive_allowances(original, remaining, doc.lines) if copied else ()
    if list(derived) != copied:  # the copies follow the lines (the user's own stay)
        mine = list(own)
        for ac in copied:
            mine.remove(ac)
        own = (*derived, *mine)
    if not share:
        return doc if own == doc.allowances_charges \
            else attrs.evolve(doc, allowances_charges=own)
    parts, _ = booked(w, original, live)
    acs = own + given_back(w, original, parts, live, doc.lines, own,
                           last=_takes_the_rest(original, remaining, doc.lines))
    return doc if acs == doc.allowances_charges else attrs.evolve(doc, allowances_charges=acs)


def refreshed(w: Work, doc: Document) -> Document:
    """``doc`` as issuing it now should have it: a correction that gives back a share of
    the cash discount booked on what it corrects, with the share its lines give back now
    (its other allowances kept); one that gives back none, holding what its request made
    without the discount (as drafted, or last edited before the discount was booked),
    with what the request makes now (its share given back); any other document as it is."""
    ref = doc.corrects
    if ref is None:
        return doc
    original = w.repo.get_document(ref.document_id)
    if original is None or original.state not in (_S.ISSUED, _S.PARTIALLY_PAID, _S.PAID) \
            or rules_for(original.type).correction is not doc.type \
            or original.currency != doc.currency or original.party_id != doc.party_id:
        return doc
    if any(is_discount_reversal(ac) for ac in doc.allowances_charges):
        return _follows(w, original, doc, share=True)  # the share follows the lines
    taken = next((a for a in w.repo.find_allocations(original.id)
                  if a.is_cash_discount and a.debit_id == original.id), None)
    edits = [t.at for t in doc.history if t.action == "edit"]
    if taken is None or (edits and (taken.recorded_at is None
                                    or max(edits) >= taken.recorded_at)):
        # no discount; or a draft edited knowing it: as the user left it, its copies
        return _follows(w, original, doc, share=False)  # of allowances following its lines
    held = (doc.lines, doc.allowances_charges, doc.rounding)
    for quantities, prices in _requests(original, doc):
        try:
            then = note_content(w, original, quantities, prices, but=doc.id, discount=False)
            same = attrs.evolve(doc, lines=then[0], allowances_charges=then[1],
                                rounding=then[2])
            if (same.lines, same.allowances_charges, same.rounding) != held:
                continue
            lines, acs, rounding = note_content(w, original, quantities, prices, but=doc.id)
        except BackofficeError:  # not this request: the over-credit rule has its say
            continue
        if any(is_discount_reversal(ac) for ac in acs):  # else nothing to give back
            return attrs.evolve(doc, lines=lines, allowances_charges=acs, rounding=rounding)
        break
    return _follows(w, original, doc, share=False)


def trailed(old: Document, new: Document, *, user: str, at: Any) -> Document:
    """``new`` (``old`` as :func:`refreshed` has it) with a ``refresh`` entry in its trail,
    by ``user`` (who issues it), naming the allowances and charges it copies from the
    corrected document when they changed, and per VAT group the share of the cash
    discount it gives back (when it gives back one, or did); ``old`` itself when it
    stays as it is."""
    if new is old:
        return old
    ref = old.corrects
    what = ref.number if ref is not None and ref.number else "the corrected document"
    said = []
    before, after = ([ac for ac in d.allowances_charges if not is_discount_reversal(ac)]
                     for d in (old, new))
    if before != after:
        held = ", ".join(f"{'charge' if ac.is_charge else 'allowance'} "
                         f"{ac.reason or ac.reason_code or '-'} "
                         f"{ac.amount if ac.percent is None else f'{ac.percent}%'}"
                         for ac in after) or "none"
        said.append(f"allowances and charges of {what} for these lines: {held}")
    if any(is_discount_reversal(ac) for d in (old, new) for ac in d.allowances_charges):
        given = ", ".join(f"{ac.tax.category.code} {ac.tax.rate}% {ac.amount}"
                          for ac in new.allowances_charges
                          if is_discount_reversal(ac) and ac.tax is not None) or "none"
        said.append(f"cash discount of {what} given back: {given}")
    record = Transition(at, user, "refresh", old.state, old.state, "; ".join(said))
    return attrs.evolve(new, history=(*old.history, record), version=old.version + 1)
