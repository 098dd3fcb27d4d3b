"""Payments and matching, in the service's unit of work (internal; the model is in
:mod:`.payments`, the API in :class:`~backoffice_core.documents.service.Documents`).

:func:`record_payment` books a payment (bank against the party's account) and
allocates it; :func:`allocate` matches any debit item against any credit item
of the same party, side and currency, posting the realized exchange
difference; :func:`write_off` closes a small residual within the book's limit;
:func:`take_discount` books an early-payment discount (also automatically, when a
payment leaves open exactly the discount it earned).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.choices import choice
from backoffice_core.dates import check_date
from backoffice_core.documents._work import Work
from backoffice_core.documents.discounts import (
    CASH_DISCOUNT,
    discount_entry,
    discount_parts,
    discount_roles,
    earned_discount,
    has_cash_discount,
)
from backoffice_core.documents.lifecycle import rules_for, settle
from backoffice_core.documents.model import Direction, Document, DocumentType
from backoffice_core.documents.payments import (
    Allocation,
    Payment,
    PaymentDirection,
    fx_difference,
    item_sign,
    release,
)
from backoffice_core.documents.postings import fx_entry, payment_entry, role, write_off_entry
from backoffice_core.documents.rounding import check_minor_unit
from backoffice_core.errors import CurrencyMismatchError, NotFoundError, ValidationError
from backoffice_core.ledger.balances import Balance, BalanceKey
from backoffice_core.ledger.entries import EntryStatus
from backoffice_core.ledger.posting import convert_minor
from backoffice_core.ledger.rates import rate_in_force
from backoffice_core.ledger.repository import revaluations_of
from backoffice_core.money import (
    Money,
    RoundingPolicy,
    from_minor,
    minor_digits,
    not_money,
    to_decimal,
    to_minor,
)
from backoffice_core.text import check_lookup, derived_key, not_found

__all__ = ["allocate", "find_item", "record_payment", "sign_of", "take_discount", "write_off"]

Item = Document | Payment


def find_item(w: Work, item_id: str, field: str = "item_id") -> Item:
    """The open item (financial document or payment) with ``item_id``."""
    check_lookup(field, item_id)  # (a value that cannot be an id: ValidationError)
    if isinstance(item_id, str):
        doc = w.repo.get_document(item_id)
        if doc is not None:
            if not doc.type.is_financial:
                raise ValidationError(f"a {doc.type.label} is not settled by payments",
                                      field=field, value=item_id)
            return doc
        payment = w.repo.get_payment(item_id)
        if payment is not None:
            return payment
    raise not_found("document or payment", field, item_id)


def sign_of(obj: Item) -> int:
    """The item's sign on its control account (debit positive)."""
    return obj.sign if isinstance(obj, Payment) else item_sign("document", obj.type)


def _side(obj: Item) -> Direction:
    return obj.side if isinstance(obj, Payment) else obj.direction


def _open(obj: Item, field: str) -> tuple[Money, Money]:
    if obj.open_amount is None or obj.open_functional is None:
        raise ValidationError("not issued yet", field=field, value=obj.id)
    return obj.open_amount, obj.open_functional


def _label(obj: Item) -> str:
    return obj.number or obj.id


def _carrying_rate(w: Work, obj: Item, control: str, day: date) -> Decimal | None:
    """The rate the last revaluation kept since ``obj`` was booked carries it at on ``day``.

    A revaluation of ``control`` in the item's currency dated from the item's date to
    ``day`` that nothing reverses (``reverse_on``, or ``reverse()``) or undoes (the
    mirror ``reverse()`` posts when the automatic reversal came first: kind
    ``REVALUATION`` with ``related``, itself no revaluation) stays in the control
    account's value; the latest one carries the item's open part at its rate. ``None``
    when there is none: the item is carried at the rate it was booked at.
    """
    code = obj.open_amount.code if obj.open_amount is not None else w.functional
    if code == w.functional:
        return None
    repo = w.uow.ledger
    kept: date | None = None
    undone: set[str] | None = None  # the revaluations undone since, on any date: read once
    # the control account's few revaluations in ``code``, not its every entry
    for e in revaluations_of(repo, control, obj.date, day, code):
        if e.status is not EntryStatus.POSTED or e.related is not None:  # an undo: no rate
            continue
        undo = repo.find_reversal(e.id)
        if undo is None:
            kept = e.date
        elif not any(p.account == control and p.currency == code for p in undo.postings):
            # an automatic reversal that left the control account (its part realized):
            # kept unless reverse() undid it since, on any date, as a reversal counts
            if undone is None:
                undone = {x.related for x in revaluations_of(repo, control, obj.date, None, code)
                          if x.related is not None}
            if e.id not in undone:
                kept = e.date
    return None if kept is None else rate_in_force(repo, code, w.functional, kept)


