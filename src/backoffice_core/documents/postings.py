"""Ledger postings of documents and payments, through the book's posting roles.

Pure functions: each turns a document, payment or match into a
:class:`~backoffice_core.ledger.entries.NewEntry`; the service posts it with
``Ledger.post_within`` in the same unit of work as the document's own change.
Accounts come from the book's roles (``bo.ledger.settings().roles``):

============================  ===========================================================
sales invoice                 Dr receivables / Cr revenue (per line) / Cr vat_output
credit note                   the mirror, with sales_returns (else revenue) for the lines
supplier bill                 Dr grni (lines received on a goods receipt, at the
                              receipt's price; the difference to price_variance) or the
                              line's account or purchases (else other_expense) /
                              Dr vat_input / Cr payables
debit note                    the mirror of a bill
payment received / made       Dr bank / Cr receivables; Dr payables / Cr bank
realized FX difference        receivables or payables (functional value only) against
                              fx_gain / fx_loss, through currency_trading
write-off of a small residual receivables or payables against write_off (else
                              other_expense) or write_off_gain (else other_income)
self-assessed VAT (AE, K)     Dr vat_input / Cr vat_reverse_charge (else vat_output) on
                              a purchase under reverse charge (AE) or an intra-community
                              acquisition (K), when the settings name a rate
early-payment (cash) discount Cr receivables / Dr sales_discounts + vat_output per rate;
                              Dr payables / Cr purchase_discounts + vat_input (see
                              :mod:`.discounts`)
cash rounding (BT-114)        rounding
============================  ===========================================================

The roles a line, an allowance or a VAT row takes (revenue, sales_returns, the expense
roles, vat_output, vat_input, the discounts and the reverse-charge VAT) are chosen by its
VAT category and rate: ``revenue.S.7``, then ``revenue.S``, then ``revenue``
(:func:`role`), so a chart can split revenue and VAT by tax and every other book keeps
one account per role. A line's own ``account`` still wins.

Document-level allowances and charges post to their own account or with the
lines. The receivables and payables lines carry the dimension ``party``, so
the ledger keeps a balance per party. In a foreign currency every line carries
its functional value: the VAT lines exactly BT-111, the other lines shared out
so that the entry balances to the minor unit.

Example:
    >>> from datetime import date
    >>> from backoffice_core.documents.lines import line
    >>> from backoffice_core.documents.model import Document
    >>> from backoffice_core.documents.taxes import Tax
    >>> from backoffice_core.documents.totals import document_totals
    >>> roles = {"receivables": "1140", "revenue": "4100", "vat_output": "2140"}
    >>> d = Document("d-1", "sales_invoice", "p-1", "USD", date(2026, 1, 5),
    ...              [line("Widget", 2, "50.00", Tax.standard(20))], number="INV-1")
    >>> d = attrs.evolve(d, totals=document_totals(d))
    >>> [(ln.account, str(ln.amount.amount)) for ln in document_entry(d, roles, "USD").lines]
    [('1140', '120.00'), ('4100', '-100.00'), ('2140', '-20.00')]
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.documents.lines import DocumentLine
from backoffice_core.documents.model import Direction, Document, DocumentType
from backoffice_core.documents.payments import Payment, PaymentDirection
from backoffice_core.documents.taxes import TaxCategory
from backoffice_core.documents.totals import share_out
from backoffice_core.errors import NotFoundError
from backoffice_core.ledger.entries import Line, NewEntry
from backoffice_core.money import (
    EXACT,
    Money,
    RoundingPolicy,
    currency,
    from_minor,
    minor_digits,
)
from backoffice_core.text import kept_text

__all__ = [
    "Received",
    "document_entry",
    "fx_entry",
    "line_account",
    "payment_entry",
    "role",
    "role_names",
    "self_assessed",
    "with_fx",
    "write_off_entry",
]

Dims = tuple[tuple[str, str], ...]
_HALF_UP = RoundingPolicy.HALF_UP


@attrs.frozen(slots=True)
class Received:
    """A goods-receipt line the inventory took into stock: what GRNI holds for it.

    The bills of a received line clear GRNI by cumulative share (as the inventory
    values partial returns, docs/inventory.md "The rounding point"): bills for ``b`` of
    its ``quantity`` clear ``net x b / quantity`` in total, rounded half up, so each
    bill clears that total less what the bills before it cleared, and the bills of the
    whole line clear exactly ``net``. A debit note gives its quantities back the same
    way, so bills and debit notes together never leave or invent a cent on GRNI.

    Attributes:
        line: (receipt id, line id).
        net: the receipt line's net amount (what it credited to GRNI).
        quantity: the quantity received.
        billed: the quantity its issued bills cleared so far, less what their issued
            debit notes gave back (not counting the document being posted).

    Example:
        >>> r = Received(("gr", "1"), Decimal("10.00"), Decimal(3))
        >>> [str(r.cleared(Decimal(b), 2)) for b in range(4)]
        ['0.00', '3.33', '6.67', '10.00']
    """

    line: tuple[str, str]
    net: Decimal
    quantity: Decimal
    billed: Decimal = Decimal(0)

    def cleared(self, billed: Decimal, digits: int) -> Decimal:
        """What bills for ``billed`` units clear of GRNI together (``digits`` decimals)."""
        return _HALF_UP.quantize(self.net * billed / self.quantity, digits)


def role(roles: Mapping[str, str], *names: str,
         tax: tuple[str, Decimal] | None = None) -> str:
    """The account of the first role in ``names`` that the book sets.

    With ``tax`` (a VAT category code and rate, as :attr:`Tax.key
    <backoffice_core.documents.taxes.Tax.key>` and the breakdown rows have them), each
    name is looked up from its most specific form: ``<name>.<category>.<rate>``, then
    ``<name>.<category>``, then ``<name>`` (the rate written as the tax keeps it:
    ``7``, ``19``, ``5.5``), before the next name is tried. So a book maps
    ``revenue.S.7`` and ``vat_output.S.7`` to its 7 % accounts and ``revenue.K`` to its
    intra-community supplies, and every other line still takes ``revenue``.

    Raises:
        NotFoundError: none is set (named after the first).

    Example:
        >>> role({"revenue": "4100"}, "sales_returns", "revenue")
        '4100'
        >>> roles = {"revenue": "8400", "revenue.S.7": "8300", "revenue.K": "8125"}
        >>> [role(roles, "revenue", tax=key) for key in
        ...  [("S", Decimal(7)), ("S", Decimal(19)), ("K", Decimal(0))]]
        ['8300', '8400', '8125']
    """
    for name in names:
        for candidate in role_names(name, tax):
            code = roles.get(candidate)
            if code:
                return code
    raise NotFoundError(f"the book has no account for role {names[0]}; set it with "
                        "bo.ledger.set_role()", field=f"roles.{names[0]}", value=None)


def role_names(name: str, tax: tuple[str, Decimal] | None) -> tuple[str, ...]:
    """The role names :func:`role` tries for ``name`` and ``tax``, most specific first.

    Example:
        >>> role_names("vat_output", ("S", Decimal("5.5")))
        ('vat_output.S.5.5', 'vat_output.S', 'vat_output')
        >>> role_names("revenue", None)
        ('revenue',)
    """
    if tax is None:
        return (name,)
    category, rate = tax
    written = f"{Decimal(rate).normalize(EXACT):f}"  # 7.00 -> 7, 5.50 -> 5.5, 1E+1 -> 10
    return f"{name}.{category}.{written}", f"{name}.{category}", name


def _party_dims(party_id: str) -> Dims:
    return (("party", party_id),)


def _default_account(doc: Document, roles: Mapping[str, str],
                     tax: tuple[str, Decimal] | None) -> str:
    """The revenue (returns) or expense role's account for an amount taxed ``tax``."""
    if doc.direction is Direction.SALES:
        if doc.type is DocumentType.CREDIT_NOTE:
            return role(roles, "sales_returns", "revenue", tax=tax)
        return role(roles, "revenue", tax=tax)
    return role(roles, "purchases", "other_expense", tax=tax)


