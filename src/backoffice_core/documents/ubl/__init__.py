"""Electronic invoices: UBL 2.1 following Peppol BIS Billing 3.0 (EN 16931), both ways.

* :func:`to_ubl` writes an invoice (``Invoice``, type 380) or a credit note
  (``CreditNote``, 381) with every mandatory business term;
* :func:`from_ubl` reads one back, refusing unsafe or malformed XML and documents
  that break EN 16931, with a ``ValidationError`` naming the XML path;
* :func:`validate_en16931` checks the cheap business rules (BR-CO-10 to 18,
  BR-x-08...) on totals or a document and returns the problems as data.

A round trip changes nothing: ``from_ubl(to_ubl(doc, ...))`` gives back the same
lines, taxes, allowances and charges, totals and parties (see
``docs/documents-exchange.md`` for what is exchanged and what is not).

Example:
    >>> from datetime import date
    >>> from backoffice_core.documents import Address, Document, Party, Tax, TaxId, line
    >>> me = Party("me", "Acme GmbH", is_customer=False, is_supplier=True,
    ...            tax_ids=[TaxId("VAT", "DE123456789")],
    ...            addresses=[Address(["Hauptstr. 1"], "Berlin", "10115", "DE")])
    >>> you = Party("you", "Client SAS", tax_ids=[TaxId("VAT", "FR12345678901")],
    ...             addresses=[Address(["1 rue de la Paix"], "Paris", "75002", "FR")])
    >>> doc = Document("d-1", "sales_invoice", "you", "EUR", date(2026, 3, 1),
    ...                [line("Consulting", 2, "500.00", Tax.standard(19))], number="INV-7",
    ...                buyer_reference="Purchasing", due_date=date(2026, 3, 31))
    >>> xml = to_ubl(doc, seller=me, buyer=you)
    >>> back, seller, buyer = from_ubl(xml)
    >>> back.lines == doc.lines, validate_en16931(back)
    (True, [])
"""

from backoffice_core.documents.ubl.common import CUSTOMIZATION_ID, PROFILE_ID, endpoint_of
from backoffice_core.documents.ubl.reader import from_ubl
from backoffice_core.documents.ubl.rules import Problem, validate_en16931
from backoffice_core.documents.ubl.writer import to_ubl

__all__ = [
    "CUSTOMIZATION_ID",
    "PROFILE_ID",
    "Problem",
    "endpoint_of",
    "from_ubl",
    "to_ubl",
    "validate_en16931",
]
