"""The documents part of the demo company (used by :mod:`backoffice_core.demo`).

In a book of its own next to the ledger demo (so the ledger demo's figures stay
as they are), the company quotes, takes the order, invoices it in two parts,
credits a returned item, receives a partial payment, invoices a foreign
customer in another currency who pays at a later rate, realizing an exchange
difference, and books the early-payment discount of a customer who pays within
ten days. Then it prints the receivables aging and the overdue list.

Everything is deterministic, and a second run on the same store finds the
documents and posts nothing new.

Example:
    >>> from datetime import UTC, datetime
    >>> from decimal import Decimal
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("memory://", clock=bc.FixedClock(datetime(2026, 1, 31,
    ...                         tzinfo=UTC)), ids=bc.SequentialIds("d"))
    >>> r = run_documents_demo(bo, locale="en_US", company="Demo Inc.", chart="generic",
    ...                        currency="USD", vat_percent=Decimal(20), foreign="EUR",
    ...                        booking_rate=Decimal("1.0850"), payment_rate=Decimal("1.1000"))
    >>> r.numbers["invoices"], r.fx_difference
    (('INV-2026-00001', 'INV-2026-00002', 'INV-2026-00003', 'INV-2026-00004'), Decimal('18.00'))
    >>> print(r.text.splitlines()[5])
    Payment PAY-2026-00003: $940.80 on INV-2026-00004 within 10 days, cash discount $19.20 booked
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import attrs

from backoffice_core.documents.aging import AgingReport, OverdueItem
from backoffice_core.documents.lines import line
from backoffice_core.documents.model import DocumentType
from backoffice_core.documents.parties import Party
from backoffice_core.documents.render import render_html
from backoffice_core.documents.taxes import Tax
from backoffice_core.documents.terms import EarlyPaymentDiscount, PaymentTerms
from backoffice_core.errors import IntegrityError, NotFoundError, StorageError
from backoffice_core.formatting import format_date, format_money
from backoffice_core.inventory.demo import INCOMPLETE
from backoffice_core.ledger.periods import FiscalYear
from backoffice_core.money import Money, exactly, minor_digits

__all__ = ["DocumentsDemo", "html_to_text", "run_documents_demo"]

AS_OF = date(2026, 1, 31)

_TEXT = {
    "en": {"rendered": "Invoice {i} as rendered:",
           "title": "Commercial documents, January 2026 (in books of their own, apart from "
                    "the books above)",
           "control": "Receivables account {a} in these books on {d}: {b}; open items in "
                      "the aging: {t}: {verdict}", "agrees": "agrees",
           "differs": "DIFFERENCE",
           "chain": "Quote {q} -> order {o} -> invoices {i}",
           "credit": "Credit note {c} for {i} (one chair returned)",
           "partial": "Payment {p}: {a} on {i} (partial), {left} still open",
           "foreign": "Payment {p}: {a} on {i}, exchange difference {fx}",
           "overdue": "Overdue on {d} (days): {n}", "none": "nothing",
           "chair": "Ergonomic office chair", "assembly": "Assembly and delivery",
           "hours": "Consulting hours", "customer": "Globex Corporation",
           "foreign_customer": "Initech",
           "prompt_customer": "Umbrella Ltd", "desk": "Standing desk",
           "discount": "Payment {p}: {a} on {i} within {days} days, cash discount {d} booked"},
    "de": {"rendered": "Rechnung {i}, gerendert:",
           "title": "Handelsbelege, Januar 2026 (in eigenen Büchern, getrennt von den "
                    "Büchern oben)",
           "control": "Forderungskonto {a} in diesen Büchern am {d}: {b}; offene Posten "
                      "laut Fälligkeitsliste: {t}: {verdict}", "agrees": "stimmt überein",
           "differs": "DIFFERENZ",
           "chain": "Angebot {q} -> Auftrag {o} -> Rechnungen {i}",
           "credit": "Gutschrift {c} zu {i} (ein Stuhl zurück)",
           "partial": "Zahlung {p}: {a} auf {i} (teilweise), offen {left}",
           "foreign": "Zahlung {p}: {a} auf {i}, Kursdifferenz {fx}",
           "overdue": "Überfällig am {d} (Tage): {n}", "none": "nichts",
           "chair": "Ergonomischer Bürostuhl", "assembly": "Montage und Lieferung",
           "hours": "Beratungsstunden", "customer": "Globex GmbH",
           "foreign_customer": "Initech Inc.",
           "prompt_customer": "Umbrella AG", "desk": "Steh-Schreibtisch",
           "discount": "Zahlung {p}: {a} auf {i} binnen {days} Tagen, Skonto {d} gebucht"},
    "ru": {"rendered": "Счёт {i} в печатной форме:",
           "title": "Первичные документы, январь 2026 (в отдельных книгах, не в книгах "
                    "выше)",
           "control": "Счёт расчётов с покупателями {a} в этих книгах на {d}: {b}; "
                      "открытые позиции по срокам: {t}: {verdict}", "agrees": "сходится",
           "differs": "РАСХОЖДЕНИЕ",
           "chain": "Предложение {q} -> заказ {o} -> счета {i}",
           "credit": "Корректировочный счет {c} к {i} (возврат одного кресла)",
           "partial": "Оплата {p}: {a} по {i} (частичная), остаток {left}",
           "foreign": "Оплата {p}: {a} по {i}, курсовая разница {fx}",
           "overdue": "Просрочено на {d} (дней): {n}", "none": "нет",
           "chair": "Офисное кресло", "assembly": "Сборка и доставка",
           "hours": "Консультации, часы", "customer": "ООО «Глобекс»",
           "foreign_customer": "Initech Inc.",
           "prompt_customer": "АО «Амбрелла»", "desk": "Стол с регулировкой высоты",
           "discount": "Оплата {p}: {a} по {i} в течение {days} дн., "
                       "скидка за досрочную оплату {d}"},
}


@attrs.frozen(slots=True)
class DocumentsDemo:
    """What the documents demo built and printed.

    Attributes:
        book: the id of the documents demo's book.
        numbers: the document and payment numbers, by kind.
        aging: the receivables aging as of 2026-01-31.
        overdue: the overdue documents on that day.
        fx_difference: the realized exchange difference (positive: gain), functional.
        text: the printed section.
        invoice_html: the first invoice rendered to HTML for the demo's locale (its
            text is printed at the end of ``text``).
        receivables: the receivables control account's balance in these books on
            2026-01-31 (functional), which the aging's open items make up.

    Example:
        >>> DocumentsDemo.__attrs_attrs__.fx_difference.type
        'Decimal'
    """

    book: str
    numbers: dict[str, tuple[str, ...]]
    aging: AgingReport
    overdue: tuple[OverdueItem, ...]
    fx_difference: Decimal
    text: str
    invoice_html: str = ""
    receivables: Decimal | None = None


def _setup(bo: Any, company: str, chart: str, currency: str, foreign: str,
           booking_rate: Decimal, payment_rate: Decimal) -> bool:
    """Set the book up; True when it was new (the scenario still has to run)."""
    try:
        bo.documents.settings()  # an adapter without documents raises StorageError here
    except NotFoundError:
        bo.ledger.setup(company, currency=currency, chart=chart)
    if not bo.ledger.fiscal_years():  # each step checked: a run may have stopped halfway
        bo.ledger.add_fiscal_year(FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    bo.ledger.set_rate(foreign, currency, date(2026, 1, 1), booking_rate)
    bo.ledger.set_rate(foreign, currency, date(2026, 1, 25), payment_rate)
    return not bo.documents.parties("C-001")


def _scenario(bo: Any, words: dict[str, str], currency: str, vat: Tax, foreign: str,
              scale: int) -> None:
    docs = bo.documents
    customer = docs.create_party(words["customer"], code="C-001",
                                 payment_terms=PaymentTerms.net(14))
    abroad = docs.create_party(words["foreign_customer"], code="C-002", currency=foreign,
                               payment_terms=PaymentTerms.net(30))
    quote = docs.issue(docs.create(DocumentType.QUOTE, customer.id, date(2026, 1, 5), [
        line(words["chair"], 20, Decimal("150.00") * scale, vat, discount=5,
             item_id="CHAIR-1"),
        line(words["assembly"], 1, Decimal("200.00") * scale, vat)],
        valid_until=date(2026, 2, 5)).id, user="sales")
    order = docs.issue(docs.convert(quote.id, "sales_order", date=date(2026, 1, 6)).id,
                       user="sales")
    first = docs.issue(docs.convert(order.id, "sales_invoice", {"1": 12},
                                    date=date(2026, 1, 8)).id, user="billing")
    export = docs.issue(docs.create_invoice(abroad.id, date(2026, 1, 10), [
        line(words["hours"], 10, "120.00", Tax.reverse_charge())]).id, user="billing")
    docs.issue(docs.convert(order.id, "sales_invoice", date=date(2026, 1, 15)).id,
               user="billing")
    docs.issue(docs.credit(first.id, {"1": 1}, reason="returned", date=date(2026, 1, 16)).id,
               user="billing")
    half = (docs.get(first.id).open_amount.amount / 2).quantize(Decimal(1))
    docs.record_payment(customer.id, Money(half, currency), date(2026, 1, 20),
                        allocate_to=[first.id], user="treasury")
    docs.record_payment(abroad.id, export.totals.amount_due, date(2026, 1, 26),
                        allocate_to=[export.id], user="treasury")
    # a customer on 2% / 10 days pays early: the discount is booked (VAT corrected)
    prompt = docs.create_party(words["prompt_customer"], code="C-003", payment_terms=(
        PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))))
    cash = docs.issue(docs.create_invoice(prompt.id, date(2026, 1, 19), [
        line(words["desk"], 2, Decimal("400.00") * scale, vat)]).id, user="billing")
    paid_on = date(2026, 1, 27)
    earned = prompt.payment_terms.discount_amount(cash.totals.amount_due, cash.date, paid_on)
    docs.record_payment(prompt.id, cash.totals.amount_due - earned, paid_on,
                        allocate_to=[cash.id], user="treasury")


@exactly  # not in the caller's decimal context
def run_documents_demo(bo: Any, *, locale: str, company: str, chart: str, currency: str,
                       vat_percent: Decimal, foreign: str, booking_rate: Decimal,
                       payment_rate: Decimal, scale: int = 1) -> DocumentsDemo | None:
    """Run the documents demo in the book ``<book>_docs`` of ``bo``'s store.

    Returns ``None`` when the store keeps no documents (an adapter without a
    documents repository).

    Example:
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://", book="x")
        >>> r = run_documents_demo(bo, locale="de_DE", company="X GmbH", chart="generic",
        ...     currency="EUR", vat_percent=Decimal(19), foreign="USD",
        ...     booking_rate=Decimal("0.92"), payment_rate=Decimal("0.95"))
        >>> r.book, r.text.splitlines()[0]
        ('x_docs', 'Handelsbelege, Januar 2026 (in eigenen Büchern, getrennt von den Büchern oben)')
    """
    book = bo.with_book(f"{bo.book}_docs"[:64])
    words = _TEXT.get(locale[:2], _TEXT["en"])
    try:
        fresh = _setup(book, company, chart, currency, foreign, booking_rate, payment_rate)
    except StorageError:
        return None
    if fresh:
        _scenario(book, words, currency, Tax.standard(vat_percent), foreign, scale)
    return _report(book, words, locale, currency)


def _complete(docs: Any) -> bool:
    """Whether the scenario ran to its end: the foreign customer paid (where the demo of
    older versions ended) and, if the prompt customer is there, it paid too."""
    abroad = docs.parties("C-002")
    export = docs.find(type="sales_invoice", party_id=abroad[0].id) if abroad else []
    if not export or not any(a.credit_id for a in docs.allocations(export[0].id)):
        return False
    prompt = docs.parties("C-003")
    cash = docs.find(type="sales_invoice", party_id=prompt[0].id) if prompt else []
    return not prompt or bool(cash) and any(a.credit_id for a in docs.allocations(cash[0].id))


def _report(bo: Any, words: dict[str, str], locale: str, currency: str) -> DocumentsDemo:
    docs = bo.documents
    if not _complete(docs):
        raise IntegrityError(INCOMPLETE, field="book", value=bo.book)

    def numbers(kind: str) -> tuple[str, ...]:
        return tuple(sorted(d.number for d in docs.find(type=kind) if d.number))

    invoices = numbers("sales_invoice")
    payments = tuple(p.number for p in docs.payments())
    found = {"quotes": numbers("quote"), "orders": numbers("sales_order"),
             "invoices": invoices, "credit_notes": numbers("credit_note"),
             "payments": payments}
    first = docs.by_number("sales_invoice", invoices[0])
    abroad = docs.party_by_code("C-002")
    export = docs.find(type="sales_invoice", party_id=abroad.id)[0]
    customer = docs.party_by_code("C-001")
    own = tuple(sorted(d.number for d in docs.find(type="sales_invoice", party_id=customer.id)
                       if d.number))
    partial = docs.payment(docs.allocations(first.id)[-1].credit_id or "")
    foreign_pay = docs.payment(next(a.credit_id for a in docs.allocations(export.id)
                                    if a.credit_id))
    fx = -sum((a.fx_difference.amount for a in docs.allocations(export.id)), Decimal(0))
    aging = docs.aging(AS_OF)
    overdue = tuple(docs.overdue(AS_OF))
    control = bo.ledger.settings().roles["receivables"]
    digits = minor_digits(currency)
    receivables = Decimal(sum(b.functional for b in bo.ledger.balances(as_of=AS_OF)
                              if b.key.account == control)).scaleb(-digits)
    open_items = aging.functional_total(currency).amount

    def money(m: Money) -> str:
        return format_money(m, locale)

    lines = [
        words["title"],
        words["chain"].format(q=found["quotes"][0], o=found["orders"][0], i=", ".join(own)),
        words["credit"].format(c=found["credit_notes"][0], i=invoices[0]),
        words["partial"].format(p=partial.number, a=money(partial.amount), i=invoices[0],
                                left=money(first.open_amount or Money(0, currency))),
        words["foreign"].format(p=foreign_pay.number, a=money(foreign_pay.amount),
                                i=export.number, fx=money(Money(fx, currency))),
        *_discount_line(docs, words, money),
        "",
        aging.render(locale),
        words["overdue"].format(d=format_date(AS_OF, locale), n=", ".join(
            f"{o.number} ({o.days_overdue})" for o in overdue) or words["none"]),
        words["control"].format(a=control, d=format_date(AS_OF, locale),
                                b=money(Money(receivables, currency)),
                                t=money(Money(open_items, currency)),
                                verdict=words["agrees" if receivables == open_items
                                              else "differs"]),
    ]
    # our own company as the seller: the configured one, else the book's name
    seller = docs.settings().company or Party(id="company", legal_name=bo.ledger.settings().name)
    html = render_html(first, locale=locale, seller=seller, buyer=docs.party(first.party_id))
    lines += ["", words["rendered"].format(i=first.number), html_to_text(html)]
    return DocumentsDemo(bo.book, found, aging, overdue, fx, "\n".join(lines) + "\n", html,
                         receivables)


def _discount_line(docs: Any, words: dict[str, str], money: Any) -> list[str]:
    """The early payment's line (none for a book made before the demo had one)."""
    prompt = docs.parties("C-003")
    if not prompt:
        return []
    cash = docs.find(type="sales_invoice", party_id=prompt[0].id)[0]
    allocations = docs.allocations(cash.id)
    discount = next((a for a in allocations if a.is_cash_discount), None)
    paid = next((a for a in allocations if a.credit_id), None)
    if discount is None or paid is None:
        return []
    payment = docs.payment(paid.credit_id)
    days = prompt[0].payment_terms.discount.days
    return [words["discount"].format(p=payment.number, a=money(payment.amount), i=cash.number,
                                     days=days, d=money(discount.amount))]


class _TextOf(HTMLParser):
    """Collects the visible text of an HTML page, one line per block element."""

    _BLOCKS = frozenset({"p", "div", "tr", "h1", "h2", "h3", "li", "br", "table", "section"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("style", "script", "head"):
            self._skip += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("  ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(" " + " ".join(data.split()))


def html_to_text(html: str) -> str:
    """The visible text of a rendered document, for a terminal.

    Example:
        >>> print(html_to_text("<p>Invoice</p><p>1.00</p>"))
        Invoice
        1.00
    """
    parser = _TextOf()
    parser.feed(html)
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)