def line_account(doc: Document, ln: DocumentLine, roles: Mapping[str, str],
                 received: Collection[tuple[str, str]] | None = None) -> str:
    """The account a line of ``doc`` posts to (its own, grni, revenue or an expense role).

    A bill line made from a goods-receipt line goes to ``grni`` when the inventory took
    that receipt line into stock: ``received`` holds those (receipt id, line id) pairs;
    ``None`` counts every receipt line as received. Other lines take the revenue
    (``sales_returns`` on a credit note) or expense role of their tax (:func:`role`).

    Example:
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.model import DocumentRef
        >>> from backoffice_core.documents.taxes import Tax
        >>> from backoffice_core.documents.lines import LineRef
        >>> ln = attrs.evolve(line("Paper", 1, "4", Tax.zero()), source=LineRef("gr", "1"))
        >>> bill = Document("b", "supplier_bill", "s", "EUR", date(2026, 1, 5), [ln],
        ...                 references=[DocumentRef("gr", DocumentType.GOODS_RECEIPT)])
        >>> line_account(bill, bill.lines[0], {"grni": "2120"})
        '2120'
    """
    receipts = {r.document_id for r in doc.references if r.type is DocumentType.GOODS_RECEIPT}
    return _line_account(doc, ln, roles, receipts, received)


