"""The demo command: runs per locale, balances, and its numbers follow from its postings."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel import numbers as babel_numbers

import backoffice_core as bc
from backoffice_core.__main__ import kept_in, main
from backoffice_core.demo import LOCALES, PROFILES, DemoResult, run_demo
from backoffice_core.documents.demo import _TEXT as _DOCUMENT_TEXTS
from backoffice_core.errors import DuplicateError, ValidationError
from backoffice_core.formatting import format_amount, format_date
from backoffice_core.ledger import AccountType, load_chart
from backoffice_core.money import RoundingPolicy, minor_digits


def expected_net_income(result: DemoResult) -> Decimal:
    """Net income from the script alone: its income and expense lines, minus the reversed
    entry, plus the revaluation of the foreign receipt computed from the two rates."""
    p = result.profile
    types = {a.code: a.type for a in load_chart(p.chart).accounts}
    total = Decimal(0)
    for entry in result.script:
        if entry.idempotency_key == result.mistaken_key:
            continue  # reversed within the month
        for line in entry.lines:
            if types[line.account] in (AccountType.INCOME, AccountType.EXPENSE):
                assert isinstance(line.amount, Decimal)  # P&L lines are in functional currency
                total += line.amount
    digits = minor_digits(p.currency)
    booked = RoundingPolicy.HALF_UP.quantize(p.foreign_amount * p.booking_rate, digits)
    revalued = RoundingPolicy.HALF_UP.quantize(p.foreign_amount * p.closing_rate, digits)
    return -total + (revalued - booked)


@pytest.mark.parametrize("locale", ["en_US", "ru_RU", "de_DE"])
def test_demo_command_runs_and_prints_the_reports(locale: str,
                                                  capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the default store is an SQLite file in the working directory
    assert main(["demo", "--locale", locale]) == 0
    assert (tmp_path / "backoffice_demo.db").exists()
    out = capsys.readouterr().out
    result = run_demo(locale)
    # the report, then where the books are kept (a file appeared in the user's directory)
    assert out == f"{result.text}\n{kept_in(locale)}\n"
    assert str(tmp_path / "backoffice_demo.db") in kept_in(locale)
    p = result.profile
    assert out.startswith(p.company)
    net = babel_numbers.format_decimal(result.net_income, format="#,##0.00", locale=locale)
    assert net in out
    for title in (result.trial_balance.render(locale).splitlines()[0],
                  result.income_statement.render(locale).splitlines()[0],
                  result.balance_sheet.render(locale).splitlines()[0]):
        assert title in out


@pytest.mark.parametrize("locale", LOCALES)
def test_demo_numbers_balance_and_follow_from_the_postings(locale: str) -> None:
    result = run_demo(locale)
    assert result.trial_balance.is_balanced
    assert result.balance_sheet.is_balanced
    assert result.verification.ok, result.verification.problems
    assert result.net_income == expected_net_income(result)
    assert result.balance_sheet.current_year_earnings[0] == result.net_income
    # the comparative columns: the first half of the month, then the month-end balance sheet
    assert result.income_statement.periods[1] == (date(2026, 1, 1), date(2026, 1, 15))
    assert result.balance_sheet.dates == (date(2026, 1, 31), date(2026, 1, 15))
    p = result.profile
    reval = RoundingPolicy.HALF_UP.quantize(
        p.foreign_amount * (p.closing_rate - p.booking_rate), minor_digits(p.currency))
    assert result.revaluation == reval
    assert result.foreign_statement.closing == p.foreign_amount
    assert result.foreign_statement.closing_functional == RoundingPolicy.HALF_UP.quantize(
        p.foreign_amount * p.closing_rate, minor_digits(p.currency))


@pytest.mark.parametrize("locale", LOCALES)
def test_demo_reverses_the_mistake_and_replays_idempotently(locale: str) -> None:
    result = run_demo(locale)
    assert result.replay_created is False
    assert result.entries_before_replay == result.entries_after_replay
    assert result.reversal_seq > result.mistaken_seq
    rent_code = result.profile.accounts["rent"]
    rent = next(r for r in result.income_statement.expenses.rows if r.code == rent_code)
    rent_once = next(line.amount for e in result.script if e.idempotency_key == "demo-rent"
                     for line in e.lines if line.account == rent_code)
    assert rent.amounts[0] == rent_once  # booked twice, reversed once


def test_the_russian_demo_uses_the_russian_chart_and_names() -> None:
    result = run_demo("ru_RU")
    assert result.trial_balance.functional_currency == "RUB"
    names = {r.code: r.name for r in result.trial_balance.rows}
    assert names["51"] == "Расчетные счета"
    assert "Бухгалтерский баланс" in result.text
    assert PROFILES["en_US"].currency == "USD" and PROFILES["de_DE"].currency == "EUR"


def test_the_german_demo_uses_skr03_and_german_names() -> None:
    result = run_demo("de_DE")
    assert result.profile.chart == "de_skr03"
    assert result.trial_balance.functional_currency == "EUR"
    names = {r.code: r.name for r in result.trial_balance.rows}
    assert names["1200"] == "Bank"
    assert names["1776"] == "Umsatzsteuer 19 %"
    assert names["8400"] == "Erlöse 19 % USt"
    assert "Bilanz" in result.text and "Cash on hand" not in result.text
    # SKR 03 writes fixed assets down directly: the depreciation reduces 0420 itself
    equipment = next(r for r in result.balance_sheet.assets.rows if r.code == "0420")
    assert equipment.amounts[0] == Decimal("11800.00")
    assert result.inventory is not None and result.inventory.account == "3981"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_demo_account_is_a_leaf_of_the_profile_chart(locale: str) -> None:
    p = PROFILES[locale]
    chart = load_chart(p.chart)
    codes = {a.code for a in chart.accounts}
    parents = {a.parent for a in chart.accounts if a.parent}
    assert set(PROFILES["en_US"].accounts) <= set(p.accounts)  # the script's keys, all of them
    for key, code in p.accounts.items():
        assert code in codes and code not in parents, (key, code)


def test_the_demo_output_is_deterministic() -> None:
    assert run_demo("en_US").text == run_demo("en_US").text


def test_a_second_run_on_the_same_store_posts_nothing_new() -> None:
    bo = bc.Backoffice.open("memory://", book="demo",
                            clock=bc.FixedClock(datetime(2026, 1, 31, tzinfo=UTC)),
                            ids=bc.SequentialIds("je"))
    first = run_demo("de_DE", backoffice=bo)
    size = len(bo.ledger.entries())
    second = run_demo("de_DE", backoffice=bo)
    assert len(bo.ledger.entries()) == size
    assert second.trial_balance == first.trial_balance
    assert second.income_statement == first.income_statement
    assert second.revaluation == first.revaluation != 0
    assert second.text == first.text
    assert second.verification.ok


def test_an_unknown_locale_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        run_demo("fr_FR")
    assert info.value.field == "locale"
    with pytest.raises(SystemExit):
        main(["demo", "--locale", "fr_FR"])


def test_an_unknown_storage_url_exits_with_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--url", "nosuchdb://x"]) == 1
    assert "nosuchdb" in capsys.readouterr().err


def test_python_dash_m_runs_the_demo(tmp_path: Path) -> None:
    def run() -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([sys.executable, "-m", "backoffice_core", "demo", "--locale",
                               "ru_RU"], capture_output=True, timeout=120, check=False,
                              cwd=tmp_path, env={"PYTHONIOENCODING": "utf-8", "PATH": ""})
    done = run()
    assert done.returncode == 0, done.stderr.decode()
    assert "ООО «Северный ветер»" in done.stdout.decode("utf-8")
    again = run()  # the SQLite file keeps the books: a re-run posts nothing new
    assert again.returncode == 0, again.stderr.decode()
    assert again.stdout == done.stdout


def test_replaying_the_demo_reversal_with_its_key_returns_the_first() -> None:
    bo = bc.Backoffice.open("memory://")
    bo.ledger.setup("X", currency="USD", chart="generic")
    e = bo.ledger.post(bc.NewEntry(date(2026, 1, 2), "Typo", [bc.debit("1110", "1.00"),
                                                              bc.credit("4100", "1.00")])).entry
    first = bo.ledger.reverse(e.id, on=date(2026, 1, 3), idempotency_key="rev-1")
    again = bo.ledger.reverse(e.id, on=date(2026, 1, 3), idempotency_key="rev-1")
    assert again.created is False and again.entry.id == first.entry.id
    with pytest.raises(DuplicateError):  # without the key it is a second reversal: refused
        bo.ledger.reverse(e.id, on=date(2026, 1, 3))


def test_the_demo_file_written_by_an_older_version_is_upgraded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """``make demo`` after an upgrade of the library: the demo's own SQLite file, written
    at an older schema revision, is migrated and the demo runs; a file the user names is
    not migrated unasked."""
    from alembic import command
    from alembic.config import Config

    from backoffice_core.adapters.sql.schema import MIGRATIONS

    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    first = capsys.readouterr().out
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", f"sqlite:///{tmp_path / 'backoffice_demo.db'}")
    command.downgrade(cfg, "-1")  # as an older version left it
    capsys.readouterr()
    named = f"sqlite:///{tmp_path / 'backoffice_demo.db'}"
    assert main(["demo", "--url", named]) == 1  # named by the user: refused, says how
    assert "migrate=True" in capsys.readouterr().err
    assert main(["demo"]) == 0  # the default file: upgraded, and a re-run posts nothing new
    assert capsys.readouterr().out == first


@pytest.mark.parametrize("locale", LOCALES)
def test_the_demo_prints_sentences_not_python_values(locale: str) -> None:
    """The idempotent re-post was printed as ``'demo-rent': created=False`` (a repr and a
    Python bool, in every locale); it names the entry and says what happened."""
    result = run_demo(locale)
    for python in ("False", "True", "'demo-", "None"):
        assert python not in result.text, python
    replay = next(line for line in result.text.splitlines() if "demo-rent" in line)
    rent = next(e for e in result.script if e.idempotency_key == "demo-rent")
    assert rent.description in replay and str(result.replay_seq) in replay
    assert result.replay_seq == 3  # capital, equipment, then the rent


def test_the_chart_shows_no_misleading_type_on_a_mixed_heading() -> None:
    """SKR 03's class 2 was typed "Aufwand" (expense) above 2660, an income account, and
    class 1 "Aktiv" above the liabilities 1600 and 1776: a heading over sub-accounts of
    different types shows none."""
    types = {code.strip(): kind for code, _, kind in run_demo("de_DE").chart}
    assert types["2"] == types["1"] == types["3"] == ""
    assert types["2660"] == "Ertrag" and types["1600"] == "Passiv"
    assert types["8"] == "Ertrag" and types["4"] == "Aufwand"  # all alike: shown
    generic = {code.strip(): kind for code, _, kind in run_demo("en_US").chart}
    assert generic["1000"] == generic["1520"] == "asset"
    assert generic["2000"] == "liability" and generic["7000"] == "income"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_heading_names_the_chart_not_its_internal_id(locale: str) -> None:
    result = run_demo(locale)
    p = result.profile
    lines = result.text.splitlines()
    assert lines[0] == f"{p.company} ({p.currency}, {locale})"
    assert p.chart not in result.text  # "de_skr03", "ru_94n", "generic": ids, not names
    assert load_chart(p.chart).name in lines[:5]
    # the two rates of the revaluation say on which days they apply
    rates = next(line for line in lines if f"{p.foreign}/{p.currency}" in line)
    assert format_date(date(2026, 1, 20), locale) in rates
    assert format_date(date(2026, 1, 31), locale) in rates


@pytest.mark.parametrize("locale", LOCALES)
def test_the_average_valuation_is_not_announced_twice(locale: str) -> None:
    """The stock month printed its own caption above the average valuation, whose title
    already says "as if valued by moving average": the same words twice."""
    part = run_demo(locale).inventory
    assert part is not None
    lines = part.text.splitlines()
    title = part.average.render(locale).splitlines()[0]
    assert lines[lines.index(title) - 1] == ""


def test_an_unwritable_demo_file_says_where_and_what_to_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A read-only directory (or anything else that keeps SQLite from opening the file)
    gave only "storage failed (OperationalError: unable to open database file)"."""
    (tmp_path / "backoffice_demo.db").mkdir()  # unopenable as a database, even for root
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert str(tmp_path / "backoffice_demo.db") in captured.err
    assert "--url memory://" in captured.err


