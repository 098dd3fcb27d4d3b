"""No cent outlives a party's foreign items after a kept revaluation, on every adapter.

A kept revaluation (no ``reverse_on``) brings each party's part of the control account to
its share of the account's value (the account's EUR balance x the rate, shared by party);
a payment then releases each item at its own open amount x that rate, each rounded. Two
invoices of 100.03 EUR at 1.15: each is carried at 115.03 (115.0345), the party at
230.07 (200.06 x 1.15 = 230.069). Paid in full, the items free 230.06 and a cent used to
stay on the party's part (and the account) though every document was settled. The
settlement that closes the party's last open item in the currency now realizes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import EarlyPaymentDiscount, PaymentTerms, Tax, line
from backoffice_core.money import Money

D = date
FX_ACCOUNTS = ("7200", "8200", "7300", "8300")  # realized / unrealized gain and loss


def eur(v: str) -> Money:
    return Money(v, "EUR")


@pytest.fixture(params=["memory://", "sqlite://"])
def bo(request: pytest.FixtureRequest) -> Iterator[bc.Backoffice]:
    book = bc.Backoffice.open(request.param, clock=bc.FixedClock(
        datetime(2026, 1, 31, tzinfo=UTC)), ids=bc.SequentialIds("e"))
    book.ledger.setup("Test Co", currency="USD", chart="generic")
    book.ledger.set_rate("EUR", "USD", D(2026, 1, 1), "1.10")
    book.ledger.set_rate("EUR", "USD", D(2026, 2, 1), "1.20")
    yield book


def _items(bo: bc.Backoffice, party: Any, prices: list[str], *, bill: bool = False,
           terms: PaymentTerms | None = None) -> list[Any]:
    make = bo.documents.create_bill if bill else bo.documents.create_invoice
    return [bo.documents.issue(make(party.id, D(2026, 1, 10), [line("Work", 1, p, Tax.zero())],
                                    currency="EUR", payment_terms=terms).id) for p in prices]


def _revalue(bo: bc.Backoffice, account: str) -> None:
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 31), "1.15")
    assert bo.ledger.revalue(D(2026, 1, 31), accounts=[account]) is not None


def _part(bo: bc.Backoffice, account: str, party: Any) -> tuple[int, int]:
    b = bo.ledger.balance_detail(account, "EUR", dimension=("party", party.id))
    return b.net, b.functional


def _fx_result(bo: bc.Backoffice) -> Decimal:
    return -sum((bo.ledger.balance(a).amount for a in FX_ACCOUNTS), Decimal(0))


def test_one_payment_for_two_invoices_clears_the_party(bo: bc.Backoffice) -> None:
    acme = bo.documents.create_party("Acme GmbH")
    invs = _items(bo, acme, ["100.03", "100.03"])
    _revalue(bo, "1140")
    assert _part(bo, "1140", acme) == (20006, 23007)  # 200.06 x 1.15, not 2 x 115.03
    bo.documents.record_payment(acme.id, eur("200.06"), D(2026, 2, 3),
                                allocate_to=[i.id for i in invs])
    assert [bo.documents.get(i.id).open_amount for i in invs] == [eur("0.00")] * 2
    assert _part(bo, "1140", acme) == (0, 0)
    assert bo.ledger.balance_detail("1140", "EUR").functional == 0
    # 200.06 x (1.20 - 1.10) = 20.006: booked 2 x 110.03 = 220.06, paid 240.07
    assert _fx_result(bo) == Decimal("20.01")
    assert bo.ledger.verify().ok


def test_payments_one_by_one_realize_the_cent_at_the_last(bo: bc.Backoffice) -> None:
    acme = bo.documents.create_party("Acme GmbH")
    first, second = _items(bo, acme, ["100.03", "100.03"])
    _revalue(bo, "1140")
    bo.documents.record_payment(acme.id, eur("100.03"), D(2026, 2, 3), allocate_to=[first.id])
    assert _part(bo, "1140", acme) == (10003, 11504)  # the open invoice and the cent
    pay = bo.documents.record_payment(acme.id, eur("100.03"), D(2026, 2, 5),
                                      allocate_to=[second.id])
    assert _part(bo, "1140", acme) == (0, 0)
    last = bo.documents.allocations(second.id)[-1]
    assert (last.credit_id, last.fx_difference) == (pay.id, Money("-5.00", "USD"))
    assert bo.ledger.verify().ok


def test_an_open_item_keeps_the_cent_until_it_is_settled(bo: bc.Backoffice) -> None:
    """A credit of the party still open (an unallocated payment) keeps the part open."""
    acme = bo.documents.create_party("Acme GmbH")
    invs = _items(bo, acme, ["100.03", "100.03"])
    _revalue(bo, "1140")
    spare = bo.documents.record_payment(acme.id, eur("10.00"), D(2026, 2, 2))
    bo.documents.record_payment(acme.id, eur("200.06"), D(2026, 2, 3),
                                allocate_to=[i.id for i in invs])
    assert _part(bo, "1140", acme) == (-1000, -1199)  # 12.00 at 1.20, less the cent
    bo.documents.refund(acme.id, eur("10.00"), D(2026, 2, 4), against=[spare.id])
    assert _part(bo, "1140", acme) == (0, 0)
    assert bo.ledger.verify().ok


def test_several_parties_and_a_bill(bo: bc.Backoffice) -> None:
    """The account's value shared by party (``allocate``), items per party; payables too."""
    acme = bo.documents.create_party("Acme GmbH")
    beta = bo.documents.create_party("Beta SA")
    paper = bo.documents.create_party("Paper Co", is_customer=False, is_supplier=True)
    sets = {acme.id: _items(bo, acme, ["100.03", "33.37", "0.07"]),
            beta.id: _items(bo, beta, ["100.01", "66.69"])}
    bills = _items(bo, paper, ["100.03", "100.03"], bill=True)
    _revalue(bo, "1140")
    bo.ledger.revalue(D(2026, 1, 31), accounts=["2110"])
    for party_id, invs in sets.items():
        total = sum((i.totals.amount_due for i in invs), eur("0"))
        bo.documents.record_payment(party_id, total, D(2026, 2, 3),
                                    allocate_to=[i.id for i in invs])
    bo.documents.record_payment(paper.id, eur("200.06"), D(2026, 2, 3),
                                allocate_to=[b.id for b in bills])
    for party in (acme, beta):
        assert _part(bo, "1140", party) == (0, 0)
    assert _part(bo, "2110", paper) == (0, 0)
    assert bo.ledger.balance_detail("1140", "EUR").functional == 0
    assert bo.ledger.balance_detail("2110", "EUR").functional == 0
    assert bo.ledger.verify().ok