def _line_account(doc: Document, ln: DocumentLine, roles: Mapping[str, str],
                  receipts: set[str], received: Collection[tuple[str, str]] | None) -> str:
    if ln.account:
        return ln.account
    src = ln.source
    if doc.direction is Direction.PURCHASE and src is not None \
            and src.document_id in receipts \
            and (received is None or (src.document_id, src.line_id) in received):
        return role(roles, "grni")
    return _default_account(doc, roles, ln.tax.key)


@kept_text  # (the document's text: checked when made, or kept as an older version wrote it)
def document_entry(doc: Document, roles: Mapping[str, str], functional: str,
                   idempotency_key: str | None = None,
                   received: Collection[tuple[str, str]] | None = None) -> NewEntry | None:
    """The entry that issuing a financial document posts (see the module table).

    ``doc`` must carry its totals (and, in a foreign currency, ``fx_rate``). A document
    whose every amount is zero (a free sample, a 100% discount) posts nothing: ``None``.
    ``received``: see :func:`line_account`; when it maps those pairs to their
    :class:`Received` line, a bill line clears ``grni`` at the receipt's value (its
    cumulative share of the receipt line's net) and posts the difference to
    ``price_variance`` (when the book sets that role); a debit note's ``received``
    maps its bill's lines the same way, and gives back its share. A purchase under
    reverse charge or an intra-community acquisition adds its :func:`self_assessed` VAT.

    Example:
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.taxes import Tax
        >>> from backoffice_core.documents.totals import document_totals
        >>> d = Document("d", "supplier_bill", "s", "USD", date(2026, 1, 5),
        ...              [line("Rent", 1, "500.00", Tax.zero(), account="6200")], number="B-1")
        >>> e = document_entry(attrs.evolve(d, totals=document_totals(d)),
        ...                    {"payables": "2110"}, "USD")
        >>> [(ln.account, str(ln.amount.amount)) for ln in e.lines]
        [('2110', '-500.00'), ('6200', '500.00')]
    """
    totals = doc.totals
    assert totals is not None, "document totals are computed before posting"
    sales = doc.direction is Direction.SALES
    k = (1 if sales else -1) * doc.type.sign  # sign of the control account's side
    receipts = {r.document_id for r in doc.references
                if r.type is DocumentType.GOODS_RECEIPT}
    control = role(roles, doc.direction.control_role)
    items: list[tuple[str, Decimal, Dims, str]] = []
    defaults: dict[tuple[str, Decimal], str] = {}  # per tax, looked up once per document
    own_dims = not doc.dimensions  # then a line's dimensions are its own
    billed: dict[tuple[str, str], Decimal] = {}  # per receipt line, after this doc's lines
    for ln, net in zip(doc.lines, totals.line_nets, strict=True):
        if ln.account or (ln.source is not None and receipts):
            account = _line_account(doc, ln, roles, receipts, received)
        else:
            tax = ln.tax.key
            if tax not in defaults:
                defaults[tax] = _default_account(doc, roles, tax)
            account = defaults[tax]
        dims = ln.dimensions if own_dims else doc.line_dimensions(ln)
        value = net.amount
        if account == roles.get("grni") and ln.source is not None \
                and isinstance(received, Mapping) and roles.get("price_variance") \
                and (key := (ln.source.document_id, ln.source.line_id)) in received:
            # GRNI clears at what the receipt put on it, by cumulative share; the
            # bill's price difference is a purchase price variance
            got: Received = received[key]
            digits = minor_digits(doc.currency)
            before = billed.get(got.line, got.billed)
            billed[got.line] = after = before + doc.type.sign * ln.quantity
            at_receipt = doc.type.sign * (got.cleared(after, digits)
                                          - got.cleared(before, digits))
            items.append((roles["price_variance"], -k * (value - at_receipt), dims, ""))
            value = at_receipt
        items.append((account, -k * value, dims, ""))
    for ac, amount in zip(doc.allowances_charges, totals.allowance_charge_amounts,
                          strict=True):
        value = amount.amount if ac.is_charge else -amount.amount
        account = ac.account or _default_account(doc, roles,
                                                 None if ac.tax is None else ac.tax.key)
        items.append((account, -k * value, doc.dimensions, ac.reason))
    vat_role = "vat_output" if sales else "vat_input"
    vat_items: list[tuple[str, Decimal, Dims, str]] = []
    for row in totals.breakdown:
        if row.tax.amount:
            vat_items.append((role(roles, vat_role, tax=row.key), -k * row.tax.amount, (),
                              f"VAT {row.category.code} {row.rate}%"))
    if totals.rounding.amount:
        items.append((role(roles, "rounding"), -k * totals.rounding.amount, (), "rounding"))
    control_amount = k * totals.to_settle.amount
    description = f"{doc.type.label.capitalize()} {doc.number or doc.id}"
    merged_items = _merge(items)
    merged_vat = _merge(vat_items)
    cur: Any = currency(doc.currency)  # the Currency itself: Money skips the lookup
    if not control_amount and not any(v for _, v, _, _ in merged_items + merged_vat):
        return None
    assessed = [] if sales else self_assessed(doc, roles, functional)
    if doc.currency == functional or doc.fx_rate is None:
        lines = [Line(control, Money(control_amount, cur), dimensions=_party_dims(doc.party_id))
                 ] if control_amount else []
        lines += [Line(a, Money(v, cur), dimensions=d, memo=m) for a, v, d, m in
                  merged_items + merged_vat if v]
        return NewEntry(doc.date, description, lines + assessed, reference=doc.number or "",
                        idempotency_key=idempotency_key)
    rate = doc.fx_rate
    fdig = minor_digits(functional)
    control_fn = _HALF_UP.quantize(control_amount * rate, fdig)
    vat_total = totals.tax_total_accounting.amount if totals.tax_total_accounting else \
        _HALF_UP.quantize(totals.tax_total.amount * rate, fdig)
    vat_fn = share_out([v * rate for _, v, _, _ in merged_vat], -k * vat_total, fdig)
    rest_target = -control_fn - sum(vat_fn, Decimal(0))
    rest_fn = share_out([v * rate for _, v, _, _ in merged_items], rest_target, fdig)
    lines = [Line(control, Money(control_amount, cur), dimensions=_party_dims(doc.party_id),
                  functional=Money(control_fn, functional))] if control_amount else []
    for (a, v, d, m), fn in zip(merged_items + merged_vat, rest_fn + vat_fn, strict=True):
        if v:
            lines.append(Line(a, Money(v, cur), dimensions=d, memo=m,
                              functional=Money(fn, functional)))
    return NewEntry(doc.date, description, lines + assessed, reference=doc.number or "",
                    idempotency_key=idempotency_key)


