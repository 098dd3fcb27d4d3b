"""Accounts: types, normal balances, validation, hierarchy, archiving, limits, currency."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

import backoffice_core as bc
from backoffice_core.errors import (
    AccountInactiveError,
    ConcurrencyError,
    CurrencyMismatchError,
    DuplicateError,
    LimitExceededError,
    NotFoundError,
    ValidationError,
)
from backoffice_core.ledger import Account, AccountLimit, AccountType

Jan = Callable[..., bc.NewEntry]


@pytest.mark.parametrize(
    ("kind", "sign", "sheet"),
    [("asset", 1, True), ("liability", -1, True), ("equity", -1, True),
     ("income", -1, False), ("expense", 1, False)],
)
def test_types_fix_the_normal_balance(kind: str, sign: int, sheet: bool) -> None:
    t = AccountType(kind)
    assert t.normal_sign == sign
    assert t.is_balance_sheet is sheet
    acc = Account(code="X1", name="x", type=kind)
    assert acc.type is t
    assert acc.normal_sign == sign


@pytest.mark.parametrize("kind", list(AccountType))
def test_contra_flips_the_normal_balance(kind: AccountType) -> None:
    acc = Account(code="X1", name="contra", type=kind, contra=True)
    assert acc.normal_sign == -kind.normal_sign


def test_generic_chart_contra_accounts(bo: bc.Backoffice) -> None:
    assert bo.ledger.account("1520").contra
    assert bo.ledger.account("1520").normal_sign == -1
    assert bo.ledger.account("4200").normal_sign == 1


@pytest.mark.parametrize(
    "code", ["", " 1110", "11 10", "a" * 65, "-12", "1110/1", "é1", None, 1110])
def test_invalid_codes_are_refused_naming_the_field(code: object) -> None:
    with pytest.raises(ValidationError) as info:
        Account(code=code, name="Cash", type="asset")  # type: ignore[arg-type]
    assert info.value.field == "code"
    assert info.value.value == code


@pytest.mark.parametrize("code", ["1", "1110", "90.01", "A-1_b.2", "a" * 64])
def test_valid_codes(code: str) -> None:
    assert Account(code=code, name="Cash", type="asset").code == code


@pytest.mark.parametrize("name", ["", "   ", "x" * 201, None, 5])
def test_invalid_names_are_refused_naming_the_field(name: object) -> None:
    with pytest.raises(ValidationError) as info:
        Account(code="1", name=name, type="asset")  # type: ignore[arg-type]
    assert info.value.field == "name"


@pytest.mark.parametrize("kind", ["assets", "ASSET", "revenue", "", None])
def test_invalid_types_are_refused_naming_the_field(kind: object) -> None:
    with pytest.raises(ValidationError) as info:
        Account(code="1", name="x", type=kind)  # type: ignore[arg-type]
    assert info.value.field == "type"
    assert info.value.value == kind


def test_invalid_limit_and_currency_are_refused() -> None:
    with pytest.raises(ValidationError) as info:
        Account(code="1", name="x", type="asset", limit="no_overdraft")
    assert info.value.field == "limit"
    with pytest.raises(ValidationError) as info:
        Account(code="1", name="x", type="asset", currency="usd")
    assert info.value.field == "currency"
    with pytest.raises(NotFoundError) as nf:
        Account(code="1", name="x", type="asset", currency="XXQ")
    assert nf.value.field == "currency"


def test_an_account_is_not_its_own_parent() -> None:
    with pytest.raises(ValidationError) as info:
        Account(code="1", name="x", type="asset", parent="1")
    assert info.value.field == "parent"


def test_open_account_validation_goes_through_the_service(bo: bc.Backoffice, refuses) -> None:
    info = refuses(bo, ValidationError, bo.ledger.open_account, "bad code", "X", "asset")
    assert info.value.field == "code"
    info = refuses(bo, ValidationError, bo.ledger.open_account, "9990", "X", "stuff")
    assert info.value.field == "type"


def test_open_account_and_read_it_back(bo: bc.Backoffice) -> None:
    acc = bo.ledger.open_account("1199", "Petty cash EUR", "asset", parent="1100",
                                 currency="EUR", limit="credits_must_not_exceed_debits")
    assert bo.ledger.account("1199") == acc
    assert acc.parent == "1100"
    assert acc.currency == "EUR"
    assert acc.limit is AccountLimit.CREDITS_MUST_NOT_EXCEED_DEBITS
    assert acc in bo.ledger.accounts()
    codes = [a.code for a in bo.ledger.accounts()]
    assert codes == sorted(codes)


def test_duplicate_code_is_refused(bo: bc.Backoffice, refuses) -> None:
    info = refuses(bo, DuplicateError, bo.ledger.open_account, "1110", "Again", "asset")
    assert info.value.field == "code"
    assert info.value.value == "1110"
    assert bo.ledger.account("1110").name == "Cash on hand"


def test_parent_must_exist(bo: bc.Backoffice, refuses) -> None:
    info = refuses(bo, NotFoundError, bo.ledger.open_account, "9991", "Orphan", "asset",
                   parent="9990")
    assert info.value.field == "parent"
    assert info.value.value == "9990"


def test_unknown_account_lookup(bo: bc.Backoffice) -> None:
    with pytest.raises(NotFoundError) as info:
        bo.ledger.account("0000")
    assert info.value.field == "code"


def test_posting_to_a_parent_account_is_refused(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    info = refuses(bo, ValidationError, bo.ledger.post,
                   jan(5, bc.debit("1100", "1.00"), bc.credit("4100", "1.00")))
    assert info.value.field == "lines[0].account"
    assert info.value.value == "1100"
    info = refuses(bo, ValidationError, bo.ledger.post,
                   jan(5, bc.debit("1110", "1.00"), bc.credit("4000", "1.00")))
    assert info.value.field == "lines[1].account"


def test_a_posted_leaf_cannot_become_a_parent(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    bo.ledger.post(jan(5, bc.debit("1110", "1.00"), bc.credit("4100", "1.00")))
    info = refuses(bo, ValidationError, bo.ledger.open_account, "1111", "Sub", "asset",
                   parent="1110")
    assert info.value.field == "parent"


def test_a_new_child_makes_its_parent_a_header(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    bo.ledger.open_account("9000", "Suspense", "asset")
    bo.ledger.post(jan(5, bc.debit("9000", "1.00"), bc.credit("4100", "1.00")))
    bo.ledger.open_account("9100", "Clearing", "asset")
    bo.ledger.open_account("9110", "Clearing A", "asset", parent="9100")
    refuses(bo, ValidationError, bo.ledger.post,
            jan(5, bc.debit("9100", "1.00"), bc.credit("4100", "1.00")))


def test_archived_account_refuses_postings(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    bo.ledger.post(jan(5, bc.debit("1110", "5.00"), bc.credit("4100", "5.00")))
    bo.ledger.set_role("cash", "1120")  # a role's account is not archived
    archived = bo.ledger.archive_account("1110")
    assert not archived.active
    assert archived.version == 1
    info = refuses(bo, AccountInactiveError, bo.ledger.post,
                   jan(6, bc.debit("1120", "1.00"), bc.credit("1110", "1.00")))
    assert info.value.field == "lines[1].account"
    assert info.value.value == "1110"
    refuses(bo, AccountInactiveError, bo.ledger.hold,
            jan(6, bc.debit("1110", "1.00"), bc.credit("4100", "1.00")))
    # still reported
    assert bo.ledger.balance("1110") == bc.Money("5.00", "USD")
    # and reactivation works
    bo.ledger.update_account("1110", active=True)
    bo.ledger.post(jan(6, bc.debit("1120", "1.00"), bc.credit("1110", "1.00")))
    assert bo.ledger.balance("1110") == bc.Money("4.00", "USD")


def test_update_account_changes_only_allowed_fields(bo: bc.Backoffice, refuses) -> None:
    assert bo.ledger.update_account("1110", name="Till").name == "Till"
    info = refuses(bo, ValidationError, bo.ledger.update_account, "1110", parent="1000")
    assert info.value.field == "parent"
    info = refuses(bo, ValidationError, bo.ledger.update_account, "1110", name="")
    assert info.value.field == "name"
    info = refuses(bo, ValidationError, bo.ledger.update_account, "1110", limit="bogus")
    assert info.value.field == "limit"
    refuses(bo, NotFoundError, bo.ledger.update_account, "0000", name="x")


def test_update_account_bumps_the_version(bo: bc.Backoffice) -> None:
    v0 = bo.ledger.account("1110").version
    bo.ledger.update_account("1110", name="A")
    bo.ledger.update_account("1110", name="B")
    assert bo.ledger.account("1110").version == v0 + 2


def test_stale_account_write_is_a_concurrency_error(bo: bc.Backoffice) -> None:
    with bo.unit_of_work() as uow:
        acc = uow.ledger.get_account("1110")
        assert acc is not None
        uow.ledger.update_account(bc.Account("1110", "x", "asset", version=acc.version + 1),
                                  acc.version)
        with pytest.raises(ConcurrencyError):
            uow.ledger.update_account(bc.Account("1110", "y", "asset", version=acc.version + 1),
                                      acc.version)


# ---------------------------------------------------------------- limits
def _wallet(bo: bc.Backoffice) -> None:
    """2190: a customer wallet (liability) that must not go into debit."""
    bo.ledger.open_account("2190", "Customer wallet", "liability", parent="2100",
                           limit="debits_must_not_exceed_credits")


def test_debits_must_not_exceed_credits(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    _wallet(bo)
    bo.ledger.post(jan(3, bc.debit("1120", "100.00"), bc.credit("2190", "100.00")))
    bo.ledger.post(jan(4, bc.debit("2190", "60.00"), bc.credit("1120", "60.00")))
    info = refuses(bo, LimitExceededError, bo.ledger.post,
                   jan(5, bc.debit("2190", "40.01"), bc.credit("1120", "40.01")))
    assert info.value.field == "account"
    assert info.value.value == "2190"
    assert "0.01" in str(info.value)
    bo.ledger.post(jan(5, bc.debit("2190", "40.00"), bc.credit("1120", "40.00")))
    assert bo.ledger.balance("2190") == bc.Money("0.00", "USD")


def test_credits_must_not_exceed_debits(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    bo.ledger.update_account("1120", limit="credits_must_not_exceed_debits")
    refuses(bo, LimitExceededError, bo.ledger.post,
            jan(3, bc.debit("6200", "0.01"), bc.credit("1120", "0.01")))
    bo.ledger.post(jan(3, bc.debit("1120", "10.00"), bc.credit("3100", "10.00")))
    bo.ledger.post(jan(4, bc.debit("6200", "10.00"), bc.credit("1120", "10.00")))
    refuses(bo, LimitExceededError, bo.ledger.post,
            jan(5, bc.debit("6200", "0.01"), bc.credit("1120", "0.01")))


def test_a_balanced_entry_may_touch_a_limited_account_on_both_sides(
        bo: bc.Backoffice, jan: Jan) -> None:
    _wallet(bo)
    bo.ledger.post(jan(3, bc.debit("1120", "5.00"), bc.credit("2190", "5.00")))
    # debit 5 and credit 5 on the wallet in one entry: the wallet stays at zero debit excess
    bo.ledger.post(jan(4, bc.debit("2190", "8.00"), bc.credit("2190", "3.00"),
                       bc.credit("1120", "5.00")))
    assert bo.ledger.balance("2190") == bc.Money("0.00", "USD")


def test_limits_count_pending_amounts(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    _wallet(bo)
    bo.ledger.post(jan(3, bc.debit("1120", "100.00"), bc.credit("2190", "100.00")))
    bo.ledger.hold(jan(4, bc.debit("2190", "70.00"), bc.credit("1120", "70.00")),
                   timeout=timedelta(days=1))
    refuses(bo, LimitExceededError, bo.ledger.post,
            jan(5, bc.debit("2190", "30.01"), bc.credit("1120", "30.01")))
    refuses(bo, LimitExceededError, bo.ledger.hold,
            jan(5, bc.debit("2190", "30.01"), bc.credit("1120", "30.01")))
    bo.ledger.post(jan(5, bc.debit("2190", "30.00"), bc.credit("1120", "30.00")))


def test_limits_apply_in_post_many(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    _wallet(bo)
    bo.ledger.post(jan(3, bc.debit("1120", "10.00"), bc.credit("2190", "10.00")))
    refuses(bo, LimitExceededError, bo.ledger.post_many, [
        jan(4, bc.debit("2190", "6.00"), bc.credit("1120", "6.00")),
        jan(5, bc.debit("2190", "6.00"), bc.credit("1120", "6.00")),
    ])


def test_limits_are_checked_per_entry_in_post_many(bo: bc.Backoffice, jan: Jan,
                                                    refuses) -> None:
    """A batch is a sequence of entries: an overdraft in the middle is refused even when a
    later entry of the same batch would cover it, exactly as posting them one by one."""
    bo.ledger.update_account("1120", limit="credits_must_not_exceed_debits")
    batch = [jan(4, bc.debit("6200", "50.00"), bc.credit("1120", "50.00")),
             jan(5, bc.debit("1120", "50.00"), bc.credit("3100", "50.00"))]
    refuses(bo, LimitExceededError, bo.ledger.post, batch[0])
    refuses(bo, LimitExceededError, bo.ledger.post_many, batch)


def test_update_account_refuses_a_limit_the_balance_breaks(
        bo: bc.Backoffice, jan: Jan, refuses) -> None:
    bo.ledger.post(jan(3, bc.debit("6200", "1.00"), bc.credit("1120", "1.00")))
    info = refuses(bo, LimitExceededError, bo.ledger.update_account, "1120",
                   limit="credits_must_not_exceed_debits")
    assert info.value.field == "limit"
    assert bo.ledger.account("1120").limit is AccountLimit.NONE
    # the other direction is fine: the account holds more credits than debits
    bo.ledger.update_account("1120", limit="debits_must_not_exceed_credits")


def test_update_account_refuses_a_limit_broken_by_pending_amounts(
        bo: bc.Backoffice, jan: Jan, refuses) -> None:
    bo.ledger.hold(jan(3, bc.debit("6200", "1.00"), bc.credit("1120", "1.00")))
    refuses(bo, LimitExceededError, bo.ledger.update_account, "1120",
            limit="credits_must_not_exceed_debits")


def test_limit_is_checked_per_currency(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    bo.ledger.update_account("1130", limit="credits_must_not_exceed_debits")
    bo.ledger.post(jan(3, bc.debit("1130", "10.00"), bc.credit("3100", "10.00")))
    refuses(bo, LimitExceededError, bo.ledger.post,
            jan(4, bc.debit("6200", bc.Money("1.00", "EUR")),
                bc.credit("1130", bc.Money("1.00", "EUR")), rates={"EUR": "1.10"}))


# ---------------------------------------------------------------- fixed currency
def test_fixed_currency_account_refuses_other_currencies(
        bo: bc.Backoffice, jan: Jan, refuses) -> None:
    bo.ledger.open_account("1131", "Bank EUR", "asset", parent="1100", currency="EUR")
    info = refuses(bo, CurrencyMismatchError, bo.ledger.post,
                   jan(3, bc.debit("1131", "10.00"), bc.credit("3100", "10.00")))
    assert info.value.field == "lines[0].currency"
    assert info.value.value == "USD"
    bo.ledger.post(jan(3, bc.debit("1131", bc.Money("10.00", "EUR")),
                       bc.credit("3100", bc.Money("10.00", "EUR")), rates={"EUR": "1.10"}))
    assert bo.ledger.balance("1131") == bc.Money("10.00", "EUR")  # its own currency by default
    assert bo.ledger.settings().roles["currency_trading"] == "3500"


def test_currency_cannot_change_after_postings(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    bo.ledger.open_account("1131", "Bank EUR", "asset", parent="1100", currency="EUR")
    bo.ledger.update_account("1131", currency="GBP")
    bo.ledger.post(jan(3, bc.debit("1131", bc.Money("1", "GBP")),
                       bc.credit("3100", bc.Money("1", "GBP")), rates={"GBP": "1.25"}))
    info = refuses(bo, ValidationError, bo.ledger.update_account, "1131", currency="EUR")
    assert info.value.field == "currency"


@pytest.mark.parametrize("flag", ["active", "contra"])
def test_boolean_flags_must_be_booleans(bo: bc.Backoffice, flag: str) -> None:
    with pytest.raises(ValidationError) as info:
        Account(code="1", name="x", type="asset", **{flag: "no"})  # type: ignore[arg-type]
    assert info.value.field == flag
    if flag == "active":
        with pytest.raises(ValidationError):
            bo.ledger.update_account("1110", active="no")