def _released(w: Work, obj: Item, amount: Money, control: str, day: date) -> tuple[int, int]:
    """The functional value matching ``amount`` of ``obj`` on ``day`` frees: (booked,
    carried). ``booked`` comes off the item's open value at its booking rate (pro rata,
    :func:`release`); ``carried`` comes off the control account, which a revaluation kept
    since may carry at a later rate (:func:`_carrying_rate`): the open part's value at
    that rate before the match less after it, so the parts add up to the whole."""
    open_amount, open_fn = _open(obj, "item_id")
    booked = release(amount, open_amount, to_minor(open_fn))
    rate = _carrying_rate(w, obj, control, day)
    if rate is None:
        return booked, booked
    before, code = to_minor(open_amount), open_amount.code
    after = before - to_minor(amount)
    return booked, (convert_minor(before, code, rate, w.functional)
                    - convert_minor(after, code, rate, w.functional))


def _to_clear(w: Work, obj: Item, control: str, usual: int) -> int:
    """The functional value a settlement of ``obj`` must take off the party's part of
    ``control`` in its currency: ``usual``, or, once it closed the last open item there,
    whatever the part holds (so it ends at zero in both currencies).

    A kept revaluation brings the party's part to its share of the account's value, but
    items are released at their own open amount x the rate, each rounded: with several
    items a cent could outlive them. The settlement that closes the last one realizes it.
    """
    code = obj.open_amount.code if obj.open_amount is not None else w.functional
    if code == w.functional:
        return usual
    part: Balance = w.uow.ledger.get_balance(BalanceKey(control, code, "party", obj.party_id))
    if part.net or part.functional == usual:  # still owed, or nothing left over
        return usual
    side = _side(obj)
    if any(d.open_amount.code == code
           for d in w.repo.find_open_documents(side, party_id=obj.party_id)):
        return usual
    if any(p.open_amount is not None and p.open_amount.code == code and p.open_amount.amount
           for p in w.repo.find_payments(obj.party_id, open_only=True, side=side)):
        return usual
    return part.functional


def _realize_left(w: Work, obj: Item, control: str, day: date, alloc_id: str) -> Money:
    """After a write-off or discount, realize what :func:`_to_clear` finds left over."""
    left = _to_clear(w, obj, control, 0)
    if left:
        code = obj.open_amount.code if obj.open_amount is not None else w.functional
        w.post(fx_entry(day, control, obj.party_id, code, w.functional, left, w.roles,
                        _label(obj), idempotency_key=derived_key("documents:allocation:fx",
                                                                 alloc_id)))
    return from_minor(left, w.functional) if left else Money(0, w.functional)


def _reduce(w: Work, obj: Item, amount: Money, released: int, *, user: str, action: str,
            reason: str) -> None:
    open_amount, open_fn = _open(obj, "item_id")
    new_open = open_amount - amount
    new_fn = open_fn - from_minor(released, open_fn.code)
    if isinstance(obj, Payment):
        w.repo.update_payment(attrs.evolve(obj, open_amount=new_open, open_functional=new_fn,
                                           version=obj.version + 1), obj.version)
    else:
        w.save(settle(obj, new_open, new_fn, user=user, at=w.now, action=action,
                      reason=reason), obj)


