"""Commercial documents: parties, quotes, orders, invoices, bills, notes, payments.

Example:
    >>> from backoffice_core.documents import Tax, compute_totals, line
    >>> compute_totals([line("Widget", 2, "10.00", Tax.standard(20))], "EUR").amount_due
    Money('24.00', 'EUR')
"""

from backoffice_core.documents.aging import (
    AgingReport,
    AgingRow,
    OpenItem,
    OverdueItem,
    Statement,
    StatementLine,
)
from backoffice_core.documents.conversions import MatchLine, MatchReport
from backoffice_core.documents.drafts import DraftSpec
from backoffice_core.documents.lines import (
    AllowanceCharge,
    Dimensions,
    DocumentLine,
    LineRef,
    line,
)
from backoffice_core.documents.model import (
    Direction,
    Document,
    DocumentRef,
    DocumentState,
    DocumentType,
    StockHandover,
    Transition,
)
from backoffice_core.documents.parties import (
    Address,
    Contact,
    Party,
    PartyKind,
    TaxId,
    TaxScheme,
)
from backoffice_core.documents.payments import Allocation, Payment, PaymentDirection
from backoffice_core.documents.repository import (
    DocumentQuery,
    DocumentsRepository,
    DocumentsUnitOfWork,
)
from backoffice_core.documents.rounding import DocumentRounding, RoundingScope
from backoffice_core.documents.service import Documents
from backoffice_core.documents.settings import ApprovalRule, DocumentSettings, MatchTolerance
from backoffice_core.documents.taxes import Tax, TaxCategory
from backoffice_core.documents.terms import EarlyPaymentDiscount, Instalment, PaymentTerms
from backoffice_core.documents.totals import Totals, VatBreakdown, compute_totals, document_totals

__all__ = [
    "Address",
    "AgingReport",
    "AgingRow",
    "Allocation",
    "AllowanceCharge",
    "ApprovalRule",
    "Contact",
    "Dimensions",
    "Direction",
    "Document",
    "DocumentLine",
    "DocumentQuery",
    "DocumentRef",
    "DocumentRounding",
    "DocumentSettings",
    "DocumentState",
    "DocumentType",
    "Documents",
    "DraftSpec",
    "DocumentsRepository",
    "DocumentsUnitOfWork",
    "EarlyPaymentDiscount",
    "Instalment",
    "LineRef",
    "MatchLine",
    "MatchReport",
    "MatchTolerance",
    "OpenItem",
    "OverdueItem",
    "Party",
    "PartyKind",
    "Payment",
    "PaymentDirection",
    "PaymentTerms",
    "RoundingScope",
    "Statement",
    "StatementLine",
    "StockHandover",
    "Tax",
    "TaxCategory",
    "TaxId",
    "TaxScheme",
    "Totals",
    "Transition",
    "VatBreakdown",
    "compute_totals",
    "document_totals",
    "line",
]
