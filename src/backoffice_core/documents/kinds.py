"""What kind a commercial document is and where it stands: its type, direction and state.

Nine :class:`DocumentType` values share one document value and one lifecycle:
quotes, sales orders, sales invoices, credit notes, purchase orders, supplier
bills, debit notes, delivery notes and goods receipts. A type says its
direction (sales or purchase), whether it is financial (posts to the ledger and
is settled by payments), its sign on the party's account, its UNCL1001 code and
its default numbering pattern. :mod:`.model` re-exports all three.

Example:
    >>> DocumentType.CREDIT_NOTE.sign, DocumentType.CREDIT_NOTE.code
    (-1, '381')
"""

from __future__ import annotations

import enum

__all__ = ["Direction", "DocumentState", "DocumentType"]


class Direction(enum.Enum):
    """Sales documents face customers (receivables); purchase documents face suppliers.

    Example:
        >>> Direction.PURCHASE.control_role
        'payables'
    """

    SALES = "sales"
    PURCHASE = "purchase"

    @property
    def control_role(self) -> str:
        """The ledger role of the party's account: ``receivables`` or ``payables``."""
        return "receivables" if self is Direction.SALES else "payables"


class DocumentType(enum.Enum):
    """The kinds of commercial document.

    Example:
        >>> t = DocumentType.SUPPLIER_BILL
        >>> t.direction.value, t.is_financial, t.sign, t.default_pattern
        ('purchase', True, 1, 'BILL-{year}-{seq:05}')
    """

    QUOTE = "quote"
    SALES_ORDER = "sales_order"
    SALES_INVOICE = "sales_invoice"
    CREDIT_NOTE = "credit_note"
    PURCHASE_ORDER = "purchase_order"
    SUPPLIER_BILL = "supplier_bill"
    DEBIT_NOTE = "debit_note"
    DELIVERY_NOTE = "delivery_note"
    GOODS_RECEIPT = "goods_receipt"

    @property
    def direction(self) -> Direction:
        """Sales (customer side) or purchase (supplier side)."""
        return _DIRECTIONS[self._value_]  # keyed by the str value: enum hashing is slow

    @property
    def is_financial(self) -> bool:
        """Invoices, credit notes, bills and debit notes: posted and settled by payments."""
        return self._value_ in _SIGNS

    @property
    def sign(self) -> int:
        """+1 when it raises what the party owes (invoice) or is owed (bill); -1 for the
        corrections (credit note, debit note); 0 for non-financial documents."""
        return _SIGNS.get(self._value_, 0)

    @property
    def is_correction(self) -> bool:
        """Credit notes and debit notes: they reverse (part of) an invoice or bill."""
        return self.sign == -1

    @property
    def moves_stock(self) -> int:
        """+1 for a goods receipt, -1 for a delivery note, 0 otherwise (inventory hand-over)."""
        return _STOCK.get(self._value_, 0)

    @property
    def code(self) -> str:
        """The UNCL1001 document type code (380 invoice, 381 credit note...)."""
        return _TYPE_INFO[self][1]

    @property
    def default_pattern(self) -> str:
        """The default numbering pattern of the type's series."""
        return _TYPE_INFO[self][2]

    @property
    def label(self) -> str:
        """An English label (``"sales invoice"``)."""
        return self.value.replace("_", " ")


_TYPE_INFO: dict[DocumentType, tuple[Direction, str, str]] = {
    DocumentType.QUOTE: (Direction.SALES, "310", "QUO-{year}-{seq:05}"),
    DocumentType.SALES_ORDER: (Direction.SALES, "220", "SO-{year}-{seq:05}"),
    DocumentType.SALES_INVOICE: (Direction.SALES, "380", "INV-{year}-{seq:05}"),
    DocumentType.CREDIT_NOTE: (Direction.SALES, "381", "CN-{year}-{seq:05}"),
    DocumentType.PURCHASE_ORDER: (Direction.PURCHASE, "220", "PO-{year}-{seq:05}"),
    DocumentType.SUPPLIER_BILL: (Direction.PURCHASE, "380", "BILL-{year}-{seq:05}"),
    DocumentType.DEBIT_NOTE: (Direction.PURCHASE, "383", "DN-{year}-{seq:05}"),
    DocumentType.DELIVERY_NOTE: (Direction.SALES, "270", "DEL-{year}-{seq:05}"),
    DocumentType.GOODS_RECEIPT: (Direction.PURCHASE, "632", "GR-{year}-{seq:05}"),
}

_DIRECTIONS = {t.value: info[0] for t, info in _TYPE_INFO.items()}
_SIGNS = {"sales_invoice": 1, "supplier_bill": 1, "credit_note": -1, "debit_note": -1}
_STOCK = {"goods_receipt": 1, "delivery_note": -1}


class DocumentState(enum.Enum):
    """Where a document stands in the shared lifecycle (see :mod:`.lifecycle`).

    ``DRAFT`` (editable, versioned) -> ``APPROVED`` -> ``ISSUED`` (numbered,
    immutable) -> ``PARTIALLY_PAID`` -> ``PAID`` for financial documents, or
    -> ``COMPLETED`` (converted, delivered, received in full) for the others;
    ``CANCELLED`` ends either path (an issued financial document only through
    a credit or debit note).

    Example:
        >>> DocumentState.PAID.is_issued, DocumentState.DRAFT.is_editable
        (True, True)
    """

    DRAFT = "draft"
    APPROVED = "approved"
    ISSUED = "issued"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def is_editable(self) -> bool:
        """Only drafts change."""
        return self is DocumentState.DRAFT

    @property
    def is_issued(self) -> bool:
        """Issued, or further along (numbered and immutable), and not cancelled."""
        return self in (DocumentState.ISSUED, DocumentState.PARTIALLY_PAID, DocumentState.PAID,
                        DocumentState.COMPLETED)