def allocate(w: Work, first_id: str, second_id: str, amount: Money | None = None, *,
             user: str, day: date | None = None, reason: str = "") -> Allocation:
    """Match two open items of opposite signs; returns the stored :class:`Allocation`.

    ``amount`` defaults to the smaller open amount; ``day`` to the later date
    of the two. A difference between the functional values the two sides free
    is posted as a realized exchange gain or loss on the same day.
    """
    a = find_item(w, first_id, "source_id")
    b = find_item(w, second_id, "target_id")
    if a.id == b.id:
        raise ValidationError("an item cannot be matched with itself", field="target_id",
                              value=second_id)
    open_a, _ = _open(a, "source_id")
    open_b, _ = _open(b, "target_id")
    if a.party_id != b.party_id:
        raise ValidationError("both items must belong to the same party", field="target_id",
                              value=second_id)
    if _side(a) is not _side(b):
        raise ValidationError("a receivable cannot settle a payable", field="target_id",
                              value=second_id)
    if open_a.code != open_b.code:
        raise CurrencyMismatchError(f"items are in {open_a.code} and {open_b.code}",
                                    field="target_id", value=open_b.code)
    if sign_of(a) == sign_of(b):
        raise ValidationError("match an item that raises what is owed with one that lowers "
                              "it (e.g. an invoice with a payment)", field="target_id",
                              value=second_id)
    debit, credit = (a, b) if sign_of(a) > 0 else (b, a)
    open_d, _ = _open(debit, "source_id")
    open_c, _ = _open(credit, "target_id")
    if amount is None:
        amount = min(open_d, open_c)
    if not isinstance(amount, Money) or amount.code != open_d.code:
        raise CurrencyMismatchError(f"amount must be Money in {open_d.code}", field="amount",
                                    value=amount)
    if amount.amount <= 0 or amount > open_d or amount > open_c:
        raise ValidationError(f"amount must be positive and at most {min(open_d, open_c)}",
                              field="amount", value=amount)
    check_minor_unit("amount", amount)  # an open amount of 109.995 EUR is never paid
    start = max(debit.date, credit.date)
    when = start if day is None else check_date(day, "day")
    if when < start:
        raise ValidationError("a match cannot predate either item", field="day", value=day)
    control = role(w.roles, _side(debit).control_role)
    rel_d, carried_d = _released(w, debit, amount, control, when)
    rel_c, carried_c = _released(w, credit, amount, control, when)
    alloc_id = w.new_id()
    ref = f"{_label(debit)}/{_label(credit)}"
    action = "payment" if isinstance(credit, Payment) or isinstance(debit, Payment) else "credit"
    _reduce(w, debit, amount, rel_d, user=user, action=action, reason=reason or ref)
    _reduce(w, credit, amount, rel_c, user=user, action=action, reason=reason or ref)
    # the match moves no currency: its difference clears the party when nothing stays open
    diff = _to_clear(w, debit, control, fx_difference(carried_d, carried_c))
    entry_id = None
    if diff:
        entry = fx_entry(when, control, debit.party_id, amount.code, w.functional, diff,
                         w.roles, ref,
                         idempotency_key=derived_key("documents:allocation", alloc_id))
        entry_id = w.post(entry).id
    allocation = Allocation(alloc_id, when, debit.id, credit.id, amount,
                            from_minor(diff, w.functional), False, entry_id, user, w.now,
                            reason, from_minor(rel_d, w.functional),
                            from_minor(rel_c, w.functional))
    w.repo.add_allocation(allocation)
    paid, doc = (credit, debit) if isinstance(credit, Payment) else (debit, credit)
    if isinstance(paid, Payment) and isinstance(doc, Document):
        _auto_discount(w, doc.id, paid.date, user=user)
    return allocation


def _credit_notes(w: Work, doc: Document) -> list[Document]:
    """The issued corrections (credit notes) of ``doc``: what a discount is not taken on."""
    target = rules_for(doc.type).correction
    return [] if target is None else w.made_from(doc, target, drafts_count=False)


def _auto_discount(w: Work, doc_id: str, paid_on: date, *, user: str) -> None:
    """Take the discount when what a payment left open is exactly the discount it earned.

    A book without the discount roles (set up before they existed) keeps the old
    behaviour: the remainder stays open (``take_discount`` names the missing role).
    """
    doc = w.document(doc_id)
    left = doc.open_amount
    if left is None or left.amount <= 0:
        return
    notes = _credit_notes(w, doc)
    earned = earned_discount(doc, paid_on, notes)
    if earned.amount <= 0 or earned != left:
        return
    try:
        discount_roles(doc, discount_parts(doc, earned, notes), w.roles)
    except NotFoundError:
        return
    if not has_cash_discount(w.repo.find_allocations(doc.id)):
        take_discount(w, doc.id, on=paid_on, user=user)