@pytest.mark.parametrize("locale", ["de_DE", "ru_RU"])
def test_the_german_and_russian_journals_have_no_english_texts(locale: str) -> None:
    """The revaluation printed in the foreign-currency account's ledger read
    "FX revaluation 2026-01-31 (revaluation USD)" and the reversal of the rent booked
    twice "Reversal of ...", in the German and the Russian books alike."""
    bo = bc.Backoffice.open("memory://", book="demo", clock=bc.FixedClock(
        datetime(2026, 1, 31, tzinfo=UTC)), ids=bc.SequentialIds("je"))
    result = run_demo(locale, backoffice=bo)
    texts = {e.description for e in bo.ledger.entries()}
    memos = {p.memo for e in bo.ledger.entries() for p in e.postings}
    for english in ("FX revaluation", "Reversal of", "revaluation "):
        assert not [t for t in texts | memos if english in t], english
    assert "FX revaluation" not in result.text and "(revaluation" not in result.text
    words = result.profile.texts
    day = format_date(date(2026, 1, 31), locale)
    revaluation = words["revaluation"].format(day=day)
    rows = [x.description for x in result.foreign_statement.lines]
    assert revaluation in rows
    assert words["reversal_of"].format(desc=words["rent_twice"]) in texts
    assert words["reversal_of"].format(desc=revaluation) in texts


