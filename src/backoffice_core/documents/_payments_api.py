"""Payments and reports of the documents service (internal; see :class:`.service.Documents`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from backoffice_core._collector import collector_paused
from backoffice_core.dates import check_date, check_range
from backoffice_core.documents import _settlement as settlement
from backoffice_core.documents import aging as _aging
from backoffice_core.documents._service_base import ServiceBase, direction_of
from backoffice_core.documents.model import (
    Direction,
    check_user,
)
from backoffice_core.documents.payments import Allocation, Payment
from backoffice_core.errors import ValidationError
from backoffice_core.money import Money
from backoffice_core.text import check_filter, check_lookup, not_found

__all__ = ["PaymentsApi"]


class PaymentsApi(ServiceBase):
    """Payments, allocations, write-offs, and the aging, statements and overdue list."""

    # ------------------------------------------------------------------ payments
    def record_payment(self, party_id: str, amount: Money, date: date, *,
                       allocate_to: Sequence[str] | Mapping[str, Any] | None = None,
                       direction: str | None = None, side: Direction | str | None = None,
                       account: str | None = None, method: str = "bank",
                       reference: str = "", rate: Any = None,
                       user: str = "system") -> Payment:
        """Book a payment and allocate it.

        ``allocate_to`` lists documents (oldest first: each gets what is left of
        the payment) or maps document ids to amounts. A payment that is exactly what
        the listed invoices (or bills) owe after the early-payment discounts they earn
        on ``date`` pays each its discounted amount, and each books its discount (as
        the mapping would). What is not allocated
        stays open on the payment as the party's credit. ``side`` (receivables
        or payables) and ``direction`` follow from the documents or the party;
        ``account`` defaults to the ``bank`` role (``cash`` for method
        ``"cash"``, ``foreign_bank`` for a foreign currency when set); ``rate``
        defaults to the ledger's rate of ``date``. Residuals within the book's
        write-off limit are written off.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> d = bo.documents.issue(bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...     [line("A", 1, "100.00", Tax.standard(20))]).id)
            >>> p = bo.documents.record_payment(c.id, bc.Money("50.00", "EUR"),
            ...                                 date(2026, 1, 20), allocate_to=[d.id])
            >>> bo.documents.get(d.id).state.value, bo.documents.get(d.id).open_amount
            ('partially_paid', Money('70.00', 'EUR'))
        """
        check_user(user)
        with self._work() as w:
            return settlement.record_payment(
                w, party_id, amount, date, allocate_to=allocate_to, direction=direction,
                side=side, account=account, method=method, reference=reference, rate=rate,
                user=user)

    def refund(self, party_id: str, amount: Money, date: date, *, against: Sequence[str],
               account: str | None = None, reference: str = "",
               user: str = "system") -> Payment:
        """Pay back a party's credit (a credit note, an overpayment) and match it.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> p = bo.documents.record_payment(c.id, bc.Money("30.00", "EUR"), date(2026, 1, 2))
            >>> r = bo.documents.refund(c.id, bc.Money("30.00", "EUR"), date(2026, 1, 9),
            ...                         against=[p.id])
            >>> r.direction.value, bo.documents.payment(p.id).open_amount
            ('outgoing', Money('0.00', 'EUR'))
        """
        if not against or isinstance(against, str):
            raise ValidationError("list what the refund settles", field="against",
                                  value=against)
        check_user(user)
        with self._work() as w:
            first = settlement.find_item(w, against[0], "against[0]")
            pay_side = first.side if isinstance(first, Payment) else first.direction
            direction = "outgoing" if pay_side is Direction.SALES else "incoming"
            return settlement.record_payment(
                w, party_id, amount, date, allocate_to=list(against), direction=direction,
                side=pay_side, account=account, reference=reference, user=user)

    def allocate(self, source_id: str, target_id: str, amount: Money | None = None, *,
                 user: str = "system", date: date | None = None,
                 reason: str = "") -> Allocation:
        """Match two open items of one party: a payment or credit note against an invoice,
        a refund against a credit... (``amount``: the smaller open amount by default).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> p = bo.documents.record_payment(c.id, bc.Money("30.00", "EUR"), date(2026, 1, 2))
            >>> d = bo.documents.issue(bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...     [line("A", 1, "30.00", Tax.zero())]).id)
            >>> bo.documents.allocate(p.id, d.id).amount
            Money('30.00', 'EUR')
        """
        check_user(user)
        with self._work() as w:
            return settlement.allocate(w, source_id, target_id, amount, user=user, day=date,
                                       reason=reason)

    def write_off(self, item_id: str, *, limit: Money | None = None, user: str = "system",
                  date: date | None = None, reason: str = "") -> Allocation:
        """Write off what is left open on a document or payment, if within ``limit`` (or
        the book's write-off limit of the currency).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> d = bo.documents.issue(bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...     [line("A", 1, "10.00", Tax.zero())]).id)
            >>> _ = bo.documents.record_payment(c.id, bc.Money("9.98", "EUR"), date(2026, 1, 9),
            ...                                 allocate_to=[d.id])
            >>> bo.documents.write_off(d.id, limit=bc.Money("0.05", "EUR")).amount
            Money('0.02', 'EUR')
        """
        check_user(user)
        with self._work() as w:
            return settlement.write_off(w, item_id, user=user, limit=limit, day=date,
                                        reason=reason)

    def take_discount(self, document_id: str, *, on: date | None = None,
                      user: str = "system", reason: str = "") -> Allocation:
        """Book the early-payment (cash) discount an invoice or bill earns when paid ``on``.

        The discount is the payment terms' percentage of the tax-inclusive total (BT-112),
        earned when ``on`` falls within the discount period counted from the document
        date; ``on`` defaults to the date of the latest payment matched with the document
        (a credit note or write-off matched with it is none), else today (the book's
        clock). It is booked on what is open, split over the VAT breakdown:
        on sales Dr ``sales_discounts`` (net, per rate) and Dr ``vat_output`` (the VAT in
        the discount) / Cr receivables; on purchases the mirror with
        ``purchase_discounts`` and ``vat_input``, each role looked up by the row's
        category and rate (``sales_discounts.S.7`` first); a foreign-currency document at
        its own rate. It is recorded as an :class:`~.payments.Allocation` (a write-off whose
        reason begins with ``"cash discount"``). ``record_payment`` and ``allocate`` take
        it by themselves when a payment dated within the period leaves open exactly the
        discount.

        Raises:
            ValidationError: no discount applies on ``on`` (``field="on"``), the terms
                grant none (``"payment_terms.discount"``), nothing is open or a discount
                is already booked (``"document_id"``), or the open amount is less than
                the discount (``"open_amount"``).
            NotFoundError: no such document, or the book lacks a role
                (``"roles.sales_discounts"``...).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import (EarlyPaymentDiscount, PaymentTerms,
            ...     Tax, line)
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> d = bo.documents.issue(bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...     [line("A", 1, "100.00", Tax.standard(20))],
            ...     payment_terms=PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))).id)
            >>> bo.documents.take_discount(d.id, on=date(2026, 1, 12)).amount
            Money('2.40', 'EUR')
            >>> bo.documents.get(d.id).open_amount, bo.ledger.balance("4300")
            (Money('117.60', 'EUR'), Money('2.00', 'EUR'))
        """
        check_user(user)
        with self._work() as w:
            return settlement.take_discount(w, document_id, on=on, user=user, reason=reason)

    def payment(self, payment_id: str) -> Payment:
        """The payment ``payment_id``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> p = bo.documents.record_payment(c.id, bc.Money("5.00", "EUR"), date(2026, 1, 2))
            >>> bo.documents.payment(p.id).number
            'PAY-2026-00001'
        """
        check_lookup("payment_id", payment_id)
        with self._read() as w:
            return w.payment(payment_id)

    def payments(self, party_id: str | None = None, *, open_only: bool = False) -> list[Payment]:
        """Payments by date, of one party, or still open (unallocated credit). A party the
        book does not have is a ``NotFoundError`` naming ``party_id``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> _ = bo.documents.record_payment(c.id, bc.Money("5.00", "EUR"), date(2026, 1, 2))
            >>> [p.open_amount for p in bo.documents.payments(c.id, open_only=True)]
            [Money('5.00', 'EUR')]
        """
        check_lookup("party_id", party_id, optional=True)
        check_filter("open_only", open_only, bool, optional=False)
        with self._read() as w:
            if party_id is not None:
                w.party(party_id)
            return w.repo.find_payments(party_id, open_only)

    def allocations(self, item_id: str) -> list[Allocation]:
        """The matches and write-offs that touched a document or payment; an id of neither
        is a ``NotFoundError`` naming ``item_id``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> d = bo.documents.issue(bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...     [line("A", 1, "10.00", Tax.zero())]).id)
            >>> _ = bo.documents.record_payment(c.id, bc.Money("4.00", "EUR"), date(2026, 1, 9),
            ...                                 allocate_to=[d.id])
            >>> [a.amount for a in bo.documents.allocations(d.id)]
            [Money('4.00', 'EUR')]
        """
        check_lookup("item_id", item_id)
        with self._read() as w:
            if w.repo.get_document(item_id) is None and w.repo.get_payment(item_id) is None:
                raise not_found("document or payment", "item_id", item_id)
            return w.repo.find_allocations(item_id)

    # ------------------------------------------------------------------ reports
    def aging(self, as_of: date | None = None, *,
              side: Direction | str = Direction.SALES) -> _aging.AgingReport:
        """Receivables (``side="sales"``) or payables aging: current, 1-30, 31-60, 61-90, 90+.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> _ = bo.documents.issue(bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...     [line("A", 1, "100.00", Tax.zero())]).id)
            >>> bo.documents.aging(date(2026, 3, 20)).rows[0].buckets[2]
            Money('100.00', 'EUR')
        """
        where = direction_of(side)
        check_date(as_of, "as_of", optional=True)
        with self._read() as w, collector_paused():
            day = as_of or w.today
            items = _aging.open_items(w.repo, where, day)
            names = {p.id: p.legal_name for p in w.repo.find_parties(include_archived=True)}
            return _aging.build_aging(items, day, where, names, w.functional)

    def statement(self, party_id: str, start: date, end: date, *, currency: str | None = None,
                  side: Direction | str | None = None) -> _aging.Statement:
        """A party's statement: opening balance, documents and payments, closing balance.
        An unknown party is a ``NotFoundError``, a range ending before it starts a
        ``ValidationError`` naming ``end``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> _ = bo.documents.issue(bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...     [line("A", 1, "10.00", Tax.zero())]).id)
            >>> _ = bo.documents.record_payment(c.id, bc.Money("4.00", "EUR"), date(2026, 2, 3))
            >>> s = bo.documents.statement(c.id, date(2026, 2, 1), date(2026, 2, 28))
            >>> s.opening, s.closing
            (Money('10.00', 'EUR'), Money('6.00', 'EUR'))
        """
        check_range(start, end)
        check_lookup("party_id", party_id)
        with self._read() as w:
            party = w.party(party_id)
            where = direction_of(side) if side is not None else (
                Direction.SALES if party.is_customer else Direction.PURCHASE)
            code = currency or party.currency or w.functional
            return _aging.build_statement(w.repo, where, party.id, party.legal_name, code,
                                          start, end)

    def overdue(self, as_of: date | None = None, *, min_days: int = 1,
                side: Direction | str = Direction.SALES) -> list[_aging.OverdueItem]:
        """Documents past due by at least ``min_days``, most overdue first (for reminders).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> _ = bo.documents.issue(bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...     [line("A", 1, "10.00", Tax.zero())]).id)
            >>> [(o.number, o.days_overdue) for o in bo.documents.overdue(date(2026, 2, 10))]
            [('INV-2026-00001', 6)]
        """
        where = direction_of(side)
        check_date(as_of, "as_of", optional=True)
        with self._read() as w, collector_paused():
            day = as_of or w.today
            names = {p.id: p.legal_name for p in w.repo.find_parties(include_archived=True)}
            return _aging.overdue_items(_aging.open_items(w.repo, where, day), names, min_days)