def _last_paid(w: Work, doc: Document, allocations: Iterable[Allocation]) -> date | None:
    """The date of the latest payment matched with ``doc`` (``None``: none is): what a
    discount defaults to, as :func:`_auto_discount` takes it on the payment's date. A
    credit note, a write-off or an earlier discount matched with it is no payment."""
    paid = []
    for a in allocations:
        other = a.credit_id if a.debit_id == doc.id else a.debit_id
        payment = w.repo.get_payment(other) if other is not None else None
        if payment is not None:
            paid.append(payment.date)
    return max(paid, default=None)


def take_discount(w: Work, document_id: str, *, on: date | None = None, user: str,
                  reason: str = "") -> Allocation:
    """Book the early-payment discount ``document_id`` earns when paid ``on`` (see
    ``Documents.take_discount``)."""
    if not isinstance(reason, str):
        raise ValidationError("reason must be a string", field="reason", value=reason)
    doc = w.document(document_id)
    if doc.type not in (DocumentType.SALES_INVOICE, DocumentType.SUPPLIER_BILL):
        raise ValidationError(f"a {doc.type.label} earns no early-payment discount; only "
                              "invoices and bills do", field="document_id", value=document_id)
    open_amount, _ = _open(doc, "document_id")
    if open_amount.amount <= 0:
        raise ValidationError("nothing is open on this document", field="document_id",
                              value=document_id)
    terms = doc.payment_terms
    if terms is None or terms.discount is None:
        raise ValidationError("the document's payment terms grant no early-payment discount",
                              field="payment_terms.discount", value=None)
    allocations = w.repo.find_allocations(doc.id)
    if on is None:
        on = _last_paid(w, doc, allocations) or w.today
    check_date(on, "on")
    notes = _credit_notes(w, doc)
    earned = earned_discount(doc, on, notes)
    if earned.amount <= 0:
        end = doc.date + timedelta(days=terms.discount.days)
        raise ValidationError(f"no early-payment discount applies on {on}: the discount "
                              f"period ended on {end}", field="on", value=on)
    if open_amount < earned:
        raise ValidationError(f"the open amount is less than the discount {earned}",
                              field="open_amount", value=open_amount)
    if has_cash_discount(allocations):
        raise ValidationError("a cash discount is already booked on this document",
                              field="document_id", value=document_id)
    parts = discount_parts(doc, earned, notes)
    when = max(on, doc.date)
    released, carried = _released(w, doc, earned, role(w.roles, doc.direction.control_role),
                                  when)
    alloc_id = w.new_id()
    entry = discount_entry(doc, parts, w.roles, w.functional, when, carried,
                           idempotency_key=derived_key("documents:allocation", alloc_id))
    entry_id = w.post(entry).id
    text = (f"{CASH_DISCOUNT} {terms.discount.percent}% for payment by "
            f"{doc.date + timedelta(days=terms.discount.days)}")
    text = f"{text}: {reason}" if reason else text
    _reduce(w, doc, earned, released, user=user, action="cash_discount", reason=text)
    left = _realize_left(w, doc, role(w.roles, doc.direction.control_role), when, alloc_id)
    allocation = Allocation(alloc_id, when, doc.id, None, earned, left,
                            True, entry_id, user, w.now, text,
                            from_minor(released, w.functional), None)
    w.repo.add_allocation(allocation)
    return allocation


