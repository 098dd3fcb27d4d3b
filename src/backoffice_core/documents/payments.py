"""Payments, allocations and the open-item arithmetic they share.

A :class:`Payment` is money received from or paid to a party, on one side of
its account: ``SALES`` (receivables: a customer pays, or we refund a customer)
or ``PURCHASE`` (payables: we pay a supplier, or a supplier refunds us).

Documents and payments are *open items* on the party's control account, each
with a sign (debit positive): invoice +, credit note -, payment received -,
refund paid +; on the payables side bill -, debit note +, payment made +,
refund received -. An :class:`Allocation` matches a debit item against a
credit item for an amount, many to many: one payment over several invoices,
several payments on one invoice, a credit note against its invoice, a refund
against a customer's credit. What a payment does not cover stays open on it
as the party's credit (overpayment); a small residual can be written off.

Each item also carries the functional-currency value of what is still open.
Matching releases that value pro rata; the difference between the two sides
is the realized exchange gain or loss (:func:`fx_difference`).

Example:
    >>> item_sign("document", DocumentType.CREDIT_NOTE), item_sign("payment_in", None)
    (-1, -1)
    >>> release(Money("60.00", "EUR"), Money("100.00", "EUR"), 11000)
    6600
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.dates import check_date
from backoffice_core.documents.model import Direction, DocumentType
from backoffice_core.errors import ValidationError
from backoffice_core.money import Money, RoundingPolicy, not_money
from backoffice_core.text import check_id, check_line, check_text

__all__ = [
    "Allocation",
    "Payment",
    "PaymentDirection",
    "fx_difference",
    "item_sign",
    "release",
]


class PaymentDirection(enum.Enum):
    """Money coming in (``INCOMING``) or going out (``OUTGOING``).

    Example:
        >>> PaymentDirection.OUTGOING.series
        'payment_out'
    """

    INCOMING = "incoming"
    OUTGOING = "outgoing"

    @property
    def series(self) -> str:
        """The numbering series of payments in this direction."""
        return "payment_in" if self is PaymentDirection.INCOMING else "payment_out"


def _direction(value: Any) -> PaymentDirection:
    if isinstance(value, PaymentDirection):
        return value
    try:
        return PaymentDirection(value)
    except ValueError:
        raise ValidationError("payment direction is 'incoming' or 'outgoing'",
                              field="direction", value=value) from None


def _side(value: Any) -> Direction:
    if isinstance(value, Direction):
        return value
    try:
        return Direction(value)
    except ValueError:
        raise ValidationError("side is 'sales' (receivables) or 'purchase' (payables)",
                              field="side", value=value) from None


def _texts(keys: dict[str, object], lines: dict[str, object], texts: dict[str, object]) -> None:
    """Ids stored in an index (``None`` passes), one-line codes and free text of a payment
    or allocation, each held to its text rule."""
    for field, value in keys.items():
        if value is not None:
            check_id(field, value)
    for field, value in lines.items():
        check_line(field, value)
    for field, value in texts.items():
        check_text(field, value)


def _positive(value: Any) -> Money:
    if not isinstance(value, Money):
        raise not_money("amount must be Money", "amount", value)
    if value.amount <= 0:
        raise ValidationError("a payment amount is positive", field="amount", value=value)
    return value


@attrs.frozen(slots=True)
class Payment:
    """Money received from or paid to a party, booked to a bank or cash account.

    Attributes:
        id: identifier.
        number: from the ``payment_in`` or ``payment_out`` series.
        party_id: who paid or was paid.
        direction: :class:`PaymentDirection`.
        side: which account of the party it settles: ``Direction.SALES``
            (receivables) or ``Direction.PURCHASE`` (payables).
        date: value date.
        amount: the amount, positive, in the payment's currency.
        account: the ledger account of the bank or cash.
        fx_rate: 1 unit of the payment's currency in the functional currency.
        functional_amount: the amount in the functional currency (default: ``amount``).
        open_amount: what is not yet allocated (the party's credit, or a refund
            not yet matched); ``amount`` by default.
        open_functional: the functional value carried by ``open_amount``.
        reference: bank reference, free text.
        method: ``"bank"``, ``"cash"``, ``"card"``... (free text).
        entry_id: the ledger entry that booked it.
        user: who recorded it.
        recorded_at: when (injected clock).
        version: optimistic-concurrency counter.

    Example:
        >>> p = Payment("pay-1", "PAY-2026-00001", "p-1", "incoming", "sales",
        ...             date(2026, 2, 1), Money("50.00", "EUR"), "1120")
        >>> p.sign, p.is_open
        (-1, True)
    """

    id: str
    number: str
    party_id: str
    direction: PaymentDirection = attrs.field(converter=_direction)
    side: Direction = attrs.field(converter=_side)
    date: date
    amount: Money = attrs.field(converter=_positive)
    account: str
    fx_rate: Decimal = Decimal(1)
    functional_amount: Money | None = attrs.field(
        default=attrs.Factory(lambda self: self.amount, takes_self=True))
    open_amount: Money | None = attrs.field(
        default=attrs.Factory(lambda self: self.amount, takes_self=True))
    open_functional: Money | None = attrs.field(
        default=attrs.Factory(lambda self: self.functional_amount, takes_self=True))
    reference: str = ""
    method: str = "bank"
    entry_id: str | None = None
    user: str = ""
    recorded_at: datetime | None = None
    version: int = 0

    def __attrs_post_init__(self) -> None:
        check_date(self.date, "date")
        _texts({"id": self.id, "number": self.number, "party_id": self.party_id},
               {"account": self.account, "method": self.method, "user": self.user},
               {"reference": self.reference})

    @property
    def currency(self) -> str:
        """The payment's currency code."""
        return self.amount.code

    @property
    def sign(self) -> int:
        """The item's sign on the party's control account (debit positive)."""
        return item_sign("payment_in" if self.direction is PaymentDirection.INCOMING
                         else "payment_out", None)

    @property
    def is_open(self) -> bool:
        """Whether part of it is not allocated yet."""
        return self.open_amount is not None and self.open_amount.amount != 0


