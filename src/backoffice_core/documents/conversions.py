"""Conversions that keep the chain, and the three-way match of purchases.

Sales: quote -> order -> one or several (partial) invoices, or order ->
delivery notes -> invoices. Purchases: purchase order -> goods receipts ->
bills. Corrections: invoice -> credit note, bill -> debit note. Every derived
line points at its source line (:class:`~backoffice_core.documents.lines.LineRef`),
and the derived document references its source, so what is left to convert
is always known: the source quantity minus what live (not cancelled) derived
documents of the same type already took.

The three-way match compares, per purchase order line, the ordered, received
and billed quantities and the ordered and billed prices, and flags what goes
beyond the book's :class:`~backoffice_core.documents.settings.MatchTolerance`.

Example:
    >>> CONVERSIONS[DocumentType.QUOTE]
    (<DocumentType.SALES_ORDER: 'sales_order'>, <DocumentType.SALES_INVOICE: 'sales_invoice'>)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.documents.lines import AllowanceCharge, DocumentLine, LineRef
from backoffice_core.documents.model import Document, DocumentState, DocumentType
from backoffice_core.documents.settings import MatchTolerance
from backoffice_core.errors import ValidationError
from backoffice_core.exact import plain
from backoffice_core.money import QUOTIENT, exactly, to_decimal

__all__ = [
    "CONVERSIONS",
    "MatchLine",
    "MatchReport",
    "converted_quantities",
    "counted_with",
    "derive_allowances",
    "derive_lines",
    "still_to_convert",
    "three_way_match",
]

_T = DocumentType
#: What each type converts into.
CONVERSIONS: dict[DocumentType, tuple[DocumentType, ...]] = {
    _T.QUOTE: (_T.SALES_ORDER, _T.SALES_INVOICE),
    _T.SALES_ORDER: (_T.SALES_INVOICE, _T.DELIVERY_NOTE),
    _T.DELIVERY_NOTE: (_T.SALES_INVOICE,),
    _T.PURCHASE_ORDER: (_T.GOODS_RECEIPT, _T.SUPPLIER_BILL),
    _T.GOODS_RECEIPT: (_T.SUPPLIER_BILL,),
    _T.SALES_INVOICE: (_T.CREDIT_NOTE,),
    _T.SUPPLIER_BILL: (_T.DEBIT_NOTE,),
}
#: Conversions that are alternatives: what one of them took, the others cannot take again
#: (a quote becomes an order or an invoice, not both; an order's invoice and its delivery
#: note are complements, each counted on its own).
_ALTERNATIVES: dict[DocumentType, tuple[DocumentType, ...]] = {
    _T.QUOTE: (_T.SALES_ORDER, _T.SALES_INVOICE),
}
_ZERO = Decimal(0)


def counted_with(source: DocumentType, target: DocumentType) -> tuple[DocumentType, ...]:
    """The target types whose documents count with ``target``'s in what a ``source`` has
    left to convert: ``target`` itself, or all of its alternatives.

    Example:
        >>> [t.value for t in counted_with(DocumentType.QUOTE, DocumentType.SALES_INVOICE)]
        ['sales_order', 'sales_invoice']
        >>> [t.value for t in counted_with(DocumentType.SALES_ORDER,
        ...                                DocumentType.SALES_INVOICE)]
        ['sales_invoice']
    """
    group = _ALTERNATIVES.get(source, ())
    return group if target in group else (target,)


#: Document lines' quantities in their items' units, ``None`` where not known
#: (:meth:`~backoffice_core.inventory.service.Inventory.in_item_units` in a unit of work).
InItemUnits = Callable[[Sequence[DocumentLine]], Sequence[Decimal | None]]


def converted_quantities(source: Document, derived: Iterable[Document],
                         target: DocumentType, in_item_units: InItemUnits | None = None
                         ) -> dict[str, Decimal]:
    """Per source line id: the quantity live derived documents of ``target`` (and of its
    alternatives: :func:`counted_with`) already took, in the source line's unit.

    A derived line in another unit of its source line's item (boxes ordered, pieces
    received) counts in the item's unit when ``in_item_units`` tells both: as its share
    of the source line (12 pieces of a line of 2 boxes of 12 take 1). Other lines, and
    lines ``in_item_units`` cannot tell (no item, a unit that does not convert), count
    their quantities as given.

    Example:
        >>> from datetime import date
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.taxes import Tax
        >>> o = Document("o", "sales_order", "p", "EUR", date(2026, 1, 1),
        ...              [line("A", 10, "1", Tax.zero())])
        >>> i = Document("i", "sales_invoice", "p", "EUR", date(2026, 1, 2),
        ...              [derive_lines(o, {"1": 4}, {"1": Decimal(10)})[0]])
        >>> converted_quantities(o, [i], DocumentType.SALES_INVOICE)
        {'1': Decimal('4')}

        Two boxes of 12 ordered, 12 pieces delivered:

        >>> b = Document("b", "sales_order", "p", "EUR", date(2026, 1, 1),
        ...              [line("A", 2, "12", Tax.zero(), unit="box12", item_id="A")])
        >>> pieces = attrs.evolve(derive_lines(b, None, {"1": Decimal(2)})[0], unit="H87",
        ...                       quantity=12, unit_price=1)
        >>> d = Document("d", "delivery_note", "p", "EUR", date(2026, 1, 2), [pieces])
        >>> per_box = {"box12": 12, "H87": 1}
        >>> def in_pieces(lines):
        ...     return [ln.quantity * per_box[ln.unit] for ln in lines]
        >>> converted_quantities(b, [d], DocumentType.DELIVERY_NOTE, in_pieces)
        {'1': Decimal('1')}
        >>> converted_quantities(b, [d], DocumentType.DELIVERY_NOTE)  # nothing tells units
        {'1': Decimal('12')}
    """
    lines = {ln.id: ln for ln in source.lines}
    taken: dict[str, Decimal] = dict.fromkeys(lines, _ZERO)
    other: dict[str, list[DocumentLine]] = {}  # lines in another unit of the line's item
    targets = counted_with(source.type, target)
    for doc in derived:
        if doc.type not in targets or doc.state is DocumentState.CANCELLED:
            continue
        for ln in doc.lines:
            if ln.source is not None and ln.source.document_id == source.id \
                    and ln.source.line_id in taken:
                of = lines[ln.source.line_id]
                if in_item_units is not None and ln.unit != of.unit \
                        and ln.item_id is not None and ln.item_id == of.item_id:
                    other.setdefault(of.id, []).append(ln)
                else:
                    taken[of.id] += ln.quantity
    if other and in_item_units is not None:
        _add_in_item_units(taken, lines, other, in_item_units)
    return taken


@exactly  # not in the caller's decimal context
def _add_in_item_units(taken: dict[str, Decimal], lines: Mapping[str, DocumentLine],
                       other: Mapping[str, list[DocumentLine]],
                       in_item_units: InItemUnits) -> None:
    """Add to ``taken`` the derived lines ``other`` (per source line id) in another unit:
    their quantity in the item's unit over the source line's, times its quantity (one
    division per source line, so that what adds up to the line takes it exactly); as
    given when the item's units cannot tell the source line or one of them."""
    ids = list(other)
    asked = [lines[lid] for lid in ids] + [ln for lid in ids for ln in other[lid]]
    told = list(in_item_units(asked))
    at = len(ids)
    for i, lid in enumerate(ids):
        ours, theirs = told[i], told[at:at + len(other[lid])]
        at += len(other[lid])
        if not ours or any(q is None for q in theirs):
            taken[lid] += sum((ln.quantity for ln in other[lid]), _ZERO)
            continue
        share = sum((q for q in theirs if q is not None), _ZERO) * lines[lid].quantity
        taken[lid] += QUOTIENT.divide(share, ours)