def write_off(w: Work, item_id: str, *, user: str, limit: Money | None = None,
              day: date | None = None, reason: str = "") -> Allocation:
    """Write off the whole open amount of an item when it is within ``limit`` (default:
    the book's write-off limit for the currency)."""
    obj = find_item(w, item_id)
    open_amount, open_fn = _open(obj, "item_id")
    if open_amount.amount == 0:
        raise ValidationError("nothing is open on this item", field="item_id", value=item_id)
    cap = limit if limit is not None else w.settings.write_off_limit(open_amount.code)
    if cap is None:
        raise ValidationError(f"no write-off limit for {open_amount.code}; pass limit= or "
                              "configure write_off_limits", field="limit", value=None)
    if not isinstance(cap, Money):
        raise not_money("limit must be Money", "limit", cap)
    if cap.code != open_amount.code:
        raise CurrencyMismatchError(f"limit must be in {open_amount.code}", field="limit",
                                    value=cap)
    if limit is not None:  # a limit configured before the check still applies
        check_minor_unit("limit", cap)
    if open_amount > cap:
        raise ValidationError(f"the open amount exceeds the write-off limit {cap}",
                              field="amount", value=open_amount)
    when = day or max(obj.date, w.today)
    control = role(w.roles, _side(obj).control_role)
    released, carried = _released(w, obj, open_amount, control, when)
    alloc_id = w.new_id()
    entry = write_off_entry(when, control, obj.party_id, open_amount, sign_of(obj),
                            w.functional, carried, w.roles, _label(obj),
                            idempotency_key=derived_key("documents:allocation", alloc_id))
    entry_id = w.post(entry).id
    _reduce(w, obj, open_amount, released, user=user, action="write_off",
            reason=reason or "small residual written off")
    left = _realize_left(w, obj, control, when, alloc_id)
    allocation = Allocation(alloc_id, when, obj.id, None, open_amount, left,
                            True, entry_id, user, w.now, reason,
                            from_minor(released, w.functional), None)
    w.repo.add_allocation(allocation)
    return allocation


def _payment_side(w: Work, party_id: str, side: Direction | str | None,
                  targets: Sequence[str]) -> Direction:
    if side is not None:
        return choice(Direction, side, "side")
    for t in targets:
        doc = w.repo.get_document(t)
        if doc is not None:
            return doc.direction
        paid = w.repo.get_payment(t)
        if paid is not None:
            return paid.side
    party = w.party(party_id)
    if party.is_customer and not party.is_supplier:
        return Direction.SALES
    if party.is_supplier and not party.is_customer:
        return Direction.PURCHASE
    raise ValidationError("the party is a customer and a supplier; say side='sales' or "
                          "'purchase'", field="side", value=None)


def _bank_account(w: Work, code: str, method: str) -> str:
    if method == "cash":
        return role(w.roles, "cash")
    if code != w.functional and w.roles.get("foreign_bank"):
        return w.roles["foreign_bank"]
    return role(w.roles, "bank")


def _discounted_amounts(w: Work, targets: Sequence[str], amount: Money,
                        day: date) -> list[tuple[str, Money]] | None:
    """What each of ``targets`` takes when ``amount`` is exactly what they owe after the
    early-payment discounts they earn on ``day`` (its open amount less its discount, or
    all of it when it earns none); ``None`` when it is not, or when a target is not an
    open invoice or bill in the payment's currency (then each gets what is left, in
    order). Allocating these amounts leaves each document open by exactly its discount,
    which :func:`_auto_discount` books, as it does for one document."""
    if len(set(targets)) != len(targets):
        return None
    plan: list[tuple[str, Money]] = []
    total, discounts = Money(0, amount.code), False
    docs: list[Document] = []
    for target in targets:
        doc = find_item(w, target)
        if not isinstance(doc, Document) or doc.type not in (
                DocumentType.SALES_INVOICE, DocumentType.SUPPLIER_BILL):
            return None
        open_amount = doc.open_amount
        if open_amount is None or open_amount.code != amount.code or open_amount.amount <= 0:
            return None
        docs.append(doc)
    notes: dict[str, list[Document]] = {}  # the credit notes of all: one search per type
    for kind in {doc.type for doc in docs}:
        notes.update(w.made_from_each([d for d in docs if d.type is kind],
                                      rules_for(kind).correction or kind, drafts_count=False))
    for target, doc in zip(targets, docs, strict=True):
        open_amount = doc.open_amount or Money(0, amount.code)
        earned = earned_discount(doc, day, notes[doc.id])
        if earned.amount > 0 and open_amount > earned \
                and not has_cash_discount(w.repo.find_allocations(doc.id)):
            discounts = True
            open_amount -= earned
        plan.append((target, open_amount))
        total += open_amount
    return plan if discounts and total == amount else None


