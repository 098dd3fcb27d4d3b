"""Chart templates: all load, every role points at a postable account, names are localized."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents.taxes import TaxCategory
from backoffice_core.errors import NotFoundError, ValidationError
from backoffice_core.ledger import AccountType, ChartTemplate, available_charts, load_chart

CHARTS = ["generic", "ru_94n", "de_skr03"]


def test_the_templates_ship() -> None:
    assert set(CHARTS) <= set(available_charts())


def _base(role: str) -> str:
    return role.split(".", 1)[0]


@pytest.mark.parametrize("chart_id", CHARTS)
def test_every_template_names_the_same_roles(chart_id: str) -> None:
    # the posting mapping of documents, inventory, FX and closing asks for these by name;
    # a chart may add tax-specific roles (base.C or base.C.R) of those same roles
    roles = set(load_chart(chart_id).roles)
    generic = set(load_chart("generic").roles)
    assert {r for r in roles if "." not in r} == generic
    categories = {c.code for c in TaxCategory}
    for r in roles - generic:
        base, category, *rate = r.split(".", 2)
        assert base in generic, r
        assert category in categories, r
        assert not rate or rate[0] == f"{Decimal(rate[0]).normalize():f}", r  # as a Tax writes it


def test_skr03_splits_revenue_and_vat_by_tax() -> None:
    roles = load_chart("de_skr03").roles
    assert (roles["revenue"], roles["vat_output"], roles["vat_input"]) == ("8400", "1776", "1576")
    assert (roles["revenue.S.7"], roles["vat_output.S.7"], roles["vat_input.S.7"]) == (
        "8300", "1771", "1571")
    assert (roles["revenue.K"], roles["revenue.G"], roles["revenue.AE"]) == (
        "8125", "8120", "8337")
    names = {a.code: a.name for a in load_chart("de_skr03").accounts}
    assert names["8125"] == "Steuerfreie innergemeinschaftliche Lieferungen nach § 4 Nr. 1b UStG"
    assert names["8120"] == "Steuerfreie Umsätze nach § 4 Nr. 1a UStG"
    assert names["1571"] == "Abziehbare Vorsteuer 7 %"
    assert names["1771"] == "Umsatzsteuer 7 %"


def test_skr03_books_acquisitions_exempt_and_out_of_scope_sales_on_their_accounts() -> None:
    """Numbers and names as in DATEV's SKR 03 (checked against Odoo's l10n_de, whose
    intra-community acquisition taxes post 1574/1774 at 19 % and 1572/1772 at 7 %)."""
    chart = load_chart("de_skr03")
    roles, names = chart.roles, {a.code: a.name for a in chart.accounts}
    assert (roles["vat_input.K.19"], roles["vat_output.K.19"]) == ("1574", "1774")
    assert (roles["vat_input.K.7"], roles["vat_output.K.7"]) == ("1572", "1772")
    assert (roles["revenue.E"], roles["revenue.O"]) == ("8100", "8338")
    assert names["1574"] == "Abziehbare Vorsteuer aus innergemeinschaftlichem Erwerb 19 %"
    assert names["1774"] == "Umsatzsteuer aus innergemeinschaftlichem Erwerb 19 %"
    assert names["1572"] == "Abziehbare Vorsteuer aus innergemeinschaftlichem Erwerb"
    assert names["1772"] == "Umsatzsteuer aus innergemeinschaftlichem Erwerb"
    assert names["8100"] == "Steuerfreie Umsätze § 4 Nr. 8 ff. UStG"


def test_skr03_gives_every_vat_category_its_datev_accounts() -> None:
    """Numbers and names as DATEV's SKR 03 lists them (checked against Odoo's l10n_de SKR 03
    chart, buchungssatz.de's SKR 03 listing, the NWB Kontierungs-ABC for 3420-3435/1779
    and infoportal-buchhaltung.com for 3150/3151). Where DATEV has no account of its own,
    the role names the documented fallback (docs/documents.md, "Accounts by VAT category
    and rate")."""
    chart = load_chart("de_skr03")
    roles, names = chart.roles, {a.code: a.name for a in chart.accounts}
    sales = {c: tuple(roles.get(f"{r}.{c}") for r in ("revenue", "sales_returns",
                                                       "sales_discounts"))
             for c in ("Z", "E", "AE", "K", "G", "O", "L", "M")}
    assert sales == {
        "Z": ("8200", None, None),  # no 0 % accounts: the rate-neutral 8700 and 8730
        "E": ("8100", "8701", "8701"),  # no Skonto account for § 4 Nr. 8 ff.
        "AE": ("8337", "8337", "8741"),  # no Erlösschmälerungen for § 13b
        "K": ("8125", "8724", "8743"),
        "G": ("8120", "8705", "8705"),  # no Skonto account for exports
        "O": ("8338", "8338", "8338"),  # no reductions for 8338: the revenue account
        "L": ("8338", "8338", "8338"), "M": ("8338", "8338", "8338"),
    }
    assert (roles["sales_returns"], roles["sales_discounts"], roles["purchase_discounts"]) == (
        "8700", "8730", "3730")  # rate-neutral: a category without its own account
    assert (roles["sales_discounts.S.19"], roles["purchase_discounts.S.19"]) == ("8736", "3736")
    assert (roles["other_expense.K"], roles["purchase_discounts.K"],
            roles["purchase_discounts.AE"]) == ("3425", "3748", "3151")
    assert names["8200"] == "Erlöse"
    assert names["8701"] == "Erlösschmälerungen für steuerfreie Umsätze nach § 4 Nr. 8 ff. UStG"
    assert names["8730"] == "Gewährte Skonti"
    assert names["3730"] == "Erhaltene Skonti"
    assert names["3425"] == "Innergemeinschaftlicher Erwerb 19 % Vorsteuer und 19 % Umsatzsteuer"
    assert names["3420"] == "Innergemeinschaftlicher Erwerb 7 % Vorsteuer und 7 % Umsatzsteuer"
    assert names["3435"] == "Innergemeinschaftlicher Erwerb ohne Vorsteuer und 19 % Umsatzsteuer"
    assert names["1779"] == "Umsatzsteuer aus innergemeinschaftlichem Erwerb ohne Vorsteuerabzug"
    assert names["3748"] == ("Erhaltene Skonti aus steuerpflichtigem innergemeinschaftlichem "
                             "Erwerb 19 % Vorsteuer und 19 % Umsatzsteuer")
    assert names["3151"].startswith("Erhaltene Skonti aus Leistungen, für die als "
                                    "Leistungsempfänger die Steuer nach § 13b UStG")
    assert names["8339"] == ("Erlöse aus im anderen EU-Land steuerbaren Leistungen, im Inland "
                             "nicht steuerbare Umsätze")


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
    types = {a.code: a.type for a in chart.accounts}
    for role, code in chart.roles.items():
        assert code in codes, f"{role} -> {code} does not exist"
        assert code not in parents, f"{role} -> {code} is a header account"
        if "." in role:  # a tax-specific role is an account of its base role's kind
            assert types[code] is types[chart.roles[_base(role)]], role


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
    expected = {AccountType.ASSET: ("cash", "bank", "foreign_bank", "inventory", "vat_input",
                                    "fixed_assets"),
                AccountType.LIABILITY: ("vat_output", "payroll_payable"),
                AccountType.EQUITY: ("share_capital", "opening_balance_equity"),
                AccountType.INCOME: ("revenue", "other_income"),
                AccountType.EXPENSE: ("cogs", "salaries_expense", "depreciation_expense",
                                      "bank_fees", "other_expense")}
    for kind, roles in expected.items():
        for role in roles:
            assert types[chart.roles[role]] is kind, role


@pytest.mark.parametrize("chart_id", CHARTS)
def test_a_month_through_the_roles_balances_and_closes(chart_id: str) -> None:
    # a small business through each main role, then the year-end closing
    chart = load_chart(chart_id)
    r = chart.roles
    bo = bc.Backoffice.open("memory://")
    bo.ledger.setup("X", currency=chart.functional_currency, chart=chart_id)
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))

    def post(day: int, text: str, *lines: bc.Line) -> None:
        bo.ledger.post(bc.NewEntry(date(2026, 1, day), text, list(lines)))

    post(2, "Capital", bc.debit(r["bank"], "10000.00"), bc.credit(r["share_capital"], "10000.00"))
    post(3, "Equipment", bc.debit(r["fixed_assets"], "1200.00"), bc.credit(r["bank"], "1200.00"))
    post(5, "Goods", bc.debit(r["inventory"], "1000.00"), bc.debit(r["vat_input"], "190.00"),
         bc.credit(r["payables"], "1190.00"))
    post(12, "Sale with VAT", bc.debit(r["receivables"], "1785.00"),
         bc.credit(r["revenue"], "1500.00"), bc.credit(r["vat_output"], "285.00"))
    post(12, "Cost of the sale", bc.debit(r["cogs"], "600.00"), bc.credit(r["inventory"], "600.00"))
    post(20, "Customer pays", bc.debit(r["cash"], "1785.00"),
         bc.credit(r["receivables"], "1785.00"))
    post(26, "Salaries", bc.debit(r["salaries_expense"], "500.00"),
         bc.credit(r["payroll_payable"], "500.00"))
    post(29, "Bank fees", bc.debit(r["bank_fees"], "10.00"), bc.credit(r["bank"], "10.00"))
    post(31, "Depreciation", bc.debit(r["depreciation_expense"], "20.00"),
         bc.credit(r["accumulated_depreciation"], "20.00"))
    end = date(2026, 12, 31)
    assert bo.ledger.reports.trial_balance(as_of=end).is_balanced
    sheet = bo.ledger.reports.balance_sheet(end)
    assert sheet.is_balanced
    assert sheet.current_year_earnings == (Decimal("370.00"),)  # 1500 - 600 - 500 - 10 - 20
    bo.ledger.close_year("FY2026")
    currency = chart.functional_currency
    for role in ("revenue", "cogs", "salaries_expense", "bank_fees", "depreciation_expense"):
        assert bo.ledger.balance(r[role]) == bc.Money(0, currency), role
    assert bo.ledger.balance(r["retained_earnings"]) == bc.Money("-370.00", currency)
    assert bo.ledger.balance(r["vat_output"]) == bc.Money("-285.00", currency)
    assert bo.ledger.reports.balance_sheet(end).is_balanced
    assert bo.ledger.verify().ok


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


