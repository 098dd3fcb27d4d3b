"""A posting role names an account of a type it takes, a leaf and an active one.

``set_role()`` (and ``roles=`` at setup) checked only that the account existed: receivables
on an income account, inventory on an expense account or output VAT on an asset was
found only when something posted, or never (wrong statements). Each is now refused
where the role is set, naming ``roles.<role>`` and the account, and nothing changes.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import backoffice_core as bc
from backoffice_core.errors import AccountInactiveError, NotFoundError, ValidationError
from backoffice_core.ledger.charts import available_charts, load_chart
from backoffice_core.ledger.roles import ROLE_TYPES, check_role_account

_URLS = ["memory://", "sqlite://"]


def _book(url: str) -> bc.Backoffice:
    bo = bc.Backoffice.open(url, clock=bc.FixedClock(datetime(2026, 3, 1, tzinfo=UTC)),
                            ids=bc.SequentialIds("e"))
    bo.ledger.setup("Roles Co", currency="USD", chart="generic")
    return bo


@pytest.mark.parametrize("chart", available_charts())
def test_every_shipped_charts_roles_pass_the_rule(chart: str) -> None:
    template = load_chart(chart)
    accounts = {a.code: a for a in template.accounts}
    parents = {a.parent for a in template.accounts if a.parent}
    for role, code in template.roles.items():
        check_role_account(role, accounts[code], parents)
    bo = bc.Backoffice.open("memory://")
    bo.ledger.setup("X", currency=template.functional_currency, chart=chart)
    assert bo.ledger.settings().roles == template.roles


def test_the_table_knows_every_role_of_the_generic_chart() -> None:
    assert set(load_chart("generic").roles) <= set(ROLE_TYPES)


@pytest.mark.parametrize("url", _URLS)
@pytest.mark.parametrize(("role", "code"), [
    ("receivables", "4100"),        # an income account
    ("inventory", "6200"),          # an expense account
    ("vat_output", "1110"),         # an asset
    ("vat_output.S.7", "1170"),     # a role by VAT category and rate: its base's types
    ("payables", "1140"),
    ("retained_earnings", "4110"),
    ("revenue", "2110"),
    ("cogs", "4100"),
    ("grni", "1210"),
])
def test_set_role_refuses_an_account_of_the_wrong_type(url: str, role: str, code: str,
                                                        refuses) -> None:
    bo = _book(url)
    before = bo.ledger.settings()
    info = refuses(bo, ValidationError, bo.ledger.set_role, role, code)
    assert (info.value.field, info.value.value) == (f"roles.{role}", code)
    assert bo.ledger.account(code).type.value in str(info.value)
    assert bo.ledger.settings() == before


@pytest.mark.parametrize("url", _URLS)
def test_set_role_refuses_a_parent_and_an_archived_account(url: str, refuses) -> None:
    bo = _book(url)
    info = refuses(bo, ValidationError, bo.ledger.set_role, "receivables", "1100")
    assert (info.value.field, info.value.value) == ("roles.receivables", "1100")
    info = refuses(bo, ValidationError, bo.ledger.set_role, "petty_cash", "1100")
    assert info.value.field == "roles.petty_cash"  # a custom role: still a leaf
    bo.ledger.archive_account("1150")  # an asset no role names (a role's is not archived)
    info = refuses(bo, AccountInactiveError, bo.ledger.set_role, "receivables", "1150")
    assert (info.value.field, info.value.value) == ("roles.receivables", "1150")
    assert bo.ledger.role("receivables") == "1140"


@pytest.mark.parametrize("url", _URLS)
def test_set_role_takes_what_the_role_legitimately_takes(url: str) -> None:
    bo = _book(url)
    led = bo.ledger
    led.set_role("receivables", "1130")
    led.set_role("vat_input", "2140")         # one VAT clearing account (a liability)
    led.set_role("vat_input.K.19", "6200")    # VAT that may not be deducted: a cost
    led.set_role("currency_trading", "1120")  # a transit asset (as in SKR03 and 94n)
    led.set_role("price_variance", "5100")
    led.set_role("fx_gain", "8200")           # one account for all exchange differences
    led.set_role("petty_cash", "4100")        # a role the table does not know: any type
    roles = led.settings().roles
    assert (roles["receivables"], roles["vat_input"], roles["vat_input.K.19"],
            roles["currency_trading"], roles["petty_cash"]) == (
        "1130", "2140", "6200", "1120", "4100")


@pytest.mark.parametrize("url", _URLS)
def test_setup_refuses_roles_of_the_wrong_type_and_sets_nothing_up(url: str) -> None:
    bo = bc.Backoffice.open(url)
    with pytest.raises(ValidationError) as info:
        bo.ledger.setup("X", currency="USD", chart="generic", roles={"receivables": "4100"})
    assert (info.value.field, info.value.value) == ("roles.receivables", "4100")
    with pytest.raises(NotFoundError):  # not set up: no settings, no accounts
        bo.ledger.settings()
    with pytest.raises(ValidationError) as info:
        bo.ledger.setup("X", currency="USD", chart="generic", roles={"cash": "1100"})
    assert (info.value.field, info.value.value) == ("roles.cash", "1100")
    bo.ledger.setup("X", currency="USD", chart="generic", roles={"receivables": "1130"})
    assert bo.ledger.role("receivables") == "1130"


@pytest.mark.parametrize("url", _URLS)
def test_a_role_named_before_its_account_opens_is_checked_when_it_opens(url: str) -> None:
    bo = bc.Backoffice.open(url)
    led = bo.ledger
    led.setup("X", currency="USD", roles={"receivables": "1200"})
    with pytest.raises(ValidationError) as info:
        led.open_account("1200", "Sales", "income")
    assert (info.value.field, info.value.value) == ("roles.receivables", "1200")
    with pytest.raises(NotFoundError):
        led.account("1200")
    led.open_account("1200", "Receivables", "asset")
    assert led.account("1200").type.value == "asset"
