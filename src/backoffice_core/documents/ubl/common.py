"""Shared pieces of the UBL 2.1 / Peppol BIS Billing 3.0 binding: names, codes, amounts.

Example:
    >>> from decimal import Decimal
    >>> format_amount(Decimal("12.5"), "EUR"), format_amount(Decimal("1234"), "JPY")
    ('12.50', '1234')
    >>> ubl_type(DocumentType.CREDIT_NOTE)
    'CreditNote'
"""

from __future__ import annotations

import decimal
import re
from decimal import Decimal

from backoffice_core.documents.lines import AllowanceCharge, DocumentLine
from backoffice_core.documents.model import Document, DocumentType
from backoffice_core.documents.parties import Party, TaxId, TaxScheme
from backoffice_core.documents.rounding import DocumentRounding
from backoffice_core.errors import ValidationError
from backoffice_core.money import EXACT, minor_digits

__all__ = [
    "CUSTOMIZATION_ID",
    "EAS_BY_VAT_COUNTRY",
    "EAS_EIN",
    "NS",
    "PROFILE_ID",
    "SUPPORTED_TYPES",
    "endpoint_of",
    "endpoint_tax_id",
    "format_amount",
    "format_number",
    "line_allowances_charges",
    "ubl_type",
]

#: BT-24: the specification identifier of Peppol BIS Billing 3.0.
CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
#: BT-23: the business process of Peppol BIS Billing 3.0.
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

#: The XML namespaces of UBL 2.1 by their usual prefixes.
NS = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}

#: The document types exchanged, with the UBL root element each one uses. A purchase-side
#: correction (our debit note against a supplier bill) travels as the supplier's credit note.
SUPPORTED_TYPES = {
    DocumentType.SALES_INVOICE: "Invoice",
    DocumentType.SUPPLIER_BILL: "Invoice",
    DocumentType.CREDIT_NOTE: "CreditNote",
    DocumentType.DEBIT_NOTE: "CreditNote",
}

#: Electronic address schemes (EAS code list, BT-34 scheme) that are a VAT number, by the
#: VAT number's country prefix. A party with such a VAT number needs no other endpoint.
EAS_BY_VAT_COUNTRY = {
    "AT": "9914", "BE": "9925", "BG": "9926", "CH": "9927", "CY": "9928", "CZ": "9929",
    "DE": "9930", "EE": "9931", "GB": "9932", "GR": "9933", "EL": "9933", "HR": "9934",
    "IE": "9935", "LI": "9936", "LT": "9937", "LU": "9938", "LV": "9939", "MC": "9940",
    "ME": "9941", "MK": "9942", "MT": "9943", "NL": "9944", "PL": "9945", "PT": "9946",
    "RO": "9947", "RS": "9948", "SI": "9949", "SK": "9950", "SM": "9951", "TR": "9952",
    "VA": "9953", "FR": "9957", "ES": "9920", "HU": "9910", "AD": "9922", "AL": "9923",
    "BA": "9924",
}
#: The EAS scheme of a US employer identification number.
EAS_EIN = "9959"

_CTX = decimal.Context(prec=60)
_ENDPOINT_RE = re.compile(r"^([0-9]{4}|[A-Z]{2}):(\S.*)$")


def ubl_type(doc_type: DocumentType) -> str:
    """The UBL root element for a document type; other types raise ``ValidationError``.

    Example:
        >>> ubl_type(DocumentType.SALES_INVOICE)
        'Invoice'
    """
    root = SUPPORTED_TYPES.get(doc_type)
    if root is None:
        raise ValidationError("UBL exchange covers invoices, supplier bills, credit notes and "
                              "debit notes only", field="type", value=doc_type.value)
    return root


def format_amount(value: Decimal, code: str, *, field: str = "amount") -> str:
    """An amount with exactly the minor digits of ``code`` (ISO 4217); never rounds.

    An amount finer than the minor unit is refused: it must be rounded by the
    totals calculation, not by the export.

    Example:
        >>> format_amount(Decimal("-0.5"), "KWD")
        '-0.500'
        >>> format_amount(Decimal("0.005"), "EUR")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: amount=Decimal('0.005'): finer than ...
    """
    digits = minor_digits(code)
    quantum = Decimal(1).scaleb(-digits)
    fixed = value.quantize(quantum, context=EXACT)
    if fixed != value:
        raise ValidationError(f"finer than the minor unit of {code} ({digits} digits)",
                              field=field, value=value)
    return format(fixed, "f")