def test_a_write_off_or_a_discount_that_closes_the_last_item(bo: bc.Backoffice) -> None:
    acme = bo.documents.create_party("Acme GmbH")
    beta = bo.documents.create_party("Beta SA")
    short = _items(bo, acme, ["100.03", "100.03"])
    terms = PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))
    disc = [bo.documents.issue(bo.documents.create_invoice(
        beta.id, D(2026, 1, 28), [line("Work", 1, "100.03", Tax.zero())], currency="EUR",
        payment_terms=terms).id) for _ in range(2)]
    _revalue(bo, "1140")
    bo.documents.record_payment(acme.id, eur("200.04"), D(2026, 2, 3),
                                allocate_to=[i.id for i in short])
    wo = bo.documents.write_off(short[1].id, limit=eur("0.05"), date=D(2026, 2, 3))
    assert wo.fx_difference == Money("0.01", "USD")  # the cent left over, realized (a loss)
    assert _part(bo, "1140", acme) == (0, 0)
    # 2 % of 100.03 is 2.00: each invoice takes 98.03 and its discount
    bo.documents.record_payment(beta.id, eur("196.06"), D(2026, 2, 3),
                                allocate_to=[i.id for i in disc])
    assert [bo.documents.get(i.id).open_amount for i in disc] == [eur("0.00")] * 2
    assert _part(bo, "1140", beta) == (0, 0)
    assert bo.ledger.balance_detail("1140", "EUR").functional == 0
    assert bo.ledger.verify().ok
