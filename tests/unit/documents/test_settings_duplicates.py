"""``configure()`` refuses two approval rules for one document type, or two write-off
limits in one currency: only the first was ever used, silently. Nothing is saved then.
Settings stored before the check still load as they are."""

from __future__ import annotations

import pytest

import backoffice_core as bc
from backoffice_core.documents import ApprovalRule
from backoffice_core.documents.settings import DocumentSettings
from backoffice_core.money import Money


@pytest.mark.parametrize("url", ["memory://", "sqlite://"])
def test_two_rules_for_one_type_are_refused(url: str) -> None:
    bo = bc.Backoffice.open(url)
    bo.ledger.setup("X", currency="EUR", chart="generic")
    before = bo.documents.settings()
    rules = [ApprovalRule("sales_invoice", Money("100.00", "EUR")),
             ApprovalRule("purchase_order", Money("50.00", "EUR")),
             ApprovalRule("sales_invoice", Money("10.00", "EUR"))]
    with pytest.raises(bc.ValidationError) as info:
        bo.documents.configure(approval_rules=rules)
    assert (info.value.field, info.value.value) == ("approval_rules[2]", "sales_invoice")
    assert bo.documents.settings() == before
    with pytest.raises(bc.ValidationError) as info:
        bo.documents.configure(write_off_limits=[Money("0.50", "EUR"), Money("1.00", "USD"),
                                                 Money("0.10", "eur")])
    assert (info.value.field, info.value.value) == ("write_off_limits[2]", "EUR")
    assert bo.documents.settings() == before
    done = bo.documents.configure(approval_rules=rules[:2],
                                  write_off_limits=[Money("0.50", "EUR")])
    assert done.approval_rule("sales_invoice") == rules[0]


def test_stored_duplicates_still_load_and_other_settings_can_change() -> None:
    old = DocumentSettings(write_off_limits=[Money("0.50", "EUR"), Money("0.10", "EUR")])
    assert old.write_off_limit("EUR") == Money("0.50", "EUR")
    bo = bc.Backoffice.open("memory://")
    bo.ledger.setup("X", currency="EUR", chart="generic")
    with bo.unit_of_work() as uow:  # a book whose settings were stored before the check
        uow.documents.save_settings(old, None)  # type: ignore[attr-defined]
        uow.commit()
    assert bo.documents.configure(match_tolerance="0.02").write_off_limits == \
        old.write_off_limits