def self_assessed(doc: Document, roles: Mapping[str, str], functional: str,
                  base: Mapping[TaxCategory, Decimal] | None = None) -> list[Line]:
    """The self-assessment of a purchase in the categories the buyer self-assesses
    (``TaxCategory.self_assessed``: reverse charge AE, intra-community acquisition of
    goods K): the buyer owes the VAT the supplier did not charge, and may deduct it. Per
    category, Dr ``vat_input`` / Cr ``vat_reverse_charge`` (else ``vat_output``), each
    looked up for that category at the assessed rate (``vat_input.AE.19`` or
    ``vat_input.K.19`` first, see :func:`role`), of the document's ``reverse_charge_rate``
    percent of the category's base (``base``, per category in the document currency, else
    its whole taxable amount), in the functional currency (a foreign-currency base at the
    document's rate), rounded half up to its minor unit; mirrored on a debit note. Empty
    without a rate or such a base, and on a sales document (the seller owes nothing).

    Example:
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.taxes import Tax
        >>> from backoffice_core.documents.totals import document_totals
        >>> d = Document("d", "supplier_bill", "s", "EUR", date(2026, 1, 5),
        ...              [line("Consulting", 1, "1000.00", Tax.reverse_charge()),
        ...               line("Steel", 1, "200.00", Tax("K", 0, "Intra-community supply"))],
        ...              reverse_charge_rate=Decimal(19))
        >>> d = attrs.evolve(d, totals=document_totals(d))
        >>> roles = {"vat_input": "1170", "vat_output": "2140", "vat_input.K": "1174"}
        >>> [(ln.account, str(ln.amount.amount), ln.memo)
        ...  for ln in self_assessed(d, roles, "EUR")]  # doctest: +NORMALIZE_WHITESPACE
        [('1170', '190.00', 'VAT AE 19% self-assessed'),
         ('2140', '-190.00', 'VAT AE 19% self-assessed'),
         ('1174', '38.00', 'VAT K 19% self-assessed'),
         ('2140', '-38.00', 'VAT K 19% self-assessed')]
    """
    totals, rate = doc.totals, doc.reverse_charge_rate
    assert totals is not None, "document totals are computed before posting"
    if rate is None or doc.direction is Direction.SALES:
        return []
    if base is None:
        base = {}
        for row in totals.breakdown:  # by category code: AE before K
            if row.category.self_assessed:
                base[row.category] = base.get(row.category, Decimal(0)) + row.taxable.amount
    fx = doc.fx_rate if doc.currency != functional else None
    digits = minor_digits(functional)
    lines: list[Line] = []
    for category, amount in base.items():
        if not category.self_assessed:
            continue
        if fx is not None:
            amount *= fx
        vat = _HALF_UP.quantize(amount * rate / 100, digits) * doc.type.sign
        if not vat:
            continue
        memo = f"VAT {category.code} {rate}% self-assessed"
        key = (category.code, rate)  # the rate assessed, not the line's 0 %
        lines += [Line(role(roles, "vat_input", tax=key), Money(vat, functional), memo=memo),
                  Line(role(roles, "vat_reverse_charge", "vat_output", tax=key),
                       Money(-vat, functional), memo=memo)]
    return lines


