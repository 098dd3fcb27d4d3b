"""Import a UBL 2.1 invoice or credit note (Peppol BIS Billing 3.0, EN 16931).

:func:`from_ubl` reads what :func:`~.writer.to_ubl` writes, and what other EN 16931
producers write in the same binding. It refuses, with a
:class:`~backoffice_core.errors.ValidationError` whose ``field`` is the XPath of the
offending element:

* malformed XML, and any DOCTYPE or entity declaration (see :mod:`.safexml`);
* a root element other than UBL 2.1 ``Invoice`` or ``CreditNote``, a type code other
  than 380/381, a specification identifier that is not EN 16931;
* a missing mandatory element (number, dates, currency, parties with endpoint, address,
  country and registration name, VAT breakdown, totals, at least one line with
  quantity and unit, net amount, item name, VAT category and price);
* a currency code that is not ISO 4217 in upper case (``eur``: BR-CL-03/04/05), a VAT
  accounting currency (BT-6) equal to the document currency (PEPPOL-EN16931-R005);
* an amount in another currency or with more decimals than the currency has
  (BR-DEC; fewer are fine), a number that is not an XML decimal (ASCII digits, no
  exponent) or has 18 digits or more before the point, a VAT rate below 0 or from 1000
  up (rates are read exactly, whatever their digits), a quantity, price (BR-27: not
  negative) or base quantity that the line model refuses, or a quantity or base
  quantity with more than 15 decimals, named at its element;
* a due date (BT-9: ``cbc:DueDate``, or ``cbc:PaymentDueDate`` of a credit note) before
  the issue date (BT-2), as a draft's due date is refused
  (:func:`~backoffice_core.documents.model.check_due_date`);
* a line whose net amount is not quantity x price - allowances + charges (within the
  0.02 that Peppol's rule R120 allows), and totals that break the EN 16931 rules of
  :func:`~.rules.validate_en16931`;
* what the totals calculation refuses (:mod:`~backoffice_core.documents.totals`), named
  at its element: allowances that take a line or a VAT group across zero, a document
  beyond what a book holds.

The imported document keeps the declared totals as ``document.totals`` (they are the
legal amounts) and gets the :class:`~backoffice_core.documents.rounding.DocumentRounding`
whose recalculation reproduces them (per tax group, per line or per document; half up
or half even; a cash step when there is a rounding amount), or the default one.

Ids: the document's ``id`` is its number (BT-1) and a party's ``id`` its endpoint
(``"9930:DE123456789"``); references to other documents have an empty ``document_id``.
Replace them with ids of the book (``attrs.evolve``) after matching the parties, e.g.
by tax id.

Example:
    >>> from datetime import date
    >>> from backoffice_core.documents import Address, Document, Party, Tax, TaxId, line
    >>> from backoffice_core.documents.ubl import to_ubl
    >>> s = Party("s", "Seller AG", is_customer=False, is_supplier=True,
    ...           tax_ids=[TaxId("VAT", "DE123456789")],
    ...           addresses=[Address(["Hauptstr. 1"], "Berlin", "10115", "DE")])
    >>> b = Party("b", "Buyer BV", tax_ids=[TaxId("VAT", "NL123456789B01")],
    ...           addresses=[Address(["Kerkstraat 2"], "Utrecht", "3511", "NL")])
    >>> doc = Document("d", "sales_invoice", "b", "EUR", date(2026, 3, 1),
    ...                [line("Widget", 2, "10.00", Tax.standard(19))], number="INV-1",
    ...                external_number="PO-17", due_date=date(2026, 3, 31))
    >>> back, seller, buyer = from_ubl(to_ubl(doc, seller=s, buyer=b))
    >>> back.number, back.lines == doc.lines, back.totals.amount_due, buyer.id
    ('INV-1', True, Money('23.80', 'EUR'), '9944:NL123456789B01')
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from decimal import Decimal
from typing import Protocol

import attrs

from backoffice_core.documents.lines import AllowanceCharge, DocumentLine
from backoffice_core.documents.model import (
    Direction,
    Document,
    DocumentRef,
    DocumentState,
    DocumentType,
    check_due_date,
)
from backoffice_core.documents.parties import Party
from backoffice_core.documents.rounding import DocumentRounding, RoundingScope
from backoffice_core.documents.taxes import Tax, TaxCategory
from backoffice_core.documents.terms import Instalment, PaymentTerms
from backoffice_core.documents.totals import Totals, VatBreakdown, compute_totals
from backoffice_core.documents.ubl._nodes import Node, Reader, at_path
from backoffice_core.documents.ubl._party import read_party
from backoffice_core.documents.ubl.common import NS
from backoffice_core.documents.ubl.rules import validate_en16931
from backoffice_core.documents.ubl.safexml import parse_xml
from backoffice_core.errors import BackofficeError, NotFoundError, ValidationError
from backoffice_core.money import EXACT, Money, RoundingPolicy, currency

__all__ = ["CASH_STEPS", "PartyLookup", "from_ubl"]

#: Cash rounding steps tried when an imported document has a rounding amount (BT-114).
CASH_STEPS = tuple(Decimal(s) for s in ("0.05", "0.10", "0.20", "0.25", "0.50", "1", "5",
                                        "10"))
_ZERO = Decimal(0)
_TOTAL_PATHS = {
    "BT-106": "cac:LegalMonetaryTotal/cbc:LineExtensionAmount",
    "BT-107": "cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount",
    "BT-108": "cac:LegalMonetaryTotal/cbc:ChargeTotalAmount",
    "BT-109": "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount",
    "BT-110": "cac:TaxTotal/cbc:TaxAmount",
    "BT-112": "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount",
    "BT-113": "cac:LegalMonetaryTotal/cbc:PrepaidAmount",
    "BT-114": "cac:LegalMonetaryTotal/cbc:PayableRoundingAmount",
    "BT-115": "cac:LegalMonetaryTotal/cbc:PayableAmount",
}


def _rate(node: Node, r: Reader) -> Decimal:
    """A VAT rate (BT-119/BT-152/BT-96): from 0 up to 1000 percent, read exactly."""
    value = r.number(node)
    if not 0 <= value < 1000:
        raise ValidationError("a VAT rate is a percentage from 0 up to 1000", field=node.path,
                              value=node.text())
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize(EXACT)  # exactly, as Tax keeps it


def _currency_code(node: Node, rule: str) -> str:
    """A currency code element: an ISO 4217 alpha-3 code as the code list writes it, in
    upper case (``eur`` is refused, as the EN 16931 schematron refuses it)."""
    text = node.text()
    with at_path(node.path):
        code = str(currency(text).code)
    if text != code:
        raise ValidationError(f"an ISO 4217 code in upper case ({rule})", field=node.path,
                              value=text)
    return code


def _category(node: Node, r: Reader) -> tuple[TaxCategory, Decimal]:
    id_node = node.req("cbc:ID")
    with at_path(id_node.path):
        category = TaxCategory.from_code(id_node.text())
    pct = node.opt("cbc:Percent")
    return category, _rate(pct, r) if pct is not None else _ZERO


def _breakdown(tt: Node, r: Reader) -> list[VatBreakdown]:
    rows = []
    subtotals = tt.all("cac:TaxSubtotal")
    if not subtotals:
        raise ValidationError("at least one VAT breakdown (BR-CO-18)",
                              field=f"{tt.path}/cac:TaxSubtotal", value=None)
    for sub in subtotals:
        cat = sub.req("cac:TaxCategory")
        category, rate = _category(cat, r)
        key = f"{category.code} {rate}"
        taxable = r.amount(sub.req("cbc:TaxableAmount"), term=f"BT-116[{key}]")
        tax = r.amount(sub.req("cbc:TaxAmount"), term=f"BT-117[{key}]")
        r.paths[f"BT-120[{key}]"] = r.paths[f"BG-23[{key}]"] = cat.path
        rows.append(VatBreakdown(category, rate, r.money(taxable), r.money(tax),
                                 cat.opt_text("cbc:TaxExemptionReason"),
                                 cat.opt_text("cbc:TaxExemptionReasonCode")))
    return sorted(rows, key=lambda row: row.key)


def _tax(category: TaxCategory, rate: Decimal, rows: dict[tuple[str, Decimal], VatBreakdown],
         path: str) -> Tax:
    row = rows.get((category.code, rate))
    reason, code = (row.exemption_reason, row.exemption_code) if row is not None else ("", "")
    with at_path(path):
        return Tax(category, rate, reason, code)


def _allowance(node: Node, r: Reader, default_base: Decimal, term: str,
               tax: Tax | None) -> tuple[AllowanceCharge, Decimal, Decimal]:
    """One allowance or charge in the model's form, its declared amount, and that amount
    signed as it counts in the net (charges +, allowances -).

    On a line (``tax`` is ``None``) amounts follow the sign of the line, as in the
    totals calculation; on document level they are taken as they are.
    """
    flag_node = node.req("cbc:ChargeIndicator")
    flag = flag_node.text().lower()
    if flag not in ("true", "false"):
        raise ValidationError("true or false expected", field=flag_node.path, value=flag)
    is_charge = flag == "true"
    amount = r.amount(node.req("cbc:Amount"), term=term)
    signed = amount if is_charge else -amount
    base_node, pct_node = node.opt("cbc:BaseAmount"), node.opt("cbc:MultiplierFactorNumeric")
    base = r.amount(base_node) if base_node is not None else None
    reason, reason_code = node.opt_text("cbc:AllowanceChargeReason"), \
        node.opt_text("cbc:AllowanceChargeReasonCode")
    sign = -1 if tax is None and default_base < 0 else 1
    rnd = DocumentRounding().rounder(r.code)
    percent = r.number(pct_node) if pct_node is not None else None
    with at_path(node.path):
        if percent is not None:
            of = default_base if base is None else base
            if rnd(of * percent / 100) == amount:
                explicit = None if of == default_base else of * sign
                return AllowanceCharge(is_charge, None, percent, explicit, reason, reason_code,
                                       tax), amount, signed
        value = amount * sign
        if value < 0:
            is_charge, value = not is_charge, -value
        return AllowanceCharge(is_charge, value, None, None, reason, reason_code, tax), amount, \
            signed


def _name_refusal(make: Callable[[], object], elements: dict[str, Node]) -> None:
    """Let the model refuse a line's quantity, price or base quantity (out of range,
    negative price: BR-27) before anything is computed with them, or the totals refuse
    allowances that take a line or a VAT group across zero, naming the element."""
    try:
        make()
    except BackofficeError as err:
        owner, _, name = (err.field or "").rpartition(".")
        node = elements.get(err.field or "") or elements.get(owner)
        if node is not None and name in ("amount", "percent"):  # of an allowance
            node = node.opt("cbc:MultiplierFactorNumeric" if name == "percent" else
                            "cbc:Amount") or node
        if node is None:
            raise
        raise ValidationError(err.message, field=node.path, value=node.text()) from None


def _line(node: Node, r: Reader, credit: bool, rows: dict[tuple[str, Decimal], VatBreakdown],
          i: int) -> tuple[DocumentLine, Decimal]:
    line_id = node.req_text("cbc:ID")
    qty_node = node.req("cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity")
    quantity, unit = r.number(qty_node), qty_node.attr("unitCode")
    net_node = node.req("cbc:LineExtensionAmount")
    net = r.amount(net_node, term=f"BT-131[{i}]")
    item = node.req("cac:Item")
    name = item.req_text("cbc:Name")
    seller_id = item.opt("cac:SellersItemIdentification")
    item_id = seller_id.req_text("cbc:ID") if seller_id is not None else None
    ctc = item.req("cac:ClassifiedTaxCategory")
    category, rate = _category(ctc, r)
    tax = _tax(category, rate, rows, ctc.path)
    price_node = node.req("cac:Price")
    price_amount = price_node.req("cbc:PriceAmount")
    if r.currency_id(price_amount) != r.code:
        raise ValidationError(f"{r.code} expected", field=f"{price_amount.path}/@currencyID",
                              value=price_amount.attr("currencyID"))
    price = r.number(price_amount)
    bq_node = price_node.opt("cbc:BaseQuantity")
    per = r.number(bq_node) if bq_node is not None else Decimal(1)
    _name_refusal(lambda: DocumentLine(line_id, name, quantity, price, tax, unit, False, per,
                                       item_id),
                  {"quantity": qty_node, "unit_price": price_amount,
                   "price_base_quantity": bq_node or price_node})
    for q_node in (qty_node, bq_node):  # after the model, which names what it refuses
        if q_node is not None:
            r.quantity_decimals(q_node)
    base = DocumentRounding().rounder(r.code)(quantity * price / per)
    acs, signed = [], _ZERO
    r.fields[f"lines[{i}]"] = net_node
    for j, ac_node in enumerate(node.all("cac:AllowanceCharge")):
        ac, _, amount = _allowance(ac_node, r, base, f"BT-136/BT-141[{i}.{j}]", None)
        r.paths[f"BT-139[{i}.{j}]"] = r.paths[f"BT-144[{i}.{j}]"] = ac_node.path
        r.fields[f"lines[{i}].allowances_charges[{j}]"] = ac_node
        acs.append(ac)
        signed += amount
    slack = 2 * Decimal(1).scaleb(-r.digits)
    if abs(base + signed - net) > slack:
        raise ValidationError(f"line net amount should be quantity x price / base quantity - "
                              f"allowances + charges = {base + signed} (PEPPOL-EN16931-R120)",
                              field=net_node.path, value=str(net))
    with at_path(node.path):
        return DocumentLine(line_id, name, quantity, price, tax, unit, False, per, item_id,
                            acs, (), None, None, node.opt_text("cbc:Note")), net


def _infer_rounding(doc: Document, declared: Totals) -> DocumentRounding:
    bases = [DocumentRounding(scope, mode) for mode in (RoundingPolicy.HALF_UP,
                                                         RoundingPolicy.HALF_EVEN)
             for scope in (RoundingScope.TAX_GROUP, RoundingScope.LINE, RoundingScope.DOCUMENT)]
    candidates = bases if declared.rounding.amount == 0 else [
        attrs.evolve(b, cash_increment=step) for step in CASH_STEPS for b in bases]
    target = attrs.evolve(declared, tax_total_accounting=None)
    for candidate in candidates:
        try:
            computed = compute_totals(doc.lines, doc.currency,
                                      allowances_charges=doc.allowances_charges,
                                      rounding=candidate, prepaid=doc.prepaid)
        except BackofficeError:  # pragma: no cover - amounts were checked on reading
            continue
        if computed == target:
            return candidate
    return DocumentRounding()


_TYPES = {
    (False, Direction.SALES): DocumentType.SALES_INVOICE,
    (True, Direction.SALES): DocumentType.CREDIT_NOTE,
    (False, Direction.PURCHASE): DocumentType.SUPPLIER_BILL,
    (True, Direction.PURCHASE): DocumentType.DEBIT_NOTE,
}


def _root(data: bytes | str) -> tuple[Node, bool]:
    el = parse_xml(data)
    local = el.tag.rsplit("}", 1)[-1]
    if local not in ("Invoice", "CreditNote") or el.tag != f"{{{NS[local]}}}{local}":
        raise ValidationError("the root element must be a UBL 2.1 Invoice or CreditNote",
                              field="/", value=el.tag)
    root = Node(el, f"/{local}")
    custom = root.req("cbc:CustomizationID")
    if not custom.text().startswith("urn:cen.eu:en16931:2017"):
        raise ValidationError("not an EN 16931 invoice (BT-24)", field=custom.path,
                              value=custom.text())
    credit = local == "CreditNote"
    type_node = root.req("cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode")
    if type_node.text() != ("381" if credit else "380"):
        raise ValidationError("only commercial invoices (380) and credit notes (381) are "
                              "imported", field=type_node.path, value=type_node.text())
    return root, credit


def _totals(root: Node, r: Reader, nets: list[Decimal], ac_amounts: list[Decimal],
            rows: list[VatBreakdown]) -> Totals:
    main, accounting = None, None
    tax_node, tax_code = root.opt("cbc:TaxCurrencyCode"), ""
    if tax_node is not None:
        tax_code = _currency_code(tax_node, "BR-CL-05")
        if tax_code == r.code:  # BT-111 would repeat BT-110: not an accounting currency
            raise ValidationError("the VAT accounting currency differs from the document "
                                  "currency when given (PEPPOL-EN16931-R005)",
                                  field=tax_node.path, value=tax_node.text())
    for tt in root.all("cac:TaxTotal"):
        amount_node = tt.req("cbc:TaxAmount")
        cur = r.currency_id(amount_node)
        if cur == r.code and main is None:
            main = tt
        elif tax_code and cur == tax_code and accounting is None:
            accounting = Money(r.amount(amount_node, code=tax_code), tax_code)
        else:
            raise ValidationError("one VAT total in the document currency and at most one in "
                                  "the VAT accounting currency (BT-6)",
                                  field=f"{amount_node.path}/@currencyID", value=cur)
    if main is None:
        raise ValidationError("the VAT total in the document currency is missing (BT-110)",
                              field=f"{root.path}/cac:TaxTotal", value=None)
    if tax_code and accounting is None:
        raise ValidationError("BT-6 is given, so the VAT total in that currency (BT-111) is "
                              "mandatory (BR-53)", field=f"{root.path}/cac:TaxTotal", value=None)
    tax_total = r.amount(main.req("cbc:TaxAmount"), term="BT-110")
    lmt = root.req("cac:LegalMonetaryTotal")
    req = {term: r.amount(lmt.req(path.split("/")[1]), term=term)
           for term, path in _TOTAL_PATHS.items() if term in ("BT-106", "BT-109", "BT-112",
                                                              "BT-115")}
    opt = {term: r.opt_amount(lmt, path.split("/")[1], term) or _ZERO
           for term, path in _TOTAL_PATHS.items() if term in ("BT-107", "BT-108", "BT-113",
                                                              "BT-114")}
    m = r.money
    return Totals(r.code, tuple(m(n) for n in nets), tuple(m(a) for a in ac_amounts),
                  m(req["BT-106"]), m(opt["BT-107"]), m(opt["BT-108"]), m(req["BT-109"]),
                  m(tax_total), m(req["BT-112"]), m(opt["BT-113"]), m(opt["BT-114"]),
                  m(req["BT-115"]), tuple(rows), accounting)


def _refuse_problems(doc: Document, root: Node, r: Reader) -> None:
    problems = validate_en16931(doc)
    if not problems:
        return
    errors = []
    for p in problems:
        path = r.paths.get(p.term) or r.paths.get(p.term.split("[")[0])
        if path is None and p.term in _TOTAL_PATHS:
            path = f"{root.path}/{_TOTAL_PATHS[p.term]}"
        errors.append((path or root.path, p.actual, str(p)))
    first = errors[0]
    raise ValidationError(f"the totals break EN 16931: {first[2]}"
                          + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""),
                          field=first[0], value=first[1], errors=errors)


class PartyLookup(Protocol):
    """What :func:`from_ubl` needs to match parties: ``bo.documents`` is one."""

    def party_by_code(self, code: str) -> Party:
        """The party with ``code`` (ignoring case); ``NotFoundError`` otherwise."""
        ...


def from_ubl(xml: bytes | str, *, direction: Direction | str = Direction.SALES,
             parties: PartyLookup | None = None) -> tuple[Document, Party, Party]:
    """Read a UBL 2.1 Invoice or CreditNote; return ``(document, seller, buyer)``.

    Args:
        xml: the XML document (bytes as received, or text).
        direction: ``SALES`` (default: we are the seller; the result is a sales invoice
            or credit note, issued, numbered with BT-1) or ``PURCHASE`` (we are the
            buyer; the result is a draft supplier bill or debit note whose
            ``external_number`` is BT-1).
        parties: the book's parties (``bo.documents``): a seller or buyer that carries
            an identifier (``cac:PartyIdentification/cbc:ID``, BT-29 / BT-46, which
            :func:`~.writer.to_ubl` writes from ``Party.code``) of a party of the book
            comes back as that party (matched ignoring case, as codes are), and the
            document is put on it. Without it, or without a match, a party comes back
            as read, its ``id`` made from its endpoint.

    Raises:
        ValidationError: see the module text; ``field`` is the XPath of the element.

    Example:
        >>> from_ubl(b"<Order xmlns='urn:oasis:names:specification:ubl:schema:xsd:Order-2'/>")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: /=...Order': the root element must be ...
    """
    if parties is not None and not callable(getattr(parties, "party_by_code", None)):
        raise ValidationError("parties: the book's parties (bo.documents), with "
                              "party_by_code", field="parties", value=type(parties).__name__)
    with decimal.localcontext(EXACT):  # exact whatever the caller's decimal context
        doc, seller, buyer = _from_ubl(xml, direction)
    if parties is None:
        return doc, seller, buyer
    seller, buyer = _known(seller, parties), _known(buyer, parties)
    party = buyer if doc.direction is Direction.SALES else seller
    if party.id != doc.party_id:
        doc = attrs.evolve(doc, party_id=party.id)
    return doc, seller, buyer


def _known(party: Party, parties: PartyLookup) -> Party:
    """The book's party with ``party``'s code, or ``party`` as read."""
    if not party.code:
        return party
    try:
        return parties.party_by_code(party.code)
    except NotFoundError:
        return party


def _from_ubl(xml: bytes | str, direction: Direction | str
              ) -> tuple[Document, Party, Party]:
    if not isinstance(direction, Direction):
        try:
            direction = Direction(direction)
        except ValueError:
            raise ValidationError("direction is 'sales' or 'purchase'", field="direction",
                                  value=direction) from None
    root, credit = _root(xml)
    r = Reader(_currency_code(root.req("cbc:DocumentCurrencyCode"), "BR-CL-04"))
    code = r.code
    number = root.req_text("cbc:ID")
    issued = r.date(root.req("cbc:IssueDate"))
    due_node = root.opt("cbc:DueDate")
    means = root.opt("cac:PaymentMeans")
    if due_node is None and means is not None:
        due_node = means.opt("cbc:PaymentDueDate")
    due = r.date(due_node) if due_node is not None else None
    if due_node is not None:  # as a draft's due date: not before the document date
        _name_refusal(lambda: check_due_date(issued, due), {"due_date": due_node})
    seller = read_party(root.req("cac:AccountingSupplierParty").req("cac:Party"), "seller")
    buyer = read_party(root.req("cac:AccountingCustomerParty").req("cac:Party"), "buyer")
    tax_totals = root.all("cac:TaxTotal")
    main_tt = next((tt for tt in tax_totals
                    if r.currency_id(tt.req("cbc:TaxAmount")) == code), None)
    if main_tt is None:
        raise ValidationError("the VAT total in the document currency is missing (BT-110)",
                              field=f"{root.path}/cac:TaxTotal", value=None)
    rows = _breakdown(main_tt, r)
    by_key = {row.key: row for row in rows}
    line_nodes = root.all("cac:CreditNoteLine" if credit else "cac:InvoiceLine")
    if not line_nodes:
        raise ValidationError("at least one line (BR-16)", field=f"{root.path}/cac:"
                              f"{'CreditNoteLine' if credit else 'InvoiceLine'}", value=None)
    lines, nets = [], []
    for i, node in enumerate(line_nodes):
        ln, net = _line(node, r, credit, by_key, i)
        lines.append(ln)
        nets.append(net)
    acs, ac_amounts = [], []
    for j, node in enumerate(root.all("cac:AllowanceCharge")):
        cat = node.req("cac:TaxCategory")
        category, rate = _category(cat, r)
        tax = _tax(category, rate, by_key, cat.path)
        group = sum((n for ln, n in zip(lines, nets, strict=True) if ln.tax.key == tax.key),
                    _ZERO)
        ac, amount, _ = _allowance(node, r, group, f"BT-92/BT-99[{j}]", tax)
        r.paths[f"BT-97[{j}]"] = r.paths[f"BT-104[{j}]"] = node.path
        r.fields[f"allowances_charges[{j}]"] = node
        acs.append(ac)
        ac_amounts.append(amount)
    declared = _totals(root, r, nets, ac_amounts, rows)
    prepaid_node = root.req("cac:LegalMonetaryTotal").opt("cbc:PrepaidAmount")
    order_node = root.opt("cac:OrderReference")
    order = order_node.opt_text("cbc:ID") if order_node is not None else ""
    references = []
    for ref in root.all("cac:BillingReference"):
        idr = ref.req("cac:InvoiceDocumentReference")
        ref_date = idr.opt("cbc:IssueDate")
        ref_number = idr.req_text("cbc:ID")
        issue_date = r.date(ref_date) if ref_date is not None else None
        with at_path(f"{idr.path}/cbc:ID"):  # which reference, not just "references.number"
            references.append(DocumentRef("", DocumentType.SALES_INVOICE
                                          if direction is Direction.SALES
                                          else DocumentType.SUPPLIER_BILL, ref_number,
                                          issue_date))
    if order and direction is Direction.PURCHASE:
        assert order_node is not None
        with at_path(f"{order_node.path}/cbc:ID"):
            references.append(DocumentRef("", DocumentType.PURCHASE_ORDER, order))
    terms_node = root.opt("cac:PaymentTerms")
    terms_text = terms_node.opt_text("cbc:Note") if terms_node is not None else ""
    terms = None
    if terms_text:
        with at_path(f"{root.path}/cac:PaymentTerms"):
            terms = PaymentTerms((Instalment(Decimal(100), (due - issued).days),)
                                 if due is not None else PaymentTerms().instalments,
                                 None, terms_text)
    delivery = root.opt("cac:Delivery")
    delivery_node = delivery.opt("cbc:ActualDeliveryDate") if delivery is not None else None
    sales = direction is Direction.SALES
    with at_path(root.path):
        doc = Document(
            number, _TYPES[(credit, direction)], (buyer if sales else seller).id, code, issued,
            lines, acs, DocumentState.ISSUED if sales else DocumentState.DRAFT,
            number if sales else None, due, terms, DocumentRounding(),
            r.money(r.amount(prepaid_node)) if prepaid_node is not None else None,
            references, order if sales else number, root.opt_text("cbc:BuyerReference"),
            "\n".join(n.text() for n in root.all("cbc:Note")),
            r.date(delivery_node) if delivery_node is not None else None, totals=declared)
    _refuse_problems(doc, root, r)
    _name_refusal(lambda: compute_totals(lines, code, allowances_charges=acs),  # (beyond
                  {**r.fields, "": root.req("cac:LegalMonetaryTotal")})  # a book: totals)
    return attrs.evolve(doc, rounding=_infer_rounding(doc, declared)), seller, buyer
