"""The demo company's stock month: the inventory part of ``python -m backoffice_core demo``.

In February 2026, after the ledger's January, the demo company keeps a stock
ledger for one product on its own inventory account (the January goods were
booked by hand on the general inventory account, outside any stock ledger):
two purchases at different prices (the first one ordered on a purchase order
and received on a goods receipt, whose issue moves the stock), a sale, a count
that finds two units missing. It then shows the stock on hand, the valuation by FIFO and, for the
same history, by moving average, and the reconciliation of the valuation with
the inventory account. Re-running it on the same store books nothing twice.

Example:
    >>> from backoffice_core.demo import run_demo
    >>> part = run_demo("en_US").inventory
    >>> part.reconciliation.agrees, part.fifo.total, part.average.total
    (True, Decimal('240.00'), Decimal('216.00'))
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

from backoffice_core.app import Backoffice
from backoffice_core.documents import Tax, line
from backoffice_core.errors import IntegrityError, NotFoundError, StorageError
from backoffice_core.formatting import format_amount, format_decimal
from backoffice_core.inventory.moves import MoveKind
from backoffice_core.inventory.reports import Reconciliation, StockReport, ValuationReport
from backoffice_core.money import exactly

__all__ = ["STOCK_MONTH", "StockDemo", "run_stock_month"]

STOCK_MONTH = (date(2026, 2, 1), date(2026, 2, 28))
SKU = "MUG-01"

# the stock ledger's own account and its parent, per chart (SKR 03: a free number next to
# 3980 Bestand Waren, under class 3)
_ACCOUNTS = {"generic": ("1215", "1200"), "ru_94n": ("41.05", "41"), "de_skr03": ("3981", "3")}
_TEXTS = {
    "en": {"title": "Stock ledger, February 2026", "account": "Merchandise (stock ledger)",
           "item": "Coffee mug", "warehouse": "Main warehouse", "bin": "Shelf A1",
           "story": "Bought {q1} at {c1} and {q2} at {c2}; sold {q3}; counted {q5} of {q4}.",
           "verify": "Ledger verification after the stock month",
           "supplier": "Mugs & More Ltd",
           "documents": "The first purchase: purchase order {po}, received on goods receipt "
                        "{gr}."},
    "de": {"title": "Lagerbuchhaltung, Februar 2026",
           "account": "Handelswaren (Lagerbuchhaltung)", "item": "Kaffeebecher",
           "warehouse": "Hauptlager", "bin": "Regal A1",
           "story": "Eingekauft {q1} zu {c1} und {q2} zu {c2}; verkauft {q3}; gezählt "
                    "{q5} von {q4}.",
           "verify": "Prüfung des Hauptbuchs nach dem Lagermonat",
           "supplier": "Becher & Mehr GmbH",
           "documents": "Der erste Einkauf: Bestellung {po}, eingegangen mit Wareneingang "
                        "{gr}."},
    "ru": {"title": "Складской учёт, февраль 2026", "account": "Товары (складской учёт)",
           "item": "Кофейная кружка", "warehouse": "Основной склад", "bin": "Стеллаж A1",
           "story": "Куплено {q1} по {c1} и {q2} по {c2}; продано {q3}; при инвентаризации "
                    "насчитано {q5} из {q4}.",
           "verify": "Проверка главной книги после складского месяца",
           "supplier": "ООО «Кружки и не только»",
           "documents": "Первая закупка: заказ поставщику {po}, поступление по приходной "
                        "накладной {gr}."},
}
_OK = {"en": ("OK", "FAILED"), "de": ("OK", "FEHLER"), "ru": ("ОК", "ОШИБКА")}
#: The demo's books, left incomplete by a run that stopped halfway (a store written step by
#: step: inventory and documents take no idempotency keys), are refused with this.
INCOMPLETE = ("these demo books are incomplete: an earlier run stopped before its end; "
              "delete the demo's file (or use a new store) and run the demo again")


@attrs.frozen(slots=True)
class StockDemo:
    """What the stock month shows.

    Attributes:
        account: the inventory account of the stock ledger.
        stock: stock on hand at the end of February.
        fifo: the valuation (the books' own method, FIFO).
        average: the same history valued by moving average (a what-if).
        reconciliation: the valuation against the inventory account.
        verified: the ledger's verification after the month.
        text: the printed section.
    """

    account: str
    stock: StockReport
    fifo: ValuationReport
    average: ValuationReport
    reconciliation: Reconciliation
    verified: bool
    text: str


def _setup(bo: Backoffice, chart: str, words: dict[str, str]) -> str:
    led, inv = bo.ledger, bo.inventory
    code, parent = _ACCOUNTS.get(chart, ("1215", "1200"))
    try:
        led.account(code)
    except NotFoundError:
        led.open_account(code, words["account"], "asset", parent=parent)
    if led.settings().roles.get("inventory") != code:
        led.set_role("inventory", code)
    have = {loc.code for loc in inv.locations()}  # (a run stopped halfway made some)
    if "WH" not in have:
        inv.create_location("WH", words["warehouse"], kind="warehouse")
    if "WH/A1" not in have:
        inv.create_location("WH/A1", words["bin"], parent="WH")
    inv.create_item(SKU, words["item"], valuation="fifo")
    return code


@exactly  # not in the caller's decimal context
def run_stock_month(bo: Backoffice, *, chart: str, locale: str, scale: int = 1) -> StockDemo:
    """Book the stock month on ``bo`` (once) and report on it for ``locale``.

    ``scale`` multiplies the prices (the Russian demo company counts in RUB x 100).
    """
    words = _TEXTS.get(locale[:2], _TEXTS["en"])
    inv = bo.inventory
    c1, c2 = Decimal("4.00") * scale, Decimal("5.00") * scale
    try:
        inv.item(SKU)
        account = bo.ledger.role("inventory")
    except NotFoundError:
        account = _setup(bo, chart, words)
        if not _ordered_and_received(bo, c1, words):  # a store without documents
            inv.receive(SKU, 100, location="WH/A1", unit_cost=c1, on=date(2026, 2, 2),
                        reference="PO-201")
        inv.receive(SKU, 100, location="WH/A1", unit_cost=c2, on=date(2026, 2, 9),
                    reference="PO-202")
        inv.deliver(SKU, 150, location="WH/A1", on=date(2026, 2, 16), reference="SO-201")
        count = inv.start_count("WH", skus=[SKU], on=date(2026, 2, 27))
        inv.record_count(count.id, SKU, 48, location="WH/A1")
        inv.post_count(count.id)
    if not any(m.kind is MoveKind.ADJUSTMENT for m in inv.moves(SKU)):  # the last step
        raise IntegrityError(INCOMPLETE, field="book", value=bo.book)
    end = STOCK_MONTH[1]
    stock = inv.stock(as_of=end)
    fifo = inv.valuation(as_of=end)
    average = inv.valuation(as_of=end, method="average")
    reconciliation = inv.reconcile(as_of=end)
    verified = bo.ledger.verify().ok
    currency = fifo.currency
    story = words["story"].format(
        q1=format_decimal(100, locale), q2=format_decimal(100, locale),
        q3=format_decimal(150, locale), q4=format_decimal(50, locale),
        q5=format_decimal(48, locale), c1=format_amount(c1, currency, locale),
        c2=format_amount(c2, currency, locale))
    ok, failed = _OK.get(locale[:2], _OK["en"])
    numbers = _documents_of_first_receipt(bo)
    if numbers is not None:
        story += "\n" + words["documents"].format(po=numbers[0], gr=numbers[1])
    text = "\n".join([
        words["title"], story, "", stock.render(locale), "", fifo.render(locale), "",
        average.render(locale), "", reconciliation.render(locale),
        f"{words['verify']}: {ok if verified else failed}", ""])
    return StockDemo(account, stock, fifo, average, reconciliation, verified, text)


def _ordered_and_received(bo: Backoffice, unit_cost: Decimal, words: dict[str, str]) -> bool:
    """The first purchase as a purchase order and its goods receipt (whose issue receives
    the stock); False when the store keeps no documents."""
    docs = bo.documents
    try:
        docs.settings()
    except StorageError:
        return False
    supplier = docs.create_party(words["supplier"], is_customer=False, is_supplier=True)
    day = date(2026, 2, 2)
    order = docs.issue(docs.create("purchase_order", supplier.id, day, [
        line(words["item"], 100, unit_cost, Tax.zero(), item_id=SKU, location="WH/A1")]).id)
    docs.issue(docs.convert(order.id, "goods_receipt", date=day).id)
    return True


def _documents_of_first_receipt(bo: Backoffice) -> tuple[str, str] | None:
    """(purchase order number, goods receipt number) of the first receipt, if on documents."""
    first = bo.inventory.moves(SKU)[0].reference
    try:
        receipt = bo.documents.by_number("goods_receipt", first)
    except (NotFoundError, StorageError):
        return None
    order = next((r.number for r in receipt.references if r.number), None)
    return (order, first) if order else None