@attrs.frozen(slots=True)
class Allocation:
    """One match between a debit item and a credit item (or a write-off of one item).

    Attributes:
        id: identifier.
        date: when the match counts (the later of the two items' dates by default).
        debit_id: the item with a debit sign (invoice, refund paid, bill's payment...).
        credit_id: the item with a credit sign; ``None`` for a write-off of ``debit_id``.
        amount: matched amount, positive, in the items' common currency.
        fx_difference: realized exchange difference in the functional currency
            (positive: loss, negative: gain), zero in the functional currency; on a
            write-off or cash discount, what a kept revaluation left on the party's part
            of the control account when it settles the party's last open item.
        write_off: True when the residual of one item was written off
            (``debit_id`` holds it, whatever its sign).
        debit_released, credit_released: the functional values the match freed
            on each side (for balances as of a past date).
        entry_id: the ledger entry of the difference or write-off, if any.
        user: who did it.
        recorded_at: when.
        reason: free text.

    Example:
        >>> a = Allocation("al-1", date(2026, 2, 1), "inv-1", "pay-1", Money("50.00", "EUR"),
        ...                Money("0.00", "EUR"))
        >>> a.items
        ('inv-1', 'pay-1')
    """

    id: str
    date: date
    debit_id: str
    credit_id: str | None
    amount: Money
    fx_difference: Money
    write_off: bool = False
    entry_id: str | None = None
    user: str = ""
    recorded_at: datetime | None = None
    reason: str = ""
    debit_released: Money | None = None
    credit_released: Money | None = None

    def __attrs_post_init__(self) -> None:
        _texts({"id": self.id, "debit_id": self.debit_id, "credit_id": self.credit_id},
               {"user": self.user}, {"reason": self.reason})

    @property
    def items(self) -> tuple[str, ...]:
        """The ids of the items it touches."""
        return (self.debit_id,) if self.credit_id is None else (self.debit_id, self.credit_id)

    @property
    def is_cash_discount(self) -> bool:
        """Whether it settles an early-payment (cash) discount (a write-off whose reason
        begins with ``"cash discount"``)."""
        return self.write_off and self.reason.startswith("cash discount")


def item_sign(kind: str, type: DocumentType | None) -> int:
    """Sign of an open item on its control account (debit positive).

    ``kind`` is ``"document"`` (then ``type`` says which), ``"payment_in"`` or
    ``"payment_out"``.

    Example:
        >>> item_sign("document", DocumentType.SUPPLIER_BILL), item_sign("payment_out", None)
        (-1, 1)
    """
    if kind == "payment_in":
        return -1
    if kind == "payment_out":
        return 1
    if type is None or not type.is_financial:
        raise ValidationError("only financial documents are open items", field="type",
                              value=type)
    return type.sign if type.direction is Direction.SALES else -type.sign


def release(amount: Money, open_amount: Money, open_functional: int) -> int:
    """The functional value (minor units) that matching ``amount`` of ``open_amount`` frees.

    All of it when the item closes; otherwise pro rata, rounded half away from zero.

    Example:
        >>> release(Money("100.00", "EUR"), Money("100.00", "EUR"), 10851)
        10851
    """
    if amount == open_amount:
        return open_functional
    ratio = amount.amount / open_amount.amount
    return int(RoundingPolicy.HALF_UP.quantize(Decimal(open_functional) * ratio, 0))


def fx_difference(debit_release: int, credit_release: int) -> int:
    """Realized difference of a match in functional minor units: positive is a loss.

    ``debit_release`` and ``credit_release`` are the (positive) functional values
    freed on each side. On receivables the debit side is the invoice: booked
    higher than the payment that settles it means a loss. On payables the
    debit side is our payment: paying more than the bill was booked at is a
    loss too; so one formula serves both.

    Example:
        >>> fx_difference(11000, 11500), fx_difference(11500, 11000)
        (-500, 500)
    """
    return debit_release - credit_release