def test_a_demo_file_whose_reversal_an_older_version_wrote_in_english_still_runs() -> None:
    """The reversal now carries the book's language under the same idempotency key; a file
    in which an older demo reversed the entry with the English default must not be a
    conflict of that key (posted entries are never rewritten)."""
    script = run_demo("de_DE").script
    p = PROFILES["de_DE"]
    bo = bc.Backoffice.open("memory://", book="demo", clock=bc.FixedClock(
        datetime(2026, 1, 31, tzinfo=UTC)), ids=bc.SequentialIds("je"))
    bo.ledger.setup(p.company, currency=p.currency, chart=p.chart)
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    bo.ledger.set_rate(p.foreign, p.currency, date(2026, 1, 20), p.booking_rate)
    posted = {e.idempotency_key: bo.ledger.post(e).entry for e in script}
    old = bo.ledger.reverse(posted["demo-rent-twice"].id, on=date(2026, 1, 8),
                            idempotency_key="demo-rent-twice-reversal").entry
    result = run_demo("de_DE", backoffice=bo)
    assert result.reversal_seq == old.seq
    assert result.verification.ok and result.balance_sheet.is_balanced
    assert result.net_income == run_demo("de_DE").net_income


@pytest.mark.parametrize("locale", LOCALES)
def test_every_date_printed_is_in_the_locale_form(locale: str) -> None:
    """The receivables aging and the overdue list printed 2026-01-31 where every other
    report of the demo prints the locale's date (Jan 31, 2026; 31.01.2026; 31 янв. 2026 г.);
    the aging's headers were lower case in English and Russian, unlike every other table."""
    result = run_demo(locale)
    assert result.documents is not None
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", result.text)
    day = format_date(date(2026, 1, 31), locale)
    lines = result.documents.text.splitlines()
    aging = result.documents.aging.render(locale).splitlines()
    assert aging[0].endswith(day) and aging[1][0].isupper()
    overdue = next(line for line in lines if "INV-2026-00003 (2)" in line)
    assert day in overdue