def _allocate_each(w: Work, payment_id: str, amounts: Iterable[tuple[str, Any]], code: str,
                   *, user: str) -> None:
    """Allocate the payment to each target for its amount; errors name ``allocate_to[i]``."""
    for i, (target, value) in enumerate(amounts):
        try:
            money = value if isinstance(value, Money) else Money(value, code)
            allocate(w, payment_id, target, money, user=user, day=None)
        except (ValidationError, NotFoundError, CurrencyMismatchError) as err:
            err.field = f"allocate_to[{i}].{err.field}" if err.field else f"allocate_to[{i}]"
            raise


def record_payment(w: Work, party_id: str, amount: Money, day: date, *,
                   allocate_to: Sequence[str] | Mapping[str, Any] | None = None,
                   direction: PaymentDirection | str | None = None,
                   side: Direction | str | None = None, account: str | None = None,
                   method: str = "bank", reference: str = "", rate: Any = None,
                   user: str) -> Payment:
    """Book a payment and allocate it (see ``Documents.record_payment``)."""
    w.party(party_id)
    if not isinstance(amount, Money):
        raise not_money("amount must be Money", "amount", amount)
    check_minor_unit("amount", amount)  # named here, not as the entry's lines[0].amount
    check_date(day, "date")
    if isinstance(allocate_to, str) or not isinstance(allocate_to, Iterable | None):
        raise ValidationError("list the documents, or map them to amounts",
                              field="allocate_to", value=allocate_to)
    targets = list(allocate_to) if allocate_to is not None else []
    for i, target in enumerate(targets):
        find_item(w, target, f"allocate_to[{i}]")
    pay_side = _payment_side(w, party_id, side, targets)
    pay_dir = None if direction is None else choice(PaymentDirection, direction, "direction")
    if pay_dir is None:
        pay_dir = PaymentDirection.INCOMING if pay_side is Direction.SALES \
            else PaymentDirection.OUTGOING
    code = amount.code
    if rate is None:
        fx = w.rate(code, day)
    else:
        fx = to_decimal(rate, field="rate")
        if fx <= 0:
            raise ValidationError("rate must be positive", field="rate", value=rate)
    functional_amount = Money(RoundingPolicy.HALF_UP.quantize(
        amount.amount * fx, minor_digits(w.functional)), w.functional) if code != w.functional \
        else amount
    if code == w.functional:
        fx = Decimal(1)
    payment_id = w.new_id()
    payment = Payment(payment_id, w.number(pay_dir.series, day), party_id, pay_dir, pay_side,
                      day, amount, account or _bank_account(w, code, method), fx,
                      functional_amount, amount, functional_amount, reference, method, None,
                      user, w.now)
    control = role(w.roles, pay_side.control_role)
    entry = w.post(payment_entry(payment, control, w.functional,
                                 idempotency_key=derived_key("documents:payment", payment_id)))
    payment = attrs.evolve(payment, entry_id=entry.id)
    w.repo.add_payment(payment)
    plan = None if isinstance(allocate_to, Mapping) or len(targets) < 2 \
        else _discounted_amounts(w, targets, amount, day)
    if isinstance(allocate_to, Mapping):
        _allocate_each(w, payment_id, allocate_to.items(), code, user=user)
    elif plan is not None:  # exactly the discounted amounts: each takes its own
        _allocate_each(w, payment_id, plan, code, user=user)
    else:
        for i, target in enumerate(targets):
            left = w.payment(payment_id).open_amount
            if left is None or left.amount == 0:
                break
            try:
                doc = find_item(w, target, "target_id")
                doc_open, _ = _open(doc, "target_id")
                if doc_open.amount == 0:
                    continue
                allocate(w, payment_id, target, min(left, doc_open) if doc_open.code == code
                         else None, user=user)
            except (ValidationError, NotFoundError, CurrencyMismatchError) as err:
                err.field = f"allocate_to[{i}].{err.field}" if err.field else f"allocate_to[{i}]"
                raise
    limit = w.settings.write_off_limit(code)
    spent = w.payment(payment_id).open_amount
    if limit is not None and spent is not None and spent.amount == 0:
        for target in targets:
            obj = find_item(w, target)
            left = obj.open_amount
            if left is not None and left.code == code and left.amount > 0 and left <= limit:
                write_off(w, target, user=user, day=max(day, obj.date),
                          reason=f"payment difference within {limit}")
    return w.payment(payment_id)
