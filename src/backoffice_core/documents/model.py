"""Commercial documents: types, states, references, the audit trail and the document.

Nine :class:`DocumentType` values share one :class:`Document` value and one
lifecycle (:mod:`.lifecycle`): quotes, sales orders, sales invoices, credit
notes, purchase orders, supplier bills, debit notes, delivery notes and goods
receipts. A type says its direction (sales or purchase), whether it is
financial (posts to the ledger and is settled by payments), its sign on the
party's account, its UNCL1001 code and its default numbering pattern.

A document is immutable: every change (an edit of a draft, a transition, a
payment applied) is a new value with ``version + 1``, and every transition is
appended to :attr:`Document.history` with who, when and why.

Example:
    >>> from datetime import date
    >>> from backoffice_core.documents.lines import line
    >>> from backoffice_core.documents.taxes import Tax
    >>> doc = Document("d-1", DocumentType.SALES_INVOICE, "p-1", "EUR", date(2026, 3, 1),
    ...                [line("Widget", 2, "10.00", Tax.standard(20))])
    >>> doc.lines[0].id, doc.state, doc.direction
    ('1', <DocumentState.DRAFT: 'draft'>, <Direction.SALES: 'sales'>)
    >>> DocumentType.CREDIT_NOTE.sign, DocumentType.CREDIT_NOTE.code
    (-1, '381')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from backoffice_core.choices import choice
from backoffice_core.dates import check_date
from backoffice_core.documents.kinds import Direction, DocumentState, DocumentType
from backoffice_core.documents.lines import (
    AllowanceCharge,
    Dimensions,
    DocumentLine,
    check_currency,
    dimensions,
)
from backoffice_core.documents.rounding import DocumentRounding
from backoffice_core.documents.terms import PaymentTerms
from backoffice_core.errors import CurrencyMismatchError, ValidationError
from backoffice_core.money import Money, currency
from backoffice_core.text import check_id, check_line, check_text, not_found

if TYPE_CHECKING:
    from backoffice_core.documents.totals import Totals

__all__ = [
    "POST_INIT_READS",
    "Direction",
    "Document",
    "DocumentRef",
    "DocumentState",
    "DocumentType",
    "StockHandover",
    "Transition",
    "check_due_date",
    "check_user",
    "check_valid_until",
]


@attrs.frozen(slots=True)
class DocumentRef:
    """A link to another document: where this one came from, or what it corrects.

    Attributes:
        document_id: the other document's id.
        type: its :class:`DocumentType`.
        number: its number when it had one (for printing, e.g. BT-25 of a credit note).
        issue_date: its date (BT-26 for a preceding invoice).

    A reference checks its ids when made; the document that holds it checks the rest
    and names the reference's place in the list (``references[2].type``). A type may
    be given by its value (``"sales_order"``).

    Example:
        >>> DocumentRef("d-1", DocumentType.SALES_INVOICE, "INV-2026-00001").number
        'INV-2026-00001'
    """

    document_id: str
    type: DocumentType
    number: str | None = None
    issue_date: date | None = None

    def __attrs_post_init__(self) -> None:
        check_id("references.document_id", self.document_id)
        if self.number is not None:
            check_id("references.number", self.number)


def check_due_date(day: date, due_date: date | None) -> None:
    """Refuse a due date (BT-9) before the document's date (BT-2): nothing falls due
    before it is billed. The rule of a draft (``create``, ``update``, ``create_many``)
    and of the input schema; a due date set at issue from the payment terms is never
    earlier.

    Example:
        >>> check_due_date(date(2026, 3, 1), date(2026, 3, 1))
        >>> check_due_date(date(2026, 3, 1), date(2026, 2, 28))
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: due_date=datetime.date(2026, 2, 28): the due ...
    """
    _not_before(day, due_date, "due_date", "the due date")


def check_valid_until(day: date, valid_until: date | None) -> None:
    """Refuse a quote's ``valid_until`` before the document's date: an offer cannot lapse
    before it is made. The rule of a draft (``create``, ``update``, ``create_many``) and of
    the input schema, as :func:`check_due_date` is.

    Example:
        >>> check_valid_until(date(2026, 3, 1), date(2026, 3, 1))
        >>> check_valid_until(date(2026, 3, 1), date(2026, 2, 28))
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: valid_until=datetime.date(2026, 2, 28): the ...
    """
    _not_before(day, valid_until, "valid_until", "the offer's end (valid_until)")


def _not_before(day: date, value: date | None, field: str, what: str) -> None:
    if value is not None and value < day:
        raise ValidationError(f"{what} is before the document date ({day.isoformat()})",
                              field=field, value=value)


def check_user(user: object) -> None:
    """Refuse a ``user`` (who did it, in an audit record) that is not a name of 1-200 characters.

    Example:
        >>> check_user("alice")
        >>> check_user(1.5)
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: user=1.5: who did it: a user name of 1-200 ...
    """
    if not isinstance(user, str) or not user.strip() or len(user) > 200:
        raise ValidationError("who did it: a user name of 1-200 characters", field="user",
                              value=user)
    if not user.isprintable():  # one line: a line break would forge an audit record
        check_line("user", user)


@attrs.frozen(slots=True)
class Transition:
    """One entry of a document's audit trail.

    Attributes:
        at: when (from the injected clock).
        user: who.
        action: what was done (``"create"``, ``"edit"``, ``"approve"``, ``"issue"``,
            ``"payment"``, ``"complete"``, ``"cancel"``, ``"archive"``...; ``"reopen"``:
            back to draft, or a completed document issued again when quantity is given
            back to it; ``"refresh"``: a note's share
            of a cash discount, or its copies of the corrected document's allowances
            and charges, brought up to date at approval or issue).
        from_state, to_state: the states before and after (equal for edits).
        reason: why, as given by the user or the system.

    Example:
        >>> from datetime import datetime, timezone
        >>> Transition(datetime(2026, 1, 1, tzinfo=timezone.utc), "alice", "approve",
        ...            DocumentState.DRAFT, DocumentState.APPROVED, "within budget").user
        'alice'
    """

    at: datetime
    user: str
    action: str
    from_state: DocumentState
    to_state: DocumentState
    reason: str = ""

    def __attrs_post_init__(self) -> None:
        if not (type(self.user) is str and self.user.isprintable()):
            check_line("user", self.user)
        if not (type(self.reason) is str and self.reason.isprintable()):
            check_text("reason", self.reason)


@attrs.frozen(slots=True)
class StockHandover:
    """Quantities a delivery note or goods receipt hands over to inventory.

    Recorded when the document is issued; the inventory domain (when present)
    reads them and moves stock. ``direction`` is +1 (received) or -1 (shipped).
    ``valued`` is true when the inventory took the line into its valued stock (a
    stockable item received against goods received not invoiced), so the supplier
    bill of that line clears GRNI; other lines of a receipt are expensed by the bill.

    Example:
        >>> StockHandover("h-1", "d-9", "1", "ITEM-1", Decimal("5"), "C62", 1,
        ...               date(2026, 1, 5), "GR-2026-00001").quantity
        Decimal('5')
    """

    id: str
    document_id: str
    line_id: str
    item_id: str
    quantity: Decimal
    unit: str
    direction: int
    date: date
    number: str
    valued: bool = False


def _doc_type(value: Any) -> DocumentType:
    return choice(DocumentType, value, "type")


def _state(value: Any) -> DocumentState:
    return choice(DocumentState, value, "state")


_CODES: dict[str, str] = {}  # currency codes already checked, as given -> ISO code


def _code(value: Any) -> str:
    code = _CODES.get(value) if type(value) is str else None
    if code is None:
        code = str(currency(value).code)
        if type(value) is str and len(_CODES) < 1024:
            _CODES[value] = code
    return code


def _day(field: str, optional: bool = False) -> Any:
    def check(_inst: Any, _attr: Any, value: Any) -> None:
        check_date(value, field, optional=optional)

    return check


_LINE_FIELDS = tuple(a.name for a in attrs.fields(DocumentLine))


def _with_id(ln: DocumentLine, line_id: str) -> DocumentLine:
    """A copy of a checked line numbered ``str(n)``, without ``evolve``'s converters."""
    out = object.__new__(DocumentLine)
    for name in _LINE_FIELDS:
        object.__setattr__(out, name, line_id if name == "id" else getattr(ln, name))
    return out


