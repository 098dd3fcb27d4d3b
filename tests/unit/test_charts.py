"""Chart templates: both load, every role points at a postable account, names are localized."""

from __future__ import annotations

from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.errors import NotFoundError
from backoffice_core.ledger import AccountType, ChartTemplate, available_charts, load_chart

CHARTS = ["generic", "ru_94n"]


def test_both_templates_ship() -> None:
    assert set(CHARTS) <= set(available_charts())


@pytest.mark.parametrize("chart_id", CHARTS)
def test_template_loads(chart_id: str) -> None:
    chart = load_chart(chart_id)
    assert isinstance(chart, ChartTemplate)
    assert chart.id == chart_id
    assert chart.accounts
    codes = [a.code for a in chart.accounts]
    assert len(codes) == len(set(codes)), "duplicate codes"
    seen: set[str] = set()
    for acc in chart.accounts:  # parent-first order: a parent precedes its children
        assert acc.parent is None or acc.parent in seen, acc.code
        seen.add(acc.code)


@pytest.mark.parametrize("chart_id", CHARTS)
def test_every_role_points_to_an_existing_leaf_account(chart_id: str) -> None:
    chart = load_chart(chart_id)
    codes = {a.code for a in chart.accounts}
    parents = {a.parent for a in chart.accounts if a.parent}
    for role, code in chart.roles.items():
        assert code in codes, f"{role} -> {code} does not exist"
        assert code not in parents, f"{role} -> {code} is a header account"


@pytest.mark.parametrize("chart_id", CHARTS)
def test_roles_have_sensible_types(chart_id: str) -> None:
    chart = load_chart(chart_id)
    types = {a.code: a.type for a in chart.accounts}
    assert types[chart.roles["retained_earnings"]] is AccountType.EQUITY
    assert types[chart.roles["receivables"]] is AccountType.ASSET
    assert types[chart.roles["payables"]] in (AccountType.LIABILITY, AccountType.ASSET)
    for role in ("fx_gain", "unrealized_fx_gain"):
        assert types[chart.roles[role]] is AccountType.INCOME, role
    for role in ("fx_loss", "unrealized_fx_loss"):
        assert types[chart.roles[role]] in (AccountType.EXPENSE, AccountType.INCOME), role
    assert "currency_trading" in chart.roles


@pytest.mark.parametrize("chart_id", CHARTS)
def test_a_book_set_up_from_a_template(chart_id: str) -> None:
    chart = load_chart(chart_id)
    bo = bc.Backoffice.open("memory://")
    bo.ledger.setup("X", currency=chart.functional_currency, chart=chart_id)
    assert [a.code for a in bo.ledger.accounts()] == sorted(a.code for a in chart.accounts)
    assert bo.ledger.settings().roles == chart.roles
    assert bo.ledger.settings().chart == chart_id
    assert bo.ledger.role("retained_earnings") == chart.roles["retained_earnings"]


def test_ru_names_are_russian() -> None:
    chart = load_chart("ru_94n")
    names = {a.code: a.name for a in chart.accounts}
    assert names["51"] == "Расчетные счета"
    assert names["50"] == "Касса"
    assert names["62"] == "Расчеты с покупателями и заказчиками"
    assert names["90"] == "Продажи"
    assert chart.functional_currency == "RUB"
    assert chart.roles["retained_earnings"] == "84"
    cyrillic = sum(1 for n in names.values() if any("а" <= ch.lower() <= "я" for ch in n))
    assert cyrillic == len(names)


def test_generic_chart_is_english_usd() -> None:
    chart = load_chart("generic")
    assert chart.functional_currency == "USD"
    assert {a.code: a.name for a in chart.accounts}["1110"] == "Cash on hand"


def test_unknown_chart_lists_the_available_ones() -> None:
    with pytest.raises(NotFoundError) as info:
        load_chart("us_gaap_full")
    assert info.value.field == "chart"
    assert info.value.value == "us_gaap_full"
    for chart_id in CHARTS:
        assert chart_id in str(info.value)
    bo = bc.Backoffice.open("memory://")
    with pytest.raises(NotFoundError):
        bo.ledger.setup("X", currency="USD", chart="nope")
    with pytest.raises(NotFoundError):  # nothing was written by the failed setup
        bo.ledger.settings()


def test_roles_can_be_added_and_must_name_an_account() -> None:
    bo = bc.Backoffice.open("memory://")
    bo.ledger.setup("X", currency="USD", chart="generic", roles={"cash": "1120"})
    assert bo.ledger.role("cash") == "1120"
    bo.ledger.set_role("petty_cash", "1110")
    assert bo.ledger.role("petty_cash") == "1110"
    with pytest.raises(NotFoundError) as info:
        bo.ledger.set_role("petty_cash", "0000")
    assert info.value.field == "roles.petty_cash"
    with pytest.raises(NotFoundError) as info:
        bo.ledger.role("nothing")
    assert info.value.field == "role"
    other = bc.Backoffice.open("memory://")
    with pytest.raises(NotFoundError) as info:
        other.ledger.setup("X", currency="USD", chart="generic", roles={"cash": "0000"})
    assert info.value.field == "roles.cash"


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_setup_run_again_the_same_way_changes_nothing(store: str, tmp_path: Any) -> None:
    # a script that sets up its book and posts with idempotency keys can simply run again
    from datetime import date

    def script(bo: bc.Backoffice) -> None:
        bo.ledger.setup("Demo Ltd", currency="usd", chart="generic")
        bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Owner invests",
                                   [bc.debit("1120", "5000.00"), bc.credit("3100", "5000.00")],
                                   idempotency_key="capital-1"))

    if store == "memory":
        bo = bc.Backoffice.open("memory://")
        script(bo)
    else:  # the README's first taste, run twice against one file
        url = f"sqlite:///{tmp_path / 'books.db'}"
        script(bc.Backoffice.open(url))
        bo = bc.Backoffice.open(url)
    script(bo)
    assert bo.ledger.balance("1120") == bc.Money("5000.00", "USD")
    assert len(bo.ledger.entries()) == 1
    bo.ledger.set_role("receivables", "1130")  # changed since: the same setup still runs
    bo.ledger.setup("Demo Ltd", currency="USD", chart="generic")
    assert bo.ledger.settings().roles["receivables"] == "1130"


@pytest.mark.parametrize(("change", "field"), [
    ({"name": "Other Ltd"}, "name"), ({"currency": "EUR"}, "currency"),
    ({"chart": None}, "chart"), ({"roles": {"receivables": "1110"}}, "roles.receivables"),
])
def test_a_setup_unlike_the_books_own_is_refused_naming_the_field(
        change: dict[str, Any], field: str) -> None:
    bo = bc.Backoffice.open("memory://")
    bo.ledger.setup("Demo Ltd", currency="USD", chart="generic")
    before = (bo.ledger.settings(), bo.ledger.accounts())
    args: dict[str, Any] = {"name": "Demo Ltd", "currency": "USD", "chart": "generic", **change}
    with pytest.raises(bc.DuplicateError) as err:
        bo.ledger.setup(args.pop("name"), **args)
    assert err.value.field == field
    assert (bo.ledger.settings(), bo.ledger.accounts()) == before