def format_number(value: Decimal) -> str:
    """A quantity, price or percentage in plain notation, without exponent or trailing zeros
    beyond those given.

    Example:
        >>> format_number(Decimal("1E+2")), format_number(Decimal("0.3330"))
        ('100', '0.3330')
    """
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        return format(value.quantize(Decimal(1)), "f")
    return format(value, "f")


def endpoint_of(party: Party) -> tuple[str, str, TaxId | None]:
    """The party's electronic address (BT-34/BT-49) as ``(scheme, id, source tax id)``.

    A tax id of scheme ``OTHER`` written as a Peppol participant id (``"0088:5790000435951"``,
    EAS code, colon, identifier) is the endpoint; otherwise a VAT number of a country with a
    VAT-based EAS scheme is (``DE123456789`` gives ``("9930", "DE123456789", None)``), and
    then a US EIN (scheme 9959).

    Example:
        >>> p = Party("p", "Acme", tax_ids=[TaxId("VAT", "DE123456789")])
        >>> endpoint_of(p)
        ('9930', 'DE123456789', None)
        >>> q = Party("q", "Beta", tax_ids=[TaxId("OTHER", "0088:5790000435951")])
        >>> endpoint_of(q)[:2]
        ('0088', '5790000435951')
    """
    for tax_id in party.tax_ids:
        if tax_id.scheme is TaxScheme.OTHER:
            match = _ENDPOINT_RE.match(tax_id.value)
            if match:
                return match.group(1), match.group(2), tax_id
    for tax_id in party.tax_ids:
        if tax_id.scheme is TaxScheme.VAT and tax_id.value[:2] in EAS_BY_VAT_COUNTRY:
            return EAS_BY_VAT_COUNTRY[tax_id.value[:2]], tax_id.value, None
    for tax_id in party.tax_ids:
        if tax_id.scheme is TaxScheme.EIN:
            return EAS_EIN, tax_id.value, None
    raise ValidationError("the party has no electronic address (BT-34/BT-49): add a tax id "
                          "TaxId('OTHER', '<EAS code>:<id>') or an EU VAT number",
                          field="tax_ids", value=party.id)


def endpoint_tax_id(scheme: str, value: str) -> TaxId | None:
    """The tax id an imported endpoint adds to a party (``None`` when it is its VAT number).

    Example:
        >>> endpoint_tax_id("9930", "DE123456789") is None
        True
        >>> endpoint_tax_id("0088", "5790000435951")
        TaxId(scheme=<TaxScheme.OTHER: 'OTHER'>, value='0088:5790000435951')
    """
    if EAS_BY_VAT_COUNTRY.get(value[:2]) == scheme or (scheme == EAS_EIN and value.isdigit()):
        return None
    return TaxId(TaxScheme.OTHER, f"{scheme}:{value}")


def line_allowances_charges(ln: DocumentLine, currency: str, doc: Document | None = None
                            ) -> tuple[Decimal, list[tuple[AllowanceCharge, Decimal,
                                                           Decimal]]]:
    """A net-priced line's amount before allowances and charges, and each one's amount.

    Returns ``(round(quantity x price / base quantity), [(allowance or charge, amount,
    base), ...])``; amounts and bases carry the sign of the line, as in the totals.

    Example:
        >>> from backoffice_core.documents import Tax, line
        >>> base, parts = line_allowances_charges(line("A", 3, "9.99", Tax.zero(),
        ...                                            discount=10), "EUR")
        >>> base, [(amount, of) for _, amount, of in parts]
        (Decimal('29.97'), [(Decimal('3.00'), Decimal('29.97'))])
    """
    rnd = (doc.rounding if doc is not None else DocumentRounding()).rounder(currency)
    qty, price, per = ln.quantity, ln.price, ln.price_base_quantity
    base = rnd(qty * price if per == 1 else _CTX.divide(qty * price, per))
    sign = -1 if base < 0 else 1
    parts = []
    for ac in ln.allowances_charges:
        fixed = ac.amount_value()
        if fixed is None:
            explicit = ac.base_value()
            of = base if explicit is None else explicit * sign
            assert ac.percent is not None
            parts.append((ac, rnd(_CTX.divide(of * ac.percent, 100)), of))
        else:
            parts.append((ac, fixed * sign, base))
    return base, parts