def _numbered(value: Iterable[DocumentLine]) -> tuple[DocumentLine, ...]:
    items = tuple(value)
    if all(type(ln) is DocumentLine and ln.id for ln in items):
        return items  # every line numbered already (stored or copied documents)
    used = {ln.id for ln in items if isinstance(ln, DocumentLine) and ln.id}
    out = []
    n = 0
    for i, ln in enumerate(items):
        if not isinstance(ln, DocumentLine):
            raise ValidationError("expected a DocumentLine", field=f"lines[{i}]", value=ln)
        if not ln.id:
            n += 1
            while str(n) in used:
                n += 1
            used.add(str(n))
            ln = _with_id(ln, str(n)) if type(ln) is DocumentLine else attrs.evolve(
                ln, id=str(n))
        out.append(ln)
    return tuple(out)


def _doc_acs(value: Any) -> tuple[AllowanceCharge, ...]:
    items = tuple(value or ())
    for i, ac in enumerate(items):
        if not isinstance(ac, AllowanceCharge):
            raise ValidationError("expected an AllowanceCharge",
                                  field=f"allowances_charges[{i}]", value=ac)
        if ac.tax is None:
            raise ValidationError("a document-level allowance or charge needs a tax",
                                  field=f"allowances_charges[{i}].tax", value=None)
    return items


