"""The demo company: a month of realistic bookkeeping, then the reports, per locale.

:func:`run_demo` opens a book, loads a chart (the generic chart in USD for
``en_US``, a selection of the German DATEV chart SKR 03 in EUR for ``de_DE``, the
Russian chart of accounts 94n in RUB for ``ru_RU``), adds fiscal year 2026 and
posts January: the owner invests, the company buys equipment and goods, sells on
credit and for cash with VAT, pays its supplier, collects from its customer, pays
rent, salaries and bank fees, receives a foreign-currency payment, revalues it at
month end, reverses a rent payment booked twice by mistake, and re-posts an entry
under the same idempotency key (which writes nothing). It returns the report
values and their text, so tests check numbers without parsing text.

Everything is deterministic: the clock is a ``FixedClock`` and ids come from
``SequentialIds``. Every entry carries an idempotency key, so running the demo
again on a persistent store reports the same book without posting twice.

Example:
    >>> result = run_demo("en_US")
    >>> result.trial_balance.is_balanced, result.balance_sheet.is_balanced
    (True, True)
    >>> result.net_income
    Decimal('2075.00')
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import attrs

from backoffice_core.app import Backoffice
from backoffice_core.documents.demo import DocumentsDemo, run_documents_demo
from backoffice_core.errors import NotFoundError, ValidationError
from backoffice_core.formatting import format_amount_minor, format_date, format_decimal
from backoffice_core.inventory.demo import StockDemo, run_stock_month
from backoffice_core.ledger.accounts import Account
from backoffice_core.ledger.charts import load_chart
from backoffice_core.ledger.entries import EntryKind, JournalEntry, Line, NewEntry, credit, debit
from backoffice_core.ledger.periods import FiscalYear
from backoffice_core.ledger.reports import (
    BalanceSheet,
    GeneralLedger,
    IncomeStatement,
    TrialBalance,
    balance_sheet,
    general_ledger,
    income_statement,
    trial_balance,
)
from backoffice_core.ledger.reports._base import label as _label
from backoffice_core.ledger.reports._base import tree_order
from backoffice_core.ledger.verify import VerificationReport
from backoffice_core.money import Money, RoundingPolicy, exactly, minor_digits
from backoffice_core.ports import FixedClock, SequentialIds
from backoffice_core.tables import text_table

__all__ = ["LOCALES", "DemoProfile", "DemoResult", "run_demo"]

YEAR_START = date(2026, 1, 1)
MONTH_END = date(2026, 1, 31)
MID_MONTH = date(2026, 1, 15)
BOOKING_DAY = date(2026, 1, 20)  # the export is paid in and its rate set


@attrs.frozen(slots=True)
class DemoProfile:
    """What differs between the demo companies: chart, currencies, rates, texts.

    Example:
        >>> PROFILES["ru_RU"].chart, PROFILES["ru_RU"].currency
        ('ru_94n', 'RUB')
    """

    locale: str
    company: str
    chart: str
    currency: str
    scale: int  # multiplies every functional amount of the script
    vat_rate: Decimal
    vat_in_revenue: bool  # Russian practice: revenue gross, VAT debited to 90.03
    foreign: str
    foreign_amount: Decimal
    booking_rate: Decimal
    closing_rate: Decimal
    accounts: dict[str, str]
    texts: dict[str, str]


_GENERIC = {
    "bank": "1120", "cash": "1110", "foreign_bank": "1130", "capital": "3100",
    "equipment": "1510", "accumulated_depreciation": "1520", "depreciation": "6500",
    "inventory": "1210", "vat_input": "1170", "payables": "2110", "receivables": "1140",
    "revenue": "4100", "service_revenue": "4110", "vat_output": "2140", "cogs": "5100",
    "salaries": "6100", "salaries_payable": "2210", "rent": "6200", "bank_fees": "6600",
}
# SKR 03 writes fixed assets down directly (AfA: 4830 to 0420), with no contra account,
# so the depreciation is credited to the equipment account itself.
_SKR03 = {
    "bank": "1200", "cash": "1000", "foreign_bank": "1210", "capital": "0800",
    "equipment": "0420", "accumulated_depreciation": "0420", "depreciation": "4830",
    "inventory": "3980", "vat_input": "1576", "payables": "1600", "receivables": "1400",
    "revenue": "8400", "service_revenue": "8338", "vat_output": "1776", "cogs": "3200",
    "salaries": "4120", "salaries_payable": "1740", "rent": "4210", "bank_fees": "4970",
}
_RU = {
    "bank": "51", "cash": "50.01", "foreign_bank": "52", "capital": "80", "equipment": "01",
    "accumulated_depreciation": "02", "depreciation": "26", "inventory": "41.01",
    "vat_input": "19.03", "payables": "60.01", "receivables": "62.01", "revenue": "90.01",
    "service_revenue": "90.01", "vat_output": "68.02", "vat_sales": "90.03", "cogs": "90.02",
    "salaries": "26", "salaries_payable": "70", "rent": "44", "bank_fees": "91.02",
}
_TEXTS_EN = {
    "capital": "Owner invests share capital", "equipment": "Office equipment bought",
    "rent": "Office rent, January", "rent_twice": "Office rent, January (booked twice)",
    "goods": "Goods bought on credit", "sale": "Sale on credit", "cash_sale": "Cash sale",
    "cogs": "Cost of goods sold", "vat": "VAT on sales", "pay_supplier": "Supplier paid",
    "collect": "Customer payment received", "export": "Export services paid in",
    "salaries": "Salaries for January", "pay_salaries": "Salaries paid",
    "fees": "Bank fees", "depreciation": "Depreciation, January",
    "reversal_of": "Reversal of {desc}", "revaluation": "FX revaluation {day}",
}
_TEXTS_DE = {
    "capital": "Einlage Stammkapital", "equipment": "Kauf Büroausstattung",
    "rent": "Büromiete Januar", "rent_twice": "Büromiete Januar (doppelt gebucht)",
    "goods": "Wareneinkauf auf Ziel", "sale": "Verkauf auf Ziel", "cash_sale": "Barverkauf",
    "cogs": "Wareneinsatz", "vat": "Umsatzsteuer", "pay_supplier": "Zahlung an Lieferanten",
    "collect": "Zahlungseingang Kunde", "export": "Export von Dienstleistungen",
    "salaries": "Gehälter Januar", "pay_salaries": "Auszahlung Gehälter",
    "fees": "Bankgebühren", "depreciation": "Abschreibung Januar",
    "reversal_of": "Storno {desc}", "revaluation": "Fremdwährungsbewertung {day}",
}
_TEXTS_RU = {
    "capital": "Вклад в уставный капитал", "equipment": "Приобретено офисное оборудование",
    "rent": "Аренда офиса за январь", "rent_twice": "Аренда офиса за январь (повторно)",
    "goods": "Поступили товары от поставщика", "sale": "Реализация товаров покупателю",
    "cash_sale": "Продажа за наличные", "cogs": "Списана себестоимость проданных товаров",
    "vat": "Начислен НДС с реализации", "pay_supplier": "Оплата поставщику",
    "collect": "Поступила оплата от покупателя", "export": "Поступила валютная выручка",
    "salaries": "Начислена зарплата за январь", "pay_salaries": "Выплачена зарплата",
    "fees": "Комиссия банка", "depreciation": "Амортизация за январь",
    "reversal_of": "Сторно: {desc}", "revaluation": "Переоценка валютных средств на {day}",
}

PROFILES: dict[str, DemoProfile] = {
    "en_US": DemoProfile("en_US", "Northwind Supplies Inc.", "generic", "USD", 1,
                         Decimal("0.20"), False, "EUR", Decimal("2000.00"),
                         Decimal("1.0850"), Decimal("1.1000"), _GENERIC, _TEXTS_EN),
    "de_DE": DemoProfile("de_DE", "Nordwind Handel GmbH", "de_skr03", "EUR", 1,
                         Decimal("0.19"), False, "USD", Decimal("2000.00"),
                         Decimal("0.9200"), Decimal("0.9500"), _SKR03, _TEXTS_DE),
    "ru_RU": DemoProfile("ru_RU", "ООО «Северный ветер»", "ru_94n", "RUB", 100,
                         Decimal("0.22"), True, "USD", Decimal("2000.00"),
                         Decimal("78.5000"), Decimal("80.0000"), _RU, _TEXTS_RU),
}
LOCALES = tuple(PROFILES)

_DEMO_LABELS = {
    "en": {"chart": "Chart of accounts (accounts in use)", "type": "Type", "verify": "Verification",
           "ok": "OK", "failed": "FAILED", "checked": "entries checked",
           "replay": "Entry {seq} ({desc}) re-posted with idempotency key {key}: "
                     "{outcome} (journal entries: {before} before, {after} after)",
           "nothing_new": "nothing written", "written": "a new entry written",
           "reversal": "Entry {seq} ({desc}) reversed by entry {rev}",
           "rates": "Exchange rate {pair}: {booked} on {booked_on}, {closing} on {closing_on}"},
    "de": {"chart": "Kontenplan (bebuchte Konten)", "type": "Kontoart", "verify": "Prüfung",
           "ok": "OK",
           "failed": "FEHLER", "checked": "geprüfte Buchungen",
           "replay": "Buchung {seq} ({desc}) erneut mit Idempotenzschlüssel {key} gebucht: "
                     "{outcome} (Buchungen: vorher {before}, nachher {after})",
           "nothing_new": "nichts geschrieben", "written": "neue Buchung geschrieben",
           "reversal": "Buchung {seq} ({desc}) storniert durch Buchung {rev}",
           "rates": "Kurs {pair}: {booked} am {booked_on}, {closing} am {closing_on}"},
    "ru": {"chart": "План счетов (используемые счета)", "type": "Тип", "verify": "Проверка",
           "ok": "ОК", "failed": "ОШИБКА", "checked": "проверено записей",
           "replay": "Запись {seq} ({desc}) проведена повторно с ключом идемпотентности "
                     "{key}: {outcome} (записей: до {before}, после {after})",
           "nothing_new": "ничего не записано", "written": "записана новая запись",
           "reversal": "Запись {seq} ({desc}) сторнирована записью {rev}",
           "rates": "Курс {pair}: {booked} на {booked_on}, {closing} на {closing_on}"},
}
_TYPE_NAMES = {
    "en": {"asset": "asset", "liability": "liability", "equity": "equity", "income": "income",
           "expense": "expense"},
    "de": {"asset": "Aktiv", "liability": "Passiv", "equity": "Eigenkapital",
           "income": "Ertrag", "expense": "Aufwand"},
    "ru": {"asset": "актив", "liability": "пассив", "equity": "капитал", "income": "доходы",
           "expense": "расходы"},
}


@attrs.frozen(slots=True)
class DemoResult:
    """What the demo built: the report values, the script it posted, and the text.

    Attributes:
        profile: the demo company's profile.
        script: every entry the script posted, in order (the mistaken one included).
        mistaken_key: idempotency key of the entry that was reversed.
        mistaken_seq, reversal_seq: journal numbers of that entry and of its reversal.
        replay_key: the key re-posted to show idempotency.
        replay_created: ``created`` of that re-post (False: nothing written).
        entries_before_replay, entries_after_replay: journal sizes around the re-post.
        revaluation: the unrealized FX gain (+) or loss (-) booked at month end.
        text: the printed output.
        documents: the commercial documents part (quotes, orders, invoices, a credit
            note, payments, the aging report), or ``None`` on a store without documents.
        inventory: February's stock ledger (two purchases, a sale, a count; stock on hand, the
            valuation by FIFO and by average, and its reconciliation with the ledger).
        replay_seq: journal number of the entry re-posted under its idempotency key.
        chart: the printed chart of accounts, one (indented code, name, type) per row; a
            heading account whose shown sub-accounts are of different types has no type.

    Example:
        >>> r = run_demo("de_DE")
        >>> r.replay_created, r.entries_before_replay == r.entries_after_replay
        (False, True)
    """

    profile: DemoProfile
    trial_balance: TrialBalance
    income_statement: IncomeStatement
    balance_sheet: BalanceSheet
    foreign_statement: GeneralLedger
    verification: VerificationReport
    script: tuple[NewEntry, ...]
    mistaken_key: str
    mistaken_seq: int
    reversal_seq: int
    replay_key: str
    replay_created: bool
    entries_before_replay: int
    entries_after_replay: int
    revaluation: Decimal
    text: str
    documents: DocumentsDemo | None = None
    inventory: StockDemo | None = None
    replay_seq: int = 0
    chart: tuple[tuple[str, str, str], ...] = ()

    @property
    def net_income(self) -> Decimal:
        """Net income of the month (the income statement's main column)."""
        return self.income_statement.net_income[0]


def _money(p: DemoProfile, amount: str) -> Decimal:
    return Decimal(amount) * p.scale


def _script(p: DemoProfile) -> list[NewEntry]:
    """January's entries (functional amounts scaled by the profile), each with a key."""
    a, t = p.accounts, p.texts

    def vat_of(net: Decimal) -> Decimal:
        return RoundingPolicy.HALF_UP.quantize(net * p.vat_rate, minor_digits(p.currency))

    def entry(day: int, key: str, text: str, lines: list[Line], ref: str = "") -> NewEntry:
        return NewEntry(date(2026, 1, day), t[text], lines, reference=ref,
                        idempotency_key=f"demo-{key}")

    def sale(day: int, key: str, text: str, debit_account: str, net: Decimal,
             ref: str) -> list[NewEntry]:
        vat = vat_of(net)
        if p.vat_in_revenue:
            return [entry(day, key, text, [debit(debit_account, net + vat),
                                           credit(a["revenue"], net + vat)], ref),
                    entry(day, f"{key}-vat", "vat", [debit(a["vat_sales"], vat),
                                                     credit(a["vat_output"], vat)], ref)]
        return [entry(day, key, text, [debit(debit_account, net + vat),
                                       credit(a["revenue"], net), credit(a["vat_output"], vat)],
                      ref)]

    goods = _money(p, "10000.00")
    goods_vat = vat_of(goods)
    credit_sale = _money(p, "9000.00")
    cash_sale = _money(p, "2400.00")
    export = RoundingPolicy.HALF_UP.quantize(p.foreign_amount * p.booking_rate,
                                             minor_digits(p.currency))
    rent = _money(p, "2000.00")
    salaries = _money(p, "3000.00")
    out = [
        entry(2, "capital", "capital", [debit(a["bank"], _money(p, "50000.00")),
                                        credit(a["capital"], _money(p, "50000.00"))], "C-1"),
        entry(3, "equipment", "equipment", [debit(a["equipment"], _money(p, "12000.00")),
                                            credit(a["bank"], _money(p, "12000.00"))], "B-101"),
        entry(5, "rent", "rent", [debit(a["rent"], rent), credit(a["bank"], rent)], "R-01"),
        entry(6, "rent-twice", "rent_twice", [debit(a["rent"], rent), credit(a["bank"], rent)],
              "R-01"),
        entry(7, "goods", "goods", [debit(a["inventory"], goods), debit(a["vat_input"], goods_vat),
                                    credit(a["payables"], goods + goods_vat)], "B-102"),
        *sale(12, "sale", "sale", a["receivables"], credit_sale, "INV-1"),
        entry(12, "cogs-1", "cogs", [debit(a["cogs"], _money(p, "5000.00")),
                                     credit(a["inventory"], _money(p, "5000.00"))], "INV-1"),
        *sale(14, "cash-sale", "cash_sale", a["cash"], cash_sale, "INV-2"),
        entry(14, "cogs-2", "cogs", [debit(a["cogs"], _money(p, "1300.00")),
                                     credit(a["inventory"], _money(p, "1300.00"))], "INV-2"),
        entry(16, "pay-supplier", "pay_supplier", [debit(a["payables"], goods + goods_vat),
                                                   credit(a["bank"], goods + goods_vat)], "B-102"),
        entry(19, "collect", "collect",
              [debit(a["bank"], credit_sale + vat_of(credit_sale)),
               credit(a["receivables"], credit_sale + vat_of(credit_sale))], "INV-1"),
        entry(20, "export", "export", [Line(a["foreign_bank"], Money(p.foreign_amount,
                                                                     p.foreign)),
                                       credit(a["service_revenue"], export)], "INV-3"),
        entry(26, "salaries", "salaries", [debit(a["salaries"], salaries),
                                           credit(a["salaries_payable"], salaries)], "P-01"),
        entry(28, "pay-salaries", "pay_salaries", [debit(a["salaries_payable"], salaries),
                                                   credit(a["bank"], salaries)], "P-01"),
        entry(29, "fees", "fees", [debit(a["bank_fees"], _money(p, "25.00")),
                                   credit(a["bank"], _money(p, "25.00"))], "BS-01"),
        entry(31, "depreciation", "depreciation",
              [debit(a["depreciation"], _money(p, "200.00")),
               credit(a["accumulated_depreciation"], _money(p, "200.00"))], "D-01"),
    ]
    return out


def _open(profile: DemoProfile, url: str, migrate: bool) -> Backoffice:
    extra = {"migrate": True} if migrate else {}  # (only SQL stores take the option)
    return Backoffice.open(url, book=f"demo_{profile.locale}",
                           clock=FixedClock(datetime(2026, 1, 31, 18, tzinfo=UTC)),
                           ids=SequentialIds("je"), **extra)


@exactly  # the demo's own figures too: not in the caller's decimal context
def run_demo(locale: str = "en_US", url: str = "memory://", *,
             backoffice: Backoffice | None = None, migrate: bool = False) -> DemoResult:
    """Build the demo company for ``locale`` on the store at ``url`` and report on it.

    ``backoffice`` uses an already opened book instead (tests run the demo
    twice on one store to show that a re-run posts nothing new). ``migrate``
    upgrades an SQL store written by an older version first (the command line
    does so for the demo's own file).

    Raises:
        ValidationError: for a locale without a demo profile.

    Example:
        >>> r = run_demo("ru_RU")
        >>> r.verification.ok, r.trial_balance.functional_currency
        (True, 'RUB')
    """
    profile = PROFILES.get(locale)
    if profile is None:
        raise ValidationError(f"no demo for this locale; choose one of {', '.join(LOCALES)}",
                              field="locale", value=locale)
    bo = backoffice if backoffice is not None else _open(profile, url, migrate)
    led = bo.ledger
    try:
        led.settings()
    except NotFoundError:
        led.setup(profile.company, currency=profile.currency, chart=profile.chart)
    if not led.fiscal_years():  # (a first run that stopped right after the setup)
        led.add_fiscal_year(FiscalYear.monthly("FY2026", YEAR_START))
    led.set_rate(profile.foreign, profile.currency, BOOKING_DAY, profile.booking_rate)
    script = _script(profile)
    posted: dict[str | None, JournalEntry] = {}
    for e in script:
        posted[e.idempotency_key] = led.post(e).entry
    mistaken_key = "demo-rent-twice"
    mistaken = posted[mistaken_key]
    texts = profile.texts
    if not any(e.kind is EntryKind.REVERSAL and e.related == mistaken.id
               for e in led.entries()):  # (a file of an older demo: reversed in English)
        led.reverse(mistaken.id, on=date(2026, 1, 8), idempotency_key="demo-rent-twice-reversal",
                    description=texts["reversal_of"].format(desc=mistaken.description))
    led.set_rate(profile.foreign, profile.currency, MONTH_END, profile.closing_rate)
    revaluation_text = texts["revaluation"].format(day=format_date(MONTH_END, profile.locale))
    led.revalue(MONTH_END, reverse_on=MONTH_END + timedelta(days=1),  # None on a re-run
                description=revaluation_text,
                reversal_description=texts["reversal_of"].format(desc=revaluation_text))
    # February's stock ledger, booked before the journal is read, so a re-run reads the same
    stock = run_stock_month(bo, chart=profile.chart, locale=profile.locale, scale=profile.scale)
    before = len(led.entries())
    replay_key = "demo-rent"
    replay = led.post(next(e for e in script if e.idempotency_key == replay_key))
    journal = led.entries()
    reversal = next(e for e in journal
                    if e.kind is EntryKind.REVERSAL and e.related == mistaken.id)
    revaluation = sum((Decimal(p.functional).scaleb(-minor_digits(p.currency))
                       for e in journal if e.kind is EntryKind.REVALUATION
                       for p in e.postings if p.account == profile.accounts["foreign_bank"]),
                      Decimal(0))
    tb = trial_balance(led, as_of=MONTH_END)
    ist = income_statement(led, YEAR_START, MONTH_END, compare=[(YEAR_START, MID_MONTH)])
    bs = balance_sheet(led, MONTH_END, compare=[MID_MONTH])
    fx = general_ledger(led, profile.accounts["foreign_bank"], YEAR_START, MONTH_END,
                        currency=profile.foreign)
    used = {p.account for e in journal for p in e.postings}
    result = DemoResult(profile, tb, ist, bs, fx, led.verify(), tuple(script), mistaken_key,
                        mistaken.seq, reversal.seq, replay_key, replay.created, before,
                        len(journal), revaluation, "", replay_seq=replay.entry.seq,
                        chart=_chart_rows(led.accounts(), used, profile.locale))
    docs = run_documents_demo(  # in a book of its own: the ledger figures above stay as they are
        bo, locale=profile.locale, company=profile.company, chart=profile.chart,
        currency=profile.currency, vat_percent=profile.vat_rate * 100, foreign=profile.foreign,
        booking_rate=profile.booking_rate, payment_rate=profile.closing_rate,
        scale=profile.scale)
    text = _render(result) + (f"\n{docs.text}" if docs else "")
    text += f"\n{stock.text}"  # January's reports are as of Jan 31: February leaves them
    return attrs.evolve(result, text=text, documents=docs, inventory=stock)


def _chart_rows(accounts: list[Account], used: set[str],
                locale: str) -> tuple[tuple[str, str, str], ...]:
    """The accounts in ``used`` and their parents, as a tree: (indented code, name, type).

    A heading whose shown sub-accounts differ in type (SKR 03's classes mix assets,
    liabilities and expenses) shows no type rather than one that misleads.
    """
    types = _TYPE_NAMES[locale[:2]]
    by_code = {a.code: a for a in accounts}
    shown: set[str] = set()
    kinds: dict[str, set[str]] = {}  # the types of each shown account and its shown subtree
    for code in used:
        cursor: str | None = code
        while cursor is not None and cursor in by_code:
            shown.add(cursor)
            kinds.setdefault(cursor, set()).add(by_code[code].type.value)
            cursor = by_code[cursor].parent
    return tuple(("  " * level + acc.code, acc.name,
                  types[acc.type.value] if kinds[acc.code] <= {acc.type.value} else "")
                 for acc, level in tree_order(accounts) if acc.code in shown)


def _render(r: DemoResult) -> str:
    p = r.profile
    loc = p.locale
    words = _DEMO_LABELS[loc[:2]]
    headers = [_label("code", loc), _label("account", loc), words["type"]]
    ver = r.verification
    dr, cr = (format_amount_minor(v, p.currency, loc) for v in ver.totals.get(p.currency, (0, 0)))
    lines = [
        f"{p.company} ({p.currency}, {loc})",
        "",
        words["chart"],
        load_chart(p.chart).name,
        text_table(headers, [list(row) for row in r.chart], "lll"),
        "",
        r.trial_balance.render(loc),
        "",
        r.income_statement.render(loc),
        "",
        r.balance_sheet.render(loc),
        "",
        r.foreign_statement.render(loc),
        "",
        words["rates"].format(pair=f"{p.foreign}/{p.currency}",
                              booked=format_decimal(p.booking_rate, loc, digits=4),
                              booked_on=format_date(BOOKING_DAY, loc),
                              closing=format_decimal(p.closing_rate, loc, digits=4),
                              closing_on=format_date(MONTH_END, loc)),
        words["reversal"].format(seq=r.mistaken_seq, desc=p.texts["rent_twice"],
                                 rev=r.reversal_seq),
        words["replay"].format(seq=r.replay_seq, desc=p.texts["rent"], key=r.replay_key,
                               outcome=words["written" if r.replay_created else "nothing_new"],
                               before=r.entries_before_replay, after=r.entries_after_replay),
        f"{words['verify']}: {words['ok'] if ver.ok else words['failed']}; "
        f"{words['checked']}: {ver.entries_checked}; {_label('debit', loc)} {dr} = "
        f"{_label('credit', loc)} {cr}",
    ]
    lines.extend(f"  {problem}" for problem in ver.problems)
    return "\n".join(lines) + "\n"