@pytest.mark.parametrize("locale", LOCALES)
def test_the_aging_is_reconciled_with_the_receivables_account_of_its_books(
        locale: str) -> None:
    """The balance sheet printed receivables of 0.00 on Jan 31 and the aging of the same
    day 2,549.00 open, for the same company, with nothing to say that the documents are
    kept in books of their own: now the section says so and reconciles its aging with
    its own receivables account."""
    result = run_demo(locale)
    docs = result.documents
    assert docs is not None
    currency = result.profile.currency
    assert docs.receivables == docs.aging.functional_total(currency).amount != 0
    receivables = next(r for r in result.balance_sheet.assets.rows
                       if r.code == result.profile.accounts["receivables"])
    assert receivables.amounts[0] == 0  # the ledger demo's own customer paid in full
    words = _DOCUMENT_TEXTS[locale[:2]]
    lines = docs.text.splitlines()
    assert lines[0] == words["title"]
    control = next(line for line in lines if line.startswith(words["control"].split("{")[0]))
    assert control.endswith(words["agrees"])
    assert format_amount(docs.receivables, currency, locale) in control


def _stopped_once(monkeypatch: pytest.MonkeyPatch, cls: type, name: str, nth: int = 1) -> None:
    """Make the ``nth`` call of ``cls.name`` stop the run (a Ctrl-C, a kill)."""
    original = getattr(cls, name)
    calls: list[int] = []

    def stop(self: object, *args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == nth:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, stop)