def _refs(value: Iterable[DocumentRef]) -> tuple[DocumentRef, ...]:
    """The references, each checked where the list knows its place (``references[2].type``):
    a type given by its value becomes the member; a ref's own checks (ids) ran when it was
    made, so they are run again here only for one that is not a plain DocumentRef."""
    items = tuple(value)
    out = []
    for i, ref in enumerate(items):
        if not isinstance(ref, DocumentRef):
            raise ValidationError("expected a DocumentRef", field=f"references[{i}]", value=ref)
        if type(ref.type) is not DocumentType or type(ref) is not DocumentRef \
                or (ref.issue_date is not None and type(ref.issue_date) is not date):
            ref = _placed(ref, f"references[{i}]")
        out.append(ref)
    return tuple(out)


def _placed(ref: DocumentRef, where: str) -> DocumentRef:
    """``ref`` checked field by field, each error naming ``where.<field>``."""
    kind = choice(DocumentType, ref.type, f"{where}.type")
    check_date(ref.issue_date, f"{where}.issue_date", optional=True)
    if isinstance(ref.issue_date, datetime):  # a date, not an instant
        raise ValidationError("expected a date", field=f"{where}.issue_date",
                              value=ref.issue_date)
    check_id(f"{where}.document_id", ref.document_id)
    if ref.number is not None:
        check_id(f"{where}.number", ref.number)
    return ref if kind is ref.type else attrs.evolve(ref, type=kind)


def _history(value: Iterable[Transition]) -> tuple[Transition, ...]:
    return tuple(value)


def _check_number(_inst: Any, _attr: Any, value: Any) -> None:
    if value is not None:
        check_id("number", value)


def _one_line(field: str) -> Any:
    def check(_inst: Any, _attr: Any, value: Any) -> None:
        if type(value) is not str or not value.isprintable():
            check_line(field, value)

    return check


def _free_text(field: str) -> Any:
    def check(_inst: Any, _attr: Any, value: Any) -> None:
        if type(value) is not str or not value.isprintable():
            check_text(field, value)

    return check


#: The fields the cross-field checks of ``Document.__attrs_post_init__`` read.
POST_INIT_READS = frozenset({"id", "party_id", "lines", "currency", "allowances_charges",
                             "prepaid"})