def _merge(items: Sequence[tuple[str, Decimal, Dims, str]]) -> list[tuple[str, Decimal, Dims,
                                                                           str]]:
    merged: dict[tuple[str, Dims, str], Decimal] = {}
    zero = Decimal(0)
    for account, amount, dims, memo in items:
        key = (account, dims, memo)
        merged[key] = merged.get(key, zero) + amount
    return [(a, v, d, m) for (a, d, m), v in merged.items() if v]


def payment_entry(payment: Payment, control: str, functional: str,
                  idempotency_key: str | None = None) -> NewEntry:
    """Bank against the party's control account (receivables or payables).

    Example:
        >>> p = Payment("pay-1", "PAY-1", "p-1", "incoming", "sales", date(2026, 2, 1),
        ...             Money("120.00", "USD"), "1120")
        >>> [(ln.account, str(ln.amount.amount)) for ln in
        ...  payment_entry(p, "1140", "USD").lines]
        [('1120', '120.00'), ('1140', '-120.00')]
    """
    sign = 1 if payment.direction is PaymentDirection.INCOMING else -1
    amount = payment.amount
    fn = None
    if amount.code != functional:
        assert payment.functional_amount is not None
        fn = payment.functional_amount
    text = "Payment received" if sign > 0 else "Payment made"
    return NewEntry(payment.date, f"{text} {payment.number}", [
        Line(payment.account, amount * sign, functional=None if fn is None else fn * sign),
        Line(control, amount * -sign, dimensions=_party_dims(payment.party_id),
             functional=None if fn is None else fn * -sign),
    ], reference=payment.number, idempotency_key=idempotency_key)