def still_to_convert(quantity: Decimal, left: Decimal) -> bool:
    """Whether ``left`` of a source line of ``quantity`` is still to convert: it is not
    zero and goes the line's way (a negative line, a return or a rebate, is converted
    with the rest; what was taken beyond a line within a tolerance is not).

    Example:
        >>> [still_to_convert(Decimal(q), Decimal(x)) for q, x in ((5, 2), (-2, -2), (5, -1))]
        [True, True, False]
    """
    return left != 0 and (left > 0) == (quantity > 0)


def _picked_up(source: Document, remaining: Mapping[str, Decimal],
               wanted: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """The negative lines (returns, trade-ins, rebates) left on ``source`` when taking
    ``wanted`` leaves no positive quantity to convert: the last conversion takes them,
    so that the source never completes with a rebate left out."""
    left = {ln.id: remaining.get(ln.id, _ZERO) - wanted.get(ln.id, _ZERO)
            for ln in source.lines}
    if any(ln.quantity > 0 and still_to_convert(ln.quantity, left[ln.id])
           for ln in source.lines):
        return {}
    return {ln.id: left[ln.id] for ln in source.lines
            if ln.quantity < 0 and still_to_convert(ln.quantity, left[ln.id])}


def derive_lines(source: Document, quantities: Mapping[str, Any] | None,
                 remaining: Mapping[str, Decimal]) -> tuple[DocumentLine, ...]:
    """Lines of a new document converted from ``source``.

    ``quantities`` maps source line ids to the quantities to take (``None``:
    everything remaining, negative lines included; see :func:`still_to_convert`).
    Each quantity has its line's sign (positive; negative for a return, trade-in or
    rebate line) and is within what remains. When the quantities take the last of
    every positive line, the negative lines still left come along: the last
    conversion carries the rebates, so the documents made from ``source`` never
    total more than it. The new lines keep price, tax, discounts and dimensions,
    point at their source line, and get fresh ids.

    Raises:
        ValidationError: an unknown line id, or a quantity beyond what remains
            (``quantities.<line id>``), or nothing left to convert.

    Example:
        >>> from datetime import date
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.taxes import Tax
        >>> o = Document("o", "sales_order", "p", "EUR", date(2026, 1, 1),
        ...              [line("A", 10, "1", Tax.zero())])
        >>> [(ln.quantity, ln.source.line_id) for ln in derive_lines(o, {"1": 3},
        ...                                                           {"1": Decimal(10)})]
        [(Decimal('3'), '1')]
        >>> t = Document("t", "sales_order", "p", "EUR", date(2026, 1, 1),
        ...              [line("A", 10, "1", Tax.zero()), line("Trade-in", -1, "2", Tax.zero())])
        >>> [(ln.quantity, ln.source.line_id) for ln in derive_lines(t, {"1": 4},
        ...                                       {"1": Decimal(4), "2": Decimal(-1)})]
        [(Decimal('4'), '1'), (Decimal('-1'), '2')]
    """
    if quantities is not None and not isinstance(quantities, Mapping):
        raise ValidationError("quantities map line ids to quantities", field="quantities",
                              value=quantities)
    by_id = {ln.id: ln for ln in source.lines}
    wanted: dict[str, Decimal] = {}
    if quantities is None:
        wanted = {lid: qty for lid, qty in remaining.items()
                  if lid in by_id and still_to_convert(by_id[lid].quantity, qty)}
    else:
        for lid, raw in quantities.items():
            field = f"quantities.{lid}"
            if lid not in by_id:
                raise ValidationError("no such line in the source document", field=field,
                                      value=lid)
            qty = to_decimal(raw, field=field)
            sign = -1 if by_id[lid].quantity < 0 else 1  # a negative line takes negatives
            if qty * sign <= 0:
                raise ValidationError("quantity must be negative, as its line" if sign < 0
                                      else "quantity must be positive", field=field, value=raw)
            left = remaining.get(lid, _ZERO)
            if qty * sign > left * sign:
                raise ValidationError(f"only {left} left to convert", field=field, value=raw)
            wanted[lid] = qty
        wanted.update(_picked_up(source, remaining, wanted))
    if not wanted:
        raise ValidationError("nothing left to convert", field="quantities", value=quantities)
    out = []
    for ln in source.lines:
        if ln.id in wanted:
            new = ln.with_quantity(wanted[ln.id], source.currency, source.rounding.mode)
            out.append(attrs.evolve(new, id="", source=LineRef(source.id, ln.id),
                                    dimensions=source.line_dimensions(ln)))
    return tuple(out)


def derive_allowances(source: Document, remaining: Mapping[str, Decimal],
                      lines: Iterable[DocumentLine]) -> tuple[AllowanceCharge, ...]:
    """The document-level allowances and charges of a document made from ``source``
    with ``lines`` (:func:`derive_lines`), when ``remaining`` was left to convert.

    A percentage of its tax group's line nets goes on every such document whose lines
    have that tax, for the part it takes. A fixed amount, or a percentage of an explicit
    base, is an amount of the whole source, as a negative line is: it goes on the
    document that takes the last of what is left, so the documents made from ``source``
    total it (within the rounding of the percentages), never more nor less.

    Example:
        >>> from datetime import date
        >>> from backoffice_core.documents.taxes import Tax
        >>> from backoffice_core.documents.lines import line
        >>> o = Document("o", "sales_order", "p", "EUR", date(2026, 1, 1),
        ...     [line("A", 10, "1", Tax.zero())], [
        ...     AllowanceCharge.allowance(percent=5, reason="Loyalty", tax=Tax.zero()),
        ...     AllowanceCharge.charge("2.00", reason="Freight", tax=Tax.zero())])
        >>> left = {"1": Decimal(10)}
        >>> [ac.reason for ac in derive_allowances(o, left, derive_lines(o, {"1": 4}, left))]
        ['Loyalty']
        >>> [ac.reason for ac in derive_allowances(o, left, derive_lines(o, None, left))]
        ['Loyalty', 'Freight']
    """
    taken: dict[str, Decimal] = {}
    taxes = set()
    for ln in lines:
        taxes.add(ln.tax.key)
        if ln.source is not None and ln.source.document_id == source.id:
            lid = ln.source.line_id
            taken[lid] = taken.get(lid, _ZERO) + ln.quantity
    last = not any(still_to_convert(ln.quantity, remaining.get(ln.id, _ZERO)
                                    - taken.get(ln.id, _ZERO)) for ln in source.lines)
    return tuple(ac for ac in source.allowances_charges if last or (
        ac.percent is not None and ac.base_value() is None and ac.tax is not None
        and ac.tax.key in taxes))


@attrs.frozen(slots=True)
class MatchLine:
    """The three-way match of one purchase order line.

    Attributes:
        order_line_id: the purchase order line.
        description: its text.
        ordered, received, billed: quantities, in the order line's unit, or in its
            item's unit when lines of the item in another unit count against it (boxes
            ordered, pieces received); ``billed`` is net of the quantities the bills'
            debit notes gave back.
        order_price: the ordered net unit price (after the line's allowances and
            charges, before VAT), per unit of the quantities.
        billed_price: the net billed value (what the bills billed less what their debit
            notes credited, returns and price corrections) per net billed unit, or
            ``None`` when nothing is billed net (never billed, or all given back).
        issues: what goes beyond the tolerance, in words (empty when it matches).

    Example:
        >>> MatchLine("1", "Paper", Decimal(10), Decimal(10), Decimal(10), Decimal("4"),
        ...           Decimal("4")).issues
        ()
    """

    order_line_id: str
    description: str
    ordered: Decimal
    received: Decimal
    billed: Decimal
    order_price: Decimal
    billed_price: Decimal | None
    issues: tuple[str, ...] = ()


@attrs.frozen(slots=True)
class MatchReport:
    """The three-way match of a purchase order: one :class:`MatchLine` per order line.

    Example:
        >>> MatchReport("po-1", ()).ok
        True
    """

    order_id: str
    lines: tuple[MatchLine, ...]

    @property
    def ok(self) -> bool:
        """True when no line has an issue."""
        return not any(ln.issues for ln in self.lines)

    @property
    def issues(self) -> tuple[str, ...]:
        """Every issue, prefixed with its order line id."""
        return tuple(f"line {ln.order_line_id}: {i}" for ln in self.lines for i in ln.issues)


def _item_of(ln: DocumentLine) -> tuple[Any, ...]:
    """What a correction of a line copies from it: its item, as billed."""
    return ln.description, ln.item_id, ln.unit, ln.tax, ln.price_base_quantity


def _repriced_line(by_item: dict[tuple[Any, ...], list[DocumentLine]],
                   ln: DocumentLine) -> DocumentLine | None:
    """The line of a bill (``by_item``: its lines by :func:`_item_of`) whose price the
    source-less line ``ln`` of one of its debit notes corrects, or ``None`` (a balancing
    line "Balance of ... left to credit", a free line).

    A price correction (``credit(bill_id, prices=...)``) copies the line it corrects,
    price aside, and keeps its id. Price corrections stored before they kept it have
    their lines numbered ``"1"``, ``"2"``...: when the line of ``ln``'s id is another
    item, the line of ``ln``'s item is taken if the bill has only one.
    """
    if ln.quantity <= 0:
        return None
    same = by_item.get(_item_of(ln), [])
    return next((b for b in same if b.id == ln.id), same[0] if len(same) == 1 else None)


#: How a line counts in the match: what it adds to received, to billed, to billed value.
_RECEIVED, _BILLED, _RETURNED, _REPRICED = (1, 0, 0), (0, 1, 1), (0, -1, -1), (0, 0, -1)


def _net_value(ln: DocumentLine) -> Decimal:
    """The net value of ``ln``, exact: quantity x price, less its allowances, plus its
    charges (as the totals reckon them, before rounding), net of VAT when its price
    includes it."""
    per = ln.price_base_quantity
    gross = ln.quantity * ln.price if per == 1 else QUOTIENT.divide(ln.quantity * ln.price, per)
    sign = -1 if gross < 0 else 1
    value = gross
    for ac in ln.allowances_charges:
        fixed, base = ac.amount_value(), ac.base_value()
        part = fixed * sign if fixed is not None \
            else (gross if base is None else base * sign) * (ac.percent or _ZERO) / 100
        value += part if ac.is_charge else -part
    return QUOTIENT.divide(value, 1 + ln.tax.fraction) if ln.price_includes_tax else value


def _in_item_units(lines: Mapping[str, DocumentLine],
                   counts: Mapping[str, Sequence[tuple[tuple[int, ...], DocumentLine]]],
                   in_item_units: InItemUnits) -> dict[str, list[Decimal]]:
    """Per order line of an item with lines of it in another unit, all told by
    ``in_item_units``: its quantity in the item's unit, then its ``counts``' (in order)."""
    asked: dict[str, list[DocumentLine]] = {}
    for lid, of in lines.items():
        group = [ln for kind, ln in counts[lid] if kind != _REPRICED]
        if of.item_id is not None and any(ln.unit != of.unit for ln in group) \
                and all(ln.item_id == of.item_id for ln in group):
            asked[lid] = [of, *group]
    told, at, out = list(in_item_units(sum(asked.values(), []))) if asked else [], 0, {}
    for lid, group in asked.items():
        got = told[at:at + len(group)]
        at += len(group)
        if got[0] and all(q is not None for q in got):
            out[lid] = [q for q in got if q is not None]
    return out


@exactly  # not in the caller's decimal context
def three_way_match(order: Document, receipts: Iterable[Document], bills: Iterable[Document],
                    tolerance: MatchTolerance, notes: Iterable[Document] = (),
                    in_item_units: InItemUnits | None = None) -> MatchReport:
    """Compare ordered, received and billed quantities and prices of ``order``.

    A bill line counts for an order line when it points at it directly or
    through a goods receipt line. The debit notes of those bills in ``notes``
    count against them: a line made from a bill line (goods given back) lowers
    its order line's billed quantity, and billed value at the note line's price;
    a price correction (a line without a source that keeps the id of the bill line
    it corrects) lowers the billed value only. The billed price is the net billed
    value per net billed unit (to 28 significant digits when it does not end); a
    line billed and given back in full has none. Values are net (:func:`_net_value`):
    after the lines' allowances and charges, before VAT, on the order's side too.
    Cancelled documents are ignored, and so are notes of bills not given.

    An order line with lines of its item in another unit against it (boxes ordered,
    pieces received) compares in the item's unit when ``in_item_units`` tells them all
    (see :func:`converted_quantities`); other lines compare as given.

    Example:
        >>> from datetime import date
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.taxes import Tax
        >>> po = Document("po", "purchase_order", "s", "EUR", date(2026, 1, 1),
        ...               [line("Bolts", 100, "0.50", Tax.standard(20))])
        >>> gr = Document("gr", "goods_receipt", "s", "EUR", date(2026, 1, 5),
        ...               derive_lines(po, {"1": 90}, {"1": Decimal(100)}))
        >>> bill = Document("b", "supplier_bill", "s", "EUR", date(2026, 1, 6),
        ...                 derive_lines(gr, {"1": 90}, {"1": Decimal(90)}))
        >>> three_way_match(po, [gr], [bill], MatchTolerance()).ok
        True

        A debit note gives 10 bolts back, another lowers the price of the other 80:

        >>> from backoffice_core.documents.model import DocumentRef
        >>> to_bill = (DocumentRef("b", "supplier_bill"),)
        >>> back = Document("n1", "debit_note", "s", "EUR", date(2026, 1, 7),
        ...                 derive_lines(bill, {"1": 10}, {"1": Decimal(90)}),
        ...                 references=to_bill)
        >>> cheaper = attrs.evolve(bill.lines[0], quantity=80, unit_price="0.05", source=None)
        >>> price = Document("n2", "debit_note", "s", "EUR", date(2026, 1, 8), [cheaper],
        ...                  references=to_bill)
        >>> m = three_way_match(po, [gr], [bill], MatchTolerance(price_percent=10),
        ...                     [back, price]).lines[0]
        >>> m.billed, m.billed_price, m.issues
        (Decimal('80'), Decimal('0.45'), ())

        Two boxes of 12 ordered at 12.00, 24 pieces received and billed at 1.00:

        >>> b = attrs.evolve(po, lines=[line("B", 2, "12", Tax.zero(), unit="box", item_id="B")])
        >>> pcs = attrs.evolve(derive_lines(b, None, {"1": Decimal(2)})[0], unit="H87",
        ...                    quantity=24, unit_price=1)
        >>> gr = attrs.evolve(gr, lines=[pcs])
        >>> bill = attrs.evolve(bill, lines=derive_lines(gr, None, {"1": Decimal(24)}))
        >>> def in_pieces(lines):
        ...     return [ln.quantity * (12 if ln.unit == "box" else 1) for ln in lines]
        >>> m = three_way_match(b, [gr], [bill], MatchTolerance(), (), in_pieces).lines[0]
        >>> m.ordered, m.received, m.billed, m.order_price, m.billed_price
        (Decimal('24'), Decimal('24'), Decimal('24'), Decimal('1'), Decimal('1'))
    """
    lines = {ln.id: ln for ln in order.lines}
    counts: dict[str, list[tuple[tuple[int, ...], DocumentLine]]] = {lid: [] for lid in lines}
    receipt_line_to_order: dict[tuple[str, str], str] = {}
    for gr in receipts:
        if gr.state is DocumentState.CANCELLED:
            continue
        for ln in gr.lines:
            if ln.source is not None and ln.source.document_id == order.id \
                    and ln.source.line_id in lines:
                counts[ln.source.line_id].append((_RECEIVED, ln))
                receipt_line_to_order[(gr.id, ln.id)] = ln.source.line_id
    counted: dict[str, Document] = {}
    bill_line_to_order: dict[tuple[str, str], str] = {}
    for bill in bills:
        if bill.state is DocumentState.CANCELLED:
            continue
        counted[bill.id] = bill
        for ln in bill.lines:
            if ln.source is None:
                continue
            if ln.source.document_id == order.id:
                target = ln.source.line_id if ln.source.line_id in lines else None
            else:
                target = receipt_line_to_order.get((ln.source.document_id, ln.source.line_id))
            if target is None:
                continue
            bill_line_to_order[(bill.id, ln.id)] = target
            counts[target].append((_BILLED, ln))
    for note in notes:
        ref = note.corrects
        if note.type is not DocumentType.DEBIT_NOTE or note.state is DocumentState.CANCELLED \
                or ref is None or ref.document_id not in counted:
            continue
        bill = counted[ref.document_id]
        by_item: dict[tuple[Any, ...], list[DocumentLine]] = {}  # (not a search per line)
        for of_line in bill.lines:
            by_item.setdefault(_item_of(of_line), []).append(of_line)
        for ln in note.lines:
            if ln.source is not None:  # goods given back
                of_bill = ln.source.line_id if ln.source.document_id == bill.id else None
            else:  # a price correction, or an amount of no line
                corrected = _repriced_line(by_item, ln)
                of_bill = corrected.id if corrected is not None else None
            target = bill_line_to_order.get((bill.id, of_bill)) if of_bill else None
            if target is not None:
                counts[target].append((_RETURNED if ln.source is not None else _REPRICED, ln))
    told = _in_item_units(lines, counts, in_item_units) if in_item_units is not None else {}
    out = []
    qtol = tolerance.quantity_percent / 100
    ptol = tolerance.price_percent / 100
    for lid, oln in lines.items():
        issues = []
        in_item = told.get(lid)
        ordered = in_item[0] if in_item else oln.quantity
        quantities = iter(in_item[1:]) if in_item else None
        received = billed = value = _ZERO
        for (r, b, v), ln in counts[lid]:
            q = ln.quantity if quantities is None or not (r or b) else next(quantities)
            received, billed = received + r * q if r else received, billed + b * q if b else billed
            value = value + v * _net_value(ln) if v else value
        order_price = QUOTIENT.divide(_net_value(oln), ordered) if ordered \
            else _net_value(attrs.evolve(oln, quantity=1))
        if received > ordered * (1 + qtol):
            issues.append(f"received {received} but ordered {ordered}")
        if billed > received * (1 + qtol):
            issues.append(f"billed {billed} but received {received}")
        price = None
        # a price for what is billed net, on the order line's side (negative for a
        # negative line): none once everything billed was given back
        if billed and (billed > 0) != (oln.quantity < 0):
            price = QUOTIENT.divide(value, billed)  # 33 / 9 does not end
            if abs(price - order_price) > order_price * ptol:
                issues.append(f"billed price {plain(price)} differs from ordered "
                              f"{plain(order_price)}")
        out.append(MatchLine(lid, oln.description, ordered, received, billed,
                             order_price, price, tuple(issues)))
    return MatchReport(order.id, tuple(out))