def test_skr03_names_are_german_and_its_classes_are_headers() -> None:
    chart = load_chart("de_skr03")
    assert (chart.locale, chart.functional_currency) == ("de_DE", "EUR")
    names = {a.code: a.name for a in chart.accounts}
    assert names["1000"] == "Kasse"
    assert names["1200"] == "Bank"
    assert names["1400"] == "Forderungen aus Lieferungen und Leistungen"
    assert names["1576"] == "Abziehbare Vorsteuer 19 %"
    assert names["1776"] == "Umsatzsteuer 19 %"
    assert names["8400"] == "Erlöse 19 % USt"
    assert names["0"] == "Anlage- und Kapitalkonten"
    assert chart.roles["retained_earnings"] == "0860"
    classes = {a.code for a in chart.accounts if a.parent is None}
    assert classes == {"0", "1", "2", "3", "4", "7", "8", "9"}  # 5 and 6 are free in SKR 03
    for acc in chart.accounts:  # every account sits in the class its number starts with
        assert acc.parent is None or acc.parent == acc.code[0], acc.code
    assert {a.parent for a in chart.accounts} >= classes  # so no class takes postings


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
    bo.ledger.set_role("revenue.S.7", "4110")  # a role specific to a VAT category and rate
    assert bo.ledger.role("revenue.S.7") == "4110"
    with pytest.raises(ValidationError) as bad:  # one line, as setup() asks of role names
        bo.ledger.set_role("revenue\tS", "4110")
    assert bad.value.field == "role"
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