def fx_entry(day: date, control: str, party_id: str, currency: str, functional: str,
             difference: int, roles: Mapping[str, str], reference: str,
             idempotency_key: str | None = None) -> NewEntry:
    """The realized exchange difference of a match (``difference`` > 0 is a loss).

    Only the functional value of the control account moves (its amount in the
    foreign currency is already settled); the currency-trading account keeps
    every currency balanced, as in the ledger's revaluation.

    Example:
        >>> e = fx_entry(date(2026, 2, 1), "1140", "p-1", "EUR", "USD", -500,
        ...              {"fx_gain": "7200", "fx_loss": "8200", "currency_trading": "3500"},
        ...              "INV-1")
        >>> for ln in e.lines:
        ...     print(ln.account, ln.amount, ln.functional)
        1140 0 EUR 5.00 USD
        3500 0 EUR -5.00 USD
        7200 -5.00 USD -5.00 USD
        3500 5.00 USD 5.00 USD
    """
    value = from_minor(difference, functional)
    target = role(roles, "fx_loss") if difference > 0 else role(roles, "fx_gain")
    trading = role(roles, "currency_trading")
    zero = Money(0, currency)
    return NewEntry(day, f"Realized exchange difference {reference}", [
        Line(control, zero, dimensions=_party_dims(party_id), functional=-value),
        Line(trading, zero, functional=value),
        Line(target, value, functional=value),
        Line(trading, -value, functional=-value),
    ], reference=reference, idempotency_key=idempotency_key)


def write_off_entry(day: date, control: str, party_id: str, residual: Money, sign: int,
                    functional: str, released: int, roles: Mapping[str, str],
                    reference: str, idempotency_key: str | None = None) -> NewEntry:
    """Close a small residual of an item (``sign`` is the item's sign on the control account).

    A debit residual (a customer paid short) goes to ``write_off`` (else
    ``other_expense``); a credit residual (a small overpayment) to
    ``write_off_gain`` (else ``other_income``).

    Example:
        >>> e = write_off_entry(date(2026, 2, 1), "1140", "p-1", Money("0.02", "USD"), 1,
        ...                     "USD", 2, {"other_expense": "8100"}, "INV-1")
        >>> [(ln.account, str(ln.amount.amount)) for ln in e.lines]
        [('1140', '-0.02'), ('8100', '0.02')]
    """
    counter = role(roles, "write_off", "other_expense") if sign > 0 else \
        role(roles, "write_off_gain", "other_income")
    fn_value = from_minor(released, functional)
    foreign = residual.code != functional
    control_line = Line(control, residual * -sign, dimensions=_party_dims(party_id),
                        functional=fn_value * -sign if foreign else None)
    if foreign and released == 0:  # worth nothing in the functional currency
        other = Line(role(roles, "currency_trading"), residual * sign, functional=fn_value)
    else:
        other = Line(counter, fn_value * sign)
    return NewEntry(day, f"Write-off {reference}", [control_line, other],
                    reference=reference, idempotency_key=idempotency_key)


def with_fx(doc: Document, rate: Decimal, functional: str) -> Document:
    """``doc`` with its rate into the functional currency and BT-111 set (at issue).

    Example:
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.taxes import Tax
        >>> from backoffice_core.documents.totals import document_totals
        >>> d = Document("d", "sales_invoice", "p", "EUR", date(2026, 1, 5),
        ...              [line("A", 1, "100.00", Tax.standard(20))])
        >>> with_fx(attrs.evolve(d, totals=document_totals(d)), Decimal("1.1"),
        ...         "USD").totals.tax_total_accounting
        Money('22.00', 'USD')
    """
    assert doc.totals is not None
    totals = doc.totals.with_accounting(rate, functional)
    return attrs.evolve(doc, fx_rate=rate, functional_currency=functional, totals=totals)