@attrs.frozen(slots=True, repr=False)
class Document:
    """A quote, order, invoice, credit note, bill, debit note, delivery note or receipt.

    Every amount of a document is in its ``currency``; prices and amounts given
    as :class:`~backoffice_core.money.Money` must be in that currency.

    Attributes:
        id: identifier (from the book's id generator).
        type: the :class:`DocumentType`.
        party_id: the customer or supplier.
        currency: ISO 4217 code of every amount (BT-5).
        date: the document date (BT-2); it decides the fiscal year of the number.
        lines: the :class:`~backoffice_core.documents.lines.DocumentLine` values
            (ids ``"1"``, ``"2"``... assigned when left empty).
        allowances_charges: document-level allowances and charges (BG-20/BG-21).
        state: the :class:`DocumentState`.
        number: assigned at issue from the type's series; ``None`` before.
        due_date: BT-9 (set from the payment terms at issue when ``None``).
        payment_terms: :class:`~backoffice_core.documents.parties.PaymentTerms`.
        rounding: the :class:`~backoffice_core.documents.rounding.DocumentRounding`.
        prepaid: amount paid before the document (BT-113), or ``None``.
        references: :class:`DocumentRef` links: sources (quote, order, receipt) and,
            for a credit or debit note, the corrected invoice or bill (BT-25).
        external_number: the other side's number (a supplier's bill number, the
            customer's order number BT-13).
        buyer_reference: BT-10.
        note: free text (BT-22).
        delivery_date: BT-72.
        valid_until: how long a quote holds.
        dimensions: analytic tags applied to every line that lacks them.
        totals: the :class:`~backoffice_core.documents.totals.Totals`, computed on
            every save and frozen at issue.
        fx_rate: at issue, 1 unit of ``currency`` in the book's functional currency.
        functional_currency: the book's currency at issue.
        reverse_charge_rate: the VAT rate (percent) at which the buyer self-assessed a
            purchase under reverse charge (AE) or an intra-community acquisition (K) at
            issue (the book's setting then, or for a correction the rate of what it
            corrects); ``None`` when it was not.
        open_amount: what is still to be paid or applied (financial documents,
            positive), ``None`` before issue.
        open_functional: the functional-currency value carried by ``open_amount``.
        entry_id: the ledger entry posted at issue.
        history: the audit trail, oldest first.
        archived: archived documents stay readable and searchable.
        version: optimistic-concurrency counter (+1 on every save).

    Example:
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.taxes import Tax
        >>> d = Document("d-9", "purchase_order", "s-1", "usd", date(2026, 2, 1),
        ...              [line("Bolts", 100, "0.05", Tax.standard(20))],
        ...              dimensions={"project": "P"})
        >>> d.currency, d.direction.value, d.line_dimensions(d.line("1"))
        ('USD', 'purchase', (('project', 'P'),))
    """

    id: str
    type: DocumentType = attrs.field(converter=_doc_type)
    party_id: str
    currency: str = attrs.field(converter=_code)
    date: dt.date = attrs.field(validator=_day("date"))
    lines: tuple[DocumentLine, ...] = attrs.field(converter=_numbered)
    allowances_charges: tuple[AllowanceCharge, ...] = attrs.field(default=(),
                                                                  converter=_doc_acs)
    state: DocumentState = attrs.field(default=DocumentState.DRAFT, converter=_state)
    number: str | None = attrs.field(default=None, validator=_check_number)
    due_date: dt.date | None = attrs.field(default=None, validator=_day("due_date", True))
    payment_terms: PaymentTerms | None = None
    rounding: DocumentRounding = attrs.field(factory=DocumentRounding)
    prepaid: Money | None = None
    references: tuple[DocumentRef, ...] = attrs.field(default=(), converter=_refs)
    external_number: str = attrs.field(default="", validator=_one_line("external_number"))
    buyer_reference: str = attrs.field(default="", validator=_one_line("buyer_reference"))
    note: str = attrs.field(default="", validator=_free_text("note"))
    delivery_date: dt.date | None = attrs.field(default=None, validator=_day("delivery_date", True))
    valid_until: dt.date | None = attrs.field(default=None, validator=_day("valid_until", True))
    dimensions: Dimensions = attrs.field(default=(), converter=dimensions)
    totals: Totals | None = None
    fx_rate: Decimal | None = None
    functional_currency: str | None = None
    reverse_charge_rate: Decimal | None = None
    open_amount: Money | None = None
    open_functional: Money | None = None
    entry_id: str | None = None
    history: tuple[Transition, ...] = attrs.field(default=(), converter=_history)
    archived: bool = False
    version: int = 0

    # the fields read here (lifecycle.evolve re-runs these checks when one of them changes)
    def __attrs_post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ValidationError("document id must be a non-empty string", field="id",
                                  value=self.id)
        if not isinstance(self.party_id, str) or not self.party_id:
            raise ValidationError("a document needs a party", field="party_id",
                                  value=self.party_id)
        check_id("id", self.id)
        check_id("party_id", self.party_id)
        seen: set[str] = set()
        for i, ln in enumerate(self.lines):
            if ln.id in seen:
                raise ValidationError("line ids must be unique", field=f"lines[{i}].id",
                                      value=ln.id)
            seen.add(ln.id)
        check_currency(self.currency, self.lines, self.allowances_charges)
        self._same_currency(self.prepaid, "prepaid")

    def _same_currency(self, value: object, field: str) -> None:
        if isinstance(value, Money) and value.code != self.currency:
            raise CurrencyMismatchError(f"the document is in {self.currency}", field=field,
                                        value=value.code)

    def __repr__(self) -> str:
        total = self.totals.tax_inclusive if self.totals is not None else None
        return (f"Document(id={self.id!r}, type={self.type.value!r}, number={self.number!r}, "
                f"state={self.state.value!r}, party_id={self.party_id!r}, "
                f"date={self.date.isoformat()!r}, total={total!r}, version={self.version})")

    @property
    def direction(self) -> Direction:
        """Sales or purchase, from the type."""
        return self.type.direction

    @property
    def is_editable(self) -> bool:
        """Whether the document is a draft (only drafts change)."""
        return self.state.is_editable

    @property
    def is_open(self) -> bool:
        """A financial document with something left to pay or apply."""
        return self.open_amount is not None and self.open_amount.amount != 0

    @property
    def corrects(self) -> DocumentRef | None:
        """For a credit or debit note: the invoice or bill it corrects (BT-25)."""
        if not self.type.is_correction:
            return None
        wanted = (DocumentType.SALES_INVOICE, DocumentType.SUPPLIER_BILL)
        return next((r for r in self.references if r.type in wanted), None)

    def line(self, line_id: str) -> DocumentLine:
        """The line with ``line_id`` (lines are numbered ``"1"``, ``"2"``... unless given
        ids); ``NotFoundError`` otherwise.

        Example:
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> inv = bo.documents.create_invoice(bo.documents.create_party("Acme").id,
            ...     date(2026, 1, 5), [line("Bolts", 100, "0.05", Tax.standard(20)),
            ...                        line("Nuts", 40, "0.02", Tax.standard(20))])
            >>> inv.line("2").description, inv.line("2").quantity
            ('Nuts', Decimal('40'))
        """
        for ln in self.lines:
            if ln.id == line_id:
                return ln
        raise not_found("line", "line_id", line_id)

    def line_dimensions(self, ln: DocumentLine) -> Dimensions:
        """A line's dimensions, with the document's as defaults (the line's win).

        Example:
            >>> from backoffice_core.documents import Tax, line
            >>> d = Document("d-1", "sales_invoice", "c-1", "EUR", date(2026, 1, 5),
            ...     [line("Fit-out", 1, "900.00", Tax.zero(), project="P2", dept="Sales")],
            ...     dimensions={"project": "P1", "region": "North"})
            >>> d.line_dimensions(d.line("1"))
            (('dept', 'Sales'), ('project', 'P2'), ('region', 'North'))
        """
        if not self.dimensions:
            return ln.dimensions
        merged = dict(self.dimensions)
        merged.update(ln.dimensions)
        return tuple(sorted(merged.items()))