@pytest.mark.parametrize("book", [1, 2])  # the ledger demo's book, the documents' book
def test_a_run_stopped_right_after_a_setup_is_completed_by_the_next(
        book: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first run stopped between a book's setup and its fiscal year left books without
    their fiscal year for good (the documents' book: every later run failed)."""
    from backoffice_core.ledger.service import Ledger

    bo = bc.Backoffice.open("memory://", book="demo_en_US", clock=bc.FixedClock(
        datetime(2026, 1, 31, 18, tzinfo=UTC)), ids=bc.SequentialIds("je"))
    _stopped_once(monkeypatch, Ledger, "add_fiscal_year", nth=book)
    with pytest.raises(KeyboardInterrupt):
        run_demo("en_US", backoffice=bo)
    assert run_demo("en_US", backoffice=bo).text == run_demo("en_US").text
    for name in ("demo_en_US", "demo_en_US_docs"):
        assert [y.name for y in bo.with_book(name).ledger.fiscal_years()] == ["FY2026"]


@pytest.mark.parametrize(("cls", "name"), [
    ("inventory", "deliver"), ("inventory", "post_count"), ("documents", "record_payment"),
    ("documents", "credit")])
def test_a_run_stopped_halfway_is_refused_by_the_next_not_misreported(
        cls: str, name: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The stock month and the documents are written step by step (their services take no
    idempotency keys) and were taken as done once their first object existed: after a run
    stopped halfway, the next one printed a stock month without its sale or count, or
    failed with an IndexError's traceback. Now it says what happened and what to do."""
    from backoffice_core.documents.service import Documents
    from backoffice_core.inventory.service import Inventory

    service = {"inventory": Inventory, "documents": Documents}[cls]
    monkeypatch.chdir(tmp_path)
    _stopped_once(monkeypatch, service, name)
    with pytest.raises(KeyboardInterrupt):
        main(["demo"])
    capsys.readouterr()
    assert main(["demo"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "incomplete" in captured.err and "run the demo again" in captured.err
    assert "Traceback" not in captured.err


def test_the_help_lists_what_the_demo_prints(capsys: pytest.CaptureFixture[str]) -> None:
    """``demo --help`` listed the ledger reports only: not the documents, the aging or the
    stock month that make up half of the output."""
    with pytest.raises(SystemExit) as done:
        main(["demo", "--help"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for part in ("trial balance", "balance sheet", "documents", "aging", "stock",
                 "re-run posts nothing new"):
        assert part in text, part


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    """``python -m backoffice_core demo | head`` (or quitting ``less``) ended in a
    BrokenPipeError traceback."""
    env = {"PYTHONIOENCODING": "utf-8", "PATH": "", "PYTHONPATH": str(Path(bc.__file__).parents[1])}
    with subprocess.Popen([sys.executable, "-m", "backoffice_core", "demo", "--url",
                           "memory://"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          cwd=tmp_path, env=env) as run:
        assert run.stdout is not None and run.stderr is not None
        run.stdout.close()  # the reader is gone before the demo prints its first line
        err = run.stderr.read().decode()
        code = run.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert code == 0


@pytest.mark.parametrize(("locale", "unit"), [("en_US", "pc"), ("de_DE", "Stk."),
                                              ("ru_RU", "шт.")])
def test_the_stock_tables_name_the_unit_in_the_locale_language(locale: str, unit: str) -> None:
    """The German and Russian stock tables printed the unit code "pc" (the invoice of the
    same demo says Stk. and шт.); rows keep the code."""
    part = run_demo(locale).inventory
    assert part is not None
    for report in (part.stock, part.fifo, part.average):
        row = report.render(locale).splitlines()[3] + " "  # title, headers, rule, the mug
        assert f" {unit} " in row
        assert unit == "pc" or " pc " not in row
        assert report.to_rows()[0]["unit"] == "pc"
