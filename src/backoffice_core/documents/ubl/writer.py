"""Export a document as UBL 2.1 XML following Peppol BIS Billing 3.0.

What goes where (business terms of EN 16931):

* BT-1 number: ``document.number`` for sales documents; for a supplier's bill or a
  debit note, the supplier's own number ``document.external_number``.
* BT-2 ``date``, BT-9 ``due_date`` (``cbc:DueDate`` of an invoice,
  ``cac:PaymentMeans/cbc:PaymentDueDate`` of a credit note, with payment means code 1,
  "not defined"), BT-3 type code 380/381, BT-5 currency, BT-6 + BT-111 when the totals
  carry the VAT in the accounting currency, BT-10 ``buyer_reference``, BT-13 order
  reference (``external_number`` of a sales document, the purchase order's number of
  a purchase document), BT-22 ``note``, BT-25/BT-26 the corrected invoice of a credit
  note, BT-72 ``delivery_date``, BT-20 the payment terms' description.
* Parties: endpoint (see :func:`~.common.endpoint_of`), ``code`` as party identifier,
  the first address, tax ids (VAT numbers under the VAT scheme, INN/KPP/EIN/others
  under their scheme's name), legal name, the first contact.
* Document level allowances and charges (BG-20/21), the VAT breakdown (BG-23), the
  totals (BG-22) and the lines (BG-25) with their allowances and charges (BG-27/28),
  item (name, seller's item id, VAT category and rate) and net price with its base
  quantity.

Amounts carry exactly the currency's minor digits; prices and quantities keep their
own digits. A line priced gross of tax is exported with the net price that gives its
net amount (UBL has net prices only), its line allowances and charges folded in.

Example:
    >>> from datetime import date
    >>> from backoffice_core.documents import Address, Document, Party, Tax, TaxId, line
    >>> seller = Party("s", "Seller AG", tax_ids=[TaxId("VAT", "DE123456789")],
    ...                addresses=[Address(["Hauptstr. 1"], "Berlin", "10115", "DE")])
    >>> buyer = Party("b", "Buyer BV", tax_ids=[TaxId("VAT", "NL123456789B01")],
    ...               addresses=[Address(["Kerkstraat 2"], "Utrecht", "3511", "NL")])
    >>> doc = Document("d", "sales_invoice", "b", "EUR", date(2026, 3, 1),
    ...                [line("Widget", 2, "10.00", Tax.standard(19))], number="INV-1",
    ...                buyer_reference="PO-7", due_date=date(2026, 3, 31))
    >>> xml = to_ubl(doc, seller=seller, buyer=buyer)
    >>> b'<cbc:PayableAmount currencyID="EUR">23.80</cbc:PayableAmount>' in xml
    True
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from xml.etree import ElementTree as ET

import attrs

from backoffice_core.documents.lines import AllowanceCharge, DocumentLine
from backoffice_core.documents.model import Direction, Document, DocumentType
from backoffice_core.documents.parties import Party, TaxScheme
from backoffice_core.documents.taxes import Tax, TaxCategory
from backoffice_core.documents.totals import Totals, document_totals
from backoffice_core.documents.ubl.common import (
    CUSTOMIZATION_ID,
    NS,
    PROFILE_ID,
    endpoint_of,
    format_amount,
    format_number,
    line_allowances_charges,
    ubl_type,
)
from backoffice_core.documents.ubl.rules import validate_en16931
from backoffice_core.errors import ValidationError
from backoffice_core.money import EXACT, Money, minor_digits

__all__ = ["to_ubl"]

_CTX = decimal.Context(prec=60)
_CORRECTED = (DocumentType.SALES_INVOICE, DocumentType.SUPPLIER_BILL)


class _Writer:
    """Builds the tree; tags are written with their usual prefixes, declared on the root."""

    def __init__(self, code: str) -> None:
        self.code = code

    @staticmethod
    def cbc(parent: ET.Element, name: str, text: str, **attrib: str) -> ET.Element:
        el = ET.SubElement(parent, f"cbc:{name}", attrib)
        el.text = text
        return el

    @staticmethod
    def cac(parent: ET.Element, name: str) -> ET.Element:
        return ET.SubElement(parent, f"cac:{name}")

    def amount(self, parent: ET.Element, name: str, value: Money | Decimal,
               field: str) -> None:
        if isinstance(value, Money):
            if value.code != self.code:
                raise ValidationError(f"amount not in the document currency {self.code}",
                                      field=field, value=value)
            value = value.amount
        self.cbc(parent, name, format_amount(value, self.code, field=field),
                 currencyID=self.code)

    def tax_category(self, parent: ET.Element, name: str, tax: Tax) -> None:
        cat = self.cac(parent, name)
        self.cbc(cat, "ID", tax.category.code)
        if tax.category is not TaxCategory.OUT_OF_SCOPE:
            self.cbc(cat, "Percent", format_number(tax.rate))
        self.cbc(self.cac(cat, "TaxScheme"), "ID", "VAT")


def _net_price(ln: DocumentLine, net: Decimal, digits: int, doc: Document) -> Decimal:
    """The net unit price whose line amount is exactly ``net`` (for lines priced gross)."""
    rnd = doc.rounding.rounder(doc.currency)
    qty, per = ln.quantity, ln.price_base_quantity
    if qty == 0:
        return _CTX.divide(ln.price, 1 + ln.tax.fraction).quantize(
            Decimal(1).scaleb(-digits - 2), decimal.ROUND_HALF_UP, _CTX)
    exact = _CTX.divide(net * per, qty)
    for places in range(digits, digits + 13):
        price = exact.quantize(Decimal(1).scaleb(-places), decimal.ROUND_HALF_UP, _CTX)
        if rnd(_CTX.divide(qty * price, per)) == net:
            return price
    return exact  # pragma: no cover - 12 extra digits always suffice for a real quantity


def _number(doc: Document) -> str:
    if doc.type.direction is Direction.SALES:
        if not doc.number:
            raise ValidationError("BT-1: the document has no number yet; issue it first",
                                  field="number", value=doc.number)
        return doc.number
    if not doc.external_number:
        raise ValidationError("BT-1 of a supplier's document is the supplier's number: set "
                              "external_number", field="external_number",
                              value=doc.external_number)
    return doc.external_number


def _order_reference(doc: Document) -> str:
    if doc.type.direction is Direction.SALES:
        return doc.external_number
    return next((r.number for r in doc.references
                 if r.type is DocumentType.PURCHASE_ORDER and r.number), "")


def _party(w: _Writer, parent: ET.Element, party: Party, field: str) -> None:
    if not isinstance(party, Party):
        raise ValidationError("expected a Party", field=field, value=party)
    p = w.cac(parent, "Party")
    try:
        scheme, ident, source = endpoint_of(party)
    except ValidationError as err:
        raise ValidationError(err.message, field=f"{field}.tax_ids", value=party.id) from None
    w.cbc(p, "EndpointID", ident, schemeID=scheme)
    if party.code:
        w.cbc(w.cac(p, "PartyIdentification"), "ID", party.code)
    address = party.address
    if address is None:
        raise ValidationError("a postal address with its country is mandatory (BG-5/BG-8)",
                              field=f"{field}.addresses", value=party.id)
    pa = w.cac(p, "PostalAddress")
    for name, text in (("StreetName", address.lines[0] if address.lines else ""),
                       ("AdditionalStreetName", address.lines[1] if len(address.lines) > 1
                        else ""),
                       ("CityName", address.city), ("PostalZone", address.postal_code),
                       ("CountrySubentity", address.region)):
        if text:
            w.cbc(pa, name, text)
    for extra in address.lines[2:]:
        w.cbc(w.cac(pa, "AddressLine"), "Line", extra)
    w.cbc(w.cac(pa, "Country"), "IdentificationCode", address.country)
    for tax_id in party.tax_ids:
        if tax_id is source:
            continue
        pts = w.cac(p, "PartyTaxScheme")
        w.cbc(pts, "CompanyID", tax_id.value)
        scheme_name = "VAT" if tax_id.scheme is TaxScheme.VAT else tax_id.scheme.value
        w.cbc(w.cac(pts, "TaxScheme"), "ID", scheme_name)
    w.cbc(w.cac(p, "PartyLegalEntity"), "RegistrationName", party.legal_name)
    if party.contacts:
        contact = party.contacts[0]
        c = w.cac(p, "Contact")
        w.cbc(c, "Name", contact.name)
        if contact.phone:
            w.cbc(c, "Telephone", contact.phone)
        if contact.email:
            w.cbc(c, "ElectronicMail", contact.email)


def _allowance_charge(w: _Writer, parent: ET.Element, ac: AllowanceCharge, amount: Decimal,
                      base: Decimal | None, field: str, tax: Tax | None) -> None:
    el = w.cac(parent, "AllowanceCharge")
    w.cbc(el, "ChargeIndicator", "true" if ac.is_charge else "false")
    if ac.reason_code:
        w.cbc(el, "AllowanceChargeReasonCode", ac.reason_code)
    if ac.reason:
        w.cbc(el, "AllowanceChargeReason", ac.reason)
    if ac.percent is not None:
        w.cbc(el, "MultiplierFactorNumeric", format_number(ac.percent))
    w.amount(el, "Amount", amount, f"{field}.amount")
    if ac.percent is not None and base is not None:
        w.amount(el, "BaseAmount", base, f"{field}.base")
    if tax is not None:
        w.tax_category(el, "TaxCategory", tax)


def _line(w: _Writer, parent: ET.Element, doc: Document, i: int, ln: DocumentLine,
          net: Money, credit: bool) -> None:
    el = w.cac(parent, "CreditNoteLine" if credit else "InvoiceLine")
    w.cbc(el, "ID", ln.id)
    if ln.note:
        w.cbc(el, "Note", ln.note)
    w.cbc(el, "CreditedQuantity" if credit else "InvoicedQuantity", format_number(ln.quantity),
          unitCode=ln.unit)
    w.amount(el, "LineExtensionAmount", net, f"lines[{i}].net")
    if ln.price_includes_tax:
        price = _net_price(ln, net.amount, minor_digits(doc.currency), doc)
    else:
        price = ln.price
        base, parts = line_allowances_charges(ln, doc.currency, doc)
        signed = sum((v if ac.is_charge else -v for ac, v, _ in parts), Decimal(0))
        if base + signed != net.amount:
            raise ValidationError("the totals do not belong to this document: line net "
                                  f"amount should be {base + signed}", field=f"lines[{i}]",
                                  value=net)
        for j, (ac, value, of) in enumerate(parts):
            _allowance_charge(w, el, ac, value, of, f"lines[{i}].allowances_charges[{j}]",
                              None)
    item = w.cac(el, "Item")
    name = ln.description or ln.item_id or ""
    w.cbc(item, "Name", name)
    if ln.item_id:
        w.cbc(w.cac(item, "SellersItemIdentification"), "ID", ln.item_id)
    w.tax_category(item, "ClassifiedTaxCategory", ln.tax)
    pr = w.cac(el, "Price")
    w.cbc(pr, "PriceAmount", format_number(price), currencyID=doc.currency)
    w.cbc(pr, "BaseQuantity", format_number(ln.price_base_quantity), unitCode=ln.unit)


def _tax_total(w: _Writer, root: ET.Element, t: Totals) -> None:
    tt = w.cac(root, "TaxTotal")
    w.amount(tt, "TaxAmount", t.tax_total, "totals.tax_total")
    for row in t.breakdown:
        sub = w.cac(tt, "TaxSubtotal")
        w.amount(sub, "TaxableAmount", row.taxable, "totals.breakdown.taxable")
        w.amount(sub, "TaxAmount", row.tax, "totals.breakdown.tax")
        cat = w.cac(sub, "TaxCategory")
        w.cbc(cat, "ID", row.category.code)
        if row.category is not TaxCategory.OUT_OF_SCOPE:
            w.cbc(cat, "Percent", format_number(row.rate))
        if row.exemption_code:
            w.cbc(cat, "TaxExemptionReasonCode", row.exemption_code)
        if row.exemption_reason:
            w.cbc(cat, "TaxExemptionReason", row.exemption_reason)
        w.cbc(w.cac(cat, "TaxScheme"), "ID", "VAT")
    acc = t.tax_total_accounting
    if acc is not None and acc.code != t.currency:
        tt2 = w.cac(root, "TaxTotal")
        w.cbc(tt2, "TaxAmount", format_amount(acc.amount, acc.code,
                                              field="totals.tax_total_accounting"),
              currencyID=acc.code)


def _monetary_total(w: _Writer, root: ET.Element, doc: Document, t: Totals) -> None:
    lmt = w.cac(root, "LegalMonetaryTotal")
    w.amount(lmt, "LineExtensionAmount", t.line_total, "totals.line_total")
    w.amount(lmt, "TaxExclusiveAmount", t.tax_exclusive, "totals.tax_exclusive")
    w.amount(lmt, "TaxInclusiveAmount", t.tax_inclusive, "totals.tax_inclusive")
    acs = doc.allowances_charges
    if t.allowance_total.amount or any(not ac.is_charge for ac in acs):
        w.amount(lmt, "AllowanceTotalAmount", t.allowance_total, "totals.allowance_total")
    if t.charge_total.amount or any(ac.is_charge for ac in acs):
        w.amount(lmt, "ChargeTotalAmount", t.charge_total, "totals.charge_total")
    if t.prepaid.amount or doc.prepaid is not None:
        w.amount(lmt, "PrepaidAmount", t.prepaid, "totals.prepaid")
    if t.rounding.amount:
        w.amount(lmt, "PayableRoundingAmount", t.rounding, "totals.rounding")
    w.amount(lmt, "PayableAmount", t.amount_due, "totals.amount_due")


def _header(w: _Writer, root: ET.Element, doc: Document, t: Totals, credit: bool) -> None:
    w.cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    w.cbc(root, "ProfileID", PROFILE_ID)
    w.cbc(root, "ID", _number(doc))
    w.cbc(root, "IssueDate", doc.date.isoformat())
    if doc.due_date is not None and not credit:
        w.cbc(root, "DueDate", doc.due_date.isoformat())
    w.cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode",
          "381" if credit else "380")
    if doc.note:
        w.cbc(root, "Note", doc.note)
    w.cbc(root, "DocumentCurrencyCode", doc.currency)
    acc = t.tax_total_accounting
    if acc is not None and acc.code != doc.currency:
        w.cbc(root, "TaxCurrencyCode", acc.code)
    if doc.buyer_reference:
        w.cbc(root, "BuyerReference", doc.buyer_reference)
    order = _order_reference(doc)
    if order:
        w.cbc(w.cac(root, "OrderReference"), "ID", order)
    if doc.type.is_correction:
        for ref in doc.references:
            if ref.type in _CORRECTED and ref.number:
                idr = w.cac(w.cac(root, "BillingReference"), "InvoiceDocumentReference")
                w.cbc(idr, "ID", ref.number)
                if ref.issue_date is not None:
                    w.cbc(idr, "IssueDate", ref.issue_date.isoformat())


def _refuse_problems(document: Document) -> None:
    problems = validate_en16931(document)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValidationError(f"the document breaks EN 16931: {first}{more}",
                              field=f"totals.{first.term}", value=first.actual,
                              errors=[(f"totals.{p.term}", p.actual, str(p)) for p in problems])


def to_ubl(document: Document, *, seller: Party, buyer: Party,
           totals: Totals | None = None, validate: bool = True) -> bytes:
    """The document as UBL 2.1 XML (Peppol BIS Billing 3.0), UTF-8 encoded.

    Args:
        document: a sales invoice or credit note (sales side), or a supplier bill or
            debit note (purchase side: its BT-1 is ``external_number``).
        seller: the seller party (BG-4): our company on sales documents.
        buyer: the buyer party (BG-7).
        totals: the document's totals; by default ``document.totals`` (frozen at
            issue, with BT-111 for a foreign currency) or else computed.
        validate: refuse a document that breaks the EN 16931 rules of
            :func:`~.rules.validate_en16931` (a receiving access point would reject it,
            and :func:`~.reader.from_ubl` does), or that has neither a buyer reference
            nor an order reference (Peppol's rule R003). ``False`` exports it anyway.

    Raises:
        ValidationError: an unsupported type, no number, a party without endpoint or
            address, totals of another document, an amount finer than the minor unit,
            a broken EN 16931 rule (``errors`` lists them all), a text with U+FFFE or
            U+FFFF, which XML 1.0 cannot carry (``field`` is the element's XPath).

    Example:
        >>> from datetime import date
        >>> from backoffice_core.documents import Address, Document, Party, Tax, TaxId, line
        >>> me = Party("me", "Me SARL", tax_ids=[TaxId("VAT", "FR12345678901")],
        ...            addresses=[Address([], "Paris", "75001", "FR")])
        >>> you = Party("you", "You SA", tax_ids=[TaxId("VAT", "BE0123456789")],
        ...             addresses=[Address([], "Gent", "9000", "BE")])
        >>> doc = Document("d", "credit_note", "you", "EUR", date(2026, 3, 1),
        ...                [line("Return", 1, "5.00", Tax.standard(20))], number="CN-1",
        ...                buyer_reference="Dept. 7", due_date=date(2026, 3, 1))
        >>> to_ubl(doc, seller=me, buyer=you).decode().count("<cac:CreditNoteLine>")
        1
    """
    with decimal.localcontext(EXACT):  # exact whatever the caller's decimal context
        return _to_ubl(document, seller, buyer, totals, validate)


def _to_ubl(document: Document, seller: Party, buyer: Party, totals: Totals | None,
            validate: bool) -> bytes:
    if not isinstance(document, Document):
        raise ValidationError("expected a Document", field="document", value=document)
    root_name = ubl_type(document.type)
    credit = root_name == "CreditNote"
    code = document.currency
    t = totals if totals is not None else (
        document.totals if document.totals is not None else document_totals(document))
    if not isinstance(t, Totals) or t.currency != code:
        raise ValidationError(f"totals in the document currency {code} expected",
                              field="totals", value=getattr(t, "currency", t))
    if len(t.line_nets) != len(document.lines) or \
            len(t.allowance_charge_amounts) != len(document.allowances_charges):
        raise ValidationError("the totals do not belong to this document (counts of lines "
                              "or allowances/charges differ)", field="totals", value=None)
    if not document.lines:
        raise ValidationError("an invoice has at least one line (BR-16)", field="lines",
                              value=())
    if validate:
        _refuse_problems(attrs.evolve(document, totals=t))
        if not (document.buyer_reference or _order_reference(document)):
            raise ValidationError("Peppol needs a buyer reference (BT-10) or an order "
                                  "reference (BT-13) (PEPPOL-EN16931-R003)",
                                  field="buyer_reference", value=document.buyer_reference)
    w = _Writer(code)
    root = ET.Element(root_name, {"xmlns": NS[root_name], "xmlns:cac": NS["cac"],
                                  "xmlns:cbc": NS["cbc"]})
    _header(w, root, document, t, credit)
    _party(w, w.cac(root, "AccountingSupplierParty"), seller, "seller")
    _party(w, w.cac(root, "AccountingCustomerParty"), buyer, "buyer")
    if document.delivery_date is not None:
        w.cbc(w.cac(root, "Delivery"), "ActualDeliveryDate", document.delivery_date.isoformat())
    if credit and document.due_date is not None:
        pm = w.cac(root, "PaymentMeans")
        w.cbc(pm, "PaymentMeansCode", "1")
        w.cbc(pm, "PaymentDueDate", document.due_date.isoformat())
    terms = document.payment_terms
    if terms is not None and terms.description:
        w.cbc(w.cac(root, "PaymentTerms"), "Note", terms.description)
    for j, (ac, amount) in enumerate(zip(document.allowances_charges,
                                         t.allowance_charge_amounts, strict=True)):
        assert ac.tax is not None  # required on document level by the model
        base = ac.base_value()
        if ac.percent is not None and base is None:
            base = sum((net.amount for ln, net in zip(document.lines, t.line_nets, strict=True)
                        if ln.tax.key == ac.tax.key), Decimal(0))
        _allowance_charge(w, root, ac, amount.amount, base, f"allowances_charges[{j}]",
                          ac.tax)
    _tax_total(w, root, t)
    _monetary_total(w, root, document, t)
    for i, (ln, net) in enumerate(zip(document.lines, t.line_nets, strict=True)):
        _line(w, root, document, i, ln, net, credit)
    ET.indent(root, space="  ")
    data: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    if b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data:  # U+FFFE, U+FFFF in UTF-8
        _refuse_non_xml(root, f"/{root_name}")
    return data


def _refuse_non_xml(el: ET.Element, path: str) -> None:
    """Refuse a text XML 1.0 has no character for (U+FFFE, U+FFFF): no reader would parse
    the export. The text rules refuse both since they were found; this catches a text
    stored before. Names its XPath."""
    for value in (el.text or "", *el.attrib.values()):
        if "\ufffe" in value or "\uffff" in value:
            raise ValidationError("a character XML 1.0 cannot carry (U+FFFE or U+FFFF)",
                                  field=path, value=value)
    counts: dict[str, int] = {}
    for child in el:
        counts[child.tag] = counts.get(child.tag, 0) + 1
        _refuse_non_xml(child, f"{path}/{child.tag}[{counts[child.tag]}]")
