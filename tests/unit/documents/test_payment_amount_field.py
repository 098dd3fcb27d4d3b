"""A payment or refund amount finer than its currency's minor unit is refused naming
``amount``, the caller's argument: the error named ``lines[0].amount``, a field of the
ledger entry the payment would have posted, which the caller never saw."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

import backoffice_core as bc
from backoffice_core.documents import Tax, line
from backoffice_core.money import Money


@pytest.mark.parametrize("url", ["memory://", "sqlite://"])
def test_a_too_fine_payment_or_refund_names_amount(url: str) -> None:
    bo = bc.Backoffice.open(url)
    bo.ledger.setup("X", currency="EUR", chart="generic")
    docs = bo.documents
    party = docs.create_party("Acme")
    inv = docs.issue(docs.create("sales_invoice", party.id, date(2026, 1, 2),
                                 [line("Lamp", 1, "10.00", Tax.standard(20))]).id)
    fine = Money("10.005", "EUR")
    calls: list[Callable[[], object]] = [
        lambda: docs.record_payment(party.id, fine, date(2026, 1, 3)),
        lambda: docs.refund(party.id, fine, date(2026, 1, 3), against=[inv.id])]
    for call in calls:
        with pytest.raises(bc.ValidationError) as info:
            call()
        assert (info.value.field, info.value.value) == ("amount", fine)
    assert docs.payments(party.id) == []
    assert bo.ledger.balance("1140") == Money("12.00", "EUR")
